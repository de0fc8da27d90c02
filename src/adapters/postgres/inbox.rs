//! Purpose: the inbox in PostgreSQL. Intake's group commit writes a batch in one transaction; the
//! unique key (platform, workspace, delivery id) is the de-duplication, whichever process received
//! the delivery. Consumers of several processes claim rows with `FOR UPDATE SKIP LOCKED` and a
//! lease; the unit of work marks its row handled only if it is still pending and still its own,
//! so an event's effects commit once even if a lapsed claim let two workers handle it. A row is
//! not taken while an older row of its lane (its conversation: `InboundEvent::lane`) is due and
//! unhandled, so one conversation's events are handled in order whichever process takes them.

use std::collections::HashSet;

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::{Postgres, QueryBuilder};

use super::{PgStore, instant, secs};
use crate::domain::events::InboundEvent;
use crate::ports::{InboxStore, NewDelivery, PendingDelivery};

/// The most rows one INSERT statement carries (8 parameters each, below PostgreSQL's 65,535).
const MAX_STATEMENT_ROWS: usize = 1_000;

#[async_trait]
impl InboxStore for PgStore {
    async fn record_deliveries(&self, deliveries: &[NewDelivery], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>> {
        let rows = deliveries
            .iter()
            .map(|delivery| {
                let event = serde_json::to_string(&delivery.event)?;
                let event_ref = &delivery.event;
                Ok((
                    delivery.platform.as_str(),
                    event_ref.workspace(),
                    event_ref.delivery_id(),
                    event,
                    event_ref.lane(),
                ))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut tx = self.begin_write().await?;
        let mut fresh = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(MAX_STATEMENT_ROWS) {
            let mut insert = QueryBuilder::<Postgres>::new(
                "INSERT INTO inbox (platform, workspace, delivery_id, event, state, not_before, received_at, lane) ",
            );
            insert.push_values(chunk, |mut row, (platform, workspace, delivery_id, event, lane)| {
                row.push_bind(*platform)
                    .push_bind(*workspace)
                    .push_bind(delivery_id.as_str())
                    .push_bind(event.as_str())
                    .push("'pending'")
                    .push_bind(secs(now))
                    .push_bind(secs(now))
                    .push_bind(lane.as_deref());
            });
            // RETURNING names exactly the rows this statement inserted: a key seen before (a
            // retry, or the same delivery at another process) or twice in the batch is not new.
            insert.push(" ON CONFLICT DO NOTHING RETURNING platform, workspace, delivery_id");
            let inserted: Vec<(String, String, String)> =
                insert.build_query_as().fetch_all(&mut *tx).await.context("cannot record a delivery")?;
            let mut inserted: HashSet<(String, String, String)> = inserted.into_iter().collect();
            fresh.extend(chunk.iter().map(|(platform, workspace, delivery_id, _, _)| {
                // The first occurrence of a key repeated in the batch is the new one.
                inserted.remove(&((*platform).to_owned(), (*workspace).to_owned(), delivery_id.clone()))
            }));
        }
        tx.commit().await?;
        Ok(fresh)
    }

    async fn next_delivery(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> anyhow::Result<Option<PendingDelivery>> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String, String, i64)> = sqlx::query_as(
            "UPDATE inbox SET claimed_by = $1, lease_until = $2
             WHERE id = (
                 SELECT id FROM inbox next
                 WHERE state = 'pending' AND not_before <= $3 AND (lease_until IS NULL OR lease_until <= $3)
                   -- Not past an older event of its conversation that is due (being handled by
                   -- another process, or about to be). One waiting for a retry does not hold its
                   -- lane, as with one process.
                   AND (lane IS NULL OR NOT EXISTS (
                       SELECT 1 FROM inbox older
                       WHERE older.platform = next.platform AND older.workspace = next.workspace
                         AND older.lane = next.lane AND older.state = 'pending' AND older.id < next.id
                         AND older.not_before <= $3))
                 ORDER BY not_before, id LIMIT 1
                 FOR UPDATE SKIP LOCKED)
             RETURNING id, platform, event, attempts",
        )
        .bind(worker)
        .bind(secs(now + lease))
        .bind(secs(now))
        .fetch_optional(&mut *tx)
        .await
        .context("cannot claim an inbox row")?;
        tx.commit().await?;
        let Some((id, platform, event, attempts)) = row else { return Ok(None) };
        let event: InboundEvent =
            serde_json::from_str(&event).with_context(|| format!("inbox row {id} is unreadable"))?;
        Ok(Some(PendingDelivery { id, platform: platform.parse()?, event, attempts }))
    }

    async fn mark_handled(&self, id: i64, worker: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
        let changed = self
            .write(
                sqlx::query(
                    "UPDATE inbox SET state = 'handled', handled_at = $1, error = NULL, lease_until = NULL
                     WHERE id = $2 AND state = 'pending' AND claimed_by = $3",
                )
                .bind(secs(now))
                .bind(id)
                .bind(worker),
            )
            .await?;
        Ok(changed == 1)
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
                "UPDATE inbox SET attempts = attempts + 1, not_before = $1, lease_until = NULL, error = $2
                 WHERE id = $3 AND state = 'pending'",
            )
            .bind(secs(at)),
            None => sqlx::query(
                "UPDATE inbox SET attempts = attempts + 1, state = 'failed', handled_at = $1, lease_until = NULL,
                     error = $2
                 WHERE id = $3 AND state = 'pending'",
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
