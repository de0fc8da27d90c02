//! Purpose: the two clocks. [`SystemClock`] is the only place that reads the real time;
//! [`ManualClock`] is moved by tests and the simulator, never by sleeping.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::ports::Clock;

/// The real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock { now: Mutex::new(start) }
    }

    /// Moves the clock to `instant`; a manual clock never goes backwards.
    pub fn set(&self, instant: DateTime<Utc>) {
        let mut now = self.now.lock().expect("clock lock poisoned");
        assert!(instant >= *now, "a manual clock cannot go back from {now} to {instant}");
        *now = instant;
    }

    /// Moves the clock forward by `step`.
    pub fn advance(&self, step: Duration) {
        let next = self.now() + step;
        self.set(next);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().expect("clock lock poisoned")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let start = DateTime::from_timestamp(1_774_569_600, 0).unwrap();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::minutes(90));
        assert_eq!(clock.now(), start + Duration::minutes(90));
    }

    #[test]
    #[should_panic(expected = "cannot go back")]
    fn a_manual_clock_refuses_to_go_back() {
        let clock = ManualClock::new(DateTime::from_timestamp(100, 0).unwrap());
        clock.set(DateTime::from_timestamp(99, 0).unwrap());
    }
}
