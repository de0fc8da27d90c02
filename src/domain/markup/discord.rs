//! Purpose: Discord markdown rendering, the neutralising of `@everyone`, `@here` and role
//! mentions in repeated user text, and the `allowed_mentions` every outgoing message carries.
//!
//! Discord resolves mentions from a message's raw content whatever markdown surrounds them (a
//! mention inside a code span still pings), so text neutralisation is only a second layer: every
//! message the bot sends must carry an explicit [`AllowedMentions`] built from the text it sends.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Markup, TimeStyle, ZWSP, emphasise, is_plain_id, neutralise_broadcast_words};
use crate::domain::platform::Platform;

/// Broadcast words Discord turns into pings of a whole server or channel.
const BROADCAST_WORDS: [&str; 2] = ["everyone", "here"];

/// Discord accepts at most this many user ids in `allowed_mentions.users`.
pub const ALLOWED_MENTIONS_MAX_USERS: usize = 100;

/// Discord markdown.
#[derive(Debug, Clone, Copy, Default)]
pub struct Discord;

impl Markup for Discord {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn bold(&self, markup: &str) -> String {
        emphasise(markup, "**")
    }

    fn italic(&self, markup: &str) -> String {
        emphasise(markup, "*")
    }

    fn code(&self, text: &str) -> String {
        let text = neutralise(text);
        if text.contains('\n') {
            // A code block ends at the first ``` whatever fence opened it: break up any run.
            format!("```\n{}\n```", text.replace("``", &format!("`{ZWSP}`")))
        } else {
            // An inline span may use a longer fence than any backtick run inside it.
            let longest = longest_run(&text, '`');
            let fence = "`".repeat(longest + 1);
            let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
            format!("{fence}{pad}{text}{pad}{fence}")
        }
    }

    fn quote(&self, markup: &str) -> String {
        markup.split('\n').map(|line| format!("> {line}")).collect::<Vec<_>>().join("\n")
    }

    fn bullet(&self, markup: &str) -> String {
        format!("- {}", markup.replace('\n', "\n  "))
    }

    fn mention(&self, user_id: &str) -> String {
        if is_plain_id(user_id) { format!("<@{user_id}>") } else { self.literal(user_id) }
    }

    fn channel(&self, channel_id: &str) -> String {
        if is_plain_id(channel_id) { format!("<#{channel_id}>") } else { self.literal(channel_id) }
    }

    fn link(&self, url: &str, label: &str) -> String {
        // `)` or a space would end the target early; the label is literal text.
        let url = url.replace(' ', "%20").replace('(', "%28").replace(')', "%29");
        let label = self.literal(label);
        if label.is_empty() { url } else { format!("[{label}]({url})") }
    }

    fn time(&self, instant: DateTime<Utc>, style: TimeStyle) -> String {
        let flag = match style {
            TimeStyle::DateTime => 'f',
            TimeStyle::Relative => 'R',
        };
        format!("<t:{}:{flag}>", instant.timestamp())
    }

    fn user_text(&self, text: &str) -> String {
        neutralise(text)
    }

    fn literal(&self, text: &str) -> String {
        // Markdown characters are backslash-escaped (Discord's escape for any punctuation); `<`
        // escaped this way also stops user, channel and role mentions and timestamps.
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            if matches!(c, '\\' | '*' | '_' | '~' | '`' | '|' | '<' | '>' | '[' | ']' | '#') {
                out.push('\\');
            }
            out.push(c);
        }
        neutralise(&out)
    }
}

/// Makes `@everyone`, `@here` and role mentions `<@&id>` inert (a zero-width space after the
/// `@`); user and channel mentions are left for [`AllowedMentions`] to govern.
fn neutralise(text: &str) -> String {
    neutralise_broadcast_words(text, &BROADCAST_WORDS).replace("<@&", &format!("<@{ZWSP}&"))
}

fn longest_run(text: &str, of: char) -> usize {
    let (mut longest, mut current) = (0, 0);
    for c in text.chars() {
        current = if c == of { current + 1 } else { 0 };
        longest = longest.max(current);
    }
    longest
}

/// The user ids a rendered Discord text mentions (`<@id>` and `<@!id>`), in order of first
/// appearance, without repeats: [`super::mentioned_users`], kept to snowflakes, because Discord
/// refuses a message whose `allowed_mentions` lists anything else.
pub fn mentioned_user_ids(text: &str) -> Vec<String> {
    super::mentioned_users(text).into_iter().filter(|id| id.bytes().all(|b| b.is_ascii_digit())).collect()
}

/// The `allowed_mentions` object of an outgoing Discord message: nothing is parsed from the
/// content (`parse: []`, so `@everyone`, `@here` and roles never ping) and only the listed users
/// are pinged.
///
/// Every message the bot sends to Discord must carry one; Discord's default for a message
/// without it pings everything the content names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllowedMentions {
    /// Mention kinds Discord should parse from the content; always empty.
    pub parse: Vec<String>,
    /// User ids allowed to be pinged (at most [`ALLOWED_MENTIONS_MAX_USERS`]).
    pub users: Vec<String>,
}

impl AllowedMentions {
    /// Allows no pings at all.
    pub fn none() -> Self {
        AllowedMentions { parse: Vec::new(), users: Vec::new() }
    }

    /// Allows exactly the users the rendered text mentions (the first
    /// [`ALLOWED_MENTIONS_MAX_USERS`]; Discord rejects longer lists, and a mention beyond them
    /// then shows without a ping rather than failing the message).
    pub fn users_in(text: &str) -> Self {
        let mut users = mentioned_user_ids(text);
        users.truncate(ALLOWED_MENTIONS_MAX_USERS);
        AllowedMentions { parse: Vec::new(), users }
    }
}
