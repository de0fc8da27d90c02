//! Purpose: Slack's Socket Mode. slack-morphism keeps the websockets open, answers `disconnect`
//! frames by opening a new one (only while the listener lives: keep [`SocketMode`] for the life
//! of the process), and acks each envelope when its callback returns. The callbacks only hand
//! the event to the [`Intake`], so acks stay fast; a retry or the same event on the second
//! socket is dropped there by its `event_id`.

use std::sync::Arc;

use secrecy::{ExposeSecret as _, SecretString};
use slack_morphism::prelude::*;

use crate::adapters::slack::intake::Intake;

/// Slack's default: two sockets, so a server-side restart of one loses nothing.
pub const DEFAULT_CONNECTIONS: u32 = 2;

/// A running Socket Mode listener. Dropping it stops reconnection; call [`SocketMode::shutdown`].
pub struct SocketMode {
    listener: SlackClientSocketModeListener<SlackClientHyperHttpsConnector>,
}

impl SocketMode {
    /// Opens `connections` sockets with the app-level token and starts delivering to `intake`.
    pub async fn start(
        client: Arc<SlackHyperClient>,
        app_token: &SecretString,
        intake: Arc<Intake>,
        connections: u32,
    ) -> anyhow::Result<Self> {
        let callbacks = SlackSocketModeListenerCallbacks::new()
            .with_push_events(on_push)
            .with_command_events(on_command)
            .with_interaction_events(on_interaction);
        let environment = Arc::new(
            SlackClientEventsListenerEnvironment::new(client).with_error_handler(on_error).with_user_state(intake),
        );
        let config = SlackClientSocketModeConfig::new().with_max_connections_count(connections.max(1));
        let listener = SlackClientSocketModeListener::new(&config, environment, callbacks);
        let token = SlackApiToken::new(SlackApiTokenValue::new(app_token.expose_secret().to_owned()));
        listener.listen_for(&token).await.map_err(|e| anyhow::anyhow!("cannot open Slack Socket Mode: {e}"))?;
        listener.start().await;
        Ok(SocketMode { listener })
    }

    /// Closes the sockets.
    pub async fn shutdown(&self) {
        self.listener.shutdown().await;
    }
}

async fn intake_of(states: &SlackClientEventsUserState) -> Option<Arc<Intake>> {
    states.read().await.get_user_state::<Arc<Intake>>().cloned()
}

async fn on_push(
    event: SlackPushEventCallback,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let intake = intake_of(&states).await.ok_or("the intake is missing")?;
    match intake.push(&event).await {
        Ok(accepted) => {
            tracing::debug!(event_id = %event.event_id, ?accepted, "Slack event");
            Ok(())
        }
        Err(error) => {
            // No ack: Slack redelivers, and the event id was not recorded.
            tracing::error!(error = format!("{error:#}"), "could not take a Slack event");
            Err(error.into())
        }
    }
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    let intake = intake_of(&states).await.ok_or("the intake is missing")?;
    if let Err(error) = intake.command(&event).await {
        tracing::error!(error = format!("{error:#}"), "could not take a Slack command");
        let busy = SlackMessageContent::new().with_text("unhurried is busy; please try again in a moment.".into());
        return Ok(SlackCommandEventResponse::new(busy));
    }
    // An empty ack shows nothing; the reply follows as an ephemeral message from the outbox.
    Ok(SlackCommandEventResponse::new(SlackMessageContent::new()))
}

async fn on_interaction(
    _event: SlackInteractionEvent,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    if let Some(intake) = intake_of(&states).await {
        intake.metrics().event_received("interaction");
    }
    Ok(())
}

/// Replaces slack-morphism's default handler, which logs the raw frame (it can hold a
/// `response_url`). The error text may quote the frame too, so only its existence is logged.
fn on_error(
    _error: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<SlackHyperClient>,
    _states: SlackClientEventsUserState,
) -> slack_morphism::listener::HttpStatusCode {
    tracing::warn!("a Slack Socket Mode frame could not be handled; Slack will redeliver it");
    slack_morphism::listener::HttpStatusCode::BAD_REQUEST
}
