//! Purpose: the SQLite store. WAL on a local disk, foreign keys on, a busy timeout, every writing
//! transaction `BEGIN IMMEDIATE` (a deferred `BEGIN` that later writes cannot be rescued by the
//! busy timeout), migrations embedded in the binary, and a lock file so that a second process on
//! the same database refuses to start.
//!
//! Instants are stored as INTEGER Unix seconds (UTC); see `migrations/sqlite/0001_init.sql`.

mod access;
mod digests;
mod directory;
mod erasure;
pub mod export;
mod history;
mod holidays;
mod inbox;
mod jobs;
mod maintenance;
mod nudges;
mod outbox;
mod participation;
mod records;
mod retention;
mod scope;
mod shards;
mod standups;

use std::fs::{File, OpenOptions};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Sqlite;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::Mutex;

pub use self::erasure::ForgettableMember;
pub use self::maintenance::{Restored, RowCounts, check_backup, restore_from, schema_version};
use self::scope::{Conn, Scope, WriteTx};
pub(crate) use crate::adapters::stored::{instant, secs};
use crate::health::StoreHealth;
use crate::ports::{InstanceGuard, Store, StoreError, UnitOfWork};

/// How long a writer waits for another connection's write lock before failing.
const BUSY_TIMEOUT: StdDuration = StdDuration::from_secs(5);

/// Connections in the pool. SQLite has one writer at a time; a few readers help `/healthz` and
/// the HTTP handlers while the bot loop writes.
const POOL_SIZE: u32 = 4;

/// The name of the thread of intake's own connection (sqlx runs each connection on a thread of
/// its own): what intake costs shows apart from the consumer's connections in a profile or in
/// `/proc/<pid>/task/*/stat` (the ingest benchmark's `cpu_by_thread`).
const INTAKE_THREAD: &str = "sqlite-intake";

/// The SQLite implementation of [`Store`].
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// The database file, `None` for an in-memory database (which needs no lock).
    path: Option<PathBuf>,
    /// Every writer of this process queues here, first come first served. SQLite's own busy
    /// handler polls and is unfair: a consumer that commits back to back could starve the
    /// inbox writer (and so Slack's acks) until its busy timeout ran out.
    write_gate: Arc<Mutex<()>>,
    /// Set on the view of the store an event or job is handled through: all its reads and
    /// writes share one transaction ([`Store::begin`]).
    scope: Option<Arc<Scope>>,
    /// Failed writes and ticks, reported by [`Store::ping`] (`/healthz`).
    health: Arc<StoreHealth>,
    /// Intake's own connection (a pool of one), for the group commit of the inbox writer.
    intake_pool: SqlitePool,
    /// That connection, kept between batches: taking it from its pool and giving it back costs a
    /// round trip to its thread each time (sqlx pings a connection when it returns). `None` until
    /// the first batch, and after a failed one.
    intake: Arc<Mutex<Option<PoolConnection<Sqlite>>>>,
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
            .busy_timeout(BUSY_TIMEOUT)
            // Deleted and overwritten text is zeroed in the file, not left in free space
            // (erasure, docs/operations.md); FAST costs no extra I/O.
            .pragma("secure_delete", "FAST");
        if !in_memory {
            options = options.journal_mode(SqliteJournalMode::Wal).synchronous(SqliteSynchronous::Normal);
        }
        let path = (!in_memory).then(|| options.get_filename().to_path_buf());
        let intake_pool = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_lazy_with(options.clone().thread_name(|_| INTAKE_THREAD.to_owned()));
        let pool = SqlitePoolOptions::new()
            .max_connections(POOL_SIZE)
            // Every ping is a round trip to the connection's own thread (two context switches):
            // before each acquire it bought nothing for a file on a local disk, and a connection
            // whose commit or rollback failed is closed, never pooled (`scope`).
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|e| maintenance::explain(path.as_deref(), anyhow::Error::new(e).context("cannot open it")))?;
        Ok(SqliteStore {
            pool,
            path,
            write_gate: Arc::new(Mutex::new(())),
            scope: None,
            health: Arc::default(),
            intake_pool,
            intake: Arc::default(),
        })
    }

    /// Applies the migrations embedded from `migrations/`; refuses a database a newer version has
    /// migrated further (migrations are forward-only: this build could not read it safely).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        self.refuse_newer_schema().await?;
        maintenance::migrator()
            .run(&self.pool)
            .await
            .map_err(|e| self.explain(anyhow::Error::new(e).context("cannot apply database migrations")))?;
        Ok(())
    }

    /// What `/healthz` reports about this store; `serve` records its scheduler ticks here.
    pub fn health(&self) -> Arc<StoreHealth> {
        self.health.clone()
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

    /// Starts a writing step that holds SQLite's write lock from its first statement: its own
    /// `BEGIN IMMEDIATE` transaction, or a savepoint inside the unit of work this view belongs to.
    pub(crate) async fn begin_write(&self) -> anyhow::Result<WriteTx> {
        match &self.scope {
            Some(scope) => scope.begin_step(&self.pool, &self.write_gate).await,
            None => WriteTx::own(&self.pool, &self.write_gate, &self.health).await,
        }
    }

    /// A connection to read on: the unit of work's once it has written (so it reads its own
    /// writes), else any connection of the pool.
    pub(crate) async fn read(&self) -> anyhow::Result<Conn> {
        if let Some(scope) = &self.scope
            && let Some(conn) = scope.reader().await?
        {
            return Ok(conn);
        }
        Ok(Conn::Pooled(self.pool.acquire().await.context("cannot get a database connection")?))
    }
}

/// An exclusive OS lock on `<database>.lock`, released when the process exits however it exits.
struct LockFile {
    _file: File,
}

impl InstanceGuard for LockFile {}

/// Takes the single-instance lock of the database file at `path` (`<path>.lock`), as `serve`
/// holds it while it runs; `restore` takes it too, so it never replaces a database in use.
pub fn lock_database_file(path: &std::path::Path) -> Result<Box<dyn InstanceGuard>, StoreError> {
    let mut lock_path = path.to_path_buf().into_os_string();
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

/// The file a `sqlite:` URL names; `None` for an in-memory database.
pub fn database_file(url: &str) -> anyhow::Result<Option<PathBuf>> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Ok(None);
    }
    let options = SqliteConnectOptions::from_str(url).with_context(|| format!("'{url}' is not a SQLite URL"))?;
    Ok(Some(options.get_filename().to_path_buf()))
}

/// Held by in-memory stores, which no other process can open.
struct NoLock;

impl InstanceGuard for NoLock {}

#[async_trait]
impl Store for SqliteStore {
    fn lock_instance(&self) -> Result<Box<dyn InstanceGuard>, StoreError> {
        match &self.path {
            Some(path) => lock_database_file(path),
            None => Ok(Box::new(NoLock)),
        }
    }

    async fn begin(&self) -> anyhow::Result<Box<dyn UnitOfWork>> {
        let scope = Arc::new(Scope::new(self.health.clone()));
        let view = SqliteStore { scope: Some(scope.clone()), ..self.clone() };
        Ok(Box::new(scope::SqliteUnit { view: Arc::new(view), scope }))
    }

    async fn renew_claims(&self, worker: &str, now: DateTime<Utc>, lease: chrono::Duration) -> anyhow::Result<u64> {
        // Only jobs are claimed on SQLite (one process consumes and sends).
        self.write(
            sqlx::query("UPDATE jobs SET lease_until = ? WHERE state = 'claimed' AND claimed_by = ?")
                .bind(secs(now + lease))
                .bind(worker),
        )
        .await
    }

    async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.context("the database does not answer")?;
        if self.health.write_failing() {
            // Has the disk come back? One small write that always reaches the file says so.
            if self.write(sqlx::query("UPDATE health_probe SET probes = probes + 1")).await.is_ok() {
                self.health.write_succeeded();
            }
        }
        match self.health.problem() {
            Some(problem) => Err(anyhow::anyhow!(problem)),
            None => Ok(()),
        }
    }
}
