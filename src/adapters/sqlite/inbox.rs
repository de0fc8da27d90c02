//! Purpose: the inbox in SQLite. Intake's group commit writes a batch of deliveries in one
//! transaction; the unique key (platform, workspace, delivery id) is the de-duplication.

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{SqliteStore, instant, secs};
use crate::domain::events::InboundEvent;
use crate::ports::{InboxStore, NewDelivery, PendingDelivery};

#[async_trait]
impl InboxStore for SqliteStore {
    async fn record_deliveries(&self, deliveries: &[NewDelivery], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>> {
        let mut tx = self.begin_write().await?;
        let mut fresh = Vec::with_capacity(deliveries.len());
        for delivery in deliveries {
            let inserted = sqlx::query(
                "INSERT INTO inbox (platform, workspace, delivery_id, event, state, not_before, received_at)
                 VALUES (?, ?, ?, ?, 'pending', ?, ?)
                 ON CONFLICT DO NOTHING",
            )
            .bind(delivery.platform.as_str())
            .bind(delivery.event.workspace())
            .bind(delivery.event.delivery_id())
            .bind(serde_json::to_string(&delivery.event)?)
            .bind(secs(now))
            .bind(secs(now))
            .execute(&mut *tx)
            .await
            .context("cannot record a delivery")?
            .rows_affected()
                == 1;
            fresh.push(inserted);
        }
        tx.commit().await?;
        Ok(fresh)
    }

    async fn next_delivery(&self, now: DateTime<Utc>) -> anyhow::Result<Option<PendingDelivery>> {
        let row: Option<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT id, platform, event, attempts FROM inbox
             WHERE state = 'pending' AND not_before <= ? ORDER BY id LIMIT 1",
        )
        .bind(secs(now))
        .fetch_optional(&mut *self.read().await?)
        .await?;
        let Some((id, platform, event, attempts)) = row else { return Ok(None) };
        let event: InboundEvent =
            serde_json::from_str(&event).with_context(|| format!("inbox row {id} is unreadable"))?;
        Ok(Some(PendingDelivery { id, platform: platform.parse()?, event, attempts }))
    }

    async fn mark_handled(&self, id: i64, now: DateTime<Utc>) -> anyhow::Result<()> {
        self.write(
            sqlx::query("UPDATE inbox SET state = 'handled', handled_at = ?, error = NULL WHERE id = ?")
                .bind(secs(now))
                .bind(id),
        )
        .await?;
        Ok(())
    }

    async fn mark_attempt_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let query = match retry_at {
            Some(at) => sqlx::query(
                "UPDATE inbox SET attempts = attempts + 1, not_before = ?, error = ? WHERE id = ? AND state = 'pending'",
            )
            .bind(secs(at)),
            None => sqlx::query(
                "UPDATE inbox SET attempts = attempts + 1, state = 'failed', handled_at = ?, error = ?
                 WHERE id = ? AND state = 'pending'",
            )
            .bind(secs(now)),
        };
        self.write(query.bind(error).bind(id)).await?;
        Ok(())
    }

    async fn inbox_backlog(&self) -> anyhow::Result<(i64, Option<DateTime<Utc>>)> {
        let (count, oldest): (i64, Option<i64>) =
            sqlx::query_as("SELECT COUNT(*), MIN(received_at) FROM inbox WHERE state = 'pending'")
                .fetch_one(&mut *self.read().await?)
                .await?;
        Ok((count, oldest.map(instant).transpose()?))
    }
}
