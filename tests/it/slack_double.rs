//! A local Slack double: the Web API on axum (records every call, answers like Slack, can
//! answer 429 on demand) and a ws:// Socket Mode server (sends `hello` and envelopes, records
//! acks). The real slack-morphism client talks to it through `slack.api_url`. Everything listens
//! on 127.0.0.1:0 and stops when the double is dropped.
#![allow(dead_code, reason = "each Slack test uses a different part of the double")]

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

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
}

#[derive(Default)]
struct Shared {
    calls: Mutex<Vec<ApiCall>>,
    /// Per method, the Retry-After values of the next 429 answers.
    throttles: Mutex<HashMap<String, VecDeque<u64>>>,
    /// Users known to users.info: id → (name, tz).
    users: Mutex<HashMap<String, (String, String)>>,
    next_ts: AtomicUsize,
    ws_port: AtomicUsize,
    opened: AtomicUsize,
    /// Frame senders of the open sockets, newest last.
    sockets: Mutex<Vec<mpsc::UnboundedSender<String>>>,
    /// Every text frame the client sent (acks).
    received: Mutex<Vec<Value>>,
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
    }
}

impl SlackDouble {
    /// Starts the Web API and the Socket Mode server.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        shared.next_ts.store(1, Ordering::SeqCst);
        let api = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api_port = api.local_addr().unwrap().port();
        let ws = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        shared.ws_port.store(ws.local_addr().unwrap().port() as usize, Ordering::SeqCst);
        let router = Router::new().route("/api/{method}", any(web_api)).with_state(shared.clone());
        let api_task = tokio::spawn(async move {
            let _ = axum::serve(api, router).await;
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

    /// The next `retry_afters.len()` calls of `method` get 429 with these Retry-After values.
    pub fn throttle(&self, method: &str, retry_afters: &[u64]) {
        self.shared.throttles.lock().unwrap().entry(method.into()).or_default().extend(retry_afters);
    }

    /// Every Web API call so far.
    pub fn calls(&self) -> Vec<ApiCall> {
        self.shared.calls.lock().unwrap().clone()
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
}

fn parse_params(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Map<String, Value> {
    let mut params = Map::new();
    let mut add_form = |text: &[u8]| {
        for (k, v) in serde_urlencoded::from_bytes::<Vec<(String, String)>>(text).unwrap_or_default() {
            params.insert(k, Value::String(v));
        }
    };
    if let Some(query) = query {
        add_form(query.as_bytes());
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("application/json") {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            params.extend(map);
        }
    } else if !body.is_empty() {
        add_form(body);
    }
    params
}

async fn web_api(
    State(shared): State<Arc<Shared>>,
    Path(method): Path<String>,
    verb: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let params = parse_params(&headers, query.as_deref(), &body);
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let throttled = shared.throttles.lock().unwrap().get_mut(&method).and_then(VecDeque::pop_front);
    let status = if throttled.is_some() { 429 } else { 200 };
    shared.calls.lock().unwrap().push(ApiCall {
        method: method.clone(),
        verb: verb.to_string(),
        params: params.clone(),
        bearer,
        status,
    });
    if let Some(retry_after) = throttled {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after.to_string())],
            axum::Json(json!({"ok": false, "error": "ratelimited"})),
        )
            .into_response();
    }
    let param = |name: &str| params.get(name).and_then(Value::as_str).unwrap_or("").to_owned();
    let ts = || format!("1700000000.{:06}", shared.next_ts.fetch_add(1, Ordering::SeqCst));
    let body = match method.as_str() {
        "auth.test" => json!({"ok": true, "url": "https://double.slack.com/", "team": "Double Team",
            "user": "unhurried", "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"}),
        "apps.connections.open" => {
            let port = shared.ws_port.load(Ordering::SeqCst);
            json!({"ok": true, "url": format!("ws://127.0.0.1:{port}/link?ticket=t{}", ts())})
        }
        "chat.postMessage" if param("channel") == "CGONE" => json!({"ok": false, "error": "channel_not_found"}),
        "chat.postMessage" => {
            let ts = ts();
            json!({"ok": true, "channel": param("channel"), "ts": ts,
                "message": {"type": "message", "ts": ts, "text": param("text"), "user": "UBOT"}})
        }
        "chat.postEphemeral" => json!({"ok": true, "message_ts": ts()}),
        "chat.update" => json!({"ok": true, "channel": param("channel"), "ts": param("ts"), "text": param("text"),
            "message": {"text": param("text")}}),
        "chat.getPermalink" => json!({"ok": true, "channel": param("channel"),
            "permalink": format!("https://double.slack.com/archives/{}/p{}", param("channel"), param("message_ts").replace('.', ""))}),
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
                "tz": tz, "is_admin": false, "is_owner": false, "is_bot": false,
                "profile": {"display_name": name, "real_name": name}}}),
            None => json!({"ok": false, "error": "user_not_found"}),
        },
        _ => json!({"ok": false, "error": "unknown_method"}),
    };
    axum::Json(body).into_response()
}

async fn socket_connection(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    let Ok(socket) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut writer, mut reader) = socket.split();
    let (frames, mut outgoing) = mpsc::unbounded_channel::<String>();
    let hello = json!({"type": "hello", "num_connections": 1,
        "debug_info": {"host": "applink-double", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": "A1"}});
    if writer.send(Message::text(hello.to_string())).await.is_err() {
        return;
    }
    shared.sockets.lock().unwrap().push(frames);
    shared.opened.fetch_add(1, Ordering::SeqCst);
    loop {
        tokio::select! {
            frame = outgoing.recv() => match frame {
                Some(frame) => if writer.send(Message::text(frame)).await.is_err() { return },
                None => return,
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

/// Checks every recorded call against Slack's OpenAPI description: the method exists, its
/// required parameters are present and no parameter is unknown. The token may come as a bearer
/// header instead of a parameter, as slack-morphism sends it.
pub fn assert_calls_match_spec(calls: &[ApiCall]) {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/specs/slack/web-api-openapi-v2.json"))
            .expect("the Slack OpenAPI spec is in ../shared/specs"),
    )
    .unwrap();
    for call in calls {
        // apps.connections.open (Socket Mode) is not in the published OpenAPI file.
        if call.method == "apps.connections.open" {
            assert!(call.bearer.as_deref().is_some_and(|t| t.starts_with("xapp-")), "{call:?}");
            continue;
        }
        let path = spec["paths"].get(format!("/{}", call.method)).unwrap_or_else(|| panic!("unknown method {call:?}"));
        let operation = path.as_object().unwrap().values().next().unwrap();
        let declared: Vec<(&str, bool)> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].as_str().unwrap(), p["required"].as_bool().unwrap_or(false)))
            .collect();
        for (name, required) in &declared {
            if *required && *name == "token" {
                assert!(call.bearer.is_some() || call.params.contains_key("token"), "no token: {call:?}");
            } else if *required {
                assert!(call.params.contains_key(*name), "{} lacks required {name}: {call:?}", call.method);
            }
        }
        for name in call.params.keys() {
            assert!(declared.iter().any(|(d, _)| d == name), "{} has unknown parameter {name}: {call:?}", call.method);
        }
    }
}
