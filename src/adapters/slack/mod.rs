//! Purpose: Slack, through slack-morphism. Everything Slack-specific lives in this folder and
//! nothing outside it sees a slack-morphism type:
//!
//! - [`convert`]: Slack events and commands → [`crate::domain::events::InboundEvent`].
//! - [`payload`]: an HTTP mode Events API body read straight from its bytes, converted the same way.
//! - [`interactions`]: button clicks and modal submissions → events, with inline form errors.
//! - [`blocks`]: buttons, the standup modal and the App Home as Block Kit.
//! - [`intake`]: de-duplication by `event_id` and the hand-off to the bot's one consumer.
//! - [`platform`]: the Web API as a [`crate::ports::ChatPlatform`].
//! - [`failures`]: what a failed call means for its message (permanent, rate limited, ambiguous, transient).
//! - [`reconcile`]: finding a post Slack may already have, by the outbox id in its metadata.
//! - [`response_urls`]: slash-command replies through the command's `response_url`.
//! - [`preflight`]: `unhurried check` — whose token it is and which scopes it lacks.
//! - [`events`]: HTTP mode — `/slack/events`, `/slack/commands`, `/slack/interactions`, verified.
//! - [`socket`]: Socket Mode — the websocket listener.
//! - [`verify`]: request signatures (SPEC §10).

pub mod blocks;
pub mod convert;
pub mod events;
pub mod failures;
pub mod files;
pub mod intake;
pub mod interactions;
pub mod payload;
pub mod platform;
pub mod preflight;
pub mod reconcile;
pub mod response_urls;
pub mod socket;
pub mod verify;

use std::sync::Arc;

use slack_morphism::prelude::*;

pub use intake::{Accepted, Intake};
pub use platform::{BotIdentity, SlackPlatform};
pub use response_urls::ResponseUrls;

/// Installs ring as rustls' process-wide crypto provider. Both TLS users (the Web API client
/// and the Socket Mode websocket) then agree on it, whatever else is linked (STACK-NOTES §6.1).
pub fn install_crypto_provider() {
    // An Err only means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Crates whose `trace` lines print whole Socket Mode frames: slack-morphism's client, and the
/// websocket library under it (through the `log` bridge).
const FRAME_LOGGING_CRATES: &[&str] = &["slack_morphism", "tungstenite", "tokio_tungstenite"];

/// A global log filter that drops the `trace` lines of [`FRAME_LOGGING_CRATES`], whatever level
/// is asked for: they print every frame received, `response_url`s included, which SPEC §10
/// keeps out of logs. The process's subscriber installs it (`telemetry`).
pub fn log_filter() -> tracing_subscriber::filter::FilterFn<fn(&tracing::Metadata<'_>) -> bool> {
    fn allowed(metadata: &tracing::Metadata<'_>) -> bool {
        let target = metadata.target();
        let frame_logger = FRAME_LOGGING_CRATES
            .iter()
            .any(|name| target.strip_prefix(name).is_some_and(|rest| rest.is_empty() || rest.starts_with("::")));
        !(*metadata.level() == tracing::Level::TRACE && frame_logger)
    }
    tracing_subscriber::filter::filter_fn(allowed)
}

/// A slack-morphism client for the Web API at `api_url` (`https://slack.com/api` in production,
/// a local double in tests, which is why plain http is allowed).
pub fn client(api_url: &str) -> anyhow::Result<Arc<SlackHyperClient>> {
    let connector =
        SlackClientHyperConnector::from(https_connector()?).with_slack_api_url(api_url.trim_end_matches('/'));
    Ok(Arc::new(SlackClient::new(connector)))
}

/// The TLS connector every Slack call goes through: native roots, ring, and plain http allowed
/// for a local double.
fn https_connector() -> anyhow::Result<hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>>
{
    install_crypto_provider();
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| anyhow::anyhow!("no TLS root certificates: {e}"))?
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build())
}
