//! Purpose: the outbox in SQLite — the head of each lane (conversation) is deliverable, so a
//! message is never overtaken in its conversation while other conversations go on; each row is
//! taken by one delivery worker at a time (`sending`).

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

use super::{SqliteStore, instant, secs};
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
    conn: &mut SqliteConnection,
    workspace_id: i64,
    messages: &[OutgoingMessage],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(messages.len());
    for message in messages {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (workspace_id, purpose, message, state, not_before, created_at, lane, urgent)
             VALUES (?, ?, ?, 'pending', ?, ?, ?, ?) RETURNING id",
        )
        .bind(workspace_id)
        .bind(message.purpose.as_str())
        .bind(serde_json::to_string(message)?)
        .bind(secs(now))
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
impl OutboxStore for SqliteStore {
    async fn enqueue(&self, workspace_id: i64, messages: &[OutgoingMessage], now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        insert_messages(&mut tx, workspace_id, messages, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn take_deliverable(
        &self,
        _worker: &str,
        now: DateTime<Utc>,
        _lease: Duration,
        limit: u32,
    ) -> anyhow::Result<Vec<QueuedMessage>> {
        // No claim beyond 'sending': the instance lock makes this process the only sender, and
        // what a crash leaves 'sending' is recovered at the next start.
        let mut tx = self.begin_write().await?;
        let rows: Vec<TakenRow> = sqlx::query_as(
            "SELECT next.id, next.workspace_id, w.platform, w.platform_id AS workspace, next.message, next.attempts,
                    next.created_at, next.maybe_sent
             FROM outbox AS next JOIN workspaces AS w ON w.id = next.workspace_id
             WHERE next.state = 'pending' AND next.not_before <= ?
               AND NOT EXISTS (
                   SELECT 1 FROM outbox AS older
                   WHERE older.lane = next.lane AND older.id < next.id AND older.state IN ('pending', 'sending'))
             ORDER BY next.urgent DESC, next.id LIMIT ?",
        )
        .bind(secs(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .context("cannot read the outbox")?;
        for row in &rows {
            sqlx::query("UPDATE outbox SET state = 'sending' WHERE id = ?").bind(row.id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        rows.into_iter()
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
            .collect()
    }

    async fn record_delivery_result(
        &self,
        id: i64,
        _worker: &str,
        result: &Delivery,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let query = match result {
            // A private reply is not kept once delivered: it is never edited or looked up again,
            // and it names its reader (so an erasure's own confirmation leaves no trace). Nor is
            // a file (a member's export): only the message that carried it.
            Delivery::Sent(platform_ref) => sqlx::query(
                "UPDATE outbox SET state = 'sent', sent_at = ?, platform_ref = ?, maybe_sent = 0,
                     message = CASE WHEN urgent = 1 THEN '{}'
                                    WHEN instr(message, '\"attachment\":') > 0 THEN json_remove(message, '$.attachment')
                                    ELSE message END,
                     lane = CASE WHEN urgent = 1 THEN NULL ELSE lane END
                 WHERE id = ?",
            )
            .bind(secs(now))
            .bind(platform_ref),
            Delivery::Failed(error) => sqlx::query(
                "UPDATE outbox SET state = 'failed', failed_at = ?, error = ?, attempts = attempts + 1 WHERE id = ?",
            )
            .bind(secs(now))
            .bind(error),
            Delivery::RetryAt(at, error) => sqlx::query(
                "UPDATE outbox SET state = 'pending', not_before = ?, error = ?, attempts = attempts + 1 WHERE id = ?",
            )
            .bind(secs(*at))
            .bind(error),
            Delivery::ReconcileAt(at, error) => sqlx::query(
                "UPDATE outbox SET state = 'pending', not_before = ?, error = ?, attempts = attempts + 1,
                 maybe_sent = 1 WHERE id = ?",
            )
            .bind(secs(*at))
            .bind(error),
            Delivery::WaitUntil(at) => {
                sqlx::query("UPDATE outbox SET state = 'pending', not_before = ? WHERE id = ?").bind(secs(*at))
            }
        };
        self.write(query.bind(id)).await?;
        Ok(())
    }

    async fn recover_in_flight(&self, _now: DateTime<Utc>) -> anyhow::Result<u64> {
        self.write(sqlx::query(
            "UPDATE outbox SET state = 'pending', maybe_sent = 1 WHERE state IN ('sending', 'unknown')",
        ))
        .await
    }

    async fn sent_ref(&self, id: i64) -> anyhow::Result<Option<String>> {
        let platform_ref: Option<Option<String>> = sqlx::query_scalar("SELECT platform_ref FROM outbox WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *self.read().await?)
            .await?;
        Ok(platform_ref.flatten())
    }

    async fn next_delivery_at(&self) -> anyhow::Result<Option<DateTime<Utc>>> {
        let next: Option<i64> = sqlx::query_scalar("SELECT MIN(not_before) FROM outbox WHERE state = 'pending'")
            .fetch_one(&mut *self.read().await?)
            .await?;
        next.map(instant).transpose()
    }

    async fn outbox_stats(&self) -> anyhow::Result<OutboxStats> {
        let mut conn = self.read().await?;
        let by_platform: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT w.platform,
                    CASE WHEN o.state = 'pending' AND o.maybe_sent = 1 THEN 'unknown' ELSE o.state END AS shown,
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
             WHERE state = 'failed' OR (state = 'pending' AND maybe_sent = 1)
             ORDER BY id DESC LIMIT ?",
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
