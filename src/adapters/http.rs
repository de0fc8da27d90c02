//! Purpose: the HTTP routes on `http.addr` — `/healthz`, `/readyz`, `/metrics` (unless
//! `http.metrics_addr` moves it, with its own `/healthz` and `/readyz`), in Slack HTTP mode the
//! Slack routes, and, when Discord runs with `DISCORD_PUBLIC_KEY`, `POST /discord/interactions`
//! (merged in by `serve` from the Discord connection, which owns the interaction intake). It
//! always runs, with or without chat credentials. Connections are handled by [`super::server`].

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::adapters::metrics::Metrics;
use crate::adapters::readiness::Readiness;
use crate::adapters::server::{self, Limits};
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
    /// The platform connections `/readyz` requires.
    pub readiness: Readiness,
}

/// The router of `http.addr`; the Slack routes only when Slack runs in HTTP mode, `/metrics` only
/// when `metrics_here` (no `http.metrics_addr`).
pub fn router(state: HttpState, slack: Option<SlackHttp>, metrics_here: bool) -> Router {
    let mut base = Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz));
    if metrics_here {
        base = base.route("/metrics", get(metrics));
    }
    let base = base.with_state(state);
    match slack {
        Some(slack) => base.merge(slack_routes(slack)),
        None => base,
    }
}

/// The router of `http.metrics_addr`: `/metrics`, `/healthz` and `/readyz`, nothing a platform calls.
pub fn metrics_router(state: HttpState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves, within `limits`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    server::serve(listener, router, limits, shutdown).await
}

/// Binds `addr`, with the address in the error (a port in use is the usual cause).
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))
}

/// The store's part of `/healthz` and `/readyz`: `Err` with the reason shown to the checker.
async fn store_health(state: &HttpState) -> Result<(), String> {
    // The reason is shown: an operator reading /healthz or /readyz learns why (the disk is full,
    // the scheduler's ticks keep failing) without the logs.
    state.store.ping().await.map_err(|error| {
        tracing::warn!(error = format!("{error:#}"), "health check: the store is unhealthy");
        format!("store unavailable: {error:#}")
    })
}

async fn healthz(State(state): State<HttpState>) -> Response {
    match store_health(&state).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(reason) => (StatusCode::SERVICE_UNAVAILABLE, format!("{reason}\n")).into_response(),
    }
}

/// Ready: the store works (as `/healthz`) and every configured platform connection is up. One
/// line per part, so whoever reads it sees what is missing.
async fn readyz(State(state): State<HttpState>) -> Response {
    let mut ready = true;
    let mut lines = String::new();
    let mut line = |name: &str, part: Result<(), String>| match part {
        Ok(()) => lines.push_str(&format!("{name}: ok\n")),
        Err(reason) => {
            ready = false;
            lines.push_str(&format!("{name}: {reason}\n"));
        }
    };
    line("store", store_health(&state).await);
    for (name, part) in state.readiness.connections().await {
        line(name, part);
    }
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, lines).into_response()
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
