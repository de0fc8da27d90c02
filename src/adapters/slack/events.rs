//! Purpose: Slack's HTTP mode. Every request to `/slack/events`, `/slack/commands` and
//! `/slack/interactions` is verified against the raw body first (SPEC §10); anything unverified
//! gets 401 and touches nothing. Verified requests are answered at once — slow work happens
//! after the ack, in the bot's consumer — so Slack always hears back within 3 s. A body larger
//! than [`MAX_BODY_BYTES`] is refused with 413 before anything else looks at it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use slack_morphism::prelude::*;

use crate::adapters::slack::intake::Intake;
use crate::adapters::slack::interactions;
use crate::adapters::slack::payload::{self, Payload};
use crate::adapters::slack::verify::{RequestVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::ports::Clock;

/// The largest request body the Slack routes read, in bytes. Slack's biggest deliveries (a
/// 100-block modal submission, a 40,000-character message with its blocks) stay far below it.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What the Slack routes need.
#[derive(Clone)]
pub struct SlackHttp {
    /// Checks signatures.
    pub verifier: RequestVerifier,
    /// Reads "now" for the timestamp window.
    pub clock: Arc<dyn Clock>,
    /// Where verified deliveries go.
    pub intake: Arc<Intake>,
}

/// The three Slack routes.
pub fn routes(slack: SlackHttp) -> Router {
    Router::new()
        .route("/slack/events", post(events))
        .route("/slack/commands", post(commands))
        .route("/slack/interactions", post(interactions))
        .with_state(slack)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// The answer to a body that could not be read: too large, or cut off.
fn unreadable(route: &'static str, rejection: BytesRejection) -> Response {
    let status = rejection.status();
    tracing::warn!(route, %status, "refused a Slack request whose body could not be read");
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        (status, format!("payload too large: Slack requests are at most {MAX_BODY_BYTES} bytes")).into_response()
    } else {
        (status, "the request body could not be read").into_response()
    }
}

impl SlackHttp {
    /// Whether the request is Slack's; a refusal is logged with its reason (never a signature).
    fn verified(&self, route: &'static str, headers: &HeaderMap, body: &[u8]) -> bool {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let now = self.clock.now().timestamp();
        match self.verifier.verify(header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER), body, now) {
            Ok(()) => true,
            Err(reason) => {
                tracing::warn!(route, %reason, "refused an unverified Slack request");
                false
            }
        }
    }
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "unverified").into_response()
}

async fn events(State(slack): State<SlackHttp>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return unreadable("/slack/events", rejection),
    };
    if !slack.verified("/slack/events", &headers, &body) {
        return unauthorized();
    }
    // Only the fields the bot uses are read (`payload`): slack-morphism's typed parse of the
    // whole delivery cost more than everything else about the request.
    let Some(payload) = payload::read(&body) else {
        // Verified but of a shape we do not know: ack, so Slack does not retry it forever.
        slack.intake.metrics().event_received("unsupported");
        tracing::debug!("ignored a Slack event of an unsupported shape");
        return StatusCode::OK.into_response();
    };
    match payload {
        Payload::UrlVerification { challenge } => {
            slack.intake.metrics().event_received("url_verification");
            axum::Json(serde_json::json!({ "challenge": challenge })).into_response()
        }
        Payload::EventCallback(callback) => match slack.intake.push_read(&callback).await {
            Ok(accepted) => {
                let retry = headers.get("x-slack-retry-num").and_then(|v| v.to_str().ok()).unwrap_or("0");
                tracing::debug!(event_id = %callback.event_id, retry, ?accepted, "Slack event");
                StatusCode::OK.into_response()
            }
            Err(error) => {
                // Not acked: Slack retries, and the event id is not yet recorded.
                tracing::error!(error = format!("{error:#}"), "could not take a Slack event");
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
        },
        Payload::AppRateLimited => {
            slack.intake.metrics().event_received("app_rate_limited");
            tracing::warn!("Slack is rate limiting events to this app (over 30,000 an hour)");
            StatusCode::OK.into_response()
        }
    }
}

async fn commands(State(slack): State<SlackHttp>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return unreadable("/slack/commands", rejection),
    };
    if !slack.verified("/slack/commands", &headers, &body) {
        return unauthorized();
    }
    let fields: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if fields.contains_key("ssl_check") {
        // Slack checking our certificate: answer, dispatch nothing.
        return StatusCode::OK.into_response();
    }
    let Ok(command) = serde_urlencoded::from_bytes::<SlackCommandEvent>(&body) else {
        tracing::debug!("ignored a malformed Slack command");
        return (StatusCode::OK, "Sorry, that command could not be read.").into_response();
    };
    match slack.intake.command(&command).await {
        // An empty 200 shows nothing; the reply follows as an ephemeral message from the outbox.
        Ok(_) => StatusCode::OK.into_response(),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "could not take a Slack command");
            (StatusCode::OK, "unhurried is busy; please try again in a moment.").into_response()
        }
    }
}

async fn interactions(
    State(slack): State<SlackHttp>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return unreadable("/slack/interactions", rejection),
    };
    if !slack.verified("/slack/interactions", &headers, &body) {
        return unauthorized();
    }
    // Slack posts interactions as a form with one field, `payload`, holding the JSON.
    let fields: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let Some(event) = fields.get("payload").and_then(|p| serde_json::from_str::<SlackInteractionEvent>(p).ok()) else {
        slack.intake.metrics().event_received("unsupported");
        tracing::debug!("ignored a Slack interaction of an unsupported shape");
        return StatusCode::OK.into_response();
    };
    match slack.intake.interaction(&event).await {
        Ok(interaction) => match interactions::response(&interaction) {
            // An empty 200 closes a submitted modal and shows nothing for a click.
            SlackInteractionResponse::Empty => StatusCode::OK.into_response(),
            response => axum::Json(response).into_response(),
        },
        Err(error) => {
            // Slack shows the member that it could not reach the app; they can press again.
            tracing::error!(error = format!("{error:#}"), "could not take a Slack interaction");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
