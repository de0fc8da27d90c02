//! Purpose: Slack's Socket Mode. slack-morphism keeps the websockets open, answers `disconnect`
//! frames by opening a new one (only while the listener lives: keep [`SocketMode`] for the life
//! of the process), and acks each envelope when its callback returns. The callbacks only hand
//! the event to the [`Intake`], so acks stay fast; a retry or the same event on the second
//! socket is dropped there by its `event_id`.

use std::sync::Arc;

use secrecy::{ExposeSecret as _, SecretString};
use slack_morphism::prelude::*;

use crate::adapters::readiness::{ConnectionCheck, Flag};
use crate::adapters::slack::intake::Intake;
use crate::adapters::slack::interactions;

/// How the listener connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketOptions {
    /// How many sockets to keep open; two (the default) so a server-side restart of one loses nothing.
    pub connections: u32,
    /// Seconds between opening one socket and the next, so they do not all restart together.
    pub stagger_secs: u64,
}

impl Default for SocketOptions {
    fn default() -> Self {
        SocketOptions { connections: 2, stagger_secs: SlackClientSocketModeConfig::DEFAULT_INITIAL_BACKOFF_IN_SECONDS }
    }
}

/// A running Socket Mode listener. Dropping it stops reconnection; call [`SocketMode::shutdown`].
pub struct SocketMode {
    listener: SlackClientSocketModeListener<SlackClientHyperHttpsConnector>,
    /// Up once Slack said `hello` on a socket.
    greeted: Arc<Flag>,
}

impl SocketMode {
    /// Opens the sockets with the app-level token and starts delivering to `intake`.
    pub async fn start(
        client: Arc<SlackHyperClient>,
        app_token: &SecretString,
        intake: Arc<Intake>,
        options: SocketOptions,
    ) -> anyhow::Result<Self> {
        let greeted = Flag::new("slack socket mode", "no socket has been greeted by Slack yet");
        let callbacks = SlackSocketModeListenerCallbacks::new()
            // slack-morphism does not export the hello event's type, so a closure names it.
            .with_hello_events(|_hello, _client, states| on_hello(states))
            .with_push_events(on_push)
            .with_command_events(on_command)
            .with_interaction_events(on_interaction);
        let environment = Arc::new(
            SlackClientEventsListenerEnvironment::new(client)
                .with_error_handler(on_error)
                .with_user_state(intake)
                .with_user_state(greeted.clone()),
        );
        let config = SlackClientSocketModeConfig::new()
            .with_max_connections_count(options.connections.max(1))
            .with_initial_backoff_in_seconds(options.stagger_secs);
        let listener = SlackClientSocketModeListener::new(&config, environment, callbacks);
        let token = SlackApiToken::new(SlackApiTokenValue::new(app_token.expose_secret().to_owned()));
        listener.listen_for(&token).await.map_err(|e| anyhow::anyhow!("cannot open Slack Socket Mode: {e}"))?;
        listener.start().await;
        Ok(SocketMode { listener, greeted })
    }

    /// For `/readyz`: up once Slack greeted a socket. slack-morphism reopens a lost socket by
    /// itself and tells nobody, so a socket lost later is not seen here.
    pub fn readiness_check(&self) -> Arc<dyn ConnectionCheck> {
        self.greeted.clone()
    }

    /// Closes the sockets.
    pub async fn shutdown(&self) {
        self.listener.shutdown().await;
    }
}

async fn intake_of(states: &SlackClientEventsUserState) -> Option<Arc<Intake>> {
    states.read().await.get_user_state::<Arc<Intake>>().cloned()
}

/// Slack greeted a socket: it is up.
async fn on_hello(states: SlackClientEventsUserState) {
    if let Some(greeted) = states.read().await.get_user_state::<Arc<Flag>>() {
        greeted.set(true);
    }
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
    event: SlackInteractionEvent,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackInteractionResponse> {
    let intake = intake_of(&states).await.ok_or("the intake is missing")?;
    match intake.interaction(&event).await {
        // The ack carries the answer: inline errors for a refused submission, else nothing.
        Ok(interaction) => Ok(interactions::response(&interaction)),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "could not take a Slack interaction");
            Err(error.into())
        }
    }
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
