//! Purpose: the failure policy — what a failed send means for its message. Pure: the time and
//! the message's history come in, the outcome to record goes out.

use chrono::{DateTime, Duration, Utc};

use crate::config::DeliverySettings;
use crate::domain::events::Destination;
use crate::ports::{Delivery, QueuedMessage, SendError};

/// What to do with a message after a failed attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Record this.
    Record(Delivery),
    /// Fail it, and the DM's member can never be reached this way.
    Unreachable(String),
}

/// The outcome of `error` for `queued` at `now`. `maybe_sent`: the platform may already have the
/// message, so a retry must reconcile first.
pub fn after_error(
    settings: &DeliverySettings,
    queued: &QueuedMessage,
    error: SendError,
    now: DateTime<Utc>,
    maybe_sent: bool,
) -> Outcome {
    let purpose = queued.message.purpose.as_str();
    let lane = queued.message.to.lane();
    match error {
        SendError::Permanent(error) => {
            tracing::warn!(outbox = queued.id, purpose, %lane, %error, "message can never be delivered; giving it up");
            if matches!(queued.message.to, Destination::Dm { .. }) {
                Outcome::Unreachable(error)
            } else {
                Outcome::Record(Delivery::Failed(error))
            }
        }
        SendError::Refused(error) => {
            tracing::warn!(outbox = queued.id, purpose, %lane, %error, "the platform refused the message; giving it up");
            Outcome::Record(Delivery::Failed(error))
        }
        SendError::RateLimited { retry_after } => {
            let wait = Duration::from_std(retry_after).unwrap_or(Duration::seconds(1)).max(Duration::seconds(1));
            Outcome::Record(Delivery::WaitUntil(now + wait))
        }
        SendError::Transient(error) | SendError::Ambiguous(error) if gives_up(settings, queued, now) => {
            let attempts = queued.attempts + 1;
            tracing::warn!(outbox = queued.id, purpose, %lane, attempts, %error, "message still failing; giving it up");
            Outcome::Record(Delivery::Failed(format!("gave up after {attempts} attempts: {error}")))
        }
        SendError::Transient(error) => {
            tracing::info!(outbox = queued.id, purpose, %lane, %error, "send failed; will retry");
            let at = now + backoff(settings, queued.id, queued.attempts + 1);
            Outcome::Record(if maybe_sent { Delivery::ReconcileAt(at, error) } else { Delivery::RetryAt(at, error) })
        }
        SendError::Ambiguous(error) => {
            tracing::info!(outbox = queued.id, purpose, %lane, %error, "send may or may not have arrived; will check before retrying");
            Outcome::Record(Delivery::ReconcileAt(now + backoff(settings, queued.id, queued.attempts + 1), error))
        }
    }
}

/// Whether a message that failed once more has used up its attempts or its age.
fn gives_up(settings: &DeliverySettings, queued: &QueuedMessage, now: DateTime<Utc>) -> bool {
    queued.attempts + 1 >= settings.max_attempts || now - queued.queued_at >= settings.max_age
}

/// Wait before attempt `attempt + 1`: `backoff · 2^(attempt-1)`, at most `max_backoff`, plus up to
/// a quarter more of jitter. The jitter is derived from the message id, so retries of a burst
/// spread out, and a test can predict them.
pub fn backoff(settings: &DeliverySettings, id: i64, attempt: i64) -> Duration {
    let exponent = u32::try_from(attempt.clamp(1, 30) - 1).unwrap_or(0);
    let base = settings.backoff.checked_mul(1 << exponent.min(20)).unwrap_or(settings.max_backoff);
    let base = base.min(settings.max_backoff);
    let spread = (id.unsigned_abs().wrapping_mul(2_654_435_761) % 1000) as i32;
    base + base / 4 * spread / 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::domain::events::{OutgoingMessage, Purpose};
    use crate::domain::platform::Platform;

    fn queued(attempts: i64, to: Destination) -> QueuedMessage {
        QueuedMessage {
            id: 42,
            workspace_id: 1,
            platform: Platform::Slack,
            workspace: "T1".into(),
            message: OutgoingMessage::new(to, Purpose::Nudge, "hi"),
            attempts,
            queued_at: "2026-03-30T09:00:00Z".parse().unwrap(),
            maybe_sent: false,
        }
    }

    fn at(offset_secs: i64) -> DateTime<Utc> {
        "2026-03-30T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::seconds(offset_secs)
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter_up_to_the_cap() {
        let settings = Settings::defaults().delivery;
        let first = backoff(&settings, 42, 1);
        assert!(first >= Duration::seconds(5) && first <= Duration::milliseconds(6250), "{first}");
        let third = backoff(&settings, 42, 3);
        assert!(third >= Duration::seconds(20) && third <= Duration::seconds(25), "{third}");
        let late = backoff(&settings, 42, 30);
        assert!(late >= Duration::minutes(10) && late <= Duration::milliseconds(750_000), "{late}");
        assert_ne!(backoff(&settings, 1, 2), backoff(&settings, 2, 2), "jitter spreads a burst");
    }

    #[test]
    fn an_unknown_error_is_retried_then_given_up_after_max_attempts() {
        let settings = Settings::defaults().delivery;
        let channel = Destination::Post { channel: "C1".into() };
        let retry =
            after_error(&settings, &queued(0, channel.clone()), SendError::Transient("boom".into()), at(1), false);
        assert!(matches!(retry, Outcome::Record(Delivery::RetryAt(when, _)) if when > at(1)), "{retry:?}");
        let last = settings.max_attempts - 1;
        let given_up =
            after_error(&settings, &queued(last, channel), SendError::Transient("boom".into()), at(1), false);
        assert!(matches!(given_up, Outcome::Record(Delivery::Failed(ref e)) if e.contains("gave up")), "{given_up:?}");
    }

    #[test]
    fn a_message_older_than_max_age_is_given_up() {
        let settings = Settings::defaults().delivery;
        let old = after_error(
            &settings,
            &queued(0, Destination::Post { channel: "C1".into() }),
            SendError::Transient("boom".into()),
            at(settings.max_age.num_seconds()),
            false,
        );
        assert!(matches!(old, Outcome::Record(Delivery::Failed(_))), "{old:?}");
    }

    #[test]
    fn an_ambiguous_failure_is_reconciled_before_any_resend() {
        let settings = Settings::defaults().delivery;
        let outcome = after_error(
            &settings,
            &queued(0, Destination::Post { channel: "C1".into() }),
            SendError::Ambiguous("timed out".into()),
            at(1),
            false,
        );
        assert!(matches!(outcome, Outcome::Record(Delivery::ReconcileAt(..))), "{outcome:?}");
    }

    #[test]
    fn a_rate_limit_waits_without_counting_an_attempt_and_a_permanent_dm_failure_marks_the_member() {
        let settings = Settings::defaults().delivery;
        let limited = after_error(
            &settings,
            &queued(settings.max_attempts - 1, Destination::Post { channel: "C1".into() }),
            SendError::RateLimited { retry_after: std::time::Duration::from_secs(30) },
            at(0),
            false,
        );
        assert_eq!(limited, Outcome::Record(Delivery::WaitUntil(at(30))));
        let dm = Destination::Dm { user: "U1".into() };
        let closed = after_error(&settings, &queued(0, dm), SendError::Permanent("cannot_dm".into()), at(0), false);
        assert_eq!(closed, Outcome::Unreachable("cannot_dm".into()));
        let dm = Destination::Dm { user: "U1".into() };
        let revoked = after_error(
            &settings,
            &queued(0, dm),
            SendError::Refused("Slack error token_revoked".into()),
            at(0),
            false,
        );
        assert_eq!(
            revoked,
            Outcome::Record(Delivery::Failed("Slack error token_revoked".into())),
            "not the member's fault"
        );
    }
}
