//! Purpose: Discord's HTTP interactions endpoint, `POST /discord/interactions` (SPEC §10), for
//! applications whose "Interactions Endpoint URL" points at the bot. Every request is verified
//! first — Ed25519 of `X-Signature-Ed25519` over `X-Signature-Timestamp || raw body` with the
//! application's public key (`DISCORD_PUBLIC_KEY`) — and anything unverified gets 401 and touches
//! nothing (Discord's portal sends deliberately bad signatures to test exactly that). PING gets
//! PONG; every other interaction gets the answer the gateway handler gives it (both go through
//! [`Intake`]), written into the HTTP response as Discord expects, and the engine hears of it
//! only after that response has been written.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use ed25519_dalek::{Signature, VerifyingKey};
use secrecy::{ExposeSecret as _, SecretString};
use serenity::all::{CreateInteractionResponse, Interaction};
use serenity::futures::{StreamExt as _, stream};

use super::intake::{AfterAck, Answer, Intake, Outcome};

/// The route Discord POSTs interactions to.
pub const PATH: &str = "/discord/interactions";
/// Header carrying the hex Ed25519 signature.
pub const SIGNATURE_HEADER: &str = "x-signature-ed25519";
/// Header carrying the signed timestamp (Unix seconds, as text).
pub const TIMESTAMP_HEADER: &str = "x-signature-timestamp";
/// Largest body accepted, in bytes; larger ones get 413 before any of it is verified or parsed.
/// The largest interaction the bot gets is an answer modal: five inputs of at most 4,000
/// characters, up to 4 bytes each in UTF-8, about 80 KB with the common fields.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Verifies Discord's signatures with one application's public key.
#[derive(Debug, Clone)]
pub struct InteractionVerifier {
    key: VerifyingKey,
}

/// Decodes hex (either case) into exactly `N` bytes.
fn hex_bytes<const N: usize>(hex: &str) -> Option<[u8; N]> {
    let hex = hex.trim().as_bytes();
    if hex.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let digit = |c: u8| (c as char).to_digit(16);
        *byte = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
    }
    Some(out)
}

impl InteractionVerifier {
    /// A verifier for the portal's hex "Public Key"; an error says what is wrong without
    /// repeating the value.
    pub fn new(public_key: &SecretString) -> anyhow::Result<Self> {
        let bytes = hex_bytes::<32>(public_key.expose_secret())
            .ok_or_else(|| anyhow::anyhow!("DISCORD_PUBLIC_KEY must be 64 hex digits"))?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not a valid Ed25519 public key"))?;
        Ok(InteractionVerifier { key })
    }

    /// Whether `signature_hex` signs `timestamp` followed by the raw `body`. Malformed input is
    /// simply not valid; nothing here panics.
    pub fn verify(&self, signature_hex: &str, timestamp: &str, body: &[u8]) -> bool {
        let Some(signature) = hex_bytes::<64>(signature_hex) else { return false };
        let signature = Signature::from_bytes(&signature);
        let mut message = Vec::with_capacity(timestamp.len() + body.len());
        message.extend_from_slice(timestamp.as_bytes());
        message.extend_from_slice(body);
        // Strict verification also rejects malleable signatures and small-order keys.
        self.key.verify_strict(&message, &signature).is_ok()
    }
}

/// The response body to a verified interaction that Discord answers synchronously: `PING`
/// (type 1) gets `PONG` (`{"type":1}`). `None` for everything else, which goes to [`Intake`].
pub fn synchronous_response(body: &[u8]) -> Option<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    (value.get("type")?.as_u64()? == 1).then(|| serde_json::json!({"type": 1}))
}

/// What the route needs.
#[derive(Clone)]
pub struct DiscordHttp {
    /// Checks signatures.
    pub verifier: InteractionVerifier,
    /// Answers interactions and feeds the engine, shared with the gateway handler.
    pub intake: Arc<Intake>,
}

/// `POST /discord/interactions`, with its body limit.
pub fn routes(endpoint: DiscordHttp) -> Router {
    Router::new().route(PATH, post(interactions)).layer(DefaultBodyLimit::max(BODY_LIMIT)).with_state(endpoint)
}

fn refused(reason: &'static str) -> Response {
    // The reason is logged, never the signature or the body (it carries the interaction token).
    tracing::warn!(reason, "refused an unverified Discord interaction");
    (StatusCode::UNAUTHORIZED, "unverified").into_response()
}

async fn interactions(State(endpoint): State<DiscordHttp>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) = (header(SIGNATURE_HEADER), header(TIMESTAMP_HEADER)) else {
        return refused("missing signature headers");
    };
    if !endpoint.verifier.verify(signature, timestamp, &body) {
        return refused("bad signature");
    }
    if let Some(pong) = synchronous_response(&body) {
        return axum::Json(pong).into_response();
    }
    let interaction: Interaction = match serde_json::from_slice(&body) {
        Ok(interaction) => interaction,
        Err(error) => {
            // serde's message can quote a field's value (a token); the position and class are enough.
            let (line, column, class) = (error.line(), error.column(), format!("{:?}", error.classify()));
            tracing::warn!(line, column, class, "a verified Discord interaction has a shape the bot does not know");
            return (StatusCode::BAD_REQUEST, "unsupported interaction").into_response();
        }
    };
    match endpoint.intake.answer(interaction).await {
        Outcome::Answer(answer) => {
            let Answer { response, then } = *answer;
            respond(&response, then.map(|then| (endpoint.intake, then)))
        }
        Outcome::Replayed => {
            tracing::debug!("replayed interaction ignored");
            (StatusCode::CONFLICT, "interaction already handled").into_response()
        }
        Outcome::NotHandled => {
            tracing::debug!("interaction the bot does not handle");
            (StatusCode::BAD_REQUEST, "interaction not handled").into_response()
        }
    }
}

/// The response as Discord's HTTP interactions expect it: the interaction response JSON as the
/// body. When the engine follows up, it hears of the interaction only after the body has been
/// handed to the connection: its reply edits this response, and Discord answers 404 to an edit
/// that reaches it before the response being edited. If the connection fails first, Discord
/// never had the response, and — as on the gateway, when the ack fails — the engine is not told.
fn respond(response: &CreateInteractionResponse, then: Option<(Arc<Intake>, AfterAck)>) -> Response {
    let json = match serde_json::to_vec(response) {
        Ok(json) => json,
        Err(error) => {
            tracing::error!(error = %error, "could not write an interaction response");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let json_type = [(header::CONTENT_TYPE, "application/json")];
    let Some((intake, then)) = then else { return (json_type, json).into_response() };
    let body = stream::once(async { Ok::<_, Infallible>(Bytes::from(json)) });
    // hyper polls the body again only after taking the first chunk; yielding once lets it flush
    // that chunk to the socket before the engine is told.
    let tell_engine = stream::once(async move {
        tokio::task::yield_now().await;
        intake.acknowledged(then).await;
    })
    .filter_map(|()| std::future::ready(None::<Result<Bytes, Infallible>>));
    (json_type, Body::from_stream(body.chain(tell_engine))).into_response()
}
