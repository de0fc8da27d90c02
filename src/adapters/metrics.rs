//! Purpose: the few counters `/metrics` shows, in Prometheus text format, and the job-lag gauge
//! the HTTP server adds from the store. Hand-written: four families do not justify an exporter
//! crate (whose defaults would pull in aws-lc-rs).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};

use crate::ports::OutboxStats;

/// Process-wide counters, shared by the adapters and the HTTP server.
#[derive(Debug, Default)]
pub struct Metrics {
    events: Mutex<BTreeMap<String, u64>>,
    sent: Mutex<BTreeMap<String, u64>>,
    rate_limited: AtomicU64,
}

impl Metrics {
    /// Counts one inbound event of `kind` (`message`, `app_mention`, `command`, `duplicate`…).
    pub fn event_received(&self, kind: &str) {
        *self.events.lock().expect("metrics lock").entry(kind.to_owned()).or_default() += 1;
    }

    /// Counts one message delivered for `purpose`.
    pub fn message_sent(&self, purpose: &str) {
        *self.sent.lock().expect("metrics lock").entry(purpose.to_owned()).or_default() += 1;
    }

    /// Counts one HTTP 429 answer from a platform.
    pub fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    /// How many 429 answers were seen.
    pub fn rate_limited_count(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    /// The job-lag gauge (seconds the oldest due job has waited) in the exposition format.
    pub fn render_job_lag(seconds: i64) -> String {
        format!(
            "# HELP unhurried_job_lag_seconds How long the oldest due scheduled job has been waiting.\n\
             # TYPE unhurried_job_lag_seconds gauge\n\
             unhurried_job_lag_seconds {seconds}\n"
        )
    }

    /// The pipeline's gauges, read from the store at scrape time: outbox messages by state
    /// (`unknown`: pending, but the platform may already have it), the age of the oldest message
    /// still to deliver, and the inbox backlog with the age of its oldest event.
    pub fn render_pipeline(outbox: &OutboxStats, inbox: (i64, Option<DateTime<Utc>>), now: DateTime<Utc>) -> String {
        let age = |at: Option<DateTime<Utc>>| at.map_or(0, |at| (now - at).num_seconds().max(0));
        let mut out = String::new();
        out.push_str("# HELP unhurried_outbox_messages Outbox messages by state.\n");
        out.push_str("# TYPE unhurried_outbox_messages gauge\n");
        for (state, count) in &outbox.by_state {
            let _ = writeln!(out, "unhurried_outbox_messages{{state=\"{state}\"}} {count}");
        }
        out.push_str("# HELP unhurried_outbox_oldest_pending_seconds Age of the oldest message still to deliver.\n");
        out.push_str("# TYPE unhurried_outbox_oldest_pending_seconds gauge\n");
        let _ = writeln!(out, "unhurried_outbox_oldest_pending_seconds {}", age(outbox.oldest_pending));
        out.push_str("# HELP unhurried_inbox_pending Recorded events the consumer has not handled yet.\n");
        out.push_str("# TYPE unhurried_inbox_pending gauge\n");
        let _ = writeln!(out, "unhurried_inbox_pending {}", inbox.0);
        out.push_str("# HELP unhurried_inbox_oldest_pending_seconds Age of the oldest unhandled event.\n");
        out.push_str("# TYPE unhurried_inbox_oldest_pending_seconds gauge\n");
        let _ = writeln!(out, "unhurried_inbox_oldest_pending_seconds {}", age(inbox.1));
        out
    }

    /// The counters in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP unhurried_events_received_total Inbound platform events by kind.\n");
        out.push_str("# TYPE unhurried_events_received_total counter\n");
        for (kind, count) in self.events.lock().expect("metrics lock").iter() {
            let _ = writeln!(out, "unhurried_events_received_total{{kind=\"{kind}\"}} {count}");
        }
        out.push_str("# HELP unhurried_messages_sent_total Messages delivered by purpose.\n");
        out.push_str("# TYPE unhurried_messages_sent_total counter\n");
        for (purpose, count) in self.sent.lock().expect("metrics lock").iter() {
            let _ = writeln!(out, "unhurried_messages_sent_total{{purpose=\"{purpose}\"}} {count}");
        }
        out.push_str("# HELP unhurried_rate_limited_total HTTP 429 answers from chat platforms.\n");
        out.push_str("# TYPE unhurried_rate_limited_total counter\n");
        let _ = writeln!(out, "unhurried_rate_limited_total {}", self.rate_limited_count());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_as_prometheus_text() {
        let metrics = Metrics::default();
        metrics.event_received("message");
        metrics.event_received("message");
        metrics.message_sent("nudge");
        metrics.rate_limited();
        let text = metrics.render();
        assert!(text.contains("unhurried_events_received_total{kind=\"message\"} 2\n"), "{text}");
        assert!(text.contains("unhurried_messages_sent_total{purpose=\"nudge\"} 1\n"), "{text}");
        assert!(text.contains("unhurried_rate_limited_total 1\n"), "{text}");
        let lag = Metrics::render_job_lag(42);
        assert!(lag.ends_with("# TYPE unhurried_job_lag_seconds gauge\nunhurried_job_lag_seconds 42\n"), "{lag}");
    }
}
