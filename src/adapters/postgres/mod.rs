//! Purpose: the PostgreSQL store, for several `serve` processes on one shared, replicated
//! database. Every port is implemented as on SQLite (`adapters/sqlite/`) and reads and writes
//! the same values (see `migrations/postgres/0001_init.sql`); what differs is how work is shared:
//!
//! - there is no instance lock: any number of processes may use the database at once;
//! - jobs, inbox rows and outbox messages are claimed with `FOR UPDATE SKIP LOCKED` and leased to
//!   this process's worker id; a live process renews its leases ([`PgStore::renew_leases`], the
//!   heartbeat), so a short lease hands a dead process's work to another one quickly without a slow
//!   job being run twice;
//! - whatever must happen once is a unique key or a claimed row whose state the unit of work
//!   checks before it commits, never a check inside one process.

mod access;
mod digests;
mod directory;
mod erasure;
pub mod export;
mod history;
mod holidays;
mod inbox;
mod jobs;
mod nudges;
mod outbox;
mod participation;
mod records;
mod retention;
mod scope;
mod shards;
mod standups;
pub mod testing;

use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use self::scope::{Conn, Scope, WriteTx};
use crate::health::StoreHealth;
use crate::ports::{InstanceGuard, Store, StoreError, UnitOfWork};

pub(crate) use crate::adapters::stored::{instant, secs};

/// How this process takes part in a shared database.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// Connections in this process's pool (`database.max_connections`).
    pub max_connections: u32,
    /// How long a claim on an inbox row or an outbox message lasts without a heartbeat
    /// (`database.lease`); jobs use the lease the scheduler passes.
    pub lease: Duration,
    /// This process's identity in claims; unique per process.
    pub worker: String,
}

impl PgOptions {
    /// Options with a worker id unique to this process (host, pid and start instant).
    pub fn for_this_process(max_connections: u32, lease: Duration) -> Self {
        let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "host".to_owned());
        let started =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_micros());
        PgOptions { max_connections, lease, worker: format!("{host}-pid{}-{started}", std::process::id()) }
    }
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions::for_this_process(10, Duration::seconds(30))
    }
}

/// The PostgreSQL implementation of [`Store`].
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    options: Arc<PgOptions>,
    /// Set on the view of the store an event or job is handled through: all its reads and
    /// writes share one transaction ([`Store::begin`]).
    scope: Option<Arc<Scope>>,
    /// Failed writes and ticks, reported by [`Store::ping`] (`/healthz`).
    health: Arc<StoreHealth>,
}

impl PgStore {
    /// Connects to a `postgres://` URL and applies pending migrations.
    pub async fn open(url: &str, options: PgOptions) -> anyhow::Result<Self> {
        let store = Self::connect(url, options).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str, options: PgOptions) -> anyhow::Result<Self> {
        let connect =
            PgConnectOptions::from_str(url).with_context(|| format!("'{}' is not a PostgreSQL URL", redact(url)))?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_with(connect)
            .await
            .with_context(|| format!("cannot connect to PostgreSQL at {}", redact(url)))?;
        Ok(PgStore { pool, options: Arc::new(options), scope: None, health: Arc::default() })
    }

    /// Applies the migrations embedded from `migrations/postgres/`; refuses a database a newer
    /// version has migrated further. Several processes starting at once are serialised by
    /// sqlx's migration lock (an advisory lock).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        if let Some((applied, description)) = self.applied_version().await? {
            let known = schema_version();
            if applied > known {
                anyhow::bail!(
                    "the database is at PostgreSQL schema version {applied} ({description}), written by a newer unhurried; this unhurried {} knows versions up to {known}: run the newer version (see docs/operations.md)",
                    env!("CARGO_PKG_VERSION"),
                );
            }
        }
        migrator().run(&self.pool).await.context("cannot apply database migrations")?;
        Ok(())
    }

    /// The newest migration applied, with its description; `None` for a new database.
    async fn applied_version(&self) -> anyhow::Result<Option<(i64, String)>> {
        let table: Option<String> = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text")
            .fetch_one(&self.pool)
            .await
            .context("the database does not answer")?;
        if table.is_none() {
            return Ok(None);
        }
        Ok(sqlx::query_as("SELECT version, description FROM _sqlx_migrations ORDER BY version DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The server's version (`check` shows it).
    pub async fn server_version(&self) -> anyhow::Result<String> {
        Ok(sqlx::query_scalar("SHOW server_version").fetch_one(&self.pool).await?)
    }

    /// What `/healthz` reports about this store; `serve` records its scheduler ticks here.
    pub fn health(&self) -> Arc<StoreHealth> {
        self.health.clone()
    }

    /// The connection pool, for adapters' own tests.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// This process's identity in claims.
    pub fn worker(&self) -> &str {
        &self.options.worker
    }

    /// Closes the pool (on a clean stop).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Runs one writing statement in its own transaction; returns the rows changed.
    pub(crate) async fn write(
        &self,
        query: sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> anyhow::Result<u64> {
        let mut tx = self.begin_write().await?;
        let changed = query.execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(changed)
    }

    /// Starts a writing step: its own transaction, or a savepoint inside the unit of work this
    /// view belongs to.
    pub(crate) async fn begin_write(&self) -> anyhow::Result<WriteTx> {
        match &self.scope {
            Some(scope) => scope.begin_step(&self.pool).await,
            None => WriteTx::own(&self.pool, &self.health).await,
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

/// The migrations embedded in this build.
fn migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate!("./migrations/postgres")
}

/// The newest PostgreSQL migration this build knows.
pub fn schema_version() -> i64 {
    migrator().iter().map(|m| m.version).max().unwrap_or(0)
}

/// A URL with its password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Several processes share a PostgreSQL database: there is nothing to lock.
struct Shared;

impl InstanceGuard for Shared {}

#[async_trait]
impl Store for PgStore {
    fn lock_instance(&self) -> Result<Box<dyn InstanceGuard>, StoreError> {
        Ok(Box::new(Shared))
    }

    async fn begin(&self) -> anyhow::Result<Box<dyn UnitOfWork>> {
        let scope = Arc::new(Scope::new(self.health.clone()));
        let view = PgStore { scope: Some(scope.clone()), ..self.clone() };
        Ok(Box::new(scope::PgUnit { view: Arc::new(view), scope }))
    }

    async fn renew_claims(&self, worker: &str, now: DateTime<Utc>, lease: Duration) -> anyhow::Result<u64> {
        let until = secs(now + lease);
        let mut tx = self.begin_write().await?;
        let mut renewed = 0;
        for statement in [
            "UPDATE jobs SET lease_until = $1 WHERE state = 'claimed' AND claimed_by = $2",
            "UPDATE inbox SET lease_until = $1 WHERE state = 'pending' AND claimed_by = $2 AND lease_until IS NOT NULL",
            "UPDATE outbox SET lease_until = $1 WHERE state = 'sending' AND claimed_by = $2",
        ] {
            renewed += sqlx::query(statement).bind(until).bind(worker).execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(renewed)
    }

    async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.context("the database does not answer")?;
        if self.health.write_failing()
            && self.write(sqlx::query("UPDATE health_probe SET probes = probes + 1")).await.is_ok()
        {
            self.health.write_succeeded();
        }
        match self.health.problem() {
            Some(problem) => Err(anyhow::anyhow!(problem)),
            None => Ok(()),
        }
    }
}
