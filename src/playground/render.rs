//! Purpose: message markup (Slack mrkdwn, Discord markdown) to safe HTML for one reader, as the
//! Slack and Discord clients show it: mentions by name, native timestamps (`<!date^…>`,
//! `<t:…>`) in the reader's own zone, bold, italics, code and quotes. Every character that is not
//! markup is HTML-escaped, so nothing a member typed can become HTML.

use std::collections::HashMap;

use chrono::{DateTime, Datelike as _, TimeZone as _, Utc};
use chrono_tz::Tz;

use crate::domain::platform::Platform;

/// Who reads, and the names to show for ids.
pub struct Reader<'a> {
    /// The platform whose markup the text is in.
    pub platform: Platform,
    /// The reader's zone: native timestamps are shown in it.
    pub zone: Tz,
    /// The reader's user id (their own mentions are highlighted).
    pub user: &'a str,
    /// "Now" for relative times (`in 2 hours`, `today`).
    pub now: DateTime<Utc>,
    /// Display names by user id.
    pub names: &'a HashMap<String, String>,
    /// Channel names by channel id.
    pub channels: &'a HashMap<String, String>,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Placeholders for already-rendered pieces while the rest is escaped and formatted (private-use
/// characters, removed from the input first so nobody can forge one).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// The message as HTML for `reader`.
pub fn to_html(text: &str, reader: &Reader<'_>) -> String {
    let text: String = text.chars().filter(|c| *c != OPEN && *c != CLOSE).collect();
    let mut out = String::new();
    // Code blocks first: nothing inside them is markup.
    for (i, part) in text.split("```").enumerate() {
        if i % 2 == 1 {
            out.push_str("<pre>");
            out.push_str(&escape(&decode_entities(part.trim_matches('\n'), reader.platform)));
            out.push_str("</pre>");
            continue;
        }
        let lines: Vec<&str> = part.split('\n').collect();
        let mut quote_open = false;
        for (n, line) in lines.iter().enumerate() {
            let quoted = line.starts_with('>') || line.starts_with("&gt;");
            let body = if quoted {
                let rest = line.strip_prefix('>').or_else(|| line.strip_prefix("&gt;")).unwrap_or(line);
                rest.strip_prefix(' ').unwrap_or(rest)
            } else {
                line
            };
            if quoted && !quote_open {
                out.push_str("<blockquote>");
                quote_open = true;
            } else if !quoted && quote_open {
                out.push_str("</blockquote>");
                quote_open = false;
            } else if n > 0 {
                out.push_str("<br>");
            }
            out.push_str(&inline(body, reader));
        }
        if quote_open {
            out.push_str("</blockquote>");
        }
    }
    out
}

/// One line: tokens and inline code become placeholders, the rest is escaped and formatted.
fn inline(line: &str, reader: &Reader<'_>) -> String {
    let mut pieces: Vec<String> = Vec::new();
    let mut plain = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(['<', '`']) {
        plain.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (closing, is_code) = if rest[at..].starts_with('`') { ('`', true) } else { ('>', false) };
        match after.find(closing) {
            Some(end) if end > 0 => {
                let inner = &after[..end];
                let html = if is_code {
                    format!("<code>{}</code>", escape(&decode_entities(inner, reader.platform)))
                } else {
                    token(inner, reader)
                };
                plain.push(OPEN);
                plain.push_str(&pieces.len().to_string());
                plain.push(CLOSE);
                pieces.push(html);
                rest = &after[end + 1..];
            }
            _ => {
                plain.push_str(&rest[at..=at]);
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    let mut html = escape(&decode_entities(&plain, reader.platform));
    html = match reader.platform {
        Platform::Slack => {
            let bold = wrap_pairs(&html, "*", "strong");
            let italic = wrap_pairs(&bold, "_", "em");
            wrap_pairs(&italic, "~", "s")
        }
        Platform::Discord => {
            let bold = wrap_pairs(&html, "**", "strong");
            let italic = wrap_pairs(&bold, "*", "em");
            let italic = wrap_pairs(&italic, "_", "em");
            wrap_pairs(&italic, "~~", "s")
        }
    };
    // Put the rendered pieces back.
    let mut out = String::with_capacity(html.len());
    let mut chars = html.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == OPEN {
            let rest = &html[i + c.len_utf8()..];
            if let Some(end) = rest.find(CLOSE)
                && let Ok(index) = rest[..end].parse::<usize>()
                && let Some(piece) = pieces.get(index)
            {
                out.push_str(piece);
                let skip = rest[..end].chars().count() + 1;
                for _ in 0..skip {
                    chars.next();
                }
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Slack escapes `&`, `<` and `>` in message text; the characters they stand for.
fn decode_entities(text: &str, platform: Platform) -> String {
    match platform {
        Platform::Slack => text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"),
        Platform::Discord => text.to_owned(),
    }
}

/// Wraps `delim…delim` spans in `<tag>` where they open after a non-word character and close
/// before one, as chat clients do (so `snake_case_name` stays as written).
fn wrap_pairs(html: &str, delim: &str, tag: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut previous: Option<char> = None;
    while let Some(start) = rest.find(delim) {
        let before = rest[..start].chars().last().or(previous);
        let opens = before.is_none_or(|c| !c.is_alphanumeric());
        let after_open = &rest[start + delim.len()..];
        let close = after_open.find(delim).filter(|&end| {
            let inner = &after_open[..end];
            let next = after_open[end + delim.len()..].chars().next();
            !inner.is_empty()
                && !inner.starts_with(' ')
                && !inner.ends_with(' ')
                && next.is_none_or(|c| !c.is_alphanumeric())
        });
        match (opens, close) {
            (true, Some(end)) => {
                out.push_str(&rest[..start]);
                out.push_str(&format!("<{tag}>{}</{tag}>", &after_open[..end]));
                rest = &after_open[end + delim.len()..];
                previous = Some('>');
            }
            _ => {
                out.push_str(&rest[..start + delim.len()]);
                previous = rest[..start + delim.len()].chars().last();
                rest = after_open;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One `<…>` token as HTML: a mention, a channel, a link or a timestamp; anything unknown as text.
fn token(inner: &str, reader: &Reader<'_>) -> String {
    let (target, label) = match inner.split_once('|') {
        Some((target, label)) => (target, Some(label)),
        None => (inner, None),
    };
    if let Some(user) = target.strip_prefix("@!").or_else(|| target.strip_prefix('@')) {
        if let Some(role) = user.strip_prefix('&') {
            return format!("<span class=\"mention\">@{}</span>", escape(role));
        }
        let name = reader.names.get(user).map_or(user, String::as_str);
        let me = if user == reader.user { " me" } else { "" };
        return format!("<span class=\"mention{me}\">@{}</span>", escape(name));
    }
    if let Some(channel) = target.strip_prefix('#') {
        let name = reader.channels.get(channel).map(String::as_str).or(label).unwrap_or(channel);
        return format!("<span class=\"mention\">#{}</span>", escape(name));
    }
    if let Some(date) = target.strip_prefix("!date^") {
        let mut parts = date.splitn(3, '^');
        let seconds = parts.next().and_then(|s| s.parse::<i64>().ok());
        let format = parts.next().unwrap_or("{date_short_pretty} {time}");
        if let Some(instant) = seconds.and_then(|s| Utc.timestamp_opt(s, 0).single()) {
            return time_html(instant, &slack_date(instant, format, reader), reader);
        }
        return escape(label.unwrap_or(inner));
    }
    if let Some(special) = target.strip_prefix('!') {
        // `<!here>`, `<!channel>`, `<!subteam^ID>`: shown as the word they stand for.
        let word = special.split('^').next().unwrap_or(special);
        return format!("<span class=\"mention\">@{}</span>", escape(label.unwrap_or(word)));
    }
    if let Some(stamp) = target.strip_prefix("t:") {
        let (seconds, style) = stamp.split_once(':').unwrap_or((stamp, "f"));
        if let Some(instant) = seconds.parse::<i64>().ok().and_then(|s| Utc.timestamp_opt(s, 0).single()) {
            return time_html(instant, &discord_date(instant, style, reader), reader);
        }
    }
    if target.starts_with("https://") || target.starts_with("http://") {
        let shown = label.unwrap_or(target);
        return format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\" target=\"_blank\">{}</a>",
            escape(target),
            escape(&decode_entities(shown, reader.platform))
        );
    }
    escape(&format!("<{}>", decode_entities(inner, reader.platform)))
}

fn time_html(instant: DateTime<Utc>, shown: &str, reader: &Reader<'_>) -> String {
    format!(
        "<time datetime=\"{}\" title=\"{} ({})\">{}</time>",
        instant.to_rfc3339(),
        instant.with_timezone(&reader.zone).format("%a %-d %b %Y %H:%M"),
        reader.zone.name(),
        escape(shown)
    )
}

/// Slack's `<!date^…^format>` tokens, in the reader's zone.
fn slack_date(instant: DateTime<Utc>, format: &str, reader: &Reader<'_>) -> String {
    let local = instant.with_timezone(&reader.zone);
    let pretty = relative_day(instant, reader).unwrap_or_else(|| local.format("%b %-d").to_string());
    let long_pretty = relative_day(instant, reader).unwrap_or_else(|| local.format("%A, %B %-d").to_string());
    format
        .replace("{date_short_pretty}", &pretty)
        .replace("{date_pretty}", &long_pretty)
        .replace("{date_long_pretty}", &long_pretty)
        .replace("{date_short}", &local.format("%b %-d, %Y").to_string())
        .replace("{date_long}", &local.format("%A, %B %-d, %Y").to_string())
        .replace("{date_num}", &local.format("%Y-%m-%d").to_string())
        .replace("{date}", &local.format("%B %-d, %Y").to_string())
        .replace("{time_secs}", &local.format("%H:%M:%S").to_string())
        .replace("{time}", &local.format("%H:%M").to_string())
        .replace("{ago}", &relative(instant, reader.now))
}

/// Discord's `<t:…:style>`, in the reader's zone.
fn discord_date(instant: DateTime<Utc>, style: &str, reader: &Reader<'_>) -> String {
    let local = instant.with_timezone(&reader.zone);
    match style {
        "t" => local.format("%H:%M").to_string(),
        "T" => local.format("%H:%M:%S").to_string(),
        "d" => local.format("%d/%m/%Y").to_string(),
        "D" => local.format("%-d %B %Y").to_string(),
        "F" => local.format("%A, %-d %B %Y %H:%M").to_string(),
        "R" => relative(instant, reader.now),
        _ => local.format("%-d %B %Y %H:%M").to_string(),
    }
}

/// `today`, `tomorrow` or `yesterday` in the reader's zone, when it is one of them.
fn relative_day(instant: DateTime<Utc>, reader: &Reader<'_>) -> Option<String> {
    let day = instant.with_timezone(&reader.zone).date_naive();
    let today = reader.now.with_timezone(&reader.zone).date_naive();
    let difference = day.num_days_from_ce() - today.num_days_from_ce();
    match difference {
        0 => Some("today".to_owned()),
        1 => Some("tomorrow".to_owned()),
        -1 => Some("yesterday".to_owned()),
        _ => None,
    }
}

/// `in 2 hours`, `3 days ago`, `now`.
pub fn relative(instant: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (instant - now).num_seconds();
    let magnitude = seconds.unsigned_abs();
    let (amount, unit) = match magnitude {
        0..60 => return "now".to_owned(),
        60..3_600 => (magnitude / 60, "minute"),
        3_600..86_400 => (magnitude / 3_600, "hour"),
        _ => (magnitude / 86_400, "day"),
    };
    let plural = if amount == 1 { "" } else { "s" };
    if seconds > 0 { format!("in {amount} {unit}{plural}") } else { format!("{amount} {unit}{plural} ago") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader<'a>(
        names: &'a HashMap<String, String>,
        channels: &'a HashMap<String, String>,
        zone: Tz,
        platform: Platform,
    ) -> Reader<'a> {
        Reader { platform, zone, user: "U_BOB", now: "2026-03-26T12:00:00Z".parse().unwrap(), names, channels }
    }

    #[test]
    fn slack_markup_becomes_names_local_times_and_formatting() {
        let names = HashMap::from([("U_BOB".to_owned(), "bob".to_owned()), ("U_ALICE".to_owned(), "alice".to_owned())]);
        let channels = HashMap::from([("C_TEAM".to_owned(), "team".to_owned())]);
        let at = "2026-03-27T08:30:00Z".parse::<DateTime<Utc>>().unwrap().timestamp();
        let text = format!("*Hi* <@U_ALICE> in <#C_TEAM>: due <!date^{at}^{{date_short_pretty}} {{time}}|x> &lt;b&gt;");
        let berlin = to_html(&text, &reader(&names, &channels, chrono_tz::Europe::Berlin, Platform::Slack));
        assert!(berlin.contains("<strong>Hi</strong>"), "{berlin}");
        assert!(berlin.contains("@alice") && berlin.contains("#team"), "{berlin}");
        assert!(berlin.contains(">tomorrow 09:30</time>"), "{berlin}");
        assert!(berlin.contains("&lt;b&gt;") && !berlin.contains("<b>"), "{berlin}");
        let new_york = to_html(&text, &reader(&names, &channels, chrono_tz::America::New_York, Platform::Slack));
        assert!(new_york.contains(">tomorrow 04:30</time>"), "{new_york}");
    }

    #[test]
    fn discord_timestamps_and_own_mentions() {
        let names = HashMap::from([("U_BOB".to_owned(), "bob".to_owned())]);
        let channels = HashMap::new();
        let html = to_html(
            "**due** <t:1774600200:t> for <@U_BOB>, in <t:1774600200:R>",
            &reader(&names, &channels, chrono_tz::Asia::Kolkata, Platform::Discord),
        );
        assert!(html.contains("<strong>due</strong>"), "{html}");
        assert!(html.contains(">14:00</time>"), "{html}");
        assert!(html.contains("class=\"mention me\">@bob"), "{html}");
        assert!(html.contains(">in 20 hours</time>"), "{html}");
    }

    #[test]
    fn nothing_typed_becomes_html() {
        let names = HashMap::new();
        let channels = HashMap::new();
        let r = reader(&names, &channels, chrono_tz::UTC, Platform::Discord);
        let html = to_html("<script>alert(1)</script> <img src=x onerror=y> \u{E000}0\u{E001}", &r);
        assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
        assert_eq!(to_html("snake_case_name and `*not bold*`", &r), "snake_case_name and <code>*not bold*</code>");
    }
}
