//! What the double remembers of the bot's posts, and the methods that list them:
//! `conversations.history` (top level, newest first), `conversations.replies` (a thread, oldest
//! first) and `conversations.open` (a member's DM). Metadata is listed only with
//! `include_all_metadata`, as Slack does; a message that shares files lists them under `files`. Also the per-workspace post limit for fan-out tests.

use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

/// A message the bot posted, as the double keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    /// The conversation: a channel id, or the DM's `D…` id for a post to a user id.
    pub channel: String,
    pub ts: String,
    /// The thread's parent, for a reply.
    pub thread_ts: Option<String>,
    pub text: String,
    /// The message metadata it was posted with.
    pub metadata: Option<Value>,
    /// Files shared with it (`files.completeUploadExternal`).
    pub files: Vec<PostedFile>,
}

/// A file shared in a message.
#[derive(Debug, Clone, PartialEq)]
pub struct PostedFile {
    pub id: String,
    pub name: String,
    pub title: String,
    /// What was uploaded.
    pub bytes: Vec<u8>,
}

impl PostedFile {
    /// The content as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).expect("a text file")
    }
}

/// A file as Slack lists it in a message or answers it.
pub fn file_json(file: &PostedFile) -> Value {
    json!({"id": file.id, "name": file.name, "title": file.title, "size": file.bytes.len(),
        "mimetype": "application/json", "filetype": "json", "user": BOT_USER, "is_external": false})
}

/// The bot user and bot id the double's `auth.test` names.
pub const BOT_USER: &str = "UBOT";
pub const BOT_ID: &str = "BBOT";

/// The DM conversation of a user id (`U2` → `DU2`); a conversation id stays as it is.
pub fn conversation_of(channel: &str) -> String {
    if channel.starts_with('U') || channel.starts_with('W') { format!("D{channel}") } else { channel.to_owned() }
}

/// A Slack ts as a sortable pair (seconds, sequence).
pub fn ts_key(ts: &str) -> (i64, i64) {
    let (secs, fraction) = ts.split_once('.').unwrap_or((ts, "0"));
    (secs.parse().unwrap_or(0), fraction.parse().unwrap_or(0))
}

/// The metadata parameter as a JSON value (a JSON body sends it as an object, a form as text).
pub fn metadata_param(params: &Map<String, Value>) -> Option<Value> {
    match params.get("metadata")? {
        Value::String(text) => serde_json::from_str(text).ok(),
        Value::Null => None,
        value => Some(value.clone()),
    }
}

/// A message as `conversations.*` list it.
fn listed(posted: &Posted, with_metadata: bool) -> Value {
    let mut message =
        json!({"type": "message", "ts": posted.ts, "text": posted.text, "user": BOT_USER, "bot_id": BOT_ID});
    if let Some(thread) = &posted.thread_ts {
        message["thread_ts"] = json!(thread);
    }
    if let (true, Some(metadata)) = (with_metadata, &posted.metadata) {
        message["metadata"] = metadata.clone();
    }
    if !posted.files.is_empty() {
        message["files"] = posted.files.iter().map(file_json).collect();
        message["upload"] = json!(true);
    }
    message
}

fn flag(params: &Map<String, Value>, name: &str) -> bool {
    matches!(params.get(name), Some(Value::Bool(true)))
        || matches!(params.get(name).and_then(Value::as_str), Some("true" | "1"))
}

fn text(params: &Map<String, Value>, name: &str) -> String {
    params.get(name).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// Whether `ts` lies in the window `oldest`/`latest`/`inclusive` of the call.
fn in_window(ts: &str, params: &Map<String, Value>) -> bool {
    let inclusive = flag(params, "inclusive");
    let key = ts_key(ts);
    let oldest = text(params, "oldest");
    let latest = text(params, "latest");
    let after_oldest = oldest.is_empty() || key > ts_key(&oldest) || (inclusive && key == ts_key(&oldest));
    let before_latest = latest.is_empty() || key < ts_key(&latest) || (inclusive && key == ts_key(&latest));
    after_oldest && before_latest
}

/// One page of `found` (already in answer order), by `limit` and an offset `cursor`.
fn page(found: Vec<&Posted>, params: &Map<String, Value>) -> Value {
    let with_metadata = flag(params, "include_all_metadata");
    let limit = text(params, "limit").parse::<usize>().unwrap_or(100).clamp(1, 999);
    let offset = text(params, "cursor").strip_prefix("offset:").and_then(|o| o.parse().ok()).unwrap_or(0usize);
    let messages: Vec<Value> = found.iter().skip(offset).take(limit).map(|p| listed(p, with_metadata)).collect();
    let has_more = found.len() > offset + limit;
    let next_cursor = if has_more { format!("offset:{}", offset + limit) } else { String::new() };
    json!({"ok": true, "messages": messages, "has_more": has_more, "response_metadata": {"next_cursor": next_cursor}})
}

/// `conversations.history`: top-level messages of the channel, newest first.
pub fn history(posted: &[Posted], params: &Map<String, Value>) -> Value {
    let channel = text(params, "channel");
    let mut found: Vec<&Posted> = posted
        .iter()
        .filter(|p| p.channel == channel && p.thread_ts.as_ref().is_none_or(|t| *t == p.ts) && in_window(&p.ts, params))
        .collect();
    found.sort_by_key(|p| std::cmp::Reverse(ts_key(&p.ts)));
    page(found, params)
}

/// `conversations.replies`: the thread's messages the double knows, oldest first.
pub fn replies(posted: &[Posted], params: &Map<String, Value>) -> Value {
    let (channel, thread) = (text(params, "channel"), text(params, "ts"));
    let mut found: Vec<&Posted> = posted
        .iter()
        .filter(|p| p.channel == channel && (p.ts == thread || p.thread_ts.as_deref() == Some(thread.as_str())))
        .filter(|p| in_window(&p.ts, params))
        .collect();
    found.sort_by_key(|p| ts_key(&p.ts));
    page(found, params)
}

/// `conversations.open` for one user: their DM.
pub fn open(params: &Map<String, Value>) -> Value {
    let users = text(params, "users");
    if users.is_empty() || users.contains(',') {
        return json!({"ok": false, "error": "users_list_not_supplied"});
    }
    json!({"ok": true, "no_op": true, "already_open": true, "channel": {"id": conversation_of(&users)}})
}

/// A token bucket: `rate` posts a second, bursts of `rate`.
#[derive(Debug)]
pub struct PostLimit {
    rate: f64,
    tokens: f64,
    refilled: Instant,
}

impl PostLimit {
    pub fn new(per_second: u32) -> Self {
        let rate = f64::from(per_second.max(1));
        PostLimit { rate, tokens: rate, refilled: Instant::now() }
    }

    /// Takes a token, or says how long until one is there (whole seconds, as `Retry-After`).
    pub fn take(&mut self) -> Result<(), u64> {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.refilled).as_secs_f64() * self.rate).min(self.rate);
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        let wait = Duration::from_secs_f64((1.0 - self.tokens) / self.rate);
        Err(wait.as_secs_f64().ceil().max(1.0) as u64)
    }
}
