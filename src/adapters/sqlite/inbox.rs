//! Purpose: the inbox in SQLite. Intake's group commit writes a batch of deliveries in one
//! transaction; the unique key (platform, workspace, delivery id) is the de-duplication.

use std::collections::HashSet;
use std::sync::OnceLock;

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt as _;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments as _, Either, Executor as _, SqliteConnection};

use super::{SqliteStore, instant, secs};
use crate::domain::events::InboundEvent;
use crate::ports::{InboxStore, NewDelivery, PendingDelivery};

/// The next pending delivery due at `?`.
const NEXT_DELIVERY: &str = "SELECT id, platform, event, attempts FROM inbox
     WHERE state = 'pending' AND not_before <= ? ORDER BY not_before, id LIMIT 1";

/// The most deliveries one statement records: the inbox writer's largest batch
/// ([`crate::inbox::MAX_BATCH`]); 4 values a row, far below SQLite's 32,766.
const MAX_STATEMENT_ROWS: usize = crate::inbox::MAX_BATCH;

/// `INSERT` of up to `capacity` deliveries: the first `size` rows of a `VALUES` list of
/// `capacity` rows (the rest are left unbound), `at` the time they arrived; parameters in that
/// order, then 4 a row. The first row of a key inserts; later rows of the same key (in the batch
/// or stored before) do nothing.
///
/// The parameters are anonymous (`?`): sqlx asks SQLite each parameter's name, and for numbered
/// ones (`?NNN`) SQLite finds the name by a scan of all of them, quadratic in the batch.
fn insert_text(capacity: usize) -> String {
    let rows = vec!["(?, ?, ?, ?)"; capacity].join(", ");
    format!(
        "WITH batch (size, at) AS (SELECT ?, ?)
         INSERT INTO inbox (platform, workspace, delivery_id, event, state, not_before, received_at)
         SELECT column1, column2, column3, column4, 'pending', (SELECT at FROM batch), (SELECT at FROM batch)
         FROM (VALUES {rows}) WHERE true LIMIT (SELECT size FROM batch)
         ON CONFLICT DO NOTHING"
    )
}

/// The statements that record a batch of up to 2^k deliveries, for every k: the `INSERT` alone
/// (inside a unit of work), and the whole transaction, `BEGIN IMMEDIATE; INSERT …; COMMIT`.
///
/// Why one text per power of two: sqlx prepares a statement once per connection and text, so a
/// few capacities cover every batch size without preparing anything per batch. Why the whole
/// transaction in one text: each statement sent is a round trip to the connection's own thread
/// (two context switches on a busy core); a batch now costs one, however many deliveries it holds.
struct BatchStatements {
    insert: Vec<String>,
    transaction: Vec<String>,
}

fn batch_statements() -> &'static BatchStatements {
    static STATEMENTS: OnceLock<BatchStatements> = OnceLock::new();
    STATEMENTS.get_or_init(|| {
        let inserts: Vec<String> = (0..=MAX_STATEMENT_ROWS.ilog2()).map(|power| insert_text(1 << power)).collect();
        let transaction = inserts.iter().map(|insert| format!("BEGIN IMMEDIATE; {insert}; COMMIT")).collect();
        BatchStatements { insert: inserts, transaction }
    })
}

/// Which of the statements fits `rows` deliveries.
fn capacity_index(rows: usize) -> usize {
    rows.next_power_of_two().ilog2() as usize
}

/// One delivery as it is stored.
struct Row {
    platform: &'static str,
    workspace: String,
    delivery_id: String,
    event: String,
}

/// The arguments of a batch statement: how many rows, the time, then 4 values per row.
fn arguments(rows: Vec<Row>, now: DateTime<Utc>) -> anyhow::Result<SqliteArguments> {
    let mut arguments = SqliteArguments::default();
    let count = i64::try_from(rows.len())?;
    arguments.add(count).map_err(anyhow::Error::from_boxed)?;
    arguments.add(secs(now)).map_err(anyhow::Error::from_boxed)?;
    for row in rows {
        arguments.add(row.platform).map_err(anyhow::Error::from_boxed)?;
        arguments.add(row.workspace).map_err(anyhow::Error::from_boxed)?;
        arguments.add(row.delivery_id).map_err(anyhow::Error::from_boxed)?;
        arguments.add(row.event).map_err(anyhow::Error::from_boxed)?;
    }
    Ok(arguments)
}

/// What one batch statement did: rows inserted, and the id of the last one.
#[derive(Clone, Copy)]
struct Inserted {
    rows: u64,
    last_id: i64,
}

impl SqliteStore {
    /// Records a batch in a transaction of its own, in one round trip to SQLite's thread, on the
    /// connection kept for intake. Holds the write gate throughout, so nothing else in the
    /// process writes between the commit and reading back which keys were new.
    async fn record_batch(
        &self,
        deliveries: &[NewDelivery],
        rows: Vec<Row>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<bool>> {
        let mut slot = self.intake.lock().await;
        let _gate = self.write_gate.lock().await;
        let conn = match slot.as_mut() {
            Some(conn) => conn,
            None => slot.insert(self.intake_pool.acquire().await.context("cannot get a database connection")?),
        };
        let text = batch_statements().transaction[capacity_index(rows.len())].as_str();
        let query = sqlx::query_with(text, arguments(rows, now)?);
        // BEGIN, INSERT, COMMIT: one result each, until the first error.
        let mut done = Vec::with_capacity(3);
        let mut failed = None;
        {
            let mut results = conn.fetch_many(query);
            while let Some(result) = results.next().await {
                match result {
                    Ok(Either::Left(statement)) => done.push(statement),
                    Ok(Either::Right(_)) => {}
                    Err(error) => {
                        failed = Some(error);
                        break;
                    }
                }
            }
        }
        if let Some(error) = failed {
            let error = anyhow::Error::new(error);
            match done.len() {
                // The INSERT failed inside the transaction: undo it, or close the connection.
                1 if sqlx::raw_sql("ROLLBACK").execute(&mut **conn).await.is_ok() => {}
                // BEGIN or COMMIT failed (the write lock could not be had, the disk is full):
                // whatever state it left, the connection is closed, not kept (`scope`).
                stage => {
                    if let Some(conn) = slot.take() {
                        drop(conn.detach());
                    }
                    if stage != 1 {
                        self.health.write_failed(&error);
                    }
                }
            }
            return Err(error.context("cannot record deliveries"));
        }
        let insert = done.get(1).context("the batch statement did not run its INSERT")?;
        let inserted = Inserted { rows: insert.rows_affected(), last_id: insert.last_insert_rowid() };
        fresh_keys(conn, deliveries, inserted).await
    }
}

/// For each key of a batch, whether the batch inserted it. In the common case every key was new
/// (or none was) and the count says so; otherwise the rows the statement inserted hold the last
/// `rows` ids (the writer held the lock, and a new row's id is the largest so far plus one), so
/// their keys are read back: only batches with a duplicate pay for it.
async fn fresh_keys(
    conn: &mut SqliteConnection,
    deliveries: &[NewDelivery],
    inserted: Inserted,
) -> anyhow::Result<Vec<bool>> {
    if inserted.rows == deliveries.len() as u64 {
        return Ok(vec![true; deliveries.len()]);
    }
    if inserted.rows == 0 {
        return Ok(vec![false; deliveries.len()]);
    }
    let stored: Vec<(String, String, String)> =
        sqlx::query_as("SELECT platform, workspace, delivery_id FROM inbox WHERE id > ? AND id <= ?")
            .bind(inserted.last_id - inserted.rows as i64)
            .bind(inserted.last_id)
            .fetch_all(&mut *conn)
            .await?;
    anyhow::ensure!(stored.len() as u64 == inserted.rows, "the inbox's new rows are not where they were written");
    let mut stored: HashSet<(String, String, String)> = stored.into_iter().collect();
    // The first occurrence of a key repeated in the batch is the new one.
    Ok(deliveries
        .iter()
        .map(|delivery| {
            let event = &delivery.event;
            stored.remove(&(delivery.platform.as_str().to_owned(), event.workspace().to_owned(), event.delivery_id()))
        })
        .collect())
}

#[async_trait]
impl InboxStore for SqliteStore {
    async fn record_deliveries(&self, deliveries: &[NewDelivery], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>> {
        anyhow::ensure!(deliveries.len() <= MAX_STATEMENT_ROWS, "at most {MAX_STATEMENT_ROWS} deliveries at once");
        if deliveries.is_empty() {
            return Ok(Vec::new());
        }
        // Encoded before the write lock is taken.
        let rows = deliveries
            .iter()
            .map(|delivery| {
                Ok(Row {
                    platform: delivery.platform.as_str(),
                    workspace: delivery.event.workspace().to_owned(),
                    delivery_id: delivery.event.delivery_id(),
                    event: serde_json::to_string(&delivery.event)?,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        if self.scope.is_none() {
            return self.record_batch(deliveries, rows, now).await;
        }
        // Inside a unit of work: a step of its transaction.
        let mut tx = self.begin_write().await?;
        let text = batch_statements().insert[capacity_index(rows.len())].as_str();
        let done = sqlx::query_with(text, arguments(rows, now)?)
            .execute(&mut *tx)
            .await
            .context("cannot record deliveries")?;
        let inserted = Inserted { rows: done.rows_affected(), last_id: done.last_insert_rowid() };
        let fresh = fresh_keys(&mut tx, deliveries, inserted).await?;
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
    async fn a_batch_tells_each_delivery_whether_it_is_new() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let now: DateTime<Utc> = "2026-03-30T07:30:00Z".parse().unwrap();
        let earlier: Vec<NewDelivery> = [3, 300, 599].into_iter().map(delivery).collect();
        assert_eq!(store.record_deliveries(&earlier, now).await.unwrap(), [true, true, true]);

        // 600 deliveries in one statement of capacity 1024: keys seen before at its start,
        // middle and end, and two keys twice within the batch (the first occurrence is new).
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
    async fn a_batch_of_any_size_up_to_the_largest_records_every_delivery_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let now: DateTime<Utc> = "2026-03-30T07:30:00Z".parse().unwrap();
        let mut next = 0;
        // Each size below and above a power of two, the largest batch, and a repeat of all of it.
        for size in [1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, MAX_STATEMENT_ROWS] {
            let batch: Vec<NewDelivery> = (next..next + size).map(delivery).collect();
            assert_eq!(store.record_deliveries(&batch, now).await.unwrap(), vec![true; size], "{size}");
            assert_eq!(store.record_deliveries(&batch, now).await.unwrap(), vec![false; size], "{size} again");
            next += size;
        }
        let (pending, _) = store.inbox_backlog().await.unwrap();
        assert_eq!(pending, next as i64);
        let too_many: Vec<NewDelivery> = (0..=MAX_STATEMENT_ROWS).map(delivery).collect();
        assert!(store.record_deliveries(&too_many, now).await.is_err());
        assert_eq!(store.record_deliveries(&[], now).await.unwrap(), Vec::<bool>::new());
    }

    /// Recorded through a unit of work, deliveries are a step of its transaction: they stay with
    /// its commit and go with its rollback.
    #[tokio::test]
    async fn deliveries_recorded_inside_a_unit_of_work_commit_and_roll_back_with_it() {
        use crate::ports::Store as _;
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let now: DateTime<Utc> = "2026-03-30T07:30:00Z".parse().unwrap();
        let unit = store.begin().await.unwrap();
        assert_eq!(
            unit.store().record_deliveries(&[delivery(1), delivery(1), delivery(2)], now).await.unwrap(),
            [true, false, true]
        );
        unit.rollback().await.unwrap();
        assert_eq!(store.inbox_backlog().await.unwrap().0, 0);
        let unit = store.begin().await.unwrap();
        assert_eq!(unit.store().record_deliveries(&[delivery(1), delivery(2)], now).await.unwrap(), [true, true]);
        unit.commit().await.unwrap();
        assert_eq!(store.record_deliveries(&[delivery(2), delivery(3)], now).await.unwrap(), [false, true]);
    }

    /// Intake writes on a connection of its own; an in-memory database is shared with it.
    #[tokio::test]
    async fn in_memory_the_consumer_reads_what_intake_recorded() {
        let store = SqliteStore::open("sqlite::memory:").await.unwrap();
        let now: DateTime<Utc> = "2026-03-30T07:30:00Z".parse().unwrap();
        assert_eq!(store.record_deliveries(&[delivery(1)], now).await.unwrap(), [true]);
        let next = store.next_delivery("w", now, Duration::seconds(30)).await.unwrap().expect("the recorded delivery");
        assert_eq!(next.event, delivery(1).event);
    }

    /// A batch is one transaction: a row that cannot be written fails the whole batch (every
    /// caller is refused, so the platform retries each), nothing of it stays, and the next batch
    /// is written on the same footing.
    #[tokio::test]
    async fn a_batch_with_a_row_that_cannot_be_written_records_none_of_it_and_the_next_batch_goes_in() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let now: DateTime<Utc> = "2026-03-30T07:30:00Z".parse().unwrap();
        sqlx::raw_sql(
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON inbox WHEN NEW.event LIKE '%poison%'
             BEGIN SELECT RAISE(ABORT, 'this row cannot be written'); END",
        )
        .execute(store.pool())
        .await
        .unwrap();
        let mut batch: Vec<NewDelivery> = (0..10).map(delivery).collect();
        if let InboundEvent::Message(message) = &mut batch[6].event {
            message.text = "poison".into();
        }
        let error = store.record_deliveries(&batch, now).await.unwrap_err();
        assert!(format!("{error:#}").contains("this row cannot be written"), "{error:#}");
        assert_eq!(store.inbox_backlog().await.unwrap().0, 0, "nothing of the failed batch stays");
        assert!(!store.health.write_failing(), "a refused row is not a failing disk");

        // The same deliveries without the poisoned one: all new, on the kept connection, and the
        // write lock was given back (another connection writes at once).
        batch.remove(6);
        assert_eq!(store.record_deliveries(&batch, now).await.unwrap(), vec![true; 9]);
        sqlx::query("UPDATE inbox SET attempts = 0").execute(store.pool()).await.unwrap();
        assert_eq!(store.inbox_backlog().await.unwrap().0, 9);
    }

    /// Migration 0013 rewrites stored message keys to the id-first form, so a retry of an event
    /// recorded before the upgrade is still a duplicate.
    #[tokio::test]
    async fn a_message_key_stored_before_the_key_order_changed_still_catches_its_retry() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let now: DateTime<Utc> = "2026-03-30T07:30:00Z".parse().unwrap();
        sqlx::query(
            "INSERT INTO inbox (platform, workspace, delivery_id, event, state, not_before, received_at)
             VALUES ('slack', 'T1', 'message:C1:1700000000.000007', '{}', 'handled', 0, 0),
                    ('slack', 'T1', 'command:trigger-1', '{}', 'handled', 0, 0)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        let migrator = crate::adapters::sqlite::maintenance::migrator();
        let migration = migrator.iter().find(|migration| migration.version == 13).expect("migration 0013");
        sqlx::raw_sql(sqlx::AssertSqlSafe(migration.sql.as_str().to_owned())).execute(store.pool()).await.unwrap();
        let keys: Vec<String> =
            sqlx::query_scalar("SELECT delivery_id FROM inbox ORDER BY id").fetch_all(store.pool()).await.unwrap();
        assert_eq!(keys, ["message:1700000000.000007:C1", "command:trigger-1"]);
        assert_eq!(store.record_deliveries(&[delivery(7), delivery(8)], now).await.unwrap(), [false, true]);
    }

    #[tokio::test]
    async fn the_next_delivery_is_the_earliest_due_and_a_retried_one_waits_behind_earlier_arrivals() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let start: DateTime<Utc> = "2026-03-30T07:30:00Z".parse().unwrap();
        store.record_deliveries(&[delivery(1), delivery(2)], start).await.unwrap();
        store.record_deliveries(&[delivery(3)], start + Duration::seconds(10)).await.unwrap();
        let first = store.next_delivery("w", start, Duration::seconds(30)).await.unwrap().unwrap();
        assert_eq!(first.event.delivery_id(), "message:1700000000.000001:C1");
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
        assert_eq!(next(0).await.as_deref(), Some("message:1700000000.000002:C1"), "the failed one is not due yet");
        assert_eq!(next(5).await.as_deref(), Some("message:1700000000.000002:C1"));
        let second = store.next_delivery("w", start, Duration::seconds(30)).await.unwrap().unwrap();
        store.mark_handled(second.id, "w", start).await.unwrap();
        assert_eq!(next(5).await.as_deref(), Some("message:1700000000.000001:C1"), "due again after its delay");
        assert_eq!(next(10).await.as_deref(), Some("message:1700000000.000001:C1"), "retried before a later arrival");
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
