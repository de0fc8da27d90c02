//! Purpose: what `/metrics` shows, in the Prometheus text format: inbound events and sends per
//! platform, send failures and rate limits, send latency and job lateness histograms, the build,
//! and the pipeline's gauges the HTTP server reads from the store at scrape time. Hand-written:
//! a dozen families do not justify an exporter crate (whose defaults would pull in aws-lc-rs).
//!
//! Names follow Prometheus' conventions: a `unhurried_` prefix, base units in the name
//! (`_seconds`), `_total` on counters. Sends are counted by [`Metered`], which wraps every
//! platform `serve` delivers through, so both platforms are measured the same way.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::events::{Form, OutgoingMessage};
use crate::domain::platform::Platform;
use crate::ports::{ChatPlatform, OutboxStats, OutboxTag, Profile, SendError};

/// The version and commit this binary was built from (`unhurried --version`, `unhurried_build_info`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The git commit, set by build.rs (`unknown` when built outside a checkout without `UNHURRIED_COMMIT`).
pub const COMMIT: &str = env!("BUILD_GIT_COMMIT");

/// Upper bounds of the send latency buckets, in seconds.
const SEND_BUCKETS: &[f64] = &[0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// Upper bounds of the job lateness buckets, in seconds (a tick is 15 s by default).
const JOB_LAG_BUCKETS: &[f64] = &[1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 86_400.0];

/// How late each job kind started, for every job the consumer ran. Process-wide because jobs run
/// inside the engine, which knows nothing of the adapters.
static JOB_LAG: Mutex<BTreeMap<String, Histogram>> = Mutex::new(BTreeMap::new());

/// Records that a job of `kind` started `late` after it was due (the consumer calls this).
pub fn job_started(kind: &str, late: chrono::Duration) {
    let seconds = late.to_std().unwrap_or_default().as_secs_f64();
    JOB_LAG
        .lock()
        .expect("metrics lock")
        .entry(kind.to_owned())
        .or_insert_with(|| Histogram::new(JOB_LAG_BUCKETS))
        .observe(seconds);
}

/// Cumulative buckets, a sum and a count.
#[derive(Debug, Clone)]
struct Histogram {
    bounds: &'static [f64],
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Histogram { bounds, counts: vec![0; bounds.len()], sum: 0.0, count: 0 }
    }

    fn observe(&mut self, value: f64) {
        for (bound, count) in self.bounds.iter().zip(&mut self.counts) {
            if value <= *bound {
                *count += 1;
            }
        }
        self.sum += value;
        self.count += 1;
    }

    /// The series of one histogram: `name_bucket{labels,le=…}`, `name_sum`, `name_count`.
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.count);
    }
}

/// Process-wide counters, shared by the adapters and the HTTP server.
#[derive(Debug, Default)]
pub struct Metrics {
    /// By (platform, kind).
    events: Mutex<BTreeMap<(String, String), u64>>,
    /// By (platform, purpose).
    sent: Mutex<BTreeMap<(String, String), u64>>,
    /// By (platform, reason): permanent, refused, transient, ambiguous.
    failed: Mutex<BTreeMap<(String, &'static str), u64>>,
    /// By platform.
    rate_limited: Mutex<BTreeMap<String, u64>>,
    /// Seconds per send call, by platform.
    send_seconds: Mutex<BTreeMap<String, Histogram>>,
}

/// Escapes a label value (`\`, `"` and line breaks).
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

impl Metrics {
    /// Counts one inbound Slack event of `kind` (`message`, `app_mention`, `command`, `duplicate`…).
    pub fn event_received(&self, kind: &str) {
        self.platform_event(Platform::Slack, kind);
    }

    /// Counts one inbound event of `kind` from `platform`.
    pub fn platform_event(&self, platform: Platform, kind: &str) {
        // Found without building a key: this runs once per delivery, and the kinds are few.
        let (platform, mut events) = (platform.as_str(), self.events.lock().expect("metrics lock"));
        match events.iter_mut().find(|((p, k), _)| p == platform && k == kind) {
            Some((_, count)) => *count += 1,
            None => {
                events.insert((platform.to_owned(), kind.to_owned()), 1);
            }
        }
    }

    /// Records one send call to `platform`: how long it took and how it ended.
    pub fn send_finished(&self, platform: Platform, purpose: &str, took: Duration, outcome: Result<(), &SendError>) {
        let platform = platform.to_string();
        self.send_seconds
            .lock()
            .expect("metrics lock")
            .entry(platform.clone())
            .or_insert_with(|| Histogram::new(SEND_BUCKETS))
            .observe(took.as_secs_f64());
        match outcome {
            Ok(()) => *self.sent.lock().expect("metrics lock").entry((platform, purpose.to_owned())).or_default() += 1,
            Err(SendError::RateLimited { .. }) => {
                *self.rate_limited.lock().expect("metrics lock").entry(platform).or_default() += 1;
            }
            Err(error) => {
                let reason = match error {
                    SendError::Permanent(_) => "permanent",
                    SendError::Refused(_) => "refused",
                    SendError::Transient(_) => "transient",
                    SendError::Ambiguous(_) | SendError::RateLimited { .. } => "ambiguous",
                };
                *self.failed.lock().expect("metrics lock").entry((platform, reason)).or_default() += 1;
            }
        }
    }

    /// How many 429 answers `platform` gave.
    pub fn rate_limited_count(&self, platform: Platform) -> u64 {
        self.rate_limited.lock().expect("metrics lock").get(&platform.to_string()).copied().unwrap_or(0)
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
        out.push_str("# HELP unhurried_outbox_messages Outbox messages by platform and state.\n");
        out.push_str("# TYPE unhurried_outbox_messages gauge\n");
        for (platform, state, count) in &outbox.by_platform {
            let (platform, state) = (label(platform), label(state));
            let _ = writeln!(out, "unhurried_outbox_messages{{platform=\"{platform}\",state=\"{state}\"}} {count}");
        }
        out.push_str(
            "# HELP unhurried_outbox_oldest_pending_seconds Age of the oldest message still to deliver, by platform.\n",
        );
        out.push_str("# TYPE unhurried_outbox_oldest_pending_seconds gauge\n");
        for platform in outbox.platforms() {
            let oldest = outbox.oldest_pending_by_platform.iter().find(|(p, _)| p == platform).map(|(_, at)| *at);
            let _ = writeln!(
                out,
                "unhurried_outbox_oldest_pending_seconds{{platform=\"{}\"}} {}",
                label(platform),
                age(oldest)
            );
        }
        out.push_str("# HELP unhurried_inbox_pending Recorded events the consumer has not handled yet.\n");
        out.push_str("# TYPE unhurried_inbox_pending gauge\n");
        let _ = writeln!(out, "unhurried_inbox_pending {}", inbox.0);
        out.push_str("# HELP unhurried_inbox_oldest_pending_seconds Age of the oldest unhandled event.\n");
        out.push_str("# TYPE unhurried_inbox_oldest_pending_seconds gauge\n");
        let _ = writeln!(out, "unhurried_inbox_oldest_pending_seconds {}", age(inbox.1));
        out
    }

    /// The counters and histograms in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP unhurried_build_info The version and commit of this binary (always 1).\n");
        out.push_str("# TYPE unhurried_build_info gauge\n");
        let _ = writeln!(out, "unhurried_build_info{{version=\"{}\",commit=\"{}\"}} 1", label(VERSION), label(COMMIT));

        out.push_str("# HELP unhurried_events_received_total Inbound platform events by platform and kind.\n");
        out.push_str("# TYPE unhurried_events_received_total counter\n");
        for ((platform, kind), count) in self.events.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "unhurried_events_received_total{{platform=\"{platform}\",kind=\"{}\"}} {count}",
                label(kind)
            );
        }
        out.push_str("# HELP unhurried_messages_sent_total Messages delivered by platform and purpose.\n");
        out.push_str("# TYPE unhurried_messages_sent_total counter\n");
        for ((platform, purpose), count) in self.sent.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "unhurried_messages_sent_total{{platform=\"{platform}\",purpose=\"{}\"}} {count}",
                label(purpose)
            );
        }
        out.push_str("# HELP unhurried_send_failures_total Failed sends by platform and kind of failure.\n");
        out.push_str("# TYPE unhurried_send_failures_total counter\n");
        for ((platform, reason), count) in self.failed.lock().expect("metrics lock").iter() {
            let _ =
                writeln!(out, "unhurried_send_failures_total{{platform=\"{platform}\",reason=\"{reason}\"}} {count}");
        }
        out.push_str("# HELP unhurried_rate_limited_total HTTP 429 answers by platform.\n");
        out.push_str("# TYPE unhurried_rate_limited_total counter\n");
        for (platform, count) in self.rate_limited.lock().expect("metrics lock").iter() {
            let _ = writeln!(out, "unhurried_rate_limited_total{{platform=\"{platform}\"}} {count}");
        }
        out.push_str("# HELP unhurried_send_duration_seconds How long one send call to a platform took.\n");
        out.push_str("# TYPE unhurried_send_duration_seconds histogram\n");
        for (platform, histogram) in self.send_seconds.lock().expect("metrics lock").iter() {
            histogram.render(&mut out, "unhurried_send_duration_seconds", &format!("platform=\"{platform}\""));
        }
        out.push_str("# HELP unhurried_job_start_delay_seconds How late each scheduled job started, by kind.\n");
        out.push_str("# TYPE unhurried_job_start_delay_seconds histogram\n");
        for (kind, histogram) in JOB_LAG.lock().expect("metrics lock").iter() {
            histogram.render(&mut out, "unhurried_job_start_delay_seconds", &format!("kind=\"{}\"", label(kind)));
        }
        out
    }
}

/// A platform whose sends are counted and timed in [`Metrics`]; everything else passes through.
pub struct Metered {
    inner: Arc<dyn ChatPlatform>,
    metrics: Arc<Metrics>,
}

impl Metered {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn ChatPlatform>, metrics: Arc<Metrics>) -> Self {
        Metered { inner, metrics }
    }
}

#[async_trait]
impl ChatPlatform for Metered {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }

    async fn send(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<String, SendError> {
        let started = std::time::Instant::now();
        let sent = self.inner.send(tag, message).await;
        let outcome = sent.as_ref().map(|_| ());
        self.metrics.send_finished(self.platform(), message.purpose.as_str(), started.elapsed(), outcome);
        sent
    }

    async fn find_sent(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<Option<String>, SendError> {
        self.inner.find_sent(tag, message).await
    }

    async fn profile(&self, workspace: &str, user: &str) -> anyhow::Result<Option<Profile>> {
        self.inner.profile(workspace, user).await
    }

    async fn permalink(&self, channel: &str, message: &str) -> anyhow::Result<Option<String>> {
        self.inner.permalink(channel, message).await
    }

    async fn open_form(&self, trigger: &str, form: &Form) -> Result<(), SendError> {
        self.inner.open_form(trigger, form).await
    }

    async fn publish_home(&self, user: &str, text: &str) -> Result<(), SendError> {
        self.inner.publish_home(user, text).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histograms_render_as_prometheus_text() {
        let metrics = Metrics::default();
        metrics.event_received("message");
        metrics.event_received("message");
        metrics.platform_event(Platform::Discord, "message");
        metrics.send_finished(Platform::Slack, "nudge", Duration::from_millis(30), Ok(()));
        let limited = SendError::RateLimited { retry_after: Duration::from_secs(1) };
        metrics.send_finished(Platform::Discord, "digest", Duration::from_millis(3), Err(&limited));
        metrics.send_finished(
            Platform::Discord,
            "digest",
            Duration::from_secs(60),
            Err(&SendError::Transient("x".into())),
        );
        let text = metrics.render();
        for line in [
            "unhurried_events_received_total{platform=\"slack\",kind=\"message\"} 2\n",
            "unhurried_events_received_total{platform=\"discord\",kind=\"message\"} 1\n",
            "unhurried_messages_sent_total{platform=\"slack\",purpose=\"nudge\"} 1\n",
            "unhurried_rate_limited_total{platform=\"discord\"} 1\n",
            "unhurried_send_failures_total{platform=\"discord\",reason=\"transient\"} 1\n",
            "unhurried_send_duration_seconds_bucket{platform=\"slack\",le=\"0.025\"} 0\n",
            "unhurried_send_duration_seconds_bucket{platform=\"slack\",le=\"0.05\"} 1\n",
            "unhurried_send_duration_seconds_bucket{platform=\"discord\",le=\"30\"} 1\n",
            "unhurried_send_duration_seconds_bucket{platform=\"discord\",le=\"+Inf\"} 2\n",
            "unhurried_send_duration_seconds_count{platform=\"discord\"} 2\n",
            "# TYPE unhurried_build_info gauge\n",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
        assert_eq!(metrics.rate_limited_count(Platform::Discord), 1);
        let lag = Metrics::render_job_lag(42);
        assert!(lag.ends_with("# TYPE unhurried_job_lag_seconds gauge\nunhurried_job_lag_seconds 42\n"), "{lag}");
    }

    #[test]
    fn job_lateness_is_a_histogram_per_kind() {
        job_started("test_kind_lag", chrono::Duration::seconds(20));
        let text = Metrics::default().render();
        assert!(
            text.contains("unhurried_job_start_delay_seconds_bucket{kind=\"test_kind_lag\",le=\"15\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains("unhurried_job_start_delay_seconds_bucket{kind=\"test_kind_lag\",le=\"30\"} 1\n"),
            "{text}"
        );
    }

    #[test]
    fn outbox_depth_and_the_oldest_pending_message_are_told_apart_by_platform() {
        let now: DateTime<Utc> = "2026-06-01T12:00:00Z".parse().unwrap();
        let stats = OutboxStats::new(
            vec![
                ("slack".into(), "sent".into(), 40),
                ("discord".into(), "pending".into(), 7),
                ("slack".into(), "failed".into(), 2),
                ("discord".into(), "failed".into(), 1),
            ],
            vec![("discord".into(), now - chrono::Duration::seconds(90))],
        );
        assert_eq!(stats.by_state, [("failed".to_owned(), 3), ("pending".to_owned(), 7), ("sent".to_owned(), 40)]);
        assert_eq!(stats.oldest_pending, Some(now - chrono::Duration::seconds(90)));
        let text = Metrics::render_pipeline(&stats, (0, None), now);
        for line in [
            "unhurried_outbox_messages{platform=\"discord\",state=\"failed\"} 1\n",
            "unhurried_outbox_messages{platform=\"discord\",state=\"pending\"} 7\n",
            "unhurried_outbox_messages{platform=\"slack\",state=\"failed\"} 2\n",
            "unhurried_outbox_messages{platform=\"slack\",state=\"sent\"} 40\n",
            "unhurried_outbox_oldest_pending_seconds{platform=\"discord\"} 90\n",
            "unhurried_outbox_oldest_pending_seconds{platform=\"slack\"} 0\n",
        ] {
            assert!(text.contains(line), "{line} in:\n{text}");
        }
    }
}
