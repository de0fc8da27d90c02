//! Purpose: the playground's HTTP routes — the page (HTML, CSS, JavaScript embedded in the
//! binary), JSON endpoints to act as a member and move the clock, and Server-Sent Events that
//! tell the page to redraw.
//!
//! | route                 | what                                                            |
//! |-----------------------|-----------------------------------------------------------------|
//! | `GET /`               | the page                                                        |
//! | `GET /api/view?as=U`  | what member `U` sees (JSON, [`View`](super::view::View)); the first member without `as` |
//! | `POST /api/post`      | `{as, conversation, thread?, text}`: a message, reply, DM or `/async …` |
//! | `POST /api/press`     | `{as, conversation, action: answer\|skip, standup}`: a button    |
//! | `POST /api/form`      | `{as, trigger, answers: […]}`: the answers of an open form      |
//! | `POST /api/clock`     | `{step: next_event\|hour\|day}`: move the virtual clock           |
//! | `GET /api/events`     | Server-Sent Events: `changed` after every change                |
//!
//! A bad request is answered 400 with `{"error": "one line"}` and changes nothing.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::Stream;
use serde::Deserialize;
use serde_json::json;

use super::{BadRequest, Playground, PostRequest, Step};

/// The page, its style and its script: plain files, no build step.
pub const PAGE_HTML: &str = include_str!("page.html");
/// The page's style.
pub const PAGE_CSS: &str = include_str!("page.css");
/// The page's script.
pub const PAGE_JS: &str = include_str!("page.js");

/// The playground's routes.
pub fn routes(playground: Arc<Playground>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/page.css", get(css))
        .route("/page.js", get(js))
        .route("/api/view", get(view))
        .route("/api/post", post(post_message))
        .route("/api/press", post(press))
        .route("/api/form", post(form))
        .route("/api/clock", post(clock))
        .route("/api/events", get(events))
        .with_state(playground)
}

async fn page() -> Html<&'static str> {
    Html(PAGE_HTML)
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], PAGE_CSS).into_response()
}

async fn js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], PAGE_JS).into_response()
}

fn bad(error: BadRequest) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error.0 }))).into_response()
}

fn done<T: serde::Serialize>(result: Result<T, BadRequest>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(error) => bad(error),
    }
}

#[derive(Deserialize)]
struct ViewQuery {
    /// The scenario's first member when absent.
    #[serde(rename = "as")]
    user: Option<String>,
}

async fn view(State(playground): State<Arc<Playground>>, Query(query): Query<ViewQuery>) -> Response {
    let first = playground.scenario().members.first().map(|m| m.id.clone()).unwrap_or_default();
    done(playground.view(query.user.as_deref().unwrap_or(&first)).await)
}

async fn post_message(State(playground): State<Arc<Playground>>, Json(request): Json<PostRequest>) -> Response {
    done(playground.post(request).await.map(|()| json!({ "ok": true })))
}

#[derive(Deserialize)]
struct PressRequest {
    #[serde(rename = "as")]
    user: String,
    conversation: String,
    action: String,
    standup: String,
}

async fn press(State(playground): State<Arc<Playground>>, Json(request): Json<PressRequest>) -> Response {
    let result = playground.press(&request.user, &request.action, &request.standup, &request.conversation).await;
    done(result.map(|()| json!({ "ok": true })))
}

#[derive(Deserialize)]
struct FormRequest {
    #[serde(rename = "as")]
    user: String,
    trigger: String,
    answers: Vec<String>,
}

async fn form(State(playground): State<Arc<Playground>>, Json(request): Json<FormRequest>) -> Response {
    let result = playground.submit_form(&request.user, &request.trigger, request.answers).await;
    done(result.map(|()| json!({ "ok": true })))
}

#[derive(Deserialize)]
struct ClockRequest {
    step: Step,
}

async fn clock(State(playground): State<Arc<Playground>>, Json(request): Json<ClockRequest>) -> Response {
    match playground.advance(request.step).await {
        Ok(now) => Json(json!({ "now": now.to_rfc3339() })).into_response(),
        Err(error) => {
            tracing::error!("moving the clock failed: {error:#}");
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": format!("{error:#}") }))).into_response()
        }
    }
}

/// One `changed` event now (so a page that reconnects redraws) and one after every change.
async fn events(State(playground): State<Arc<Playground>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = playground.subscribe();
    let stream = futures_util::stream::unfold((receiver, true), |(mut receiver, first)| async move {
        if !first && receiver.changed().await.is_err() {
            return None;
        }
        let version = *receiver.borrow_and_update();
        Some((Ok(Event::default().event("changed").data(version.to_string())), (receiver, false)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}
