//! A local Slack double: the Web API on axum (records every call, answers like Slack, can
//! answer 429 on demand) and a ws:// Socket Mode server (sends `hello` and envelopes, records
//! acks). The real slack-morphism client talks to it through `slack.api_url`. Everything listens
//! on 127.0.0.1:0 and stops when the double is dropped.
//!
//! It keeps the bot's posts ([`conversations`]) and lists them through `conversations.history`
//! and `conversations.replies`, with their metadata under `include_all_metadata`; it can answer
//! a call with a 500 or a dropped connection *after* acting on it ([`faults`]), hold the
//! workspace to a post rate (429 with `Retry-After` beyond it), and serves slash commands'
//! `response_url`s ([`response_url`]) and file uploads ([`files`]). Its `ts` are read off a clock a test can give it, so
//! `oldest` windows line up with the bot's manual clock.
//!
//! Every call is checked against Slack's OpenAPI description as it arrives ([`spec_violations`]):
//! a call that breaks it is answered `invalid_arguments`, as strict Slack would, and dropping the
//! double fails the test, so no test can forget the check. The bot token is granted the scopes
//! of `config/slack-app-manifest.yml` (a method needing another answers `missing_scope`), and
//! every answer names them in `X-OAuth-Scopes`, as Slack's do.
#![allow(dead_code, reason = "each Slack test uses a different part of the double")]

mod conversations;
pub mod faults;
mod files;
mod response_url;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use unhurried::ports::Clock;

pub use self::conversations::Posted;
pub use self::faults::Fault;
use self::faults::{Connection, FaultyListener};

/// One Web API request as the double received it.
#[derive(Debug, Clone)]
pub struct ApiCall {
    /// `chat.postMessage`, …
    pub method: String,
    /// GET or POST.
    pub verb: String,
    /// Query and body parameters together (JSON or form).
    pub params: Map<String, Value>,
    /// Whether a bearer token came in the Authorization header.
    pub bearer: Option<String>,
    /// The status the double answered with.
    pub status: u16,
    /// The request's Content-Type (empty without a body).
    pub content_type: String,
    /// The names of the parameters that came in the query string (the rest came in the body).
    pub in_query: Vec<String>,
    /// The request path (`/api/chat.postMessage`, `/commands/T1/4/secret`).
    pub path: String,
}

impl ApiCall {
    /// A call as a client would make it, for checking the checker itself.
    pub fn new(method: &str, verb: &str, content_type: &str, params: Value) -> Self {
        let params = params.as_object().cloned().unwrap_or_default();
        let in_query = if verb == "GET" { params.keys().cloned().collect() } else { Vec::new() };
        ApiCall {
            method: method.into(),
            verb: verb.into(),
            params,
            bearer: Some("xoxb-1".into()),
            status: 200,
            content_type: content_type.into(),
            in_query,
            path: format!("/api/{method}"),
        }
    }

    fn json_body(&self) -> bool {
        self.content_type.starts_with("application/json")
    }
}

#[derive(Default)]
struct Shared {
    calls: Mutex<Vec<ApiCall>>,
    /// Per method, the Retry-After values of the next 429 answers.
    throttles: Mutex<HashMap<String, VecDeque<u64>>>,
    /// Users known to users.info: id → (name, tz).
    users: Mutex<HashMap<String, (String, String)>>,
    /// Users users.info calls workspace admins.
    admins: Mutex<Vec<String>>,
    /// The bot token's scopes.
    scopes: Mutex<Vec<String>>,
    /// What broke the OpenAPI description, one line per problem.
    violations: Mutex<Vec<String>>,
    next_ts: AtomicUsize,
    ws_port: AtomicUsize,
    opened: AtomicUsize,
    /// Frame senders of the open sockets, newest last.
    sockets: Mutex<Vec<mpsc::UnboundedSender<String>>>,
    /// Whether `apps.connections.open` fails (Slack cannot be reached).
    refuse_sockets: AtomicBool,
    /// Every text frame the client sent (acks).
    received: Mutex<Vec<Value>>,
    /// The bot's posts, oldest first.
    posted: Mutex<Vec<Posted>>,
    /// Per method (or `method#channel`), the faults the next calls get after acting.
    faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    /// The workspace's post rate, if limited.
    post_limit: Mutex<Option<conversations::PostLimit>>,
    /// Conversations the bot is not in (`channel_not_found`).
    absent: Mutex<HashSet<String>>,
    /// Where `ts` seconds come from (the system clock unless a test gives one).
    clock: Mutex<Option<Arc<dyn Clock>>>,
    /// How long every Web API answer takes.
    latency: Mutex<Duration>,
    /// Handed-out `response_url`s by `team/id/secret`.
    response_urls: Mutex<HashMap<String, response_url::UrlState>>,
    api_port: AtomicUsize,
    /// Announced uploads by file id.
    uploads: Mutex<HashMap<String, files::Upload>>,
}

/// The running double.
pub struct SlackDouble {
    /// Base URL of the Web API (`http://127.0.0.1:P/api`), for `slack.api_url`.
    pub api_url: String,
    shared: Arc<Shared>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for SlackDouble {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
        let violations = self.violations();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!("Web API calls broke Slack's OpenAPI description:\n{}", violations.join("\n"));
        }
    }
}

impl SlackDouble {
    /// Starts the Web API and the Socket Mode server.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        shared.next_ts.store(1, Ordering::SeqCst);
        *shared.scopes.lock().unwrap() = manifest_bot_scopes();
        shared.absent.lock().unwrap().insert("CGONE".to_owned());
        let api = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api_port = api.local_addr().unwrap().port();
        shared.api_port.store(usize::from(api_port), Ordering::SeqCst);
        let ws = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        shared.ws_port.store(ws.local_addr().unwrap().port() as usize, Ordering::SeqCst);
        let router = Router::new()
            .route("/api/{method}", any(web_api))
            .route("/commands/{team}/{id}/{secret}", post(response_url::answer))
            .route("/upload/v1/{id}", post(files::receive))
            .with_state(shared.clone());
        let api_task = tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<Connection>();
            let _ = axum::serve(FaultyListener(api), service).await;
        });
        let ws_shared = shared.clone();
        let ws_task = tokio::spawn(async move {
            while let Ok((stream, _)) = ws.accept().await {
                tokio::spawn(socket_connection(stream, ws_shared.clone()));
            }
        });
        SlackDouble { api_url: format!("http://127.0.0.1:{api_port}/api"), shared, tasks: vec![api_task, ws_task] }
    }

    /// Makes users.info know `user`.
    pub fn add_user(&self, user: &str, name: &str, tz: &str) {
        self.shared.users.lock().unwrap().insert(user.into(), (name.into(), tz.into()));
    }

    /// Makes users.info call `user` a workspace admin (`true`) or not.
    pub fn set_admin(&self, user: &str, admin: bool) {
        let mut admins = self.shared.admins.lock().unwrap();
        admins.retain(|u| u != user);
        if admin {
            admins.push(user.to_owned());
        }
    }

    /// Grants the bot token exactly these scopes instead of the manifest's.
    pub fn grant_scopes(&self, scopes: &[&str]) {
        *self.shared.scopes.lock().unwrap() = scopes.iter().map(|s| (*s).to_owned()).collect();
    }

    /// What broke Slack's OpenAPI description so far, one line per problem.
    pub fn violations(&self) -> Vec<String> {
        self.shared.violations.lock().unwrap().clone()
    }

    /// The next `retry_afters.len()` calls of `method` get 429 with these Retry-After values;
    /// `method#channel` (like `chat.postMessage#C1`) throttles only the calls for that channel.
    pub fn throttle(&self, method: &str, retry_afters: &[u64]) {
        self.shared.throttles.lock().unwrap().entry(method.into()).or_default().extend(retry_afters);
    }

    /// The next `count` calls of `method` (or `method#channel`) act as usual — a post is kept and
    /// listed — and then answer with `fault` instead.
    pub fn fail_after_recording(&self, method: &str, count: usize, fault: Fault) {
        self.shared.faults.lock().unwrap().entry(method.into()).or_default().extend(std::iter::repeat_n(fault, count));
    }

    /// Holds the workspace to `per_second` posts a second (a token bucket with bursts of as
    /// many): `chat.postMessage` beyond it answers 429 with the seconds until the next token.
    pub fn limit_posts_per_second(&self, per_second: u32) {
        *self.shared.post_limit.lock().unwrap() = Some(conversations::PostLimit::new(per_second));
    }

    /// Every Web API answer comes `latency` after its request.
    pub fn answer_after(&self, latency: Duration) {
        *self.shared.latency.lock().unwrap() = latency;
    }

    /// Makes the bot a non-member of `channel`: posts and look-ups there answer `channel_not_found`.
    pub fn bot_not_in(&self, channel: &str) {
        self.shared.absent.lock().unwrap().insert(channel.to_owned());
    }

    /// Reads `ts` seconds off `clock` (the bot's manual clock), so `oldest` windows match.
    pub fn use_clock(&self, clock: Arc<dyn Clock>) {
        *self.shared.clock.lock().unwrap() = Some(clock);
    }

    /// The bot's posts so far, oldest first (including those whose answer was a fault).
    pub fn posted(&self) -> Vec<Posted> {
        self.shared.posted.lock().unwrap().clone()
    }

    /// The bot's posts in one conversation (`D…` for a DM), oldest first.
    pub fn posted_in(&self, channel: &str) -> Vec<Posted> {
        self.posted().into_iter().filter(|p| p.channel == channel).collect()
    }

    /// A new `response_url`, as Slack sends with a slash command, ending in `secret`.
    pub fn response_url(&self, secret: &str) -> String {
        let id = self.shared.next_ts.fetch_add(1, Ordering::SeqCst);
        self.shared.response_urls.lock().unwrap().insert(format!("T1/{id}/{secret}"), Default::default());
        let port = self.shared.api_port.load(Ordering::SeqCst);
        format!("http://127.0.0.1:{port}/commands/T1/{id}/{secret}")
    }

    /// Every `response_url` handed out so far is past its 30 minutes.
    pub fn expire_response_urls(&self) {
        for state in self.shared.response_urls.lock().unwrap().values_mut() {
            state.expired = true;
        }
    }

    /// Every Web API call so far.
    pub fn calls(&self) -> Vec<ApiCall> {
        self.shared.calls.lock().unwrap().clone()
    }

    /// The calls after the first `seen` (a cheap poll: a benchmark's list holds thousands).
    pub fn calls_after(&self, seen: usize) -> Vec<ApiCall> {
        self.shared.calls.lock().unwrap().get(seen..).map(<[ApiCall]>::to_vec).unwrap_or_default()
    }

    /// The successful calls of one method.
    pub fn calls_of(&self, method: &str) -> Vec<ApiCall> {
        self.calls().into_iter().filter(|c| c.method == method && c.status == 200).collect()
    }

    /// How many sockets the client opened.
    pub fn sockets_opened(&self) -> usize {
        self.shared.opened.load(Ordering::SeqCst)
    }

    /// Sends a frame on the newest socket.
    pub fn send_frame(&self, frame: &Value) {
        let sockets = self.shared.sockets.lock().unwrap();
        sockets.last().expect("a socket is open").send(frame.to_string()).unwrap();
    }

    /// Sends a frame on the socket opened `index`-th (from 0).
    pub fn send_frame_to(&self, index: usize, frame: &Value) {
        self.shared.sockets.lock().unwrap()[index].send(frame.to_string()).unwrap();
    }

    /// Closes the socket opened `index`-th among those still open (from 0), as Slack does, with
    /// a close frame.
    pub fn close_socket(&self, index: usize) {
        drop(self.shared.sockets.lock().unwrap().remove(index));
    }

    /// Closes every open socket, with a close frame.
    pub fn close_sockets(&self) {
        drop(std::mem::take(&mut *self.shared.sockets.lock().unwrap()));
    }

    /// Makes `apps.connections.open` fail (`true`), so no new socket can be opened, or work again.
    pub fn refuse_sockets(&self, refuse: bool) {
        self.shared.refuse_sockets.store(refuse, Ordering::SeqCst);
    }

    /// Every frame the client sent.
    pub fn received_frames(&self) -> Vec<Value> {
        self.shared.received.lock().unwrap().clone()
    }

    /// The envelope ids the client acknowledged.
    pub fn acked(&self) -> Vec<String> {
        self.received_frames().iter().filter_map(|f| f["envelope_id"].as_str().map(str::to_owned)).collect()
    }

    /// Waits (up to 5 s) until `done` holds.
    pub async fn wait_until(&self, what: &str, done: impl Fn(&SlackDouble) -> bool) {
        for _ in 0..500 {
            if done(self) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("timed out waiting for {what}; calls: {:?}", self.calls());
    }

    /// Like [`SlackDouble::wait_until`], for work that may take up to `limit`.
    pub async fn wait_until_within(&self, what: &str, limit: Duration, done: impl Fn(&SlackDouble) -> bool) {
        let started = std::time::Instant::now();
        while started.elapsed() < limit {
            if done(self) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("timed out after {limit:?} waiting for {what}");
    }
}

/// The parameters of a request (query and body together) and which came in the query.
fn parse_params(content_type: &str, query: Option<&str>, body: &[u8]) -> (Map<String, Value>, Vec<String>) {
    let form = |text: &[u8]| serde_urlencoded::from_bytes::<Vec<(String, String)>>(text).unwrap_or_default();
    let mut params = Map::new();
    let mut in_query = Vec::new();
    for (k, v) in form(query.unwrap_or("").as_bytes()) {
        in_query.push(k.clone());
        params.insert(k, Value::String(v));
    }
    if content_type.starts_with("application/json") {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => params.extend(map),
            // A body that is not a JSON object carries no parameters Slack could read: flag it.
            _ => {
                params.insert("<unreadable JSON body>".into(), Value::Null);
            }
        }
    } else {
        for (k, v) in form(body) {
            params.insert(k, Value::String(v));
        }
    }
    (params, in_query)
}

async fn web_api(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    Path(method): Path<String>,
    verb: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let latency = *shared.latency.lock().unwrap();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let (params, in_query) = parse_params(&content_type, query.as_deref(), &body);
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let path = format!("/api/{method}");
    let mut call = ApiCall {
        method: method.clone(),
        verb: verb.to_string(),
        params,
        bearer,
        status: 200,
        content_type,
        in_query,
        path,
    };
    let violations = spec_violations(&call);
    let channel = call.params.get("channel").and_then(Value::as_str).unwrap_or_default().to_owned();
    let per_channel = format!("{method}#{channel}");
    let throttled = {
        let mut throttles = shared.throttles.lock().unwrap();
        let per_channel = throttles.get_mut(&per_channel).and_then(VecDeque::pop_front);
        per_channel.or_else(|| throttles.get_mut(&method).and_then(VecDeque::pop_front))
    };
    let scopes = shared.scopes.lock().unwrap().clone();
    let missing_scope = scope_needed(&method, &channel).filter(|needed| !scopes.contains(needed));
    let params = call.params.clone();
    let refused = if !violations.is_empty() {
        shared.violations.lock().unwrap().extend(violations.iter().cloned());
        let body = json!({"ok": false, "error": "invalid_arguments", "response_metadata": {"messages": violations}});
        Some(axum::Json(body).into_response())
    } else if let Some(retry_after) = throttled {
        call.status = 429;
        Some(rate_limited(retry_after))
    } else if let Some(needed) = missing_scope {
        let body = json!({"ok": false, "error": "missing_scope", "needed": needed, "provided": scopes.join(",")});
        Some(axum::Json(body).into_response())
    } else if method == "chat.postMessage" {
        let limited = shared.post_limit.lock().unwrap().as_mut().map(conversations::PostLimit::take);
        match limited {
            Some(Err(retry_after)) => {
                call.status = 429;
                Some(rate_limited(retry_after))
            }
            _ => None,
        }
    } else {
        None
    };
    if let Some(refusal) = refused {
        shared.calls.lock().unwrap().push(call);
        return refusal;
    }
    let body = answer(&shared, &method, &params);
    let fault = {
        let mut faults = shared.faults.lock().unwrap();
        let per_channel = faults.get_mut(&per_channel).and_then(VecDeque::pop_front);
        per_channel.or_else(|| faults.get_mut(&method).and_then(VecDeque::pop_front))
    };
    match fault {
        Some(Fault::Status500) => {
            call.status = 500;
            shared.calls.lock().unwrap().push(call);
            let page = "<html><body><h1>500 Internal Server Error</h1></body></html>";
            (axum::http::StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/html")], page).into_response()
        }
        Some(Fault::DropConnection) => {
            call.status = 0;
            shared.calls.lock().unwrap().push(call);
            connection.kill();
            axum::http::StatusCode::OK.into_response()
        }
        None => {
            shared.calls.lock().unwrap().push(call);
            // Slack names the token's scopes on its answers; `unhurried check` reads them off auth.test.
            ([("x-oauth-scopes", scopes.join(","))], axum::Json(body)).into_response()
        }
    }
}

/// The next `ts`: seconds from the double's clock, then a sequence number.
fn next_ts(shared: &Shared) -> String {
    let secs = match &*shared.clock.lock().unwrap() {
        Some(clock) => clock.now().timestamp(),
        None => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64,
    };
    format!("{secs}.{:06}", shared.next_ts.fetch_add(1, Ordering::SeqCst))
}

/// What Slack answers a well-formed call of `method`.
fn answer(shared: &Shared, method: &str, params: &Map<String, Value>) -> Value {
    let param = |name: &str| params.get(name).and_then(Value::as_str).unwrap_or("").to_owned();
    let absent = shared.absent.lock().unwrap().contains(&param("channel"));
    match method {
        "auth.test" => json!({"ok": true, "url": "https://double.slack.com/", "team": "Double Team",
            "user": "unhurried", "team_id": "T1", "user_id": conversations::BOT_USER, "bot_id": conversations::BOT_ID}),
        "apps.connections.open" if shared.refuse_sockets.load(Ordering::SeqCst) => {
            json!({"ok": false, "error": "internal_error"})
        }
        "apps.connections.open" => {
            let port = shared.ws_port.load(Ordering::SeqCst);
            json!({"ok": true, "url": format!("ws://127.0.0.1:{port}/link?ticket=t{}", next_ts(shared))})
        }
        "chat.postMessage" | "chat.postEphemeral" | "conversations.history" | "conversations.replies" if absent => {
            json!({"ok": false, "error": "channel_not_found"})
        }
        "chat.postMessage" => {
            let channel = conversations::conversation_of(&param("channel"));
            let ts = next_ts(shared);
            let thread_ts = Some(param("thread_ts")).filter(|t| !t.is_empty());
            let metadata = conversations::metadata_param(params);
            let mut message = json!({"type": "message", "ts": ts, "text": param("text"),
                "user": conversations::BOT_USER, "bot_id": conversations::BOT_ID});
            if let Some(metadata) = &metadata {
                message["metadata"] = metadata.clone();
            }
            let posted = Posted {
                channel: channel.clone(),
                ts: ts.clone(),
                thread_ts,
                text: param("text"),
                metadata,
                files: Vec::new(),
            };
            shared.posted.lock().unwrap().push(posted);
            json!({"ok": true, "channel": channel, "ts": ts, "message": message})
        }
        "chat.postEphemeral" => json!({"ok": true, "message_ts": next_ts(shared)}),
        "chat.update" => json!({"ok": true, "channel": param("channel"), "ts": param("ts"), "text": param("text"),
            "message": {"text": param("text")}}),
        "chat.getPermalink" => json!({"ok": true, "channel": param("channel"),
            "permalink": format!("https://double.slack.com/archives/{}/p{}", param("channel"), param("message_ts").replace('.', ""))}),
        "conversations.history" => conversations::history(&shared.posted.lock().unwrap(), params),
        "conversations.replies" => conversations::replies(&shared.posted.lock().unwrap(), params),
        "conversations.open" => conversations::open(params),
        "files.getUploadURLExternal" => files::get_upload_url(shared, params),
        "files.completeUploadExternal" => files::complete(shared, params),
        // Slack answers with the view it stored: ours plus its id, team and hash.
        "views.open" | "views.publish" => {
            let mut view = params.get("view").cloned().unwrap_or_else(|| json!({}));
            if let Some(text) = view.as_str() {
                // Form-encoded callers send the view as a JSON string.
                view = serde_json::from_str(text).unwrap_or_else(|_| json!({}));
            }
            let n = shared.next_ts.fetch_add(1, Ordering::SeqCst);
            view["id"] = json!(format!("V{n}"));
            view["team_id"] = json!("T1");
            view["hash"] = json!(format!("1700000000.h{n}"));
            json!({"ok": true, "view": view})
        }
        "users.info" => match shared.users.lock().unwrap().get(&param("user")) {
            Some((name, tz)) => json!({"ok": true, "user": {"id": param("user"), "name": name, "real_name": name,
                "tz": tz, "is_admin": shared.admins.lock().unwrap().contains(&param("user")), "is_owner": false, "is_bot": false,
                "profile": {"display_name": name, "real_name": name}}}),
            None => json!({"ok": false, "error": "user_not_found"}),
        },
        _ => json!({"ok": false, "error": "unknown_method"}),
    }
}

/// Slack's 429 as python-slack-sdk's mock Web API sends it
/// (`tests/shared/fixtures/slack/web_api/429_ratelimited.http.txt`), with this `Retry-After`.
fn rate_limited(retry_after: u64) -> Response {
    let transcript = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/shared/fixtures/slack/web_api/429_ratelimited.http.txt"
    ))
    .expect("the 429 fixture");
    let (head, body) = transcript.split_once("\n\n").expect("headers, a blank line, the body");
    let mut lines = head.lines();
    let status: u16 = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap();
    let mut response = Response::builder().status(status);
    for (name, value) in lines.filter_map(|l| l.split_once(": ")) {
        match name {
            "retry-after" => response = response.header(name, retry_after.to_string()),
            // The double's connections are kept alive; the status and the rest are Slack's.
            "connection" => {}
            _ => response = response.header(name, value),
        }
    }
    response.body(axum::body::Body::from(body.trim_end().to_owned())).unwrap()
}

async fn socket_connection(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    let Ok(socket) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut writer, mut reader) = socket.split();
    let (frames, mut outgoing) = mpsc::unbounded_channel::<String>();
    // Slack's own hello, from python-slack-sdk's mock server.
    let hello = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/shared/fixtures/slack/socket_mode/hello.json"
    ))
    .expect("the hello fixture");
    if writer.send(Message::text(hello)).await.is_err() {
        return;
    }
    shared.sockets.lock().unwrap().push(frames);
    shared.opened.fetch_add(1, Ordering::SeqCst);
    loop {
        tokio::select! {
            frame = outgoing.recv() => match frame {
                Some(frame) => if writer.send(Message::text(frame)).await.is_err() { return },
                // Closed by the test (`close_socket`): Slack closes with a close frame.
                None => {
                    let _ = writer.send(Message::Close(None)).await;
                    return;
                }
            },
            message = reader.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    if let Ok(value) = serde_json::from_str::<Value>(text.as_str()) {
                        shared.received.lock().unwrap().push(value);
                    }
                }
                Some(Ok(Message::Ping(data))) => { let _ = writer.send(Message::Pong(data)).await; }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Slack's Web API description, `tests/shared/specs/slack/web-api-openapi-v2.json`, read once.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/shared/specs/slack/web-api-openapi-v2.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("the Slack OpenAPI spec is in tests/shared/specs"))
            .expect("the Slack OpenAPI spec is JSON")
    })
}

/// The bot scopes `config/slack-app-manifest.yml` asks for: the items of its `bot:` list.
pub fn manifest_bot_scopes() -> Vec<String> {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/slack-app-manifest.yml")).unwrap();
    let mut lines = manifest.lines().skip_while(|line| line.trim() != "bot:").skip(1);
    let mut scopes = Vec::new();
    for line in lines.by_ref() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        match line.strip_prefix("- ") {
            Some(scope) => scopes.push(scope.to_owned()),
            None => break,
        }
    }
    scopes
}

/// The one declared operation of a method: its verb and its description.
fn operation(method: &str) -> Option<(&'static str, &'static Value)> {
    let path = spec()["paths"].get(format!("/{method}"))?.as_object()?;
    path.iter().next().map(|(verb, operation)| (verb.as_str(), operation))
}

/// The scope a bot token needs for `method` on `channel`. The description lists the
/// `conversations.*` methods under the umbrella scopes of workspace apps; bot tokens need the
/// granular ones Slack documents today, which depend on the kind of conversation.
fn scope_needed(method: &str, channel: &str) -> Option<String> {
    let history = |channel: &str| match channel.chars().next() {
        Some('G') => "groups:history",
        Some('D') => "im:history",
        _ => "channels:history",
    };
    match method {
        "conversations.history" | "conversations.replies" => Some(history(channel).to_owned()),
        "conversations.open" => Some("im:write".to_owned()),
        "files.getUploadURLExternal" | "files.completeUploadExternal" => Some(files::SCOPE.to_owned()),
        _ => required_scope(method),
    }
}

/// Parameters Slack documents that its published description predates (message metadata, 2022).
fn documented_since(method: &str) -> Vec<Value> {
    let metadata = json!({"name": "metadata", "type": "string",
        "description": "JSON object with event_type and event_payload fields, presented as a URL-encoded string."});
    let include_all_metadata = json!({"name": "include_all_metadata", "type": "boolean"});
    match method {
        "chat.postMessage" => vec![metadata],
        "conversations.history" | "conversations.replies" => vec![include_all_metadata],
        _ => Vec::new(),
    }
}

/// The scope the method's token needs ("Requires scope: `chat:write`"), if any.
fn required_scope(method: &str) -> Option<String> {
    let (_, operation) = operation(method)?;
    let token = operation["parameters"].as_array()?.iter().find(|p| p["name"] == "token")?;
    let description = token["description"].as_str()?;
    let scope = description.split('`').nth(1)?;
    (scope != "none").then(|| scope.to_owned())
}

/// Everything about `call` that breaks Slack's OpenAPI description, as readable lines: the
/// method exists; the verb is the declared one or POST (Slack takes POST for every method); a
/// JSON body only where the method consumes JSON, and no body on a GET; a bot token; every
/// required parameter present; no undeclared parameter; each value of its declared type (a
/// JSON-encoded string parameter such as `blocks` or `view` may be sent as the JSON value itself
/// in a JSON body, and must then be of the documented shape).
pub fn spec_violations(call: &ApiCall) -> Vec<String> {
    let mut problems = Vec::new();
    if call.method == "response_url" {
        // Not a Web API method: a slash command's reply URL, with its own documented fields.
        return response_url::violations(&call.content_type, &call.params, call.bearer.as_deref());
    }
    if let Some(problems) = files::violations(call) {
        // Not in the published description (it predates them): checked against Slack's docs.
        return problems;
    }
    let mut flag = |problem: String| problems.push(format!("{} {}: {problem}", call.verb, call.method));
    if call.method == "apps.connections.open" {
        // Socket Mode's method is not in the published description: check what its docs say.
        if call.verb != "POST" {
            flag("must be a POST".into());
        }
        if !call.bearer.as_deref().is_some_and(|t| t.starts_with("xapp-")) {
            flag("needs the app-level token (xapp-…) as a bearer token".into());
        }
        if !call.params.is_empty() {
            flag(format!("takes no parameters, got {:?}", call.params.keys().collect::<Vec<_>>()));
        }
        return problems;
    }
    let Some((declared_verb, operation)) = operation(&call.method) else {
        flag("no such method in Slack's OpenAPI description".into());
        return problems;
    };
    if call.verb != "POST" && !call.verb.eq_ignore_ascii_case(declared_verb) {
        flag(format!("verb not accepted (declared {declared_verb}, or POST)"));
    }
    let in_body = call.params.keys().any(|name| !call.in_query.contains(name));
    if call.verb == "GET" && in_body {
        flag("a GET with parameters in its body".into());
    }
    let consumes: Vec<&str> =
        operation["consumes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if in_body && call.json_body() && !consumes.contains(&"application/json") {
        flag(format!("sent JSON, but the method only consumes {consumes:?}"));
    } else if in_body && !call.json_body() && !call.content_type.starts_with("application/x-www-form-urlencoded") {
        flag(format!("body of type '{}'", call.content_type));
    }
    let later = documented_since(&call.method);
    let declared: Vec<&Value> = operation["parameters"].as_array().into_iter().flatten().chain(&later).collect();
    for parameter in &declared {
        let name = parameter["name"].as_str().unwrap_or_default();
        if name == "token" {
            let token = call.bearer.as_deref().or_else(|| call.params.get("token").and_then(Value::as_str));
            if !token.is_some_and(|t| t.starts_with("xoxb-")) {
                flag("no bot token (xoxb-…) in the Authorization header or the token parameter".into());
            }
            continue;
        }
        let present = call.params.get(name).is_some_and(|v| !v.is_null() && *v != "");
        if parameter["required"] == true && !present {
            flag(format!("lacks required parameter {name}"));
        }
    }
    for (name, value) in &call.params {
        let Some(parameter) = declared.iter().find(|p| p["name"] == name.as_str()) else {
            flag(format!("has undeclared parameter {name}"));
            continue;
        };
        let from_form = call.in_query.contains(name) || !call.json_body();
        if let Err(problem) = check_type(parameter, value, from_form) {
            flag(format!("parameter {name}: {problem}"));
        }
    }
    problems
}

/// Whether `value` is of the declared type. Form and query values are text, so there a boolean
/// or number is checked by parsing it; in a JSON body it must be the JSON type itself.
fn check_type(parameter: &Value, value: &Value, from_form: bool) -> Result<(), String> {
    let declared = parameter["type"].as_str().unwrap_or("string");
    let json_encoded = parameter["description"].as_str().is_some_and(|d| d.contains("JSON"));
    let name = parameter["name"].as_str().unwrap_or_default();
    match (declared, value) {
        ("string", Value::String(text)) if json_encoded => {
            let decoded = serde_json::from_str(text).map_err(|e| format!("is not JSON-encoded: {e}"))?;
            check_json_shape(name, &decoded)
        }
        ("string", Value::String(_)) => Ok(()),
        ("string", Value::Array(_) | Value::Object(_)) if json_encoded && !from_form => check_json_shape(name, value),
        ("boolean", Value::Bool(_)) if !from_form => Ok(()),
        ("boolean", Value::String(text)) if from_form && ["true", "false", "1", "0"].contains(&text.as_str()) => Ok(()),
        ("integer", Value::Number(n)) if !from_form && n.is_i64() => Ok(()),
        ("integer", Value::String(text)) if from_form && text.parse::<i64>().is_ok() => Ok(()),
        ("number", Value::Number(_)) if !from_form => Ok(()),
        ("number", Value::String(text)) if from_form && text.parse::<f64>().is_ok() => Ok(()),
        _ => Err(format!("{value} is not a {declared}")),
    }
}

/// The documented shape of a JSON-encoded parameter: `blocks` and `attachments` are arrays of
/// objects (each block with a string `type`), `view` is a view object with a type and blocks.
fn check_json_shape(name: &str, value: &Value) -> Result<(), String> {
    let typed_object = |v: &Value| v.is_object() && v["type"].is_string();
    match name {
        "blocks" => match value.as_array() {
            Some(blocks) if blocks.iter().all(typed_object) => Ok(()),
            _ => Err(format!("{value} is not an array of blocks")),
        },
        "attachments" => match value.as_array() {
            Some(items) if items.iter().all(Value::is_object) => Ok(()),
            _ => Err(format!("{value} is not an array of attachments")),
        },
        "metadata" => match (value["event_type"].as_str(), &value["event_payload"]) {
            (Some(kind), Value::Object(_) | Value::Null) if !kind.is_empty() => Ok(()),
            _ => Err(format!("{value} is not message metadata (event_type and an event_payload object)")),
        },
        "view" => match value["type"].as_str() {
            Some("modal" | "home") if value["blocks"].as_array().is_some_and(|b| b.iter().all(typed_object)) => Ok(()),
            _ => Err(format!("{value} is not a modal or home view with blocks")),
        },
        _ => Ok(()),
    }
}

/// Checks the given calls against Slack's OpenAPI description (see [`spec_violations`]). The
/// double checks every call as it arrives too; this names the calls a test cares about.
pub fn assert_calls_match_spec(calls: &[ApiCall]) {
    let problems: Vec<String> = calls.iter().flat_map(spec_violations).collect();
    assert!(problems.is_empty(), "calls broke Slack's OpenAPI description:\n{}", problems.join("\n"));
}

mod checker {
    //! The checker must catch what it claims to: each case breaks one rule.
    use super::*;

    fn post(method: &str, params: Value) -> ApiCall {
        ApiCall::new(method, "POST", "application/json; charset=utf-8", params)
    }

    fn problems(call: &ApiCall) -> String {
        spec_violations(call).join("\n")
    }

    #[test]
    fn well_formed_calls_of_every_method_the_bot_uses_pass() {
        let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]);
        let view = json!({"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []});
        let calls = [
            post("chat.postMessage", json!({"channel": "C1", "text": "hi", "thread_ts": "1.2", "blocks": blocks})),
            post("chat.postEphemeral", json!({"channel": "C1", "user": "U1", "text": "hi"})),
            post("chat.update", json!({"channel": "C1", "ts": "1.2", "text": "v2"})),
            ApiCall::new("chat.getPermalink", "GET", "", json!({"channel": "C1", "message_ts": "1.2"})),
            ApiCall::new("users.info", "GET", "", json!({"user": "U1"})),
            ApiCall::new("auth.test", "GET", "", json!({})),
            post("views.open", json!({"trigger_id": "1.2.3", "view": view})),
            post("views.publish", json!({"user_id": "U1", "view": {"type": "home", "blocks": []}})),
            post(
                "chat.postMessage",
                json!({"channel": "C1", "text": "hi",
                    "metadata": {"event_type": "unhurried_outbox", "event_payload": {"outbox_id": "7"}}}),
            ),
            ApiCall::new(
                "conversations.history",
                "GET",
                "",
                json!({"channel": "C1", "oldest": "1774598340.000000", "include_all_metadata": "true", "limit": "200"}),
            ),
            ApiCall::new(
                "conversations.replies",
                "GET",
                "",
                json!({"channel": "C1", "ts": "1.2", "include_all_metadata": "true", "cursor": "offset:200"}),
            ),
            post("conversations.open", json!({"users": "U2"})),
            ApiCall::new(
                "chat.postMessage",
                "POST",
                "application/x-www-form-urlencoded",
                json!({"channel": "C1", "text": "hi", "unfurl_links": "false", "blocks": blocks.to_string()}),
            ),
        ];
        for call in &calls {
            assert_eq!(problems(call), "", "{call:?}");
        }
        let mut socket = post("apps.connections.open", json!({}));
        socket.bearer = Some("xapp-1".into());
        assert_eq!(problems(&socket), "");
    }

    #[test]
    fn unknown_methods_missing_and_undeclared_parameters_are_caught() {
        assert!(problems(&post("chat.postMessages", json!({"channel": "C1"}))).contains("no such method"));
        assert!(
            problems(&post("chat.postMessage", json!({"text": "hi"}))).contains("lacks required parameter channel")
        );
        assert!(problems(&post("chat.postMessage", json!({"channel": "", "text": "hi"}))).contains("channel"));
        assert!(
            problems(&post("chat.postEphemeral", json!({"channel": "C1", "text": "hi"})))
                .contains("lacks required parameter user")
        );
        assert!(
            problems(&post("chat.postMessage", json!({"channel": "C1", "text": "hi", "thread": "1.2"})))
                .contains("undeclared parameter thread")
        );
        assert!(problems(&post("views.publish", json!({"view": {"type": "home", "blocks": []}}))).contains("user_id"));
    }

    #[test]
    fn wrong_types_are_caught() {
        let cases = [
            (json!({"channel": "C1", "text": 5}), "parameter text"),
            (json!({"channel": "C1", "thread_ts": 1.2}), "parameter thread_ts"),
            (json!({"channel": "C1", "unfurl_links": "no"}), "parameter unfurl_links"),
            (json!({"channel": "C1", "blocks": {"type": "section"}}), "parameter blocks"),
            (json!({"channel": "C1", "blocks": [{"text": "no type"}]}), "parameter blocks"),
            (json!({"channel": "C1", "blocks": "[not json"}), "not JSON-encoded"),
        ];
        for (params, expected) in cases {
            let found = problems(&post("chat.postMessage", params.clone()));
            assert!(found.contains(expected), "{params}: {found}");
        }
        let form = ApiCall::new(
            "chat.postMessage",
            "POST",
            "application/x-www-form-urlencoded",
            json!({"channel": "C1", "blocks": [{"type": "divider"}]}),
        );
        assert!(problems(&form).contains("parameter blocks"), "a form value is text, never an array");
        let bad_metadata = post("chat.postMessage", json!({"channel": "C1", "metadata": {"event_payload": {}}}));
        assert!(problems(&bad_metadata).contains("parameter metadata"), "metadata needs an event_type");
        let no_metadata_on_ephemeral =
            post("chat.postEphemeral", json!({"channel": "C1", "user": "U1", "text": "hi", "metadata": {}}));
        assert!(problems(&no_metadata_on_ephemeral).contains("undeclared parameter metadata"));
        let opened_with_a_list = post("conversations.open", json!({"users": ["U2"]}));
        assert!(problems(&opened_with_a_list).contains("parameter users"), "users is a comma-separated string");
        let bad_view = post("views.open", json!({"trigger_id": "1", "view": {"type": "dialog", "blocks": []}}));
        assert!(problems(&bad_view).contains("parameter view"));
    }

    #[test]
    fn verbs_bodies_and_tokens_are_checked() {
        let delete = ApiCall::new("chat.postMessage", "DELETE", "", json!({"channel": "C1"}));
        assert!(problems(&delete).contains("verb not accepted"));
        let json_read = post("users.info", json!({"user": "U1"}));
        assert!(problems(&json_read).contains("only consumes"), "users.info does not read JSON bodies");
        let mut get_with_body =
            ApiCall::new("users.info", "GET", "application/x-www-form-urlencoded", json!({"user": "U1"}));
        get_with_body.in_query.clear();
        assert!(problems(&get_with_body).contains("a GET with parameters in its body"));
        let mut anonymous = post("auth.test", json!({}));
        anonymous.bearer = None;
        assert!(problems(&anonymous).contains("no bot token"));
        let mut app_token = post("chat.postMessage", json!({"channel": "C1"}));
        app_token.bearer = Some("xapp-1".into());
        assert!(problems(&app_token).contains("no bot token"));
        let mut socket = post("apps.connections.open", json!({"channel": "C1"}));
        socket.bearer = Some("xoxb-1".into());
        let found = problems(&socket);
        assert!(found.contains("app-level token") && found.contains("takes no parameters"), "{found}");
    }

    #[test]
    fn the_scopes_methods_need_come_from_the_description() {
        assert_eq!(required_scope("chat.postMessage").as_deref(), Some("chat:write"));
        assert_eq!(required_scope("users.info").as_deref(), Some("users:read"));
        assert_eq!(required_scope("views.open"), None);
        assert_eq!(scope_needed("conversations.history", "G1").as_deref(), Some("groups:history"));
        assert_eq!(scope_needed("conversations.replies", "D1").as_deref(), Some("im:history"));
        assert_eq!(scope_needed("conversations.open", "").as_deref(), Some("im:write"));
        assert!(manifest_bot_scopes().contains(&"chat:write".to_owned()));
    }
}

/// The double itself: a call that breaks the description is refused, and fails the test.
mod enforcement {
    use super::*;
    use crate::slack_support::request;

    #[tokio::test]
    #[should_panic(expected = "has undeclared parameter thread")]
    async fn a_call_that_breaks_the_description_is_refused_and_fails_the_test_when_the_double_drops() {
        let double = SlackDouble::start().await;
        let addr: std::net::SocketAddr = double.api_url["http://".len()..].trim_end_matches("/api").parse().unwrap();
        let body = r#"{"channel":"C1","text":"hi","thread":"1.2"}"#;
        let headers = [("Authorization", "Bearer xoxb-1")];
        let (status, answer) = request(addr, "POST", "/api/chat.postMessage", body, &headers).await;
        assert_eq!(status, 200);
        let answer: Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(answer["error"], "invalid_arguments", "{answer}");
        assert_eq!(double.violations().len(), 1);
        drop(double);
    }

    #[tokio::test]
    async fn methods_needing_a_scope_the_token_lacks_answer_missing_scope() {
        let double = SlackDouble::start().await;
        double.grant_scopes(&["chat:write"]);
        let addr: std::net::SocketAddr = double.api_url["http://".len()..].trim_end_matches("/api").parse().unwrap();
        let headers = [("Authorization", "Bearer xoxb-1")];
        let (_, answer) = request(addr, "GET", "/api/users.info?user=U1", "", &headers).await;
        let answer: Value = serde_json::from_str(&answer).unwrap();
        assert_eq!((answer["error"].as_str(), answer["needed"].as_str()), (Some("missing_scope"), Some("users:read")));
    }
}
