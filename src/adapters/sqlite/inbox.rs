//! Purpose: the inbox in SQLite. Intake's group commit writes a batch of deliveries in one
//! transaction; the unique key (platform, workspace, delivery id) is the de-duplication.

use std::collections::HashSet;

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::{QueryBuilder, Sqlite};

use super::{SqliteStore, instant, secs};
use crate::domain::events::InboundEvent;
use crate::ports::{InboxStore, NewDelivery, PendingDelivery};

/// The next pending delivery due at `?`.
const NEXT_DELIVERY: &str = "SELECT id, platform, event, attempts FROM inbox
     WHERE state = 'pending' AND not_before <= ? ORDER BY not_before, id LIMIT 1";

/// The most rows one INSERT statement carries (7 values each, far below SQLite's 32,766).
const MAX_STATEMENT_ROWS: usize = 256;

/// Rows for the next INSERT of a batch with `remaining` rows left: the largest power of two that
/// fits, so batches of any size share at most nine statement texts, each prepared once per
/// connection (sqlx caches prepared statements by their text). One statement per row cost a
/// round trip to SQLite's worker thread, and two context switches, per delivery.
fn statement_rows(remaining: usize) -> usize {
    let most = remaining.min(MAX_STATEMENT_ROWS);
    1 << most.ilog2()
}

#[async_trait]
impl InboxStore for SqliteStore {
    async fn record_deliveries(&self, deliveries: &[NewDelivery], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>> {
        // Encoded before the write lock is taken.
        let rows = deliveries
            .iter()
            .map(|delivery| {
                let event = serde_json::to_string(&delivery.event)?;
                Ok((delivery.platform.as_str(), delivery.event.workspace(), delivery.event.delivery_id(), event))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut tx = self.begin_write().await?;
        let mut fresh = Vec::with_capacity(rows.len());
        let mut rest = rows.as_slice();
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(statement_rows(rest.len()));
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO inbox (platform, workspace, delivery_id, event, state, not_before, received_at) ",
            );
            insert.push_values(chunk, |mut row, (platform, workspace, delivery_id, event)| {
                row.push_bind(*platform)
                    .push_bind(*workspace)
                    .push_bind(delivery_id.as_str())
                    .push_bind(event.as_str())
                    .push("'pending'")
                    .push_bind(secs(now))
                    .push_bind(secs(now));
            });
            insert.push(" ON CONFLICT DO NOTHING");
            let done = insert.build().execute(&mut *tx).await.context("cannot record a delivery")?;
            let inserted = done.rows_affected();
            if inserted == chunk.len() as u64 {
                fresh.extend(std::iter::repeat_n(true, chunk.len()));
            } else if inserted == 0 {
                fresh.extend(std::iter::repeat_n(false, chunk.len()));
            } else {
                // Some keys were there already (a retry) or came twice in the batch. The rows
                // this statement inserted hold the last `inserted` ids (this writer holds the
                // lock, and a new row's id is the largest so far plus one), so read back their
                // keys: only the duplicates' chunks pay for it, never the common one.
                let last = done.last_insert_rowid();
                let keys: Vec<(String, String, String)> =
                    sqlx::query_as("SELECT platform, workspace, delivery_id FROM inbox WHERE id > ? AND id <= ?")
                        .bind(last - inserted as i64)
                        .bind(last)
                        .fetch_all(&mut *tx)
                        .await?;
                anyhow::ensure!(keys.len() as u64 == inserted, "the inbox's new rows are not where they were written");
                let mut keys: HashSet<(String, String, String)> = keys.into_iter().collect();
                fresh.extend(chunk.iter().map(|(platform, workspace, delivery_id, _)| {
                    // The first occurrence of a key repeated in the batch is the new one.
                    keys.remove(&((*platform).to_owned(), (*workspace).to_owned(), delivery_id.clone()))
                }));
            }
            rest = tail;
        }
        tx.commit().await?;
        Ok(fresh)
    }

    async fn next_delivery(
        &self,
        _worker: &str,
        now: DateTime<Utc>,
        _lease: Duration,
    ) -> anyhow::Result<Option<PendingDelivery>> {
        // No claim: the instance lock makes this process the only consumer.
        // In the order of the `inbox_pending` index (state, not_before, id), so taking the next
        // row is one index probe however long the backlog is; `ORDER BY id` made SQLite collect
        // and sort every due row for each event, and the consumer slowed down as it fell behind.
        // A row's `not_before` is the second it arrived, so this is arrival order; a retried row
        // waits for its turn behind what arrived before its retry time.
        let row: Option<(i64, String, String, i64)> =
            sqlx::query_as(NEXT_DELIVERY).bind(secs(now)).fetch_optional(&mut *self.read().await?).await?;
        let Some((id, platform, event, attempts)) = row else { return Ok(None) };
        let event: InboundEvent =
            serde_json::from_str(&event).with_context(|| format!("inbox row {id} is unreadable"))?;
        Ok(Some(PendingDelivery { id, platform: platform.parse()?, event, attempts }))
    }

    async fn mark_handled(&self, id: i64, _worker: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
        let changed = self
            .write(
                sqlx::query(
                    "UPDATE inbox SET state = 'handled', handled_at = ?, error = NULL WHERE id = ? AND state = 'pending'",
                )
                .bind(secs(now))
                .bind(id),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::ChatMessage;
    use crate::domain::platform::Platform;

    fn delivery(n: usize) -> NewDelivery {
        let message = ChatMessage {
            workspace: "T1".into(),
            id: format!("1700000000.{n:06}"),
            channel: "C1".into(),
            user: "U1".into(),
            text: format!("message {n}"),
            thread: None,
            is_dm: false,
        };
        NewDelivery { platform: Platform::Slack, event: InboundEvent::Message(message) }
    }

    async fn store(dir: &tempfile::TempDir) -> SqliteStore {
        SqliteStore::open(&format!("sqlite://{}", dir.path().join("inbox.db").display())).await.unwrap()
    }

    #[tokio::test]
    async fn a_batch_of_several_statements_tells_each_delivery_whether_it_is_new() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let now: DateTime<Utc> = "2026-03-30T07:30:00Z".parse().unwrap();
        let earlier: Vec<NewDelivery> = [3, 300, 599].into_iter().map(delivery).collect();
        assert_eq!(store.record_deliveries(&earlier, now).await.unwrap(), [true, true, true]);

        // 600 deliveries take five statements (256, 256, 64, 16, 8); keys seen before sit in
        // the first, second and last of them, and two keys come twice within the batch, once
        // in the same statement and once across two.
        let mut batch: Vec<NewDelivery> = (0..600).map(delivery).collect();
        batch[10] = delivery(5);
        batch[520] = delivery(400);
        let fresh = store.record_deliveries(&batch, now).await.unwrap();
        let duplicates: Vec<usize> = (0..600).filter(|&at| !fresh[at]).collect();
        assert_eq!(duplicates, [3, 10, 300, 520, 599]);
        let (pending, _) = store.inbox_backlog().await.unwrap();
        assert_eq!(pending, 3 + 600 - 5, "one row per key");
    }

    #[tokio::test]
    async fn the_next_delivery_is_the_earliest_due_and_a_retried_one_waits_behind_earlier_arrivals() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let start: DateTime<Utc> = "2026-03-30T07:30:00Z".parse().unwrap();
        store.record_deliveries(&[delivery(1), delivery(2)], start).await.unwrap();
        store.record_deliveries(&[delivery(3)], start + Duration::seconds(10)).await.unwrap();
        let first = store.next_delivery("w", start, Duration::seconds(30)).await.unwrap().unwrap();
        assert_eq!(first.event.delivery_id(), "message:C1:1700000000.000001");
        store
            .mark_attempt_failed(first.id, "the platform was down", Some(start + Duration::seconds(5)), start)
            .await
            .unwrap();

        let next = |at: i64| {
            let store = &store;
            async move {
                store
                    .next_delivery("w", start + Duration::seconds(at), Duration::seconds(30))
                    .await
                    .unwrap()
                    .map(|d| d.event.delivery_id())
            }
        };
        assert_eq!(next(0).await.as_deref(), Some("message:C1:1700000000.000002"), "the failed one is not due yet");
        assert_eq!(next(5).await.as_deref(), Some("message:C1:1700000000.000002"));
        let second = store.next_delivery("w", start, Duration::seconds(30)).await.unwrap().unwrap();
        store.mark_handled(second.id, "w", start).await.unwrap();
        assert_eq!(next(5).await.as_deref(), Some("message:C1:1700000000.000001"), "due again after its delay");
        assert_eq!(next(10).await.as_deref(), Some("message:C1:1700000000.000001"), "retried before a later arrival");
    }

    /// The consumer takes the next row once per event; sorting the whole backlog each time made
    /// it slower the further it fell behind.
    #[tokio::test]
    async fn taking_the_next_delivery_reads_one_index_entry_instead_of_sorting_the_backlog() {
        let store = SqliteStore::open("sqlite::memory:").await.unwrap();
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {NEXT_DELIVERY}")))
                .bind(0)
                .fetch_all(store.pool())
                .await
                .unwrap();
        let detail: Vec<&str> = plan.iter().map(|row| row.3.as_str()).collect();
        assert_eq!(detail, ["SEARCH inbox USING INDEX inbox_pending (state=? AND not_before<?)"]);
    }
}
