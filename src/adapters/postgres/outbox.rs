//! Purpose: the outbox in PostgreSQL — the head of each lane (conversation) is deliverable, so a
//! message is never overtaken in its conversation; delivery workers of several processes take
//! heads with `FOR UPDATE SKIP LOCKED` and a lease, so one lane is delivered by one worker at a
//! time. A message whose sender died mid-send (its lease lapsed) is taken again as "maybe sent":
//! the platform is asked before anything is resent.

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use super::{PgStore, instant, secs};
use crate::domain::events::{Destination, OutgoingMessage};
use crate::ports::{Delivery, OutboxStats, OutboxStore, QueuedMessage, UndeliveredMessage};

#[derive(sqlx::FromRow)]
struct TakenRow {
    id: i64,
    workspace_id: i64,
    platform: String,
    workspace: String,
    message: String,
    attempts: i64,
    created_at: i64,
    maybe_sent: bool,
}

/// The lane a message of `workspace_id` is ordered in (lanes of two workspaces never mix).
fn lane(workspace_id: i64, message: &OutgoingMessage) -> String {
    format!("{workspace_id}/{}", message.to.lane())
}

/// Queues messages in the transaction of `conn` (so they commit with whatever decided them);
/// returns their outbox ids, in order.
pub(super) async fn insert_messages(
    conn: &mut PgConnection,
    workspace_id: i64,
    messages: &[OutgoingMessage],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(messages.len());
    for message in messages {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (workspace_id, purpose, message, state, not_before, created_at, lane, urgent)
             VALUES ($1, $2, $3, 'pending', $4, $4, $5, $6) RETURNING id",
        )
        .bind(workspace_id)
        .bind(message.purpose.as_str())
        .bind(serde_json::to_string(message)?)
        .bind(secs(now))
        .bind(lane(workspace_id, message))
        .bind(matches!(message.to, Destination::Ephemeral { .. }))
        .fetch_one(&mut *conn)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

#[async_trait]
impl OutboxStore for PgStore {
    async fn enqueue(&self, workspace_id: i64, messages: &[OutgoingMessage], now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        insert_messages(&mut tx, workspace_id, messages, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn take_deliverable(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> anyhow::Result<Vec<QueuedMessage>> {
        let mut tx = self.begin_write().await?;
        // A head is a message with nothing older in its lane still pending or being sent. Another
        // process taking heads at the same moment holds their row locks, and they are skipped;
        // once it commits, its heads are 'sending' and block their lanes here too. A message
        // whose sender's lease lapsed is taken again, marked maybe sent.
        let rows: Vec<TakenRow> = sqlx::query_as(
            "WITH heads AS (
                 SELECT next.id FROM outbox AS next
                 WHERE ((next.state = 'pending' AND next.not_before <= $1)
                        OR (next.state = 'sending' AND next.lease_until <= $1))
                   AND NOT EXISTS (
                       SELECT 1 FROM outbox AS older
                       WHERE older.lane = next.lane AND older.id < next.id AND older.state IN ('pending', 'sending'))
                 ORDER BY next.urgent DESC, next.id LIMIT $2
                 FOR UPDATE OF next SKIP LOCKED)
             UPDATE outbox AS taken
             SET maybe_sent = taken.maybe_sent OR taken.state = 'sending',
                 state = 'sending', claimed_by = $3, lease_until = $4
             FROM heads, workspaces AS w
             WHERE taken.id = heads.id AND w.id = taken.workspace_id
             RETURNING taken.id, taken.workspace_id, w.platform, w.platform_id AS workspace, taken.message,
                       taken.attempts, taken.created_at, taken.maybe_sent, taken.urgent",
        )
        .bind(secs(now))
        .bind(i64::from(limit))
        .bind(worker)
        .bind(secs(now + lease))
        .fetch_all(&mut *tx)
        .await
        .context("cannot read the outbox")?;
        tx.commit().await?;
        let mut taken = rows
            .into_iter()
            .map(|row| {
                let message: OutgoingMessage = serde_json::from_str(&row.message)
                    .with_context(|| format!("outbox message {} is unreadable", row.id))?;
                Ok(QueuedMessage {
                    id: row.id,
                    workspace_id: row.workspace_id,
                    platform: row.platform.parse()?,
                    workspace: row.workspace,
                    message,
                    attempts: row.attempts,
                    queued_at: instant(row.created_at)?,
                    maybe_sent: row.maybe_sent,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        // RETURNING gives no order guarantee: private replies first, then oldest first.
        taken.sort_by_key(|queued| (!matches!(queued.message.to, Destination::Ephemeral { .. }), queued.id));
        Ok(taken)
    }

    async fn record_delivery_result(
        &self,
        id: i64,
        worker: &str,
        result: &Delivery,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let query = match result {
            // A private reply is not kept once delivered: it is never edited or looked up again,
            // and it names its reader (so an erasure's own confirmation leaves no trace).
            Delivery::Sent(platform_ref) => sqlx::query(
                "UPDATE outbox SET state = 'sent', sent_at = $1, platform_ref = $2, maybe_sent = FALSE,
                     message = CASE WHEN urgent THEN '{}'
                                    WHEN strpos(message, '\"attachment\":') > 0 THEN (message::jsonb - 'attachment')::text
                                    ELSE message END,
                     lane = CASE WHEN urgent THEN NULL ELSE lane END,
                     claimed_by = NULL, lease_until = NULL
                 WHERE id = $3 AND state = 'sending' AND claimed_by = $4",
            )
            .bind(secs(now))
            .bind(platform_ref),
            Delivery::Failed(error) => sqlx::query(
                "UPDATE outbox SET state = 'failed', failed_at = $1, error = $2, attempts = attempts + 1,
                     claimed_by = NULL, lease_until = NULL
                 WHERE id = $3 AND state = 'sending' AND claimed_by = $4",
            )
            .bind(secs(now))
            .bind(error),
            Delivery::RetryAt(at, error) => sqlx::query(
                "UPDATE outbox SET state = 'pending', not_before = $1, error = $2, attempts = attempts + 1,
                     claimed_by = NULL, lease_until = NULL
                 WHERE id = $3 AND state = 'sending' AND claimed_by = $4",
            )
            .bind(secs(*at))
            .bind(error),
            Delivery::ReconcileAt(at, error) => sqlx::query(
                "UPDATE outbox SET state = 'pending', not_before = $1, error = $2, attempts = attempts + 1,
                     maybe_sent = TRUE, claimed_by = NULL, lease_until = NULL
                 WHERE id = $3 AND state = 'sending' AND claimed_by = $4",
            )
            .bind(secs(*at))
            .bind(error),
            Delivery::WaitUntil(at) => sqlx::query(
                "UPDATE outbox SET state = 'pending', not_before = $1, claimed_by = NULL, lease_until = NULL
                 WHERE id = $2 AND state = 'sending' AND claimed_by = $3",
            )
            .bind(secs(*at)),
        };
        // A worker whose lease lapsed changes nothing: the message's new holder reconciles it.
        if self.write(query.bind(id).bind(worker)).await? == 0 {
            tracing::warn!(
                outbox = id,
                "a delivery result came after the claim lapsed; the new holder checks the platform"
            );
        }
        Ok(())
    }

    async fn recover_in_flight(&self, now: DateTime<Utc>) -> anyhow::Result<u64> {
        // Only messages whose sender's lease has lapsed: other processes may be sending theirs.
        self.write(
            sqlx::query(
                "UPDATE outbox SET state = 'pending', maybe_sent = TRUE, claimed_by = NULL, lease_until = NULL
                 WHERE state = 'unknown' OR (state = 'sending' AND lease_until <= $1)",
            )
            .bind(secs(now)),
        )
        .await
    }

    async fn sent_ref(&self, id: i64) -> anyhow::Result<Option<String>> {
        let platform_ref: Option<Option<String>> = sqlx::query_scalar("SELECT platform_ref FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.read().await?)
            .await?;
        Ok(platform_ref.flatten())
    }

    async fn take_post_slot(
        &self,
        workspace_id: i64,
        spacing: std::time::Duration,
    ) -> anyhow::Result<Option<std::time::Duration>> {
        // One upsert: the slot is the later of now and the previous slot, plus nothing; the row
        // keeps the one after it. `clock_timestamp()` is the server's clock, the same for all.
        let spacing_us = i64::try_from(spacing.as_micros()).unwrap_or(i64::MAX);
        let mut tx = self.begin_write().await?;
        let wait_us: i64 = sqlx::query_scalar(
            "WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT AS us)
             INSERT INTO post_pacing AS p (workspace_id, next_slot_us) SELECT $1, now.us + $2 FROM now
             ON CONFLICT (workspace_id)
                 DO UPDATE SET next_slot_us = GREATEST(p.next_slot_us, EXCLUDED.next_slot_us - $2) + $2
             RETURNING GREATEST(next_slot_us - $2 - (SELECT us FROM now), 0)",
        )
        .bind(workspace_id)
        .bind(spacing_us)
        .fetch_one(&mut *tx)
        .await
        .context("cannot take a post slot")?;
        tx.commit().await?;
        Ok(Some(std::time::Duration::from_micros(wait_us.unsigned_abs())))
    }

    async fn next_delivery_at(&self) -> anyhow::Result<Option<DateTime<Utc>>> {
        // A lapsing lease is a delivery time too: that message is taken again then.
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(CASE WHEN state = 'pending' THEN not_before ELSE lease_until END) FROM outbox
             WHERE state = 'pending' OR state = 'sending'",
        )
        .fetch_one(&mut *self.read().await?)
        .await?;
        next.map(instant).transpose()
    }

    async fn outbox_stats(&self) -> anyhow::Result<OutboxStats> {
        let mut conn = self.read().await?;
        let by_platform: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT w.platform,
                    CASE WHEN o.state = 'pending' AND o.maybe_sent THEN 'unknown' ELSE o.state END AS shown,
                    COUNT(*)
                 FROM outbox o JOIN workspaces w ON w.id = o.workspace_id
                 GROUP BY w.platform, shown ORDER BY w.platform, shown",
        )
        .fetch_all(&mut *conn)
        .await?;
        let oldest: Vec<(String, i64)> = sqlx::query_as(
            "SELECT w.platform, MIN(o.created_at) FROM outbox o JOIN workspaces w ON w.id = o.workspace_id
                 WHERE o.state IN ('pending', 'sending') GROUP BY w.platform ORDER BY w.platform",
        )
        .fetch_all(&mut *conn)
        .await?;
        let oldest =
            oldest.into_iter().map(|(platform, at)| Ok((platform, instant(at)?))).collect::<anyhow::Result<_>>()?;
        Ok(OutboxStats::new(by_platform, oldest))
    }

    async fn undelivered(&self, limit: u32) -> anyhow::Result<Vec<UndeliveredMessage>> {
        let rows: Vec<(i64, String, bool, String, Option<String>, i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, state, maybe_sent, purpose, lane, attempts, error, created_at FROM outbox
             WHERE state = 'failed' OR (state = 'pending' AND maybe_sent)
             ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter()
            .map(|(id, state, maybe_sent, purpose, lane, attempts, error, created_at)| {
                let state = if state == "pending" && maybe_sent { "unknown".to_owned() } else { state };
                Ok(UndeliveredMessage {
                    id,
                    state,
                    purpose,
                    lane: lane.unwrap_or_default(),
                    attempts,
                    error,
                    queued_at: instant(created_at)?,
                })
            })
            .collect()
    }
}
