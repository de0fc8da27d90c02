//! Files the Slack way since `files.upload` was retired, as Slack documents the three steps
//! (the published OpenAPI description predates them): `files.getUploadURLExternal` (a bot token,
//! `filename` and `length`) answers an upload URL and a file id; a POST of the bytes to that URL
//! answers `OK - <length>` as text; `files.completeUploadExternal` (a bot token, `files` = an
//! array of `{id, title?}`, and `channel_id` to share it) makes a message in the conversation
//! with the `initial_comment` as its text and the file listed under `files`, and answers the
//! files. A file completed with a length other than the one announced, or never uploaded, is
//! `file_not_found`. Both methods need the `files:write` scope.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::conversations::{self, Posted, PostedFile};
use super::{ApiCall, Shared, next_ts};

/// The scope both methods need.
pub const SCOPE: &str = "files:write";

/// An upload announced by `files.getUploadURLExternal`.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub name: String,
    pub length: u64,
    /// The bytes POSTed to its URL, once they were.
    pub bytes: Option<Vec<u8>>,
    /// Whether `files.completeUploadExternal` shared it.
    pub completed: bool,
}

/// What breaks Slack's documented shape of a call of one of the two methods, if it is one.
pub fn violations(call: &ApiCall) -> Option<Vec<String>> {
    let (required, optional): (&[&str], &[&str]) = match call.method.as_str() {
        "files.getUploadURLExternal" => (&["filename", "length"], &["alt_txt", "snippet_type"]),
        "files.completeUploadExternal" => {
            (&["files"], &["channel_id", "channels", "initial_comment", "thread_ts", "blocks"])
        }
        "upload_url" => return Some(upload_violations(call)),
        _ => return None,
    };
    let mut problems = Vec::new();
    let mut flag = |problem: String| problems.push(format!("{} {}: {problem}", call.verb, call.method));
    if !call.bearer.as_deref().is_some_and(|t| t.starts_with("xoxb-")) {
        flag("no bot token (xoxb-…) in the Authorization header".into());
    }
    let in_body = call.params.keys().any(|name| !call.in_query.contains(name));
    if call.verb == "GET" && in_body {
        flag("a GET with parameters in its body".into());
    }
    if in_body
        && !call.content_type.starts_with("application/json")
        && !call.content_type.starts_with("application/x-www-form-urlencoded")
    {
        flag(format!("body of type '{}'", call.content_type));
    }
    for name in required {
        if call.params.get(*name).is_none_or(|v| v.is_null() || *v == "") {
            flag(format!("lacks required parameter {name}"));
        }
    }
    for (name, value) in &call.params {
        if !required.contains(&name.as_str()) && !optional.contains(&name.as_str()) {
            flag(format!("has undeclared parameter {name}"));
            continue;
        }
        let fine = match name.as_str() {
            "length" => value.as_u64().is_some() || value.as_str().is_some_and(|t| t.parse::<u64>().is_ok()),
            "files" => files_param(value).is_some_and(|files| {
                !files.is_empty()
                    && files.iter().all(|f| f["id"].is_string() && (f["title"].is_null() || f["title"].is_string()))
            }),
            _ => value.is_string(),
        };
        if !fine {
            flag(format!("parameter {name}: {value} is not what Slack documents"));
        }
    }
    Some(problems)
}

/// The bytes of an upload come raw (or as a form), never with a token-only empty body.
fn upload_violations(call: &ApiCall) -> Vec<String> {
    let mut problems = Vec::new();
    if call.verb != "POST" {
        problems.push(format!("{} upload_url: Slack takes the bytes by POST", call.verb));
    }
    if call.content_type.is_empty() {
        problems.push("POST upload_url: no Content-Type".into());
    }
    problems
}

/// The `files` parameter as an array (a JSON body sends it as one, a form as JSON text).
fn files_param(value: &Value) -> Option<Vec<Value>> {
    match value {
        Value::Array(files) => Some(files.clone()),
        Value::String(text) => serde_json::from_str(text).ok(),
        _ => None,
    }
}

/// `files.getUploadURLExternal`: a new file id and its upload URL.
pub(super) fn get_upload_url(shared: &Shared, params: &Map<String, Value>) -> Value {
    let name = params.get("filename").and_then(Value::as_str).unwrap_or_default().to_owned();
    let length = match params.get("length") {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(Value::String(text)) => text.parse().unwrap_or(0),
        _ => 0,
    };
    let n = shared.next_ts.fetch_add(1, Ordering::SeqCst);
    let id = format!("F{n:06}");
    shared.uploads.lock().unwrap().insert(id.clone(), Upload { name, length, ..Upload::default() });
    let port = shared.api_port.load(Ordering::SeqCst);
    json!({"ok": true, "upload_url": format!("http://127.0.0.1:{port}/upload/v1/{id}"), "file_id": id})
}

/// The POST of a file's bytes to its upload URL.
pub(super) async fn receive(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let mut call = ApiCall::new("upload_url", "POST", &content_type, json!({}));
    call.bearer = bearer;
    call.path = format!("/upload/v1/{id}");
    let problems = upload_violations(&call);
    let known = {
        let mut uploads = shared.uploads.lock().unwrap();
        match uploads.get_mut(&id) {
            Some(upload) if problems.is_empty() => {
                upload.bytes = Some(body.to_vec());
                true
            }
            Some(_) => true,
            None => false,
        }
    };
    if !problems.is_empty() {
        shared.violations.lock().unwrap().extend(problems);
    }
    if !known {
        call.status = 404;
        shared.calls.lock().unwrap().push(call);
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    }
    shared.calls.lock().unwrap().push(call);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("OK - {}", body.len())).into_response()
}

/// `files.completeUploadExternal`: each file must have been uploaded whole; shared in
/// `channel_id` as one message with the comment as its text.
pub(super) fn complete(shared: &Shared, params: &Map<String, Value>) -> Value {
    let wanted = params.get("files").and_then(files_param).unwrap_or_default();
    let mut files = Vec::new();
    {
        let mut uploads = shared.uploads.lock().unwrap();
        for file in &wanted {
            let id = file["id"].as_str().unwrap_or_default();
            let Some(upload) = uploads.get_mut(id) else { return json!({"ok": false, "error": "file_not_found"}) };
            let Some(bytes) = upload.bytes.clone().filter(|b| b.len() as u64 == upload.length) else {
                return json!({"ok": false, "error": "file_not_found"});
            };
            upload.completed = true;
            let title = file["title"].as_str().unwrap_or(&upload.name).to_owned();
            files.push(PostedFile { id: id.to_owned(), name: upload.name.clone(), title, bytes });
        }
    }
    let listed: Vec<Value> = files.iter().map(conversations::file_json).collect();
    if let Some(channel) = params.get("channel_id").and_then(Value::as_str).filter(|c| !c.is_empty()) {
        if shared.absent.lock().unwrap().contains(channel) {
            return json!({"ok": false, "error": "channel_not_found"});
        }
        let ts = next_ts(shared);
        let thread_ts = params.get("thread_ts").and_then(Value::as_str).map(str::to_owned);
        let text = params.get("initial_comment").and_then(Value::as_str).unwrap_or_default().to_owned();
        let posted = Posted { channel: channel.to_owned(), ts, thread_ts, text, metadata: None, files };
        shared.posted.lock().unwrap().push(posted);
    }
    json!({"ok": true, "files": listed})
}

/// The checker of the two methods catches what it claims to.
mod checker {
    use super::*;

    fn call(method: &str, verb: &str, content_type: &str, params: Value) -> ApiCall {
        ApiCall::new(method, verb, content_type, params)
    }

    #[test]
    fn well_formed_uploads_and_completions_pass_and_each_broken_rule_is_named() {
        let get = call("files.getUploadURLExternal", "GET", "", json!({"filename": "a.json", "length": "12"}));
        assert_eq!(violations(&get), Some(vec![]));
        let complete = call(
            "files.completeUploadExternal",
            "POST",
            "application/json; charset=utf-8",
            json!({"files": [{"id": "F1", "title": "a.json"}], "channel_id": "D1", "initial_comment": "hi"}),
        );
        assert_eq!(violations(&complete), Some(vec![]));
        let form = call(
            "files.completeUploadExternal",
            "POST",
            "application/x-www-form-urlencoded",
            json!({"files": "[{\"id\": \"F1\"}]", "channel_id": "D1"}),
        );
        assert_eq!(violations(&form), Some(vec![]), "a form sends the array as JSON text");

        let found = |c: &ApiCall| violations(c).unwrap().join("\n");
        let nameless = call("files.getUploadURLExternal", "GET", "", json!({"length": "12"}));
        assert!(found(&nameless).contains("lacks required parameter filename"));
        let sizeless = call("files.getUploadURLExternal", "GET", "", json!({"filename": "a", "length": "twelve"}));
        assert!(found(&sizeless).contains("parameter length"));
        let channels_as_list = call(
            "files.completeUploadExternal",
            "POST",
            "application/json",
            json!({"files": [{"id": "F1"}], "channel": "D1"}),
        );
        assert!(found(&channels_as_list).contains("undeclared parameter channel"));
        let no_ids =
            call("files.completeUploadExternal", "POST", "application/json", json!({"files": [{"title": "a"}]}));
        assert!(found(&no_ids).contains("parameter files"));
        let mut anonymous = get.clone();
        anonymous.bearer = None;
        assert!(found(&anonymous).contains("no bot token"));
        assert_eq!(
            violations(&call("chat.postMessage", "POST", "application/json", json!({}))),
            None,
            "not these methods"
        );
    }
}
