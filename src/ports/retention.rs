//! Purpose: the store contract of retention — deleting, one small batch at a time, rows past how
//! long they are kept (`[retention]` in config/default.toml). The daily housekeeping job
//! ([`crate::features::housekeeping`]) decides the cutoffs and loops; the store knows which rows
//! a feature still needs and never deletes those, whatever the cutoff.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// What a batch deletes, with the instant before which a row of that kind is past its retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expired {
    /// Outbox messages delivered or failed before the cutoff. Never a message still to deliver,
    /// being sent or whose fate is unknown (`maybe_sent`), nor a chunk of a digest posted after
    /// `keep_digests_since`: an answer edited within that window edits the posted chunk, which
    /// needs the chunk's platform id.
    Outbox {
        /// Delivered or failed before this.
        before: DateTime<Utc>,
        /// Chunks of digests posted after this stay.
        keep_digests_since: DateTime<Utc>,
    },
    /// Inbox rows handled or failed, received before the cutoff, with them their de-duplication
    /// key (and the older `inbound_deliveries` keys). Never a pending row.
    Deliveries(DateTime<Utc>),
    /// Jobs finished (done, missed, failed, cancelled) before the cutoff. Never a pending or
    /// claimed job.
    Jobs(DateTime<Utc>),
    /// Nudges opened before the cutoff, and open questions answered before it. Never a nudge
    /// still waiting for its grace period, nor a question still open.
    Nudges(DateTime<Utc>),
    /// Open questions never answered and asked before the cutoff. Housekeeping puts the cutoff
    /// `retention.open_questions` + `retention.nudges` before now: a question that expired
    /// unanswered goes as long after its expiry as an answered one after its answer, and one still
    /// open (listed in briefs and digests) never goes.
    ExpiredQuestions(DateTime<Utc>),
    /// Off-hours mentions (for `/async stats`) and off-hours notices sent before the cutoff.
    Offhours(DateTime<Utc>),
    /// Standup runs (with their answers) that ended before the cutoff, then digests posted
    /// before it that no longer carry an answer. Never an open run (prompted, not answered),
    /// nor a standup's latest digest (the next digest reads "since" from it).
    Answers(DateTime<Utc>),
    /// Decisions logged before the cutoff.
    Decisions(DateTime<Utc>),
}

impl Expired {
    /// The name of the kind, for logs and the setting it comes from (`retention.<name>`; expired
    /// questions go by `open_questions` and `nudges` together).
    pub fn name(&self) -> &'static str {
        match self {
            Expired::Outbox { .. } => "outbox",
            Expired::Deliveries(_) => "deliveries",
            Expired::Jobs(_) => "jobs",
            Expired::Nudges(_) => "nudges",
            Expired::ExpiredQuestions(_) => "open_questions",
            Expired::Offhours(_) => "offhours",
            Expired::Answers(_) => "answers",
            Expired::Decisions(_) => "decisions",
        }
    }
}

/// Deleting what is past its retention.
#[async_trait]
pub trait RetentionStore: Send + Sync {
    /// Deletes at most `limit` rows of one kind past their cutoff, in one short write
    /// transaction of its own (never the caller's unit of work, so the write lock is held for one
    /// batch only); returns how many were deleted (fewer than `limit`: none is left).
    ///
    /// Called from a unit of work's view of the store, it must come before that unit's first
    /// write (its transaction would hold the write lock this batch waits for): it is an error
    /// otherwise.
    async fn delete_expired(&self, expired: Expired, limit: u32) -> anyhow::Result<u64>;
}
