//! Purpose: the SQLite store. WAL on a local disk, foreign keys on, a busy timeout, every writing
//! transaction `BEGIN IMMEDIATE` (a deferred `BEGIN` that later writes cannot be rescued by the
//! busy timeout), migrations embedded in the binary, and a lock file so that a second process on
//! the same database refuses to start.
//!
//! Instants are stored as INTEGER Unix seconds (UTC); see `migrations/0001_init.sql`.

mod digests;
mod directory;
mod jobs;
mod nudges;
mod outbox;
mod records;
mod standups;

use std::fs::{File, OpenOptions};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration as StdDuration;

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::ports::{InstanceGuard, Store, StoreError};

/// How long a writer waits for another connection's write lock before failing.
const BUSY_TIMEOUT: StdDuration = StdDuration::from_secs(5);

/// Connections in the pool. SQLite has one writer at a time; a few readers help `/healthz` and
/// the HTTP handlers while the bot loop writes.
const POOL_SIZE: u32 = 4;

/// The SQLite implementation of [`Store`].
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// The database file, `None` for an in-memory database (which needs no lock).
    path: Option<PathBuf>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at a `sqlite:` URL and applies pending migrations.
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens the database without migrating.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let mut options = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("'{url}' is not a SQLite URL"))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        if !in_memory {
            options = options.journal_mode(SqliteJournalMode::Wal).synchronous(SqliteSynchronous::Normal);
        }
        let path = (!in_memory).then(|| options.get_filename().to_path_buf());
        let pool = SqlitePoolOptions::new()
            .max_connections(POOL_SIZE)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database {url}"))?;
        Ok(SqliteStore { pool, path })
    }

    /// Applies the migrations embedded from `migrations/`.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        sqlx::migrate!("./migrations").run(&self.pool).await.context("cannot apply database migrations")?;
        Ok(())
    }

    /// The connection pool, for adapters' own tests.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Runs one writing statement in its own `BEGIN IMMEDIATE` transaction; returns the rows changed.
    pub(crate) async fn write(&self, query: sqlx::query::Query<'_, Sqlite, SqliteArguments>) -> anyhow::Result<u64> {
        let mut tx = self.begin_write().await?;
        let changed = query.execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(changed)
    }

    /// Starts a writing transaction that holds SQLite's write lock from its first statement.
    pub(crate) async fn begin_write(&self) -> anyhow::Result<Transaction<'static, Sqlite>> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.context("cannot start a write transaction")
    }
}

/// Unix seconds of an instant, as stored.
pub(crate) fn secs(instant: DateTime<Utc>) -> i64 {
    instant.timestamp()
}

/// An instant from stored Unix seconds.
pub(crate) fn instant(secs: i64) -> anyhow::Result<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0).with_context(|| format!("stored instant {secs} is out of range"))
}

/// An exclusive OS lock on `<database>.lock`, released when the process exits however it exits.
struct LockFile {
    _file: File,
}

impl InstanceGuard for LockFile {}

/// Held by in-memory stores, which no other process can open.
struct NoLock;

impl InstanceGuard for NoLock {}

#[async_trait]
impl Store for SqliteStore {
    fn lock_instance(&self) -> Result<Box<dyn InstanceGuard>, StoreError> {
        let Some(path) = &self.path else {
            return Ok(Box::new(NoLock));
        };
        let mut lock_path = path.clone().into_os_string();
        lock_path.push(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("cannot open the lock file {}", PathBuf::from(&lock_path).display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Box::new(LockFile { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(path.display().to_string())),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(StoreError::Other(anyhow::Error::new(e).context("cannot lock the database")))
            }
        }
    }

    async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.context("the database does not answer")?;
        Ok(())
    }

    async fn record_delivery(&self, platform: &str, delivery_id: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
        let inserted = self
            .write(
                sqlx::query(
                    "INSERT INTO inbound_deliveries (platform, delivery_id, received_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
                )
                .bind(platform)
                .bind(delivery_id)
                .bind(secs(now)),
            )
            .await?
            == 1;
        Ok(inserted)
    }
}
