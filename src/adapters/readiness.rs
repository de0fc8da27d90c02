//! Purpose: what `/readyz` asks besides the store — whether each configured platform connection
//! is up (the Slack Socket Mode sockets, the Discord gateway session). Each connection registers
//! a [`ConnectionCheck`] when `serve` starts it; Slack over HTTP has no connection of its own (Slack
//! reaches the bot), so it registers none.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

/// One platform connection, as readiness sees it.
#[async_trait]
pub trait ConnectionCheck: Send + Sync {
    /// The name shown by `/readyz` (`slack socket mode`, `discord gateway`).
    fn name(&self) -> &'static str;

    /// `Ok` while the connection is up, else why not (one short phrase).
    async fn check(&self) -> Result<(), String>;
}

/// The platform connections of this process.
#[derive(Default, Clone)]
pub struct Readiness {
    checks: Arc<Mutex<Vec<Arc<dyn ConnectionCheck>>>>,
}

impl Readiness {
    /// Adds a connection that must be up for the process to be ready.
    pub fn register(&self, check: Arc<dyn ConnectionCheck>) {
        self.checks.lock().expect("readiness lock").push(check);
    }

    /// Each connection's name and state, in the order they were registered.
    pub async fn connections(&self) -> Vec<(&'static str, Result<(), String>)> {
        let checks = self.checks.lock().expect("readiness lock").clone();
        let mut states = Vec::with_capacity(checks.len());
        for check in checks {
            states.push((check.name(), check.check().await));
        }
        states
    }
}

/// A connection that reports itself up or down through a flag (Slack Socket Mode: up once Slack
/// said `hello` on a socket).
#[derive(Debug)]
pub struct Flag {
    name: &'static str,
    up: AtomicBool,
    down_reason: &'static str,
}

impl Flag {
    /// A connection named `name`, down (for `down_reason`) until [`Flag::set`] says otherwise.
    pub fn new(name: &'static str, down_reason: &'static str) -> Arc<Self> {
        Arc::new(Flag { name, up: AtomicBool::new(false), down_reason })
    }

    /// Records whether the connection is up.
    pub fn set(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }
}

#[async_trait]
impl ConnectionCheck for Flag {
    fn name(&self) -> &'static str {
        self.name
    }

    async fn check(&self) -> Result<(), String> {
        if self.up.load(Ordering::SeqCst) { Ok(()) } else { Err(self.down_reason.to_owned()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_flag_is_down_until_set_and_readiness_lists_every_connection() {
        let readiness = Readiness::default();
        let socket = Flag::new("slack socket mode", "no socket open");
        readiness.register(socket.clone());
        assert_eq!(readiness.connections().await, vec![("slack socket mode", Err("no socket open".to_owned()))]);
        socket.set(true);
        assert_eq!(readiness.connections().await, vec![("slack socket mode", Ok(()))]);
    }
}
