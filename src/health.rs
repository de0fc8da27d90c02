//! Purpose: what `/healthz` knows about the store beyond "it answers a query": whether its last
//! write failed (a full disk, a read-only file) and whether the scheduler's ticks keep failing (a
//! corrupt page, a store that cannot be read). The store records its write outcomes here, `serve`
//! records each tick's, and `Store::ping` turns [`StoreHealth::problem`] into an unhealthy answer
//! that says why.
//!
//! A failed write is cleared only by a write that is known to have reached the disk: the store's
//! health probe (`SqliteStore::ping` writes one row while a failure is recorded). An ordinary
//! commit is no proof: one that changed nothing writes nothing, and succeeds on a full disk.

use std::sync::Mutex;
use std::time::Instant;

/// Consecutive failed scheduler ticks after which the process reports itself unhealthy.
pub const REPEATED_TICK_FAILURES: u32 = 3;

/// The store's health as seen by this process. Shared (`Arc`) between the store and `serve`.
#[derive(Debug, Default)]
pub struct StoreHealth {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The first write failure since the last write known to have succeeded, and the latest error.
    write_failure: Option<Failure>,
    /// Scheduler ticks that failed in a row, and the latest error.
    failed_ticks: u32,
    last_tick_error: String,
}

#[derive(Debug)]
struct Failure {
    since: Instant,
    error: String,
}

impl StoreHealth {
    /// A write transaction failed to begin or commit.
    pub fn write_failed(&self, error: &anyhow::Error) {
        let mut state = self.lock();
        let error = format!("{error:#}");
        match &mut state.write_failure {
            Some(failure) => failure.error = error,
            None => state.write_failure = Some(Failure { since: Instant::now(), error }),
        }
    }

    /// A write that changed the database file was committed: writes work again.
    pub fn write_succeeded(&self) {
        self.lock().write_failure = None;
    }

    /// Whether a write failure is recorded (the store then probes before it answers healthy).
    pub fn write_failing(&self) -> bool {
        self.lock().write_failure.is_some()
    }

    /// A scheduler tick (deciding due jobs) failed.
    pub fn tick_failed(&self, error: &anyhow::Error) {
        let mut state = self.lock();
        state.failed_ticks = state.failed_ticks.saturating_add(1);
        state.last_tick_error = format!("{error:#}");
    }

    /// A scheduler tick ran to its end.
    pub fn tick_succeeded(&self) {
        let mut state = self.lock();
        state.failed_ticks = 0;
        state.last_tick_error.clear();
    }

    /// Why the store is unhealthy, in one line; `None` while it is healthy.
    pub fn problem(&self) -> Option<String> {
        let state = self.lock();
        let mut problems = Vec::new();
        if let Some(failure) = &state.write_failure {
            problems.push(format!(
                "the database cannot be written (failing for {} s): {}",
                failure.since.elapsed().as_secs(),
                failure.error
            ));
        }
        if state.failed_ticks >= REPEATED_TICK_FAILURES {
            problems.push(format!("the last {} scheduler ticks failed: {}", state.failed_ticks, state.last_tick_error));
        }
        (!problems.is_empty()).then(|| problems.join("; "))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state half-written: recover it.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_failure_lasts_until_a_write_succeeds() {
        let health = StoreHealth::default();
        assert_eq!(health.problem(), None);
        health.write_failed(&anyhow::anyhow!("database or disk is full"));
        health.write_failed(&anyhow::anyhow!("disk I/O error"));
        let problem = health.problem().unwrap();
        assert!(problem.starts_with("the database cannot be written"), "{problem}");
        assert!(problem.ends_with("disk I/O error"), "the latest error: {problem}");
        health.write_succeeded();
        assert_eq!(health.problem(), None);
    }

    #[test]
    fn ticks_are_unhealthy_only_when_they_fail_repeatedly() {
        let health = StoreHealth::default();
        for _ in 1..REPEATED_TICK_FAILURES {
            health.tick_failed(&anyhow::anyhow!("database disk image is malformed"));
        }
        assert_eq!(health.problem(), None, "one bad tick is not a failing store");
        health.tick_failed(&anyhow::anyhow!("database disk image is malformed"));
        assert_eq!(
            health.problem().as_deref(),
            Some("the last 3 scheduler ticks failed: database disk image is malformed")
        );
        health.tick_succeeded();
        assert_eq!(health.problem(), None);
    }
}
