//! Purpose: render bot messages once for both platforms — emphasis, mentions, links, times every
//! reader sees in their own zone, user text that can never ping a crowd — and split long messages
//! to stay within platform limits ([`split_for`], the one splitter every message goes through).
//!
//! Features compose text through a [`Markup`] chosen by [`markup_for`]. Arguments of the
//! formatting methods ([`Markup::bold`], [`Markup::quote`], …) are already-rendered markup; text a
//! person wrote goes through [`Markup::user_text`] (or [`Markup::literal`]) first.
//!
//! Discord's real protection against mass mentions is the `allowed_mentions` field of every
//! outgoing message: see [`discord::AllowedMentions`]. The text neutralisation here is a second
//! layer, and the only one on Slack.

pub mod discord;
pub mod slack;
mod split;

use chrono::{DateTime, Utc};

use super::platform::Platform;

pub use split::{SLACK_MAX_BLOCKS, slack_sections, split_for, split_message, split_parts};

/// Slack: most characters of text in one section block.
pub const SLACK_SECTION_LIMIT: usize = 3_000;
/// Slack: most characters of `text` in one message.
pub const SLACK_MESSAGE_LIMIT: usize = 40_000;
/// Discord: most characters of `content` in one message.
pub const DISCORD_MESSAGE_LIMIT: usize = 2_000;

/// How an instant is shown; both forms are localised by the reader's own client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeStyle {
    /// Date and time (`Fri, Mar 27 9:30 AM` in the reader's zone).
    DateTime,
    /// Relative to now (`in 2 hours`, `3 days ago`).
    Relative,
}

/// A platform's message markup. Object-safe so features hold a `&'static dyn Markup`.
pub trait Markup: Send + Sync {
    /// The platform this markup is for.
    fn platform(&self) -> Platform;

    /// Strong emphasis around already-rendered markup.
    fn bold(&self, markup: &str) -> String;

    /// Emphasis around already-rendered markup.
    fn italic(&self, markup: &str) -> String;

    /// Literal text shown as code: inline for one line, a block for several. The text is not
    /// markup; whatever it contains is shown as written and cannot ping anyone.
    fn code(&self, text: &str) -> String;

    /// A block quote of already-rendered markup, every line quoted.
    fn quote(&self, markup: &str) -> String;

    /// One bullet-list item of already-rendered markup.
    fn bullet(&self, markup: &str) -> String;

    /// A mention of the user with this platform id (an id that is not a plain id is shown inert).
    fn mention(&self, user_id: &str) -> String;

    /// A link to the channel with this platform id (an id that is not a plain id is shown inert).
    fn channel(&self, channel_id: &str) -> String;

    /// A link whose visible label is literal text.
    fn link(&self, url: &str, label: &str) -> String;

    /// An instant in the platform's native timestamp markup, so every reader sees their own local
    /// time; the fallback text, where the platform has one, is UTC.
    fn time(&self, instant: DateTime<Utc>, style: TimeStyle) -> String;

    /// Text a person wrote on this platform, made safe to repeat: the platform's own user, channel
    /// and link markup is kept, mass mentions (`@channel`, `@here`, `@everyone`, user groups,
    /// roles) become inert text, and stray markup characters are escaped.
    fn user_text(&self, text: &str) -> String;

    /// Text shown exactly as written, honouring no markup at all (display names, labels, text
    /// that did not arrive as this platform's message markup).
    fn literal(&self, text: &str) -> String;
}

/// The markup for a platform.
pub fn markup_for(platform: Platform) -> &'static dyn Markup {
    match platform {
        Platform::Slack => &slack::Slack,
        Platform::Discord => &discord::Discord,
    }
}

/// A zero-width space: inserted after `@` it keeps the text readable but no longer a mention.
pub(crate) const ZWSP: char = '\u{200B}';

/// Inserts [`ZWSP`] after the `@` of every `@channel`, `@here`, `@everyone` (any case), so the
/// words stay readable but no client or `link_names`/`parse` setting turns them into broadcasts.
pub(crate) fn neutralise_broadcast_words(text: &str, words: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        out.push(c);
        if c == '@'
            && words
                .iter()
                .any(|w| bytes.get(i + 1..i + 1 + w.len()).is_some_and(|b| b.eq_ignore_ascii_case(w.as_bytes())))
        {
            out.push(ZWSP);
        }
    }
    out
}

/// Wraps markup in an emphasis marker, keeping surrounding whitespace outside the markers (both
/// platforms ignore a marker next to a space) and leaving blank text alone.
fn emphasise(markup: &str, marker: &str) -> String {
    let core = markup.trim();
    if core.is_empty() {
        return markup.to_owned();
    }
    let start = markup.len() - markup.trim_start().len();
    let end = start + core.len();
    format!("{}{marker}{core}{marker}{}", &markup[..start], &markup[end..])
}

/// Whether an id is a plain platform id (Slack `U024BE7LH`, Discord snowflake `123…`, or a test
/// double's `U_ALICE`): only such ids are put inside mention markup, so an id can never smuggle
/// markup (`<`, `>`, `|`, `!`, `&`) into a message.
fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The user ids a message mentions, each once, in order of first mention: the one reader of
/// mentions for every feature (nudges, off-hours notices, open questions, briefs, digests).
/// It reads Slack `<@U123>` and `<@U123|name>` and Discord `<@123>` and `<@!123>`, for any plain
/// id (letters, digits, `_`, `-`: see `is_plain_id`); channels, roles (`<@&…>`) and broadcasts
/// are not people.
pub fn mentioned_users(text: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    replace_user_mentions(text, |id| {
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
        String::new()
    });
    ids
}

/// Replaces every user mention that [`mentioned_users`] reads with what `replace` gives for its
/// id, leaving everything else (and anything that only looks like a mention) as written.
pub(crate) fn replace_user_mentions(text: &str, mut replace: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("<@") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let token = after.find('>').map(|close| &after[..close]);
        let id = token
            .map(|inner| inner.strip_prefix('!').unwrap_or(inner))
            .map(|inner| inner.split_once('|').map_or(inner, |(id, _)| id))
            .filter(|id| is_plain_id(id));
        match (token, id) {
            (Some(token), Some(id)) => {
                out.push_str(&replace(id));
                rest = &after[token.len() + 1..];
            }
            _ => {
                out.push_str("<@");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The UTC fallback shown where a platform cannot localise a time (`2026-03-27 09:30 UTC`).
pub fn utc_fallback(instant: DateTime<Utc>) -> String {
    instant.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests;
