//! A slash command's `response_url` (`/commands/T1/{n}/{secret}`): Slack accepts a JSON message on
//! it, ephemeral unless `response_type` says `in_channel`, 5 times within 30 minutes. The double
//! hands out URLs, records each reply as a call of method `response_url`, checks its fields
//! against Slack's documented ones, and refuses a used-up or expired URL with 404.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::{ApiCall, Shared};

/// Slack's documented fields of a message sent to a `response_url`.
const FIELDS: &[&str] =
    &["text", "blocks", "attachments", "response_type", "replace_original", "delete_original", "thread_ts", "mrkdwn"];
/// Uses Slack allows per URL.
pub const USES: u32 = 5;

/// The state of one handed-out URL.
#[derive(Debug, Default, Clone)]
pub struct UrlState {
    pub uses: u32,
    pub expired: bool,
}

/// What breaks the documented shape of a `response_url` message.
pub fn violations(content_type: &str, params: &Map<String, Value>, bearer: Option<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    if !content_type.starts_with("application/json") {
        problems.push(format!("POST response_url: body of type '{content_type}', Slack reads JSON"));
    }
    if bearer.is_some() {
        problems.push("POST response_url: sent a token; the URL is the credential".to_owned());
    }
    for (name, value) in params {
        if !FIELDS.contains(&name.as_str()) {
            problems.push(format!("POST response_url: undeclared field {name}"));
        }
        let fine = match name.as_str() {
            "text" | "thread_ts" => value.is_string(),
            "response_type" => value == "ephemeral" || value == "in_channel",
            "replace_original" | "delete_original" | "mrkdwn" => value.is_boolean(),
            "blocks" => value.as_array().is_some_and(|b| b.iter().all(|b| b["type"].is_string())),
            _ => true,
        };
        if !fine {
            problems.push(format!("POST response_url: field {name} = {value} is not what Slack documents"));
        }
    }
    if !params.contains_key("text") && !params.contains_key("blocks") {
        problems.push("POST response_url: neither text nor blocks".to_owned());
    }
    problems
}

pub async fn answer(
    State(shared): State<Arc<Shared>>,
    Path((team, id, secret)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let params = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default();
    let problems = violations(&content_type, &params, bearer.as_deref());
    let key = format!("{team}/{id}/{secret}");
    let refusal = {
        let mut urls = shared.response_urls.lock().unwrap();
        match urls.get_mut(&key) {
            None => Some("no_active_hooks"),
            Some(state) if state.expired => Some("expired_url"),
            Some(state) if state.uses >= USES => Some("used_url"),
            Some(_) if !problems.is_empty() => None,
            Some(state) => {
                state.uses += 1;
                None
            }
        }
    };
    let status = match (refusal, problems.is_empty()) {
        (Some(_), _) => StatusCode::NOT_FOUND,
        (None, false) => StatusCode::BAD_REQUEST,
        (None, true) => StatusCode::OK,
    };
    let mut call = ApiCall::new("response_url", "POST", &content_type, Value::Object(params));
    call.bearer = bearer;
    call.path = format!("/commands/{key}");
    call.status = status.as_u16();
    shared.calls.lock().unwrap().push(call);
    shared.violations.lock().unwrap().extend(problems.iter().cloned());
    match refusal {
        Some(reason) => (status, reason).into_response(),
        None if !problems.is_empty() => (status, "invalid_payload").into_response(),
        // Slack answers a good reply with a bare `ok`, not JSON.
        None => (status, [(header::CONTENT_TYPE, "text/html")], "ok").into_response(),
    }
}
