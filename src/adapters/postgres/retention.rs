//! Purpose: retention in PostgreSQL, as on SQLite (`adapters/sqlite/retention.rs`) — one batch of
//! expired rows deleted per call, in its own short transaction, so a batch never holds many row
//! locks for long and never rides in a caller's unit of work.
//!
//! Each statement picks its batch with a `LIMIT`ed sub-select and names, in SQL, the rows a
//! feature still needs (see [`Expired`]), so no cutoff can remove them. Tables without an `id`
//! are batched by their primary key.

use async_trait::async_trait;

use super::{PgStore, secs};
use crate::ports::{Expired, RetentionStore};

/// Delivered or failed messages, except chunks of digests an edit may still update.
const OUTBOX: &str = "DELETE FROM outbox WHERE id IN (
    SELECT id FROM outbox
    WHERE ((state = 'sent' AND COALESCE(sent_at, created_at) < $1)
        OR (state = 'failed' AND COALESCE(failed_at, created_at) < $1))
      AND maybe_sent = FALSE
      AND id NOT IN (SELECT chunk::BIGINT FROM digests, jsonb_array_elements_text(digests.messages::jsonb) AS chunk
                     WHERE digests.posted_at >= $2)
    LIMIT $3)";

/// Inbox rows the consumer is done with (their unique key is the de-duplication key).
const INBOX: &str = "DELETE FROM inbox WHERE id IN (
    SELECT id FROM inbox WHERE state IN ('handled', 'failed') AND received_at < $1 LIMIT $2)";

/// De-duplication keys of the first schema.
const INBOUND_DELIVERIES: &str = "DELETE FROM inbound_deliveries WHERE (platform, delivery_id) IN (
    SELECT platform, delivery_id FROM inbound_deliveries WHERE received_at < $1 LIMIT $2)";

/// Finished jobs; their key no longer guards anything (features schedule by dates to come).
const JOBS: &str = "DELETE FROM jobs WHERE id IN (
    SELECT id FROM jobs WHERE state IN ('done', 'missed', 'failed', 'cancelled')
      AND COALESCE(finished_at, due_at) < $1 LIMIT $2)";

/// Nudges whose grace period is over.
const NUDGES: &str = "DELETE FROM nudges WHERE id IN (
    SELECT id FROM nudges WHERE state <> 'waiting' AND created_at < $1 LIMIT $2)";

/// Questions answered long ago (open ones feed briefs and digests).
const ANSWERED_QUESTIONS: &str = "DELETE FROM open_questions WHERE id IN (
    SELECT id FROM open_questions WHERE answered_at IS NOT NULL AND answered_at < $1 LIMIT $2)";

/// Questions never answered, asked long enough ago that they expired long ago (the caller's
/// cutoff says how long: see [`Expired::ExpiredQuestions`]).
const EXPIRED_QUESTIONS: &str = "DELETE FROM open_questions WHERE id IN (
    SELECT id FROM open_questions WHERE answered_at IS NULL AND asked_at < $1 LIMIT $2)";

const OFFHOURS_MENTIONS: &str = "DELETE FROM offhours_mentions WHERE id IN (
    SELECT id FROM offhours_mentions WHERE at < $1 LIMIT $2)";

const OFFHOURS_NOTICES: &str = "DELETE FROM offhours_notices WHERE (sender_id, recipient_id, local_date) IN (
    SELECT sender_id, recipient_id, local_date FROM offhours_notices WHERE sent_at < $1 LIMIT $2)";

/// Runs (their answers go with them: ON DELETE CASCADE) that ended before the cutoff. A run still
/// open — prompted or scheduled and not answered — stays while it is its member's latest run of
/// the standup: an answer typed now goes to it.
const RUNS: &str = "DELETE FROM standup_runs WHERE id IN (
    SELECT id FROM standup_runs AS run
    WHERE COALESCE(answered_at, prompted_at, prompt_at) < $1
      AND (state NOT IN ('prompted', 'scheduled')
           OR EXISTS (SELECT 1 FROM standup_runs AS later
                      WHERE later.standup_id = run.standup_id AND later.member_id = run.member_id
                        AND later.local_date > run.local_date))
    LIMIT $2)";

/// Digests whose answers are gone, except each standup's latest (the next digest reads what is
/// new since it).
const DIGESTS: &str = "DELETE FROM digests WHERE id IN (
    SELECT id FROM digests AS d
    WHERE posted_at < $1
      AND NOT EXISTS (SELECT 1 FROM answers WHERE answers.digest_id = d.id)
      AND posted_at < (SELECT MAX(posted_at) FROM digests AS latest WHERE latest.standup_id = d.standup_id)
    LIMIT $2)";

const DECISIONS: &str = "DELETE FROM decisions WHERE id IN (
    SELECT id FROM decisions WHERE created_at < $1 LIMIT $2)";

#[async_trait]
impl RetentionStore for PgStore {
    async fn delete_expired(&self, expired: Expired, limit: u32) -> anyhow::Result<u64> {
        // The contract of both stores: a batch comes before its unit of work writes. PostgreSQL
        // has no database-wide write lock to wait for, but the unit's row locks would be held
        // across every batch, and a caller relying on this would deadlock on SQLite.
        if let Some(scope) = &self.scope
            && scope.reader().await?.is_some()
        {
            anyhow::bail!("retention batches run before their unit of work writes (its transaction is open)");
        }
        // Its own transaction, whatever view it was called on.
        let own = PgStore { scope: None, ..self.clone() };
        let limit = i64::from(limit);
        let (statements, cutoff, keep): (&[&str], _, _) = match expired {
            Expired::Outbox { before, keep_digests_since } => (&[OUTBOX], before, Some(keep_digests_since)),
            Expired::Deliveries(before) => (&[INBOX, INBOUND_DELIVERIES], before, None),
            Expired::Jobs(before) => (&[JOBS], before, None),
            Expired::Nudges(before) => (&[NUDGES, ANSWERED_QUESTIONS], before, None),
            Expired::ExpiredQuestions(before) => (&[EXPIRED_QUESTIONS], before, None),
            Expired::Offhours(before) => (&[OFFHOURS_MENTIONS, OFFHOURS_NOTICES], before, None),
            Expired::Answers(before) => (&[RUNS, DIGESTS], before, None),
            Expired::Decisions(before) => (&[DECISIONS], before, None),
        };
        let mut tx = own.begin_write().await?;
        let mut deleted = 0;
        // A kind of several tables fills one batch from them in order: the limit holds for all.
        for statement in statements {
            let left = limit - deleted as i64;
            if left <= 0 {
                break;
            }
            let query = sqlx::query(*statement).bind(secs(cutoff));
            let query = match keep {
                Some(keep) => query.bind(secs(keep)),
                None => query,
            };
            deleted += query.bind(left).execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(deleted)
    }
}
