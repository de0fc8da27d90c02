//! Purpose: Slack's Socket Mode. slack-morphism keeps the websockets open (its clients manager:
//! opening, pinging, reopening a lost socket) and hands every frame and every lost socket to a
//! [`SlackSocketModeClientListener`]. The listener is ours rather than slack-morphism's
//! callbacks, because only the listener is told when a socket is lost (`on_disconnect`, Slack's
//! `disconnect` frame): readiness follows the sockets — up while Slack has greeted at least one
//! socket that was not lost since, down from the moment the last one is lost until a new one is
//! greeted. The frames are read as slack-morphism reads them (its typed payloads) and acked when
//! the intake has the event; a retry or the same event on the second socket is dropped there by
//! its `event_id`. The intake only records, so acks stay fast.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use async_trait::async_trait;
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;
use slack_morphism::prelude::*;
use slack_morphism::socket_mode::clients_manager::{
    SlackSocketModeClientsManager, SlackSocketModeClientsManagerFactory as _,
};

use crate::adapters::readiness::ConnectionCheck;
use crate::adapters::slack::intake::Intake;
use crate::adapters::slack::interactions;

/// How the listener connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketOptions {
    /// How many sockets to keep open; two (the default) so a server-side restart of one loses nothing.
    pub connections: u32,
    /// Seconds between opening one socket and the next, so they do not all restart together.
    pub stagger_secs: u64,
    /// Seconds between two attempts to open a socket while Slack cannot be reached.
    pub retry_secs: u64,
}

impl Default for SocketOptions {
    fn default() -> Self {
        SocketOptions {
            connections: 2,
            stagger_secs: SlackClientSocketModeConfig::DEFAULT_INITIAL_BACKOFF_IN_SECONDS,
            retry_secs: SlackClientSocketModeConfig::DEFAULT_RECONNECT_TIMEOUT_IN_SECONDS,
        }
    }
}

type Manager = dyn SlackSocketModeClientsManager + Send + Sync;

/// A running Socket Mode listener. Dropping it stops reconnection; call [`SocketMode::shutdown`].
pub struct SocketMode {
    manager: Arc<Manager>,
    sockets: Arc<Sockets>,
}

impl SocketMode {
    /// Opens the sockets with the app-level token and starts delivering to `intake`.
    pub async fn start(
        client: Arc<SlackHyperClient>,
        app_token: &SecretString,
        intake: Arc<Intake>,
        options: SocketOptions,
    ) -> anyhow::Result<Self> {
        let sockets = Arc::new(Sockets::default());
        let environment = Arc::new(SlackClientEventsListenerEnvironment::new(client.clone()));
        let manager = client.http_api.connector.new_clients_manager(environment);
        let listener = Arc::new(Listener { manager: Arc::downgrade(&manager), intake, sockets: sockets.clone() });
        let config = SlackClientSocketModeConfig::new()
            .with_max_connections_count(options.connections.max(1))
            .with_initial_backoff_in_seconds(options.stagger_secs)
            .with_reconnect_timeout_in_seconds(options.retry_secs.max(1));
        let token = SlackApiToken::new(SlackApiTokenValue::new(app_token.expose_secret().to_owned()));
        manager
            .register_new_token(&config, token, listener)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open Slack Socket Mode: {e}"))?;
        manager.start().await;
        Ok(SocketMode { manager, sockets })
    }

    /// For `/readyz`: up while a socket Slack greeted is open.
    pub fn readiness_check(&self) -> Arc<dyn ConnectionCheck> {
        self.sockets.clone()
    }

    /// Closes the sockets.
    pub async fn shutdown(&self) {
        self.manager.shutdown().await;
    }
}

/// The sockets Slack has greeted (its `hello`) and that were not lost since.
#[derive(Default)]
struct Sockets {
    greeted: Mutex<HashSet<SlackSocketModeWssClientId>>,
    /// Whether a socket was ever greeted (to say why readiness is down).
    ever: AtomicBool,
}

impl Sockets {
    fn greeted(&self, socket: &SlackSocketModeWssClientId) {
        let mut greeted = self.greeted.lock().expect("sockets lock");
        if greeted.is_empty() && self.ever.swap(true, Ordering::SeqCst) {
            tracing::info!(socket = socket.to_string(), "Slack Socket Mode is connected again");
        }
        greeted.insert(socket.clone());
    }

    /// Forgets a lost socket; whether it was the last one open.
    fn lost(&self, socket: &SlackSocketModeWssClientId) -> bool {
        let mut greeted = self.greeted.lock().expect("sockets lock");
        greeted.remove(socket) && greeted.is_empty()
    }
}

#[async_trait]
impl ConnectionCheck for Sockets {
    fn name(&self) -> &'static str {
        "slack socket mode"
    }

    async fn check(&self) -> Result<(), String> {
        if !self.greeted.lock().expect("sockets lock").is_empty() {
            Ok(())
        } else if self.ever.load(Ordering::SeqCst) {
            Err("every socket was lost; reconnecting".to_owned())
        } else {
            Err("no socket has been greeted by Slack yet".to_owned())
        }
    }
}

/// One Socket Mode frame, as far as the listener reads it; the payload is read by its type.
#[derive(Deserialize)]
struct Frame {
    #[serde(rename = "type")]
    kind: String,
    envelope_id: Option<String>,
    #[serde(default)]
    accepts_response_payload: bool,
    #[serde(default)]
    payload: serde_json::Value,
}

/// What slack-morphism's clients manager calls for every frame and every lost socket.
struct Listener {
    manager: Weak<Manager>,
    intake: Arc<Intake>,
    sockets: Arc<Sockets>,
}

impl Listener {
    /// A socket is gone: readiness forgets it and the manager opens a new one (retrying every
    /// `retry_secs` until Slack answers).
    async fn lost(&self, socket: &SlackSocketModeWssClientId, why: &str) {
        if self.sockets.lost(socket) {
            tracing::warn!(socket = socket.to_string(), why, "Slack Socket Mode is disconnected; reconnecting");
        } else {
            tracing::debug!(socket = socket.to_string(), why, "a Slack Socket Mode socket closed; reconnecting");
        }
        if let Some(manager) = self.manager.upgrade() {
            manager.restart_client(socket).await;
        }
    }

    /// The answer to an envelope: the ack (with a payload for commands and modal errors), or
    /// nothing, so that Slack delivers it again.
    async fn envelope(&self, frame: Frame) -> Option<String> {
        let envelope_id = frame.envelope_id?;
        let bare = || serde_json::json!({ "envelope_id": envelope_id }).to_string();
        let unreadable = |kind: &str| {
            // The frame may quote a response_url: only its kind is logged. It never reads
            // better on a retry, so it is acked.
            tracing::warn!(kind, "a Slack Socket Mode frame could not be read; acknowledged and dropped");
            Some(bare())
        };
        match frame.kind.as_str() {
            "events_api" => {
                let Ok(event) = serde_json::from_value::<SlackPushEventCallback>(frame.payload) else {
                    return unreadable("events_api");
                };
                on_push(&self.intake, &event).await.then(bare)
            }
            "slash_commands" => {
                let Ok(command) = serde_json::from_value::<SlackCommandEvent>(frame.payload) else {
                    return unreadable("slash_commands");
                };
                let reply = on_command(&self.intake, &command).await;
                serde_json::to_string(&serde_json::json!({ "envelope_id": envelope_id, "payload": reply })).ok()
            }
            "interactive" => {
                let Ok(event) = serde_json::from_value::<SlackInteractionEvent>(frame.payload) else {
                    return unreadable("interactive");
                };
                match on_interaction(&self.intake, &event).await? {
                    SlackInteractionResponse::Empty => Some(bare()),
                    payload if frame.accepts_response_payload => {
                        serde_json::to_string(&serde_json::json!({ "envelope_id": envelope_id, "payload": payload }))
                            .ok()
                    }
                    _ => {
                        tracing::warn!("Slack did not accept an answer to this interaction; acknowledged without it");
                        Some(bare())
                    }
                }
            }
            other => unreadable(other),
        }
    }
}

#[async_trait]
impl SlackSocketModeClientListener for Listener {
    async fn on_message(&self, socket: &SlackSocketModeWssClientId, body: String) -> Option<String> {
        let Ok(frame) = serde_json::from_str::<Frame>(&body) else {
            tracing::warn!("a Slack Socket Mode frame is not JSON; dropped");
            return None;
        };
        match frame.kind.as_str() {
            "hello" => {
                self.sockets.greeted(socket);
                None
            }
            // Slack is about to close this socket (a refresh, or too many sockets).
            "disconnect" => {
                self.lost(socket, "Slack asked for a new socket").await;
                None
            }
            _ => self.envelope(frame).await,
        }
    }

    async fn on_error(&self, _error: Box<dyn std::error::Error + Send + Sync>) {
        // The error can quote a frame (a response_url): only that there was one is logged.
        tracing::warn!("a Slack Socket Mode socket reported an error");
    }

    async fn on_disconnect(&self, socket: &SlackSocketModeWssClientId) {
        self.lost(socket, "the socket closed or stopped answering pings").await;
    }
}

/// Hands an event to the intake; whether it may be acked (an error is not: Slack redelivers, and
/// the event id was not recorded).
async fn on_push(intake: &Intake, event: &SlackPushEventCallback) -> bool {
    match intake.push(event).await {
        Ok(accepted) => {
            tracing::debug!(event_id = %event.event_id, ?accepted, "Slack event");
            true
        }
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "could not take a Slack event");
            false
        }
    }
}

/// Hands a slash command to the intake; the ack's payload.
async fn on_command(intake: &Intake, event: &SlackCommandEvent) -> SlackCommandEventResponse {
    if let Err(error) = intake.command(event).await {
        tracing::error!(error = format!("{error:#}"), "could not take a Slack command");
        let busy = SlackMessageContent::new().with_text("unhurried is busy; please try again in a moment.".into());
        return SlackCommandEventResponse::new(busy);
    }
    // An empty ack shows nothing; the reply follows as an ephemeral message from the outbox.
    SlackCommandEventResponse::new(SlackMessageContent::new())
}

/// Hands an interaction to the intake; the answer the ack carries (inline errors for a refused
/// submission, else nothing), or `None` when it may not be acked.
async fn on_interaction(intake: &Intake, event: &SlackInteractionEvent) -> Option<SlackInteractionResponse> {
    match intake.interaction(event).await {
        Ok(interaction) => Some(interactions::response(&interaction)),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "could not take a Slack interaction");
            None
        }
    }
}
