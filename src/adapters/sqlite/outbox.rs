//! Purpose: the outbox in SQLite — messages delivered oldest first, each at most once, and never
//! ahead of an older message still waiting for the same conversation.

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{SqliteStore, secs};
use crate::domain::events::OutgoingMessage;
use crate::ports::{Delivery, OutboxStore, QueuedMessage};

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn enqueue(&self, workspace_id: i64, messages: &[OutgoingMessage], now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        for message in messages {
            sqlx::query(
                "INSERT INTO outbox (workspace_id, purpose, message, state, not_before, created_at, lane)
                 VALUES (?, ?, ?, 'pending', ?, ?, ?)",
            )
            .bind(workspace_id)
            .bind(message.purpose.as_str())
            .bind(serde_json::to_string(message)?)
            .bind(secs(now))
            .bind(secs(now))
            .bind(message.to.lane())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn take_next(&self, now: DateTime<Utc>) -> anyhow::Result<Option<QueuedMessage>> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, i64, String)> = sqlx::query_as(
            "UPDATE outbox SET state = 'sending'
             WHERE id = (
                 SELECT id FROM outbox AS next
                 WHERE state = 'pending' AND not_before <= ?
                   AND NOT EXISTS (
                       SELECT 1 FROM outbox AS older
                       WHERE older.lane = next.lane AND older.id < next.id AND older.state IN ('pending', 'sending'))
                 ORDER BY id LIMIT 1)
             RETURNING id, workspace_id, message",
        )
        .bind(secs(now))
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some((id, workspace_id, message)) = row else { return Ok(None) };
        let message: OutgoingMessage =
            serde_json::from_str(&message).with_context(|| format!("outbox message {id} is unreadable"))?;
        Ok(Some(QueuedMessage { id, workspace_id, message, attempts: 0 }))
    }

    async fn record_delivery_result(&self, id: i64, result: &Delivery, now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        let query = match result {
            Delivery::Sent(platform_ref) => {
                sqlx::query("UPDATE outbox SET state = 'sent', sent_at = ?, platform_ref = ? WHERE id = ?")
                    .bind(secs(now))
                    .bind(platform_ref)
            }
            Delivery::Failed(error) => {
                sqlx::query("UPDATE outbox SET state = 'failed', error = ? WHERE id = ?").bind(error)
            }
            Delivery::RetryAt(at, error) => {
                sqlx::query("UPDATE outbox SET state = 'pending', not_before = ?, error = ? WHERE id = ?")
                    .bind(secs(*at))
                    .bind(error)
            }
        };
        query.bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn abandon_in_flight(&self) -> anyhow::Result<u64> {
        let n = self.write(sqlx::query("UPDATE outbox SET state = 'unknown' WHERE state = 'sending'")).await?;
        Ok(n)
    }

    async fn sent_ref(&self, id: i64) -> anyhow::Result<Option<String>> {
        let platform_ref: Option<Option<String>> = sqlx::query_scalar("SELECT platform_ref FROM outbox WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(platform_ref.flatten())
    }
}
