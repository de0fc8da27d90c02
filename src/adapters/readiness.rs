//! Purpose: what `/readyz` asks besides the store — whether each configured platform connection
//! is up (the Slack Socket Mode sockets, the Discord gateway session). Each connection registers
//! a [`ConnectionCheck`] when `serve` starts it; Slack over HTTP has no connection of its own (Slack
//! reaches the bot), so it registers none.

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection that is up or down as a test says.
    struct Switch(std::sync::atomic::AtomicBool);

    #[async_trait]
    impl ConnectionCheck for Switch {
        fn name(&self) -> &'static str {
            "slack socket mode"
        }

        async fn check(&self) -> Result<(), String> {
            if self.0.load(std::sync::atomic::Ordering::SeqCst) { Ok(()) } else { Err("no socket open".to_owned()) }
        }
    }

    #[tokio::test]
    async fn readiness_lists_every_connection_with_its_state_each_time_it_is_asked() {
        let readiness = Readiness::default();
        let socket = Arc::new(Switch(std::sync::atomic::AtomicBool::new(false)));
        readiness.register(socket.clone());
        assert_eq!(readiness.connections().await, vec![("slack socket mode", Err("no socket open".to_owned()))]);
        socket.0.store(true, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(readiness.connections().await, vec![("slack socket mode", Ok(()))]);
    }
}
