//! A local Discord for the adapter tests: the REST routes the bot uses (axum) and a ws://
//! gateway (tokio-tungstenite) speaking HELLO, IDENTIFY, READY, heartbeat ACKs, DISPATCH,
//! RECONNECT and RESUME, both on 127.0.0.1:0. Every REST request is recorded so tests can check
//! it against `tests/shared/specs/discord/openapi.json`. Everything stops when the double is dropped.
//!
//! Message creates honour `nonce` with `enforce_nonce` as Discord does: a second create by the
//! bot with the same nonce within [`NONCE_WINDOW`] answers the first message and creates nothing.
//! A create can be answered 500 after the message was made ([`DiscordDouble::fail_posts_after_creating`]).
#![allow(dead_code, reason = "each Discord test uses a different part of the double")]

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The bot's user id, its application id and the guild it is in unless a test adds more.
pub const BOT: &str = "100";
pub const APP: &str = "200";
pub const GUILD: &str = "300";

/// A guild as the double serves it: its roles (the `@everyone` role has the guild's id) and
/// which of them each member holds.
#[derive(Debug, Clone)]
struct GuildSetup {
    id: String,
    name: String,
    roles: Vec<(String, u64)>,
    member_roles: HashMap<String, Vec<String>>,
}

impl GuildSetup {
    fn new(id: &str, name: &str) -> Self {
        GuildSetup {
            id: id.to_owned(),
            name: name.to_owned(),
            roles: vec![(id.to_owned(), 0)],
            member_roles: HashMap::new(),
        }
    }
}

/// One REST request the bot made.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path after `/api/v10`.
    pub path: String,
    /// The JSON body, or a multipart request's `payload_json`.
    pub body: Value,
    /// A multipart request's files.
    pub files: Vec<FilePart>,
}

/// A file part of a multipart request.
#[derive(Debug, Clone, PartialEq)]
pub struct FilePart {
    /// The form field (`files[0]`).
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl FilePart {
    /// The content as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).expect("a text file")
    }
}

/// A `multipart/form-data` body as Discord reads it: the `payload_json` part (the message) and
/// the file parts; `None` if it is not well formed (no closing boundary, a part without a name,
/// a file without a filename, or no `payload_json`).
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Option<(Value, Vec<FilePart>)> {
    let boundary = content_type.strip_prefix("multipart/form-data")?.split("boundary=").nth(1)?.trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let mut sections = split_bytes(body, &delimiter);
    let _preamble = sections.next()?;
    let (mut payload, mut files, mut closed) = (None, Vec::new(), false);
    for section in sections {
        if section.starts_with(b"--") {
            closed = true;
            break;
        }
        let section = section.strip_prefix(b"\r\n")?;
        let split = section.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&section[..split]).ok()?;
        let content = section[split + 4..].strip_suffix(b"\r\n")?;
        let header = |name: &str| {
            head.lines()
                .find_map(|l| l.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()))
        };
        let disposition = header("content-disposition")?;
        let param = |key: &str| {
            disposition
                .split(';')
                .map(str::trim)
                .find_map(|p| p.strip_prefix(&format!("{key}=")).map(|v| v.trim_matches('"').to_owned()))
        };
        let field = param("name")?;
        if field == "payload_json" {
            payload = Some(serde_json::from_slice(content).ok()?);
        } else {
            files.push(FilePart {
                field,
                filename: param("filename")?,
                content_type: header("content-type").unwrap_or("application/octet-stream").to_owned(),
                bytes: content.to_vec(),
            });
        }
    }
    closed.then_some(())?;
    Some((payload?, files))
}

/// The pieces of `bytes` between occurrences of `delimiter`.
fn split_bytes<'a>(bytes: &'a [u8], delimiter: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.windows(delimiter.len()).position(|w| w == delimiter) {
            Some(at) => {
                rest = Some(&current[at + delimiter.len()..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

enum Command {
    Dispatch(&'static str, Value),
    Reconnect,
}

/// An identified session of a shard: its connection, the shard count, where its events go.
type ShardRoute = (u64, u64, mpsc::UnboundedSender<Command>);

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Recorded>>,
    gateway_log: Mutex<Vec<Value>>,
    closed_dms: Mutex<HashSet<String>>,
    dm_channels: Mutex<HashMap<String, String>>,
    guilds: Mutex<Vec<GuildSetup>>,
    forbid_threads: AtomicBool,
    rate_limited_posts: AtomicU64,
    /// Creates answered 500 after the message was made.
    failing_posts: AtomicU64,
    /// Every message created, oldest first.
    created: Mutex<Vec<Value>>,
    /// Enforced nonces: nonce → (the message, when it was created).
    nonces: Mutex<HashMap<String, (Value, std::time::Instant)>>,
    /// Interaction token → the channel it came from: Discord answers a webhook edit of the
    /// interaction's response with a message in that channel.
    interaction_channels: Mutex<HashMap<String, String>>,
    next_id: AtomicU64,
    seq: AtomicU64,
    gateway_url: Mutex<String>,
    commands: tokio::sync::Mutex<Option<mpsc::UnboundedReceiver<Command>>>,
    /// The identified session of each shard: (connection, shard count, its commands).
    shard_sessions: Mutex<HashMap<u64, ShardRoute>>,
    /// Identified sessions open now, and the most ever open at once, per shard.
    open_sessions: Mutex<HashMap<u64, usize>>,
    most_open_sessions: Mutex<HashMap<u64, usize>>,
    connections: AtomicU64,
    /// `GET /gateway/bot`'s shard count; 0: not answered (404), as a stand-in may do.
    recommended_shards: AtomicU64,
}

/// How long Discord keeps an enforced nonce ("the past few minutes").
pub const NONCE_WINDOW: Duration = Duration::from_secs(5 * 60);

/// The running double.
pub struct DiscordDouble {
    pub rest_url: String,
    shared: Arc<Shared>,
    commands: mpsc::UnboundedSender<Command>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for DiscordDouble {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl DiscordDouble {
    /// Starts REST and gateway servers.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared {
            next_id: AtomicU64::new(10_000),
            guilds: Mutex::new(vec![GuildSetup::new(GUILD, "Team")]),
            ..Shared::default()
        });
        let (commands, receiver) = mpsc::unbounded_channel();
        *shared.commands.lock().await = Some(receiver);

        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        *shared.gateway_url.lock().unwrap() = format!("ws://{}", ws.local_addr().unwrap());
        let gateway_shared = shared.clone();
        let gateway = tokio::spawn(async move {
            while let Ok((stream, _)) = ws.accept().await {
                tokio::spawn(serve_gateway(stream, gateway_shared.clone()));
            }
        });

        let rest = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let rest_url = format!("http://{}", rest.local_addr().unwrap());
        let app = axum::Router::new().fallback(serve_rest).with_state(shared.clone());
        let rest_task = tokio::spawn(async move {
            axum::serve(rest, app).await.unwrap();
        });
        DiscordDouble { rest_url, shared, commands, tasks: vec![gateway, rest_task] }
    }

    /// Makes DMs to `user` fail with 50007.
    pub fn close_dms(&self, user: &str) {
        self.shared.closed_dms.lock().unwrap().insert(user.to_owned());
    }

    /// Adds a guild the bot is in, whose `@everyone` role grants nothing.
    pub fn add_guild(&self, id: &str, name: &str) {
        self.shared.guilds.lock().unwrap().push(GuildSetup::new(id, name));
    }

    /// Creates or changes a role of `guild` (the guild's own id is its `@everyone` role).
    pub fn set_role(&self, guild: &str, role: &str, permissions: u64) {
        self.with_guild(guild, |g| {
            g.roles.retain(|(id, _)| id != role);
            g.roles.push((role.to_owned(), permissions));
        });
    }

    /// Gives `user` the role `role` in `guild`.
    pub fn give_role(&self, guild: &str, user: &str, role: &str) {
        self.with_guild(guild, |g| g.member_roles.entry(user.to_owned()).or_default().push(role.to_owned()));
    }

    fn with_guild(&self, guild: &str, change: impl FnOnce(&mut GuildSetup)) {
        let mut guilds = self.shared.guilds.lock().unwrap();
        change(guilds.iter_mut().find(|g| g.id == guild).expect("add the guild first"));
    }

    /// Makes thread creation fail with 403 / 50013 (missing permissions).
    pub fn forbid_threads(&self) {
        self.shared.forbid_threads.store(true, Ordering::SeqCst);
    }

    /// Answers the next `count` message posts with the documented user-scope 429.
    pub fn rate_limit_posts(&self, count: u64) {
        self.shared.rate_limited_posts.store(count, Ordering::SeqCst);
    }

    /// Answers the next `count` message creates with 500 after making the message.
    pub fn fail_posts_after_creating(&self, count: u64) {
        self.shared.failing_posts.store(count, Ordering::SeqCst);
    }

    /// Every message the bot created (a create Discord de-duplicated by its nonce is not here).
    pub fn created(&self) -> Vec<Value> {
        self.shared.created.lock().unwrap().clone()
    }

    /// Sends a DISPATCH on the current gateway connection.
    pub fn dispatch(&self, event: &'static str, data: Value) {
        if let (Some(token), Some(channel)) = (data["token"].as_str(), data["channel_id"].as_str()) {
            self.shared.interaction_channels.lock().unwrap().insert(token.to_owned(), channel.to_owned());
        }
        self.commands.send(Command::Dispatch(event, data)).unwrap();
    }

    /// Sends a DISPATCH of an event in `data["guild_id"]` on the session of the guild's shard,
    /// `(guild_id >> 22) % shards`, as Discord routes it (sessions of several shards only; one
    /// shard takes [`Self::dispatch`]). `false` while no session of that shard is identified.
    pub fn dispatch_in_guild(&self, event: &'static str, data: Value) -> bool {
        let guild: u64 = data["guild_id"].as_str().and_then(|g| g.parse().ok()).expect("an event with a guild_id");
        let sessions = self.shared.shard_sessions.lock().unwrap();
        let Some(total) = sessions.values().next().map(|(_, total, _)| *total) else { return false };
        match sessions.get(&shard_of(guild, total)) {
            Some((_, _, commands)) => commands.send(Command::Dispatch(event, data)).is_ok(),
            None => false,
        }
    }

    /// The `shard` array of every IDENTIFY, in order.
    pub fn identified_shards(&self) -> Vec<[u64; 2]> {
        self.gateway_log()
            .iter()
            .filter(|f| f["op"] == 2)
            .filter_map(|f| Some([f["d"]["shard"][0].as_u64()?, f["d"]["shard"][1].as_u64()?]))
            .collect()
    }

    /// The shards with an identified session open now.
    pub fn open_shards(&self) -> Vec<u64> {
        let open = self.shared.open_sessions.lock().unwrap();
        let mut shards: Vec<u64> = open.iter().filter(|(_, n)| **n > 0).map(|(s, _)| *s).collect();
        shards.sort_unstable();
        shards
    }

    /// The most identified sessions of `shard` that were ever open at once.
    pub fn most_open_sessions(&self, shard: u64) -> usize {
        self.shared.most_open_sessions.lock().unwrap().get(&shard).copied().unwrap_or(0)
    }

    /// Answers `GET /gateway/bot` with this shard count.
    pub fn recommend_shards(&self, shards: u64) {
        self.shared.recommended_shards.store(shards, Ordering::SeqCst);
    }

    /// Sends op 7 RECONNECT; the client should come back with RESUME.
    pub fn reconnect(&self) {
        self.commands.send(Command::Reconnect).unwrap();
    }

    /// Every REST request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// The requests with this method whose path matches `pred`.
    pub fn matching(&self, method: &str, pred: impl Fn(&str) -> bool) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.method == method && pred(&r.path)).collect()
    }

    /// Every frame the client sent on the gateway.
    pub fn gateway_log(&self) -> Vec<Value> {
        self.shared.gateway_log.lock().unwrap().clone()
    }

    /// How many gateway frames with this op the client sent.
    pub fn ops(&self, op: u64) -> usize {
        self.gateway_log().iter().filter(|f| f["op"] == op).count()
    }

    /// Waits (at most 5 s) until `done` holds.
    pub async fn until(&self, what: &str, done: impl Fn(&Self) -> bool) {
        for _ in 0..500 {
            if done(self) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("timed out waiting for {what}; requests: {:#?}", self.requests());
    }

    fn gateway_url(&self) -> String {
        self.shared.gateway_url.lock().unwrap().clone()
    }
}

/// The shard Discord sends a guild's events on.
pub fn shard_of(guild: u64, shards: u64) -> u64 {
    (guild >> 22) % shards.max(1)
}

/// One identified session of a shard while it is open: registered at IDENTIFY, counted in the
/// open sessions, and removed when the connection ends however it ends.
struct ShardSession {
    shared: Arc<Shared>,
    connection: u64,
    shard: u64,
}

impl Drop for ShardSession {
    fn drop(&mut self) {
        let mut sessions = self.shared.shard_sessions.lock().unwrap();
        if sessions.get(&self.shard).is_some_and(|(connection, _, _)| *connection == self.connection) {
            sessions.remove(&self.shard);
        }
        *self.shared.open_sessions.lock().unwrap().entry(self.shard).or_default() -= 1;
    }
}

fn text(value: Value) -> WsMessage {
    WsMessage::Text(value.to_string().into())
}

async fn serve_gateway(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else { return };
    let (mut tx, mut rx) = ws.split();
    if tx.send(text(json!({"op": 10, "d": {"heartbeat_interval": 45000}, "s": null, "t": null}))).await.is_err() {
        return;
    }
    // One connection at a time serves the test's commands; a reconnecting client's new
    // connection takes them over once the old one has ended. A session that identifies with a
    // shard also takes the events of its shard's guilds (`dispatch_in_guild`).
    let connection = shared.connections.fetch_add(1, Ordering::SeqCst);
    let mut commands = None;
    let (shard_tx, mut shard_rx) = mpsc::unbounded_channel();
    let mut shard_session: Option<ShardSession> = None;
    loop {
        let frame = if shard_session.is_some() && commands.is_none() {
            tokio::select! {
                frame = rx.next() => frame,
                command = shard_rx.recv() => {
                    if let Some(Command::Dispatch(event, data)) = command {
                        let s = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
                        let _ = tx.send(text(json!({"op": 0, "s": s, "t": event, "d": data}))).await;
                    }
                    continue;
                }
            }
        } else if let Some(receiver) = commands.as_mut() {
            tokio::select! {
                frame = rx.next() => frame,
                command = receiver_recv(receiver) => {
                    match command {
                        Some(Command::Dispatch(event, data)) => {
                            let s = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
                            let _ = tx.send(text(json!({"op": 0, "s": s, "t": event, "d": data}))).await;
                        }
                        Some(Command::Reconnect) => {
                            let _ = tx.send(text(json!({"op": 7, "d": null}))).await;
                            // Hand the commands to the next connection.
                            *shared.commands.lock().await = commands.take();
                        }
                        None => return,
                    }
                    continue;
                }
            }
        } else {
            rx.next().await
        };
        let Some(Ok(WsMessage::Text(frame))) = frame else {
            if let Some(receiver) = commands.take() {
                *shared.commands.lock().await = Some(receiver);
            }
            return;
        };
        let Ok(frame) = serde_json::from_str::<Value>(&frame) else { continue };
        shared.gateway_log.lock().unwrap().push(frame.clone());
        let gateway_url = shared.gateway_url.lock().unwrap().clone();
        let reply = match frame["op"].as_u64() {
            Some(1) => Some(json!({"op": 11})),
            Some(2) => {
                let s = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
                let (shard, total) =
                    (frame["d"]["shard"][0].as_u64().unwrap_or(0), frame["d"]["shard"][1].as_u64().unwrap_or(1));
                // With one shard READY names the test's guild, as before; with several, every
                // guild of this shard.
                let guilds: Vec<Value> = if total > 1 {
                    let all = shared.guilds.lock().unwrap();
                    all.iter()
                        .filter(|g| g.id.parse().is_ok_and(|id: u64| shard_of(id, total) == shard))
                        .map(|g| json!({"id": g.id, "unavailable": true}))
                        .collect()
                } else {
                    vec![json!({"id": GUILD, "unavailable": true})]
                };
                if shard_session.is_none() {
                    shared.shard_sessions.lock().unwrap().insert(shard, (connection, total, shard_tx.clone()));
                    let open = {
                        let mut open = shared.open_sessions.lock().unwrap();
                        let count = open.entry(shard).or_default();
                        *count += 1;
                        *count
                    };
                    let mut most = shared.most_open_sessions.lock().unwrap();
                    let most = most.entry(shard).or_default();
                    *most = (*most).max(open);
                    shard_session = Some(ShardSession { shared: shared.clone(), connection, shard });
                }
                Some(json!({"op": 0, "s": s, "t": "READY", "d": {
                    "v": 10,
                    "user": {"id": BOT, "username": "unhurried", "discriminator": "0", "avatar": null, "bot": true},
                    "guilds": guilds,
                    "session_id": format!("session-{connection}"),
                    "resume_gateway_url": gateway_url,
                    "application": {"id": APP, "flags": 1 << 18}
                }}))
            }
            Some(6) => {
                let s = shared.seq.load(Ordering::SeqCst);
                Some(json!({"op": 0, "s": s, "t": "RESUMED", "d": {}}))
            }
            _ => None,
        };
        if let Some(reply) = reply {
            let _ = tx.send(text(reply)).await;
        }
        // A session of several shards takes only its shard's events (`dispatch_in_guild`).
        let sharded = frame["d"]["shard"][1].as_u64().is_some_and(|total| total > 1);
        if commands.is_none() && !sharded && matches!(frame["op"].as_u64(), Some(2 | 6)) {
            commands = shared.commands.lock().await.take();
        }
    }
}

async fn receiver_recv(receiver: &mut mpsc::UnboundedReceiver<Command>) -> Option<Command> {
    receiver.recv().await
}

fn message_json(shared: &Shared, channel: &str, body: &Value) -> Value {
    let id = shared.next_id.fetch_add(1, Ordering::SeqCst).to_string();
    json!({
        "id": id, "channel_id": channel, "content": body["content"].as_str().unwrap_or(""),
        "author": {"id": BOT, "username": "unhurried", "discriminator": "0", "avatar": null, "bot": true},
        "timestamp": "2026-03-30T08:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": false, "type": 0
    })
}

/// Discord's limit on one file without boosts, in bytes.
pub const FILE_LIMIT: usize = 10 * 1024 * 1024;

/// `POST /channels/{channel}/messages`: Discord's length, file and nonce rules, then the message.
/// Files come as `files[n]` parts, each named by the `attachments` entry of id `n`.
fn create_message(shared: &Shared, channel: &str, body: &Value, files: &[FilePart]) -> Response {
    if body["content"].as_str().is_some_and(|c| c.chars().count() > 2000) {
        return error(StatusCode::BAD_REQUEST, 50035, "Invalid Form Body (content: Must be 2000 or fewer in length.)");
    }
    let mut attachments = Vec::new();
    for file in files {
        let Some(n) =
            file.field.strip_prefix("files[").and_then(|f| f.strip_suffix(']')).and_then(|n| n.parse::<u64>().ok())
        else {
            return error(StatusCode::BAD_REQUEST, 50035, "Invalid Form Body (files)");
        };
        let described = body["attachments"].as_array().into_iter().flatten().any(|a| a["id"].as_u64() == Some(n));
        if !described {
            return error(StatusCode::BAD_REQUEST, 50035, "Invalid Form Body (attachments: no entry for a file)");
        }
        if file.bytes.len() > FILE_LIMIT {
            return error(StatusCode::PAYLOAD_TOO_LARGE, 40005, "Request entity too large");
        }
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
        attachments.push(json!({"id": id.to_string(), "filename": file.filename, "size": file.bytes.len(),
            "url": format!("https://cdn.discordapp.com/attachments/{channel}/{id}/{}", file.filename),
            "proxy_url": format!("https://media.discordapp.net/attachments/{channel}/{id}/{}", file.filename),
            "content_type": file.content_type}));
    }
    let nonce = match &body["nonce"] {
        Value::String(text) if text.chars().count() <= 25 => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Null => None,
        _ => return error(StatusCode::BAD_REQUEST, 50035, "Invalid Form Body (nonce)"),
    };
    let enforced = nonce.filter(|_| body["enforce_nonce"] == true);
    let mut nonces = shared.nonces.lock().unwrap();
    nonces.retain(|_, (_, at)| at.elapsed() < NONCE_WINDOW);
    if let Some((first, _)) = enforced.as_ref().and_then(|n| nonces.get(n)) {
        return ok(first.clone());
    }
    let mut message = message_json(shared, channel, body);
    message["attachments"] = Value::Array(attachments);
    if let Some(nonce) = &body.get("nonce").filter(|n| !n.is_null()) {
        message["nonce"] = (*nonce).clone();
    }
    if let Some(nonce) = enforced {
        nonces.insert(nonce, (message.clone(), std::time::Instant::now()));
    }
    shared.created.lock().unwrap().push(message.clone());
    let failing = shared.failing_posts.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    if failing.is_ok() {
        return (StatusCode::INTERNAL_SERVER_ERROR, "upstream connect error").into_response();
    }
    ok(message)
}

fn error(status: StatusCode, code: i64, message: &str) -> Response {
    (status, axum::Json(json!({"code": code, "message": message}))).into_response()
}

/// `tests/shared/fixtures/discord/rest/429_user_scope.http.txt`, headers and body.
fn rate_limited() -> Response {
    let transcript = std::fs::read_to_string(format!(
        "{}/tests/shared/fixtures/discord/rest/429_user_scope.http.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut response = Response::builder().status(StatusCode::TOO_MANY_REQUESTS);
    for line in transcript.lines().skip(1).filter_map(|l| l.strip_prefix("< ")) {
        if let Some((name, value)) = line.split_once(": ") {
            response = response.header(name, value);
        }
    }
    let body = &transcript[transcript.find('{').unwrap()..];
    response.body(axum::body::Body::from(body.to_owned())).unwrap()
}

fn ok(value: Value) -> Response {
    axum::Json(value).into_response()
}

async fn serve_rest(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().strip_prefix("/api/v10").unwrap_or(uri.path()).to_owned();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let multipart = content_type.starts_with("multipart/form-data");
    let (body, files) = if multipart {
        match parse_multipart(content_type, &body) {
            Some(parsed) => parsed,
            None => return error(StatusCode::BAD_REQUEST, 50035, "Invalid Form Body (multipart)"),
        }
    } else {
        (serde_json::from_slice(&body).unwrap_or(Value::Null), Vec::new())
    };
    shared.requests.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path: path.clone(),
        body: body.clone(),
        files: files.clone(),
    });
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({"url": shared.gateway_url.lock().unwrap().clone()})),
        ("GET", ["gateway", "bot"]) if shared.recommended_shards.load(Ordering::SeqCst) > 0 => ok(json!({
            "url": shared.gateway_url.lock().unwrap().clone(),
            "shards": shared.recommended_shards.load(Ordering::SeqCst),
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        })),
        ("GET", ["applications" | "oauth2", "@me"]) | ("GET", ["oauth2", "applications", "@me"]) => ok(json!({
            "id": APP, "name": "unhurried", "icon": null, "description": "", "bot_public": false,
            "bot_require_code_grant": false, "verify_key": "00", "owner": null, "team": null, "flags": 1 << 18
        })),
        ("PUT", ["applications", _, "guilds", _, "commands"]) | ("PUT", ["applications", _, "commands"]) => {
            ok(json!([]))
        }
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("PATCH", ["webhooks", _, token, "messages", "@original"]) | ("POST", ["webhooks", _, token]) => {
            let channel = shared.interaction_channels.lock().unwrap().get(*token).cloned();
            ok(message_json(&shared, channel.as_deref().unwrap_or("400"), &body))
        }
        ("GET", ["users", "@me"]) => {
            ok(json!({"id": BOT, "username": "unhurried", "discriminator": "0", "avatar": null, "bot": true}))
        }
        ("GET", ["users", "@me", "guilds"]) => {
            let guilds = shared.guilds.lock().unwrap();
            ok(guilds
                .iter()
                .map(|g| {
                    json!({"id": g.id, "name": g.name, "icon": null, "banner": null, "owner": false,
                    "permissions": "0", "features": []})
                })
                .collect())
        }
        ("POST", ["users", "@me", "channels"]) => {
            let user = body["recipient_id"].as_str().unwrap_or_default().to_owned();
            let channel = format!("9{user}");
            shared.dm_channels.lock().unwrap().insert(channel.clone(), user.clone());
            ok(json!({"id": channel, "type": 1, "last_message_id": null,
                "recipients": [{"id": user, "username": "member", "discriminator": "0", "avatar": null}]}))
        }
        ("POST", ["channels", channel, "messages"]) => {
            let limited =
                shared.rate_limited_posts.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
            if limited.is_ok() {
                return rate_limited();
            }
            let recipient = shared.dm_channels.lock().unwrap().get(*channel).cloned();
            if recipient.is_some_and(|user| shared.closed_dms.lock().unwrap().contains(&user)) {
                return error(StatusCode::FORBIDDEN, 50007, "Cannot send messages to this user");
            }
            create_message(&shared, channel, &body, &files)
        }
        ("PATCH", ["channels", channel, "messages", _]) => ok(message_json(&shared, channel, &body)),
        ("POST", ["channels", channel, "messages", message, "threads"]) => {
            if shared.forbid_threads.load(Ordering::SeqCst) {
                return error(StatusCode::FORBIDDEN, 50013, "Missing Permissions");
            }
            ok(json!({"id": message, "type": 11, "guild_id": GUILD, "parent_id": channel,
                "name": body["name"], "owner_id": BOT, "position": 0, "nsfw": false,
                "thread_metadata": {"archived": false, "auto_archive_duration": 1440,
                    "archive_timestamp": "2026-03-30T08:00:00.000000+00:00", "locked": false}}))
        }
        ("GET", ["guilds", guild, "members", user]) => {
            let guilds = shared.guilds.lock().unwrap();
            let roles = guilds.iter().find(|g| g.id == *guild).and_then(|g| g.member_roles.get(*user));
            ok(json!({
                "user": {"id": user, "username": format!("user{user}"), "discriminator": "0", "avatar": null},
                "nick": null, "roles": roles.cloned().unwrap_or_default(),
                "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0,
                "avatar": null, "banner": null, "communication_disabled_until": null, "pending": false,
                "premium_since": null
            }))
        }
        ("GET", ["guilds", guild, "roles"]) => {
            let guilds = shared.guilds.lock().unwrap();
            let Some(setup) = guilds.iter().find(|g| g.id == *guild) else {
                return error(StatusCode::NOT_FOUND, 10004, "Unknown Guild");
            };
            ok(setup
                .roles
                .iter()
                .enumerate()
                .map(|(position, (id, permissions))| {
                    json!({
                        "id": id, "name": if id == guild { "@everyone".to_owned() } else { format!("role{id}") },
                        "color": 0, "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
                        "hoist": false, "position": position, "permissions": permissions.to_string(),
                        "managed": false, "mentionable": false, "icon": null, "unicode_emoji": null, "flags": 0
                    })
                })
                .collect())
        }
        _ => error(StatusCode::NOT_FOUND, 0, "404: Not Found"),
    }
}

/// Asserts every recorded request is a route and method of Discord's OpenAPI description.
pub fn assert_documented(requests: &[Recorded]) {
    let spec = format!("{}/tests/shared/specs/discord/openapi.json", env!("CARGO_MANIFEST_DIR"));
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(spec).unwrap()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    for request in requests {
        let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
        let documented = paths.iter().any(|(template, item)| {
            let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
            parts.len() == segments.len()
                && parts.iter().zip(&segments).all(|(p, s)| p.starts_with('{') || p == s)
                && item.get(request.method.to_lowercase()).is_some()
        });
        assert!(documented, "{} {} is not in Discord's OpenAPI description", request.method, request.path);
    }
}

/// Asserts every message-creating or -editing request carries `allowed_mentions` with
/// `parse: []`.
pub fn assert_allowed_mentions_everywhere(requests: &[Recorded]) {
    let sends = requests.iter().filter(|r| {
        (r.method == "POST" && (r.path.ends_with("/messages") || r.path.starts_with("/webhooks/")))
            || (r.method == "PATCH" && r.path.contains("/messages/"))
    });
    let mut count = 0;
    for request in sends {
        count += 1;
        let mentions = &request.body["allowed_mentions"];
        assert_eq!(mentions["parse"], json!([]), "{} {} body {}", request.method, request.path, request.body);
        assert!(mentions["users"].is_array(), "{} {}", request.method, request.path);
    }
    assert!(count > 0, "no message was sent at all");
}
