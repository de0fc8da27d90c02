//! Purpose: one PostgreSQL transaction per event or job, as on SQLite (`adapters/sqlite/scope.rs`):
//! every write of a unit of work lands in one transaction, begun at its first write; each store
//! method's own write is a savepoint inside it, so a method that fails half-way undoes only its
//! own statements — and, on PostgreSQL, leaves the transaction usable (a failed statement aborts
//! the whole transaction unless its savepoint is rolled back).
//!
//! There is no write gate: PostgreSQL locks rows, not the database, so units of work of several
//! workers and processes write at once; what must happen once is a unique key or a claimed row.
//! Transactions are begun and ended with plain statements on a pooled connection, and a
//! connection whose commit or rollback failed is closed rather than pooled, for the same reason
//! as on SQLite.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use anyhow::Context as _;
use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::PgStore;
use crate::health::StoreHealth;
use crate::ports::{SharedStore, UnitOfWork};

/// The transaction of one unit of work, once it has begun.
pub(crate) struct Scope {
    state: Arc<Mutex<ScopeState>>,
    health: Arc<StoreHealth>,
}

#[derive(Default)]
pub(crate) struct ScopeState {
    /// The connection holding the open transaction; `None` until the first write.
    conn: Option<PoolConnection<Postgres>>,
    /// A step was dropped without being committed: undo it before anything else runs.
    undo_step: bool,
}

impl ScopeState {
    fn conn(&mut self) -> &mut PgConnection {
        self.conn.as_mut().expect("a begun unit of work has a connection")
    }

    /// Undoes a step that was dropped half-way (its method failed or was cancelled).
    async fn settle(&mut self) -> anyhow::Result<()> {
        if self.undo_step {
            sqlx::raw_sql("ROLLBACK TO SAVEPOINT step; RELEASE SAVEPOINT step").execute(self.conn()).await?;
            self.undo_step = false;
        }
        Ok(())
    }
}

impl Scope {
    pub(crate) fn new(health: Arc<StoreHealth>) -> Self {
        Scope { state: Arc::default(), health }
    }

    /// Starts a savepoint, beginning the transaction first if this is the first write.
    pub(crate) async fn begin_step(&self, pool: &PgPool) -> anyhow::Result<WriteTx> {
        let mut state = self.state.clone().lock_owned().await;
        if state.conn.is_none() {
            state.conn = Some(begin(pool, &self.health).await?);
        }
        state.settle().await?;
        sqlx::raw_sql("SAVEPOINT step").execute(state.conn()).await?;
        Ok(WriteTx::Step { state, done: false })
    }

    /// The transaction's connection, if it has begun.
    pub(crate) async fn reader(&self) -> anyhow::Result<Option<Conn>> {
        let mut state = self.state.clone().lock_owned().await;
        if state.conn.is_none() {
            return Ok(None);
        }
        state.settle().await?;
        Ok(Some(Conn::Scoped(state)))
    }

    async fn finish(&self, statement: &str) -> anyhow::Result<()> {
        let mut state = self.state.lock().await;
        let Some(mut conn) = state.conn.take() else { return Ok(()) };
        let result = sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned())).execute(&mut *conn).await;
        state.undo_step = false;
        if result.is_err() {
            // Never hand a connection in an unknown transaction state back to the pool.
            drop(conn.detach());
        }
        let result = result.with_context(|| format!("{statement} failed"));
        if let Err(error) = &result
            && statement == "COMMIT"
        {
            self.health.write_failed(error);
        }
        result?;
        Ok(())
    }
}

/// A pooled connection inside a fresh transaction. A failure to begin is recorded as a write
/// failure (the server is down or refuses writes).
async fn begin(pool: &PgPool, health: &StoreHealth) -> anyhow::Result<PoolConnection<Postgres>> {
    let mut conn = pool.acquire().await.context("cannot get a database connection")?;
    if let Err(error) = sqlx::raw_sql("BEGIN").execute(&mut *conn).await {
        let error = anyhow::Error::new(error).context("cannot start a write transaction");
        health.write_failed(&error);
        drop(conn.detach());
        return Err(error);
    }
    Ok(conn)
}

impl Drop for Scope {
    fn drop(&mut self) {
        // Neither committed nor rolled back (a panic, a cancelled task): closing the connection
        // rolls its transaction back; it must not go back to the pool mid-transaction.
        if let Ok(mut state) = self.state.try_lock()
            && let Some(conn) = state.conn.take()
        {
            drop(conn.detach());
        }
    }
}

/// A unit of work on PostgreSQL.
pub(crate) struct PgUnit {
    pub(crate) view: Arc<PgStore>,
    pub(crate) scope: Arc<Scope>,
}

#[async_trait]
impl UnitOfWork for PgUnit {
    fn store(&self) -> SharedStore {
        self.view.clone()
    }

    async fn commit(self: Box<Self>) -> anyhow::Result<()> {
        {
            let mut state = self.scope.state.lock().await;
            if state.conn.is_some() {
                state.settle().await?;
            }
        }
        self.scope.finish("COMMIT").await
    }

    async fn rollback(self: Box<Self>) -> anyhow::Result<()> {
        self.scope.finish("ROLLBACK").await
    }
}

/// A connection to read on.
pub(crate) enum Conn {
    /// Any connection of the pool.
    Pooled(PoolConnection<Postgres>),
    /// The unit of work's, which sees its own uncommitted writes.
    Scoped(OwnedMutexGuard<ScopeState>),
}

impl Deref for Conn {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        match self {
            Conn::Pooled(conn) => conn,
            Conn::Scoped(state) => state.conn.as_ref().expect("a begun unit of work has a connection"),
        }
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            Conn::Pooled(conn) => conn,
            Conn::Scoped(state) => state.conn(),
        }
    }
}

/// One writing step: its own transaction, or a savepoint in a unit of work. Dropped without
/// [`WriteTx::commit`], it is undone.
pub(crate) enum WriteTx {
    /// A transaction on a connection of its own.
    Own {
        /// The connection inside the transaction; taken by commit, else rolled back when dropped.
        conn: Option<PoolConnection<Postgres>>,
        /// Where a failed commit is recorded.
        health: Arc<StoreHealth>,
    },
    /// A savepoint in the unit of work's transaction.
    Step {
        /// The unit of work's state, locked for the step.
        state: OwnedMutexGuard<ScopeState>,
        /// Whether it was released.
        done: bool,
    },
}

impl WriteTx {
    pub(crate) async fn own(pool: &PgPool, health: &Arc<StoreHealth>) -> anyhow::Result<WriteTx> {
        let conn = begin(pool, health).await?;
        Ok(WriteTx::Own { conn: Some(conn), health: health.clone() })
    }

    /// Commits the transaction, or releases the savepoint (the unit of work commits it later).
    pub(crate) async fn commit(mut self) -> anyhow::Result<()> {
        match &mut self {
            WriteTx::Own { conn, health } => {
                let mut conn = conn.take().expect("an open transaction");
                if let Err(error) = sqlx::raw_sql("COMMIT").execute(&mut *conn).await {
                    drop(conn.detach());
                    let error = anyhow::Error::new(error).context("COMMIT failed");
                    health.write_failed(&error);
                    return Err(error);
                }
            }
            WriteTx::Step { state, done } => {
                sqlx::raw_sql("RELEASE SAVEPOINT step").execute(state.conn()).await?;
                *done = true;
            }
        }
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        match self {
            WriteTx::Own { conn, .. } => conn.as_deref().expect("an open transaction"),
            WriteTx::Step { state, .. } => state.conn.as_ref().expect("a begun unit of work has a connection"),
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            WriteTx::Own { conn, .. } => conn.as_deref_mut().expect("an open transaction"),
            WriteTx::Step { state, .. } => state.conn(),
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        match self {
            WriteTx::Step { state, done: false } => state.undo_step = true,
            WriteTx::Own { conn, .. } => {
                if let Some(conn) = conn.take() {
                    roll_back_in_background(conn);
                }
            }
            WriteTx::Step { done: true, .. } => {}
        }
    }
}

/// Rolls back a transaction dropped without commit (its method failed or was cancelled). A
/// connection whose rollback fails is closed, not pooled.
fn roll_back_in_background(conn: PoolConnection<Postgres>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        drop(conn.detach());
        return;
    };
    let mut conn = ClosedUnlessRolledBack(Some(conn));
    runtime.spawn(async move {
        if let Some(open) = conn.0.as_mut()
            && sqlx::raw_sql("ROLLBACK").execute(&mut **open).await.is_ok()
        {
            drop(conn.0.take());
        }
    });
}

/// A connection that is closed, not pooled, if it is dropped still holding it.
struct ClosedUnlessRolledBack(Option<PoolConnection<Postgres>>);

impl Drop for ClosedUnlessRolledBack {
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            drop(conn.detach());
        }
    }
}
