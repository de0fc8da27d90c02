//! Purpose: the words of a command — quoted values, mentions and channels as each platform sends
//! them, standup names, dates and counts — each read strictly with a one-line error.

use chrono::NaiveDate;

use super::CommandError;

/// Quote characters that open a quoted value: straight quotes and the smart quotes Slack and
/// phone keyboards substitute (“…”, „…”).
const OPENING_QUOTES: [char; 4] = ['"', '“', '”', '„'];
/// Quote characters that close one (smart quotes are often mismatched, so either direction).
const CLOSING_QUOTES: [char; 3] = ['"', '”', '“'];

/// Longest standup name, in characters.
pub const MAX_STANDUP_NAME: usize = 40;

/// Splits off the first whitespace-separated word; the rest is trimmed.
pub(super) fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim();
    match text.find(char::is_whitespace) {
        Some(at) => (&text[..at], text[at..].trim()),
        None => (text, ""),
    }
}

/// Splits text into words at unquoted whitespace; quotes group words and are removed
/// (`questions="A?|B?"` is one word `questions=A?|B?`).
pub(super) fn words(text: &str) -> Result<Vec<String>, CommandError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut in_quote = false;
    for c in text.chars() {
        if in_quote {
            if CLOSING_QUOTES.contains(&c) {
                in_quote = false;
            } else {
                current.push(c);
            }
        } else if OPENING_QUOTES.contains(&c) {
            in_quote = true;
            in_word = true;
        } else if c.is_whitespace() {
            if in_word {
                words.push(std::mem::take(&mut current));
                in_word = false;
            }
        } else {
            current.push(c);
            in_word = true;
        }
    }
    if in_quote {
        return Err(CommandError::new("A quote is not closed: put a \" at the end of the quoted value."));
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

/// Reads a user as the platforms send one: Slack `<@U123>` / `<@U123|name>`, Discord `<@123>` /
/// `<@!123>`, or a bare id (`U123`, `123`).
pub(super) fn user_id(word: &str) -> Result<String, CommandError> {
    let inner = word
        .strip_prefix("<@")
        .and_then(|rest| rest.strip_suffix('>'))
        .map(|inner| inner.strip_prefix('!').unwrap_or(inner))
        .map(|inner| inner.split_once('|').map_or(inner, |(id, _)| id));
    if inner.is_some_and(|id| id.starts_with('&')) {
        return Err(CommandError::new(format!(
            "`{word}` is a role; standup members are people: mention each one, like <@U123>."
        )));
    }
    match inner {
        Some(id) if is_id(id) => Ok(id.to_owned()),
        None if is_bare_id(word) => Ok(word.to_owned()),
        _ => Err(CommandError::new(format!(
            "I can't tell who `{word}` is: mention them so the name becomes a link, like <@U123>."
        ))),
    }
}

/// Reads a channel as the platforms send one: Slack `<#C123>` / `<#C123|name>`, Discord
/// `<#123>`, or a bare id (`C123`, `123`).
pub(super) fn channel_id(word: &str) -> Result<String, CommandError> {
    let inner = word
        .strip_prefix("<#")
        .and_then(|rest| rest.strip_suffix('>'))
        .map(|inner| inner.split_once('|').map_or(inner, |(id, _)| id));
    match inner {
        Some(id) if is_id(id) => Ok(id.to_owned()),
        None if is_bare_id(word) => Ok(word.to_owned()),
        _ => Err(CommandError::new(format!(
            "I can't tell which channel `{word}` is: link it, like <#C123> (type # and pick it)."
        ))),
    }
}

/// An id inside mention markup: letters and digits only.
fn is_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A bare id typed without markup: a Discord snowflake (digits) or a Slack id (upper-case letter
/// then upper-case letters and digits). Lower-case words are names, which cannot be resolved here.
fn is_bare_id(word: &str) -> bool {
    let digits = !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit());
    let slack = word.len() >= 2
        && word.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && word.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    word.len() <= 32 && (digits || slack)
}

/// Reads a standup name: 1–40 letters, digits, `-` or `_`.
pub(super) fn standup_name(word: &str) -> Result<String, CommandError> {
    let valid = (1..=MAX_STANDUP_NAME).contains(&word.chars().count())
        && word.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(word.to_owned())
    } else {
        Err(CommandError::new(format!(
            "`{word}` is not a standup name: use 1 to {MAX_STANDUP_NAME} letters, digits, - or _."
        )))
    }
}

/// Reads an ISO date (`2026-03-30`).
pub(super) fn date(word: &str) -> Result<NaiveDate, CommandError> {
    let well_formed = word.len() == 10 && word.as_bytes()[4] == b'-' && word.as_bytes()[7] == b'-';
    well_formed
        .then(|| NaiveDate::parse_from_str(word, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| CommandError::new(format!("`{word}` is not a date: write it as YYYY-MM-DD, like 2026-03-30.")))
}

/// Reads a whole number of days between 1 and `max`.
pub(super) fn days(word: &str, max: u32) -> Result<u32, CommandError> {
    word.parse::<u32>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| {
        CommandError::new(format!("`{word}` is not a number of days: use a whole number from 1 to {max}."))
    })
}

/// Fails when words are left over after a command that takes nothing more.
pub(super) fn nothing_after(command: &str, rest: &str) -> Result<(), CommandError> {
    if rest.is_empty() {
        Ok(())
    } else {
        Err(CommandError::new(format!("`/async {command}` takes nothing after it (got `{rest}`). Try `/async help`.")))
    }
}

/// Splits `a | b | c` into trimmed items, refusing empty ones.
pub(super) fn split_pipes(text: &str, item: &str) -> Result<Vec<String>, CommandError> {
    let items: Vec<String> = text.split('|').map(|s| s.trim().to_owned()).collect();
    if let Some(at) = items.iter().position(String::is_empty) {
        return Err(CommandError::new(format!(
            "{} {} is empty: write something between the | separators.",
            capitalised(item),
            at + 1
        )));
    }
    Ok(items)
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Longest holiday name, in characters.
pub const MAX_HOLIDAY_NAME: usize = 80;

/// Reads a holiday's name: the rest of the line, at most [`MAX_HOLIDAY_NAME`] characters;
/// none when empty.
pub(super) fn holiday_name(text: &str) -> Result<Option<String>, CommandError> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() > MAX_HOLIDAY_NAME {
        return Err(CommandError::new(format!("A holiday's name has at most {MAX_HOLIDAY_NAME} characters.")));
    }
    Ok((!name.is_empty()).then_some(name))
}

/// Reads a calendar feed's URL: `https://…`, or `http://` to a loopback address (a feed served
/// on this machine, as in tests). Anything else could leak a request to where it should not go.
pub(super) fn calendar_url(word: &str) -> Result<String, CommandError> {
    let lower = word.to_ascii_lowercase();
    let allowed = match (lower.strip_prefix("https://"), lower.strip_prefix("http://")) {
        (Some(rest), _) => !host_of(rest).is_empty(),
        (None, Some(rest)) => is_loopback(host_of(rest)),
        (None, None) => false,
    };
    if allowed && !word.chars().any(char::is_control) {
        Ok(word.to_owned())
    } else {
        Err(CommandError::new(format!(
            "`{word}` is not a calendar I can fetch: give an https URL, like https://example.org/holidays.ics."
        )))
    }
}

/// The host of what follows `scheme://`: without user info, port, path, query or fragment.
fn host_of(after_scheme: &str) -> &str {
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    match host_port.strip_prefix('[') {
        Some(ipv6) => ipv6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
