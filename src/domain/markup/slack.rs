//! Purpose: Slack mrkdwn rendering, and the escaping that keeps repeated user text from pinging
//! a channel, a workspace or a user group.
//!
//! Slack has exactly three escapes (`&amp;` `&lt;` `&gt;`). Message text Slack sends us already
//! has user-typed `&<>` escaped, so any raw `<…>` in it is Slack's own markup: user, channel and
//! link tokens are kept, special `<!…>` commands are turned into inert text.

use chrono::{DateTime, Utc};

use super::{Markup, TimeStyle, ZWSP, emphasise, is_plain_id, neutralise_broadcast_words, utc_fallback};
use crate::domain::platform::Platform;

/// Broadcast words Slack honours (`@channel`…) when a message is posted with `link_names`.
const BROADCAST_WORDS: [&str; 4] = ["channel", "here", "everyone", "group"];

/// Slack mrkdwn.
#[derive(Debug, Clone, Copy, Default)]
pub struct Slack;

impl Markup for Slack {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    fn bold(&self, markup: &str) -> String {
        emphasise(markup, "*")
    }

    fn italic(&self, markup: &str) -> String {
        emphasise(markup, "_")
    }

    fn code(&self, text: &str) -> String {
        // Slack cannot escape a backtick inside code; a look-alike keeps the span closed.
        let inner = escape(text).replace('`', "\u{02CB}");
        if inner.contains('\n') { format!("```\n{inner}\n```") } else { format!("`{inner}`") }
    }

    fn quote(&self, markup: &str) -> String {
        markup.split('\n').map(|line| format!(">{line}")).collect::<Vec<_>>().join("\n")
    }

    fn bullet(&self, markup: &str) -> String {
        // mrkdwn has no list syntax; a bullet character with indented continuation lines reads
        // like one.
        format!("• {}", markup.replace('\n', "\n   "))
    }

    fn mention(&self, user_id: &str) -> String {
        if is_plain_id(user_id) { format!("<@{user_id}>") } else { self.literal(user_id) }
    }

    fn channel(&self, channel_id: &str) -> String {
        if is_plain_id(channel_id) { format!("<#{channel_id}>") } else { self.literal(channel_id) }
    }

    fn link(&self, url: &str, label: &str) -> String {
        let url = escape(&encode_url_breakers(url));
        // `|` would end the URL early and `>` the token: the label is escaped like any text.
        let label = self.literal(label);
        if label.is_empty() { format!("<{url}>") } else { format!("<{url}|{label}>") }
    }

    fn time(&self, instant: DateTime<Utc>, style: TimeStyle) -> String {
        let format = match style {
            TimeStyle::DateTime => "{date_short_pretty} {time}",
            TimeStyle::Relative => "{ago}",
        };
        format!("<!date^{}^{format}|{}>", instant.timestamp(), utc_fallback(instant))
    }

    fn user_text(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 8);
        let mut plain = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            plain.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let token = after.find('>').map(|close| &after[..close]).filter(|inner| !inner.contains('<'));
            match token.and_then(render_token) {
                Some(rendered) => {
                    out.push_str(&render_plain(&plain));
                    plain.clear();
                    out.push_str(&rendered);
                    rest = &after[token.map_or(0, str::len) + 1..];
                }
                None => {
                    plain.push('<');
                    rest = after;
                }
            }
        }
        plain.push_str(rest);
        out.push_str(&render_plain(&plain));
        out
    }

    fn literal(&self, text: &str) -> String {
        neutralise_broadcast_words(&escape(text), &BROADCAST_WORDS)
    }
}

/// Escapes `&`, `<`, `>` exactly as Slack documents, for text that is not Slack markup.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text that came from Slack: like [`escape`], but the three entities Slack already
/// wrote are kept, so `&amp;` is not shown to readers as `&amp;amp;`.
fn escape_keeping_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '&' if ["&amp;", "&lt;", "&gt;"].iter().any(|e| text[i..].starts_with(e)) => {
                out.push('&');
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text between markup tokens: escaped, with broadcast words made inert.
fn render_plain(text: &str) -> String {
    neutralise_broadcast_words(&escape_keeping_entities(text), &BROADCAST_WORDS)
}

/// Renders the inside of a `<…>` token from Slack text, or `None` when it is not Slack markup
/// (then its `<` is escaped and the rest read as plain text).
fn render_token(inner: &str) -> Option<String> {
    let (target, label) = match inner.split_once('|') {
        Some((target, label)) => (target, Some(label)),
        None => (inner, None),
    };
    if let Some(command) = target.strip_prefix('!') {
        return Some(render_special(command, label));
    }
    let keep = match target.as_bytes().first()? {
        b'@' | b'#' => is_plain_id(&target[1..]),
        _ => ["http://", "https://", "mailto:"]
            .iter()
            .any(|scheme| target.len() > scheme.len() && starts_with_ignore_case(target, scheme)),
    };
    // Slack shows a link's label as written; broadcast words in it are made inert like any text.
    keep.then(|| match label {
        Some(label) => format!("<{target}|{}>", neutralise_broadcast_words(label, &BROADCAST_WORDS)),
        None => format!("<{target}>"),
    })
}

/// A `<!…>` special command as inert text: broadcasts and user groups keep their name behind a
/// zero-width space, dates show their fallback, anything else is shown escaped.
fn render_special(command: &str, label: Option<&str>) -> String {
    let name = command.split('^').next().unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    if BROADCAST_WORDS.contains(&lower.as_str()) {
        return format!("@{ZWSP}{lower}");
    }
    match (lower.as_str(), label) {
        ("subteam", Some(label)) => {
            let label = label.trim_start_matches('@');
            format!("@{ZWSP}{}", render_plain(label))
        }
        ("subteam", None) => format!("@{ZWSP}team"),
        ("date", Some(fallback)) => render_plain(fallback),
        _ => {
            let label = label.map(|l| format!("|{l}")).unwrap_or_default();
            escape_keeping_entities(&format!("<!{command}{label}>"))
        }
    }
}

/// Percent-encodes the characters that would end a URL inside a `<url|label>` token early.
fn encode_url_breakers(url: &str) -> String {
    url.replace('|', "%7C").replace(' ', "%20").replace('<', "%3C").replace('>', "%3E")
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes().get(..prefix.len()).is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Replaces every user mention (`<@U123>`, or the older `<@U123|label>`) with `@` and the text
/// `name` gives for the id, so a message that repeats someone's words day after day (a digest)
/// names the people in them without notifying them: on Slack any `<@…>` in a post pings.
/// The result is ordinary text; render it with [`Markup::user_text`] like the original.
/// Mentions are read by the one reader, [`super::mentioned_users`].
pub fn name_user_mentions(text: &str, mut name: impl FnMut(&str) -> String) -> String {
    super::replace_user_mentions(text, |id| format!("@{}", name(id)))
}
