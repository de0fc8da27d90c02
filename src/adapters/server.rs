//! Purpose: the HTTP server's connections, so that no client can hold the process: a header-read
//! timeout (which is also how long an idle kept-alive connection stays open), a timeout for each
//! request, a limit on open connections that makes room for a new one by closing the longest-idle
//! one, and a shutdown that stops accepting, lets requests in hand finish, and closes the rest.
//!
//! The routes themselves are an axum [`Router`] (`adapters::http`); only the connection handling
//! is ours, on hyper's HTTP/1 server (Slack, Discord and health checkers all speak HTTP/1.1).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt as _;

use crate::config::HttpSettings;

/// The connection limits of one listener.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// See `http.header_read_timeout`.
    pub header_read_timeout: Duration,
    /// See `http.request_timeout`.
    pub request_timeout: Duration,
    /// See `http.max_connections`.
    pub max_connections: usize,
}

impl Limits {
    /// The limits `[http]` sets.
    pub fn from_settings(http: &HttpSettings) -> Self {
        Limits {
            header_read_timeout: http.header_read_timeout,
            request_timeout: http.request_timeout,
            max_connections: http.max_connections,
        }
    }
}

/// One open connection, as the limit sees it.
struct Open {
    /// Requests being answered on it now (HTTP/1: zero or one).
    in_flight: AtomicUsize,
    /// When it last finished a request (or opened).
    idle_since: Mutex<Instant>,
    /// Raised when the limit picked it to make room.
    evicted: AtomicBool,
    close: Notify,
}

impl Open {
    fn new() -> Self {
        Open {
            in_flight: AtomicUsize::new(0),
            idle_since: Mutex::new(Instant::now()),
            evicted: AtomicBool::new(false),
            close: Notify::new(),
        }
    }

    fn is_idle(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) == 0
    }

    fn idle_since(&self) -> Instant {
        *self.idle_since.lock().expect("connection lock")
    }
}

/// The open connections of one listener, by a per-listener number.
#[derive(Default)]
struct Registry {
    next: u64,
    open: HashMap<u64, Arc<Open>>,
}

impl Registry {
    /// Makes room for one more connection below `max`: picks the longest-idle connection not
    /// already picked and tells it to close. `false` when every connection is answering a request.
    fn make_room(&mut self, max: usize) -> bool {
        let still_open = self.open.values().filter(|c| !c.evicted.load(Ordering::SeqCst)).count();
        if still_open < max {
            return true;
        }
        let victim = self
            .open
            .values()
            .filter(|c| c.is_idle() && !c.evicted.load(Ordering::SeqCst))
            .min_by_key(|c| c.idle_since());
        match victim {
            Some(victim) => {
                victim.evicted.store(true, Ordering::SeqCst);
                victim.close.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves; then stops accepting, lets the requests
/// in hand finish and closes every connection. Dropping the returned future closes every
/// connection at once (the caller bounds the shutdown that way).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let registry = Arc::new(Mutex::new(Registry::default()));
    let (stopping, stop) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    let mut refused_warned = false;
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(error) => {
                // Out of file descriptors, most often: wait a little rather than spin.
                tracing::warn!(%error, "cannot accept an HTTP connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (id, open) = {
            let mut registry = registry.lock().expect("registry lock");
            if !registry.make_room(limits.max_connections) {
                if !refused_warned {
                    tracing::warn!(
                        max_connections = limits.max_connections,
                        "every HTTP connection is answering a request: refusing new ones until one ends"
                    );
                    refused_warned = true;
                }
                continue;
            }
            refused_warned = false;
            let open = Arc::new(Open::new());
            registry.next += 1;
            let id = registry.next;
            registry.open.insert(id, open.clone());
            (id, open)
        };
        let (router, registry, stop) = (router.clone(), registry.clone(), stop.clone());
        connections.spawn(async move {
            connection(stream, router, limits, open, stop).await;
            registry.lock().expect("registry lock").open.remove(&id);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Serves one connection until the client closes it, a timeout or the limit closes it, or the
/// server stops (an idle connection is closed at once, a busy one after its answer).
async fn connection(
    stream: tokio::net::TcpStream,
    router: Router,
    limits: Limits,
    open: Arc<Open>,
    mut stop: watch::Receiver<bool>,
) {
    let tracked = open.clone();
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let (router, open) = (router.clone(), tracked.clone());
        async move {
            open.in_flight.fetch_add(1, Ordering::SeqCst);
            let answer =
                tokio::time::timeout(limits.request_timeout, router.oneshot(request.map(axum::body::Body::new)));
            let response = match answer.await {
                Ok(Ok(response)) => response,
                Ok(Err(never)) => match never {},
                Err(_) => request_timed_out(),
            };
            *open.idle_since.lock().expect("connection lock") = Instant::now();
            open.in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, Infallible>(response)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => return,
            () = open.close.notified() => {
                if open.is_idle() {
                    return;
                }
                // It took a request since it was picked: let it answer, then close.
                conn.as_mut().graceful_shutdown();
                closing = true;
            }
            Ok(()) = stop.changed(), if !closing => {
                if open.is_idle() {
                    return;
                }
                conn.as_mut().graceful_shutdown();
                closing = true;
            }
        }
    }
}

fn request_timed_out() -> Response {
    let mut response = (StatusCode::REQUEST_TIMEOUT, "the request took too long\n").into_response();
    response.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(idle_for_secs: u64, busy: bool) -> Arc<Open> {
        let open = Open::new();
        *open.idle_since.lock().unwrap() = Instant::now() - Duration::from_secs(idle_for_secs);
        open.in_flight.store(usize::from(busy), Ordering::SeqCst);
        Arc::new(open)
    }

    #[tokio::test]
    async fn at_the_limit_the_longest_idle_connection_makes_room_and_busy_ones_never_do() {
        let mut registry = Registry::default();
        registry.open.insert(1, open(5, false));
        registry.open.insert(2, open(50, false));
        registry.open.insert(3, open(500, true));
        assert!(registry.make_room(4), "below the limit");
        assert!(!registry.open.values().any(|c| c.evicted.load(Ordering::SeqCst)));
        assert!(registry.make_room(3));
        assert!(registry.open[&2].evicted.load(Ordering::SeqCst), "idle longest");
        assert!(registry.make_room(3), "the picked one no longer counts, so there is room");
        assert!(registry.make_room(2));
        assert!(registry.open[&1].evicted.load(Ordering::SeqCst));
        assert!(!registry.make_room(1), "only a busy connection is left");
        assert!(!registry.open[&3].evicted.load(Ordering::SeqCst));
    }
}
