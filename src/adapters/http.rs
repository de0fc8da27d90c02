//! Purpose: the HTTP server on `http.addr` — `/healthz`, `/metrics`, in Slack HTTP mode the
//! Slack routes, and, when Discord runs with `DISCORD_PUBLIC_KEY`, `POST /discord/interactions`
//! (merged in by `serve` from the Discord connection, which owns the interaction intake). It
//! always runs, with or without chat credentials.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::adapters::metrics::Metrics;
use crate::adapters::slack::events::{SlackHttp, routes as slack_routes};
use crate::ports::{Clock, Store};

/// What the always-on routes need.
#[derive(Clone)]
pub struct HttpState {
    /// Pinged by `/healthz`.
    pub store: Arc<dyn Store>,
    /// Shown by `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The engine's clock, for how overdue the oldest waiting job is (`/metrics`).
    pub clock: Arc<dyn Clock>,
}

/// The whole router; the Slack routes only when Slack runs in HTTP mode.
pub fn router(state: HttpState, slack: Option<SlackHttp>) -> Router {
    let base = Router::new().route("/healthz", get(healthz)).route("/metrics", get(metrics)).with_state(state);
    match slack {
        Some(slack) => base.merge(slack_routes(slack)),
        None => base,
    }
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await?;
    Ok(())
}

/// Binds `addr`, with the address in the error (a port in use is the usual cause).
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))
}

async fn healthz(State(state): State<HttpState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(error) => {
            tracing::warn!(error = format!("{error:#}"), "health check: the store is unhealthy");
            (StatusCode::SERVICE_UNAVAILABLE, format!("store unavailable: {error:#}\n")).into_response()
        }
    }
}

async fn metrics(State(state): State<HttpState>) -> Response {
    let mut text = state.metrics.render();
    // Job lag: how long the oldest due job has been waiting. It stays below one scheduler tick
    // while the scheduler keeps up; it grows when the consumer is stuck or far behind.
    match state.store.next_due_at().await {
        Ok(next) => {
            let lag = next.map_or(0, |due| (state.clock.now() - due).num_seconds().max(0));
            text.push_str(&Metrics::render_job_lag(lag));
        }
        Err(error) => tracing::warn!(error = format!("{error:#}"), "metrics: the store does not answer"),
    }
    match (state.store.outbox_stats().await, state.store.inbox_backlog().await) {
        (Ok(outbox), Ok(inbox)) => text.push_str(&Metrics::render_pipeline(&outbox, inbox, state.clock.now())),
        (Err(error), _) | (_, Err(error)) => {
            tracing::warn!(error = format!("{error:#}"), "metrics: the store does not answer");
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}
