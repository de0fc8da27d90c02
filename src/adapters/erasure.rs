//! Purpose: what erasure (`/async forget-me`, `unhurried forget USER_ID`) looks for and what it
//! writes instead, the same on both stores: a member's id, mentions and name become "former
//! member", their words become "(erased)", and JSON copies (inbox events, outbox messages, job
//! payloads, digest snapshots) are rewritten keeping their shape. Each store runs its own SQL
//! (`sqlite/erasure.rs`, `postgres/erasure.rs`) over these rules, so the two erase alike.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::domain::markup::markup_for;
use crate::domain::platform::Platform;

/// What a forgotten member is shown as.
pub const FORMER_MEMBER: &str = "former member";

/// What erased words are replaced with where they were quoted.
const ERASED: &str = "(erased)";

/// Shortest text searched for in other rows (shorter ones would match unrelated text).
pub const MIN_WORDS: usize = 4;

/// Shortest display name searched for in other rows.
const MIN_NAME: usize = 3;

/// Other people's text that may mention or name the member (a question to them, an answer naming
/// them, an error quoting a message): (table, column), scrubbed of the member's id, mentions and
/// name.
pub(crate) const TEXT_COLUMNS: [(&str, &str); 6] = [
    ("decisions", "text"),
    ("open_questions", "text"),
    ("answers", "text"),
    ("inbox", "error"),
    ("outbox", "error"),
    ("jobs", "last_error"),
];

/// A member `unhurried forget` found by platform user id.
#[derive(Debug, Clone)]
pub struct ForgettableMember {
    /// Store id.
    pub id: i64,
    /// `slack` or `discord`.
    pub platform: String,
    /// The platform's id of the workspace.
    pub workspace: String,
}

/// One text to find and what replaces it.
pub(crate) struct Needle {
    /// The text as stored.
    pub(crate) find: String,
    /// [`FORMER_MEMBER`] for who they are, "(erased)" for what they wrote.
    pub(crate) replace: &'static str,
}

impl Needle {
    /// Whether this needle names the member (rather than quoting their words).
    pub(crate) fn names_them(&self) -> bool {
        self.replace == FORMER_MEMBER
    }
}

/// The lanes of messages addressed to `user` alone in the outbox: their DM, and (as a `LIKE`
/// pattern) their private replies in any channel.
pub(crate) fn lanes_to(workspace_id: i64, user: &str) -> [String; 2] {
    [format!("{workspace_id}/dm:{user}"), format!("{workspace_id}/ephemeral:%:{user}")]
}

/// Everything they typed that the store kept: `typed` (answers, questions they asked) and the
/// text of every event they sent (`events`, inbox JSON: messages, commands, form submissions);
/// with each line and each text without its mentions, as they may have been quoted; only texts
/// of at least [`MIN_WORDS`] characters.
pub(crate) fn their_words(
    typed: impl IntoIterator<Item = String>,
    events: impl IntoIterator<Item = String>,
    user: &str,
) -> BTreeSet<String> {
    let mut words: BTreeSet<String> = typed.into_iter().collect();
    for event in events {
        if let Ok(value) = serde_json::from_str::<Value>(&event) {
            collect_their_strings(&value, user, false, &mut words);
        }
    }
    // Each line too (a digest or a brief may quote one line of a longer text), and each without
    // its mentions (a digest shows `<@U1>` as `@name`).
    let lines: Vec<String> = words.iter().flat_map(|w| w.lines().map(str::trim).map(str::to_owned)).collect();
    words.extend(lines);
    let unmentioned: Vec<String> = words.iter().map(|w| without_markup_tokens(w)).collect();
    words.extend(unmentioned);
    words.retain(|w| w.chars().count() >= MIN_WORDS);
    words
}

/// `text` without its `<…>` tokens (mentions, links), spaces collapsed.
fn without_markup_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '<' => depth += 1,
            '>' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The strings of every JSON object that is about `user` (has a field equal to their id):
/// the text they sent, their answers.
fn collect_their_strings(value: &Value, user: &str, theirs: bool, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(fields) => {
            let theirs = theirs || fields.values().any(|v| v.as_str() == Some(user));
            for (key, field) in fields {
                if key == "user" || key == "workspace" || key == "id" || key == "channel" {
                    continue;
                }
                collect_their_strings(field, user, theirs, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_their_strings(item, user, theirs, out)),
        Value::String(text) if theirs && !text.is_empty() => {
            out.insert(text.clone());
        }
        _ => {}
    }
}

/// Every form in which their id, name and words may have been stored: as typed, as the
/// platform's markup renders user text and literal text. Longest first, so a text is replaced
/// before a part of it is.
pub(crate) fn needles(platform: Platform, user: &str, name: &str, words: &BTreeSet<String>) -> Vec<Needle> {
    let markup = markup_for(platform);
    let mut seen = BTreeSet::new();
    let mut needles = Vec::new();
    let mut add = |find: String, replace: &'static str| {
        if !find.is_empty() && seen.insert(find.clone()) {
            needles.push(Needle { find, replace });
        }
    };
    for mention in [format!("<@{user}>"), format!("<@!{user}>"), markup.mention(user)] {
        add(mention, FORMER_MEMBER);
    }
    add(user.to_owned(), FORMER_MEMBER);
    if name.chars().count() >= MIN_NAME && name != FORMER_MEMBER {
        for form in [name.to_owned(), markup.literal(name), format!("@{name}")] {
            add(form, FORMER_MEMBER);
        }
    }
    for text in words {
        for form in [text.clone(), markup.user_text(text), markup.literal(text)] {
            add(form, ERASED);
        }
    }
    needles.sort_by_key(|n| std::cmp::Reverse(n.find.len()));
    needles
}

/// Replaces every needle in `text`.
fn replace_all(text: &str, needles: &[Needle]) -> String {
    let mut out = text.to_owned();
    for needle in needles {
        if out.contains(&needle.find) {
            out = out.replace(&needle.find, needle.replace);
        }
    }
    out
}

/// Replaces needles in every string of a JSON value, and blanks every object about `user` (one
/// with a field equal to their id: their event, a message to them).
fn scrub_value(value: &mut Value, user: Option<&str>, needles: &[Needle]) {
    match value {
        Value::Object(fields) => {
            let about_them = user.is_some_and(|user| fields.values().any(|v| v.as_str() == Some(user)));
            for field in fields.values_mut() {
                if about_them {
                    blank(field);
                } else {
                    scrub_value(field, user, needles);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| scrub_value(item, user, needles)),
        Value::String(text) => *text = replace_all(text, needles),
        _ => {}
    }
}

/// Empties every string in a value, keeping its shape (it still parses as what it was).
fn blank(value: &mut Value) {
    match value {
        Value::String(text) => text.clear(),
        Value::Array(items) => items.iter_mut().for_each(blank),
        Value::Object(fields) => fields.values_mut().for_each(blank),
        _ => {}
    }
}

/// A needle as it appears inside a JSON string.
pub(crate) fn json_escaped(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted[1..quoted.len().saturating_sub(1).max(1)].to_owned()
}

/// A stored JSON text (an event, a message, a payload) with the needles replaced and, if `user`
/// is given, every object about them blanked; a text that is not JSON has its needles replaced.
pub(crate) fn scrubbed_json(text: &str, user: Option<&str>, needles: &[Needle]) -> anyhow::Result<String> {
    Ok(match serde_json::from_str::<Value>(text) {
        Ok(mut value) => {
            scrub_value(&mut value, user, needles);
            serde_json::to_string(&value)?
        }
        Err(_) => replace_all(text, needles),
    })
}

/// A digest snapshot with the entries of their runs (`runs`) anonymised and the needles replaced
/// everywhere else (an edit re-renders the posted digest from it); `None` when nothing changes or
/// it is not JSON.
pub(crate) fn scrubbed_digest(content: &str, runs: &[i64], needles: &[Needle]) -> anyhow::Result<Option<String>> {
    let Ok(mut value) = serde_json::from_str::<Value>(content) else { return Ok(None) };
    let before = value.clone();
    if let Some(entries) = value.get_mut("entries").and_then(Value::as_array_mut) {
        for entry in entries.iter_mut() {
            if entry.get("run_id").and_then(Value::as_i64).is_some_and(|run| runs.contains(&run)) {
                entry["name"] = Value::from(FORMER_MEMBER);
                entry["answers"] = Value::Array(Vec::new());
                entry["blocker"] = Value::Null;
            }
        }
    }
    scrub_value(&mut value, None, needles);
    if value == before {
        return Ok(None);
    }
    Ok(Some(serde_json::to_string(&value)?))
}
