//! Purpose: the one place that knows which store a `database.url` selects. Everything past this
//! holds a [`SharedStore`]; only starting, checking and stopping the database differ (SQLite's
//! instance lock, file checks and checkpoint; PostgreSQL's shared pool and heartbeat).

use std::sync::Arc;

use crate::adapters::postgres::{PgOptions, PgStore};
use crate::adapters::sqlite::SqliteStore;
use crate::config::DatabaseSettings;
use crate::health::StoreHealth;
use crate::ports::{InstanceGuard, SharedStore, Store as _};

/// Which store a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// `sqlite:…`: one process on a local file.
    Sqlite,
    /// `postgres://…`: any number of processes on one server.
    Postgres,
}

impl StoreKind {
    /// The kind of store `url` names.
    pub fn of(url: &str) -> StoreKind {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            StoreKind::Postgres
        } else {
            StoreKind::Sqlite
        }
    }
}

impl std::fmt::Display for StoreKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StoreKind::Sqlite => "sqlite",
            StoreKind::Postgres => "postgres",
        })
    }
}

/// An open database of either kind.
#[derive(Clone)]
pub enum Database {
    /// SQLite.
    Sqlite(Arc<SqliteStore>),
    /// PostgreSQL.
    Postgres(Arc<PgStore>),
}

impl Database {
    /// Opens the database and applies pending migrations (`simulate`, `migrate`, tools).
    pub async fn open(settings: &DatabaseSettings) -> anyhow::Result<Database> {
        Ok(match StoreKind::of(&settings.url) {
            StoreKind::Sqlite => Database::Sqlite(Arc::new(SqliteStore::open(&settings.url).await?)),
            StoreKind::Postgres => {
                Database::Postgres(Arc::new(PgStore::open(&settings.url, pg_options(settings)).await?))
            }
        })
    }

    /// Opens the database for `serve`: SQLite takes its single-instance lock and refuses a damaged,
    /// unwritable or newer file before migrating; PostgreSQL is shared, so it only migrates.
    /// The guard is held for the life of the process.
    pub async fn open_for_serve(settings: &DatabaseSettings) -> anyhow::Result<(Database, Box<dyn InstanceGuard>)> {
        match StoreKind::of(&settings.url) {
            StoreKind::Sqlite => {
                let store = Arc::new(SqliteStore::connect(&settings.url).await?);
                let guard = store.lock_instance()?;
                store.check_and_migrate().await?;
                Ok((Database::Sqlite(store), guard))
            }
            StoreKind::Postgres => {
                let store = Arc::new(PgStore::open(&settings.url, pg_options(settings)).await?);
                let guard = store.lock_instance()?;
                Ok((Database::Postgres(store), guard))
            }
        }
    }

    /// The store, for everything that reads and writes.
    pub fn store(&self) -> SharedStore {
        match self {
            Database::Sqlite(store) => store.clone(),
            Database::Postgres(store) => store.clone(),
        }
    }

    /// Which kind it is.
    pub fn kind(&self) -> StoreKind {
        match self {
            Database::Sqlite(_) => StoreKind::Sqlite,
            Database::Postgres(_) => StoreKind::Postgres,
        }
    }

    /// What `/healthz` reports about the store; `serve` records its scheduler ticks here.
    pub fn health(&self) -> Arc<StoreHealth> {
        match self {
            Database::Sqlite(store) => store.health(),
            Database::Postgres(store) => store.health(),
        }
    }

    /// This process's identity in the store's claims.
    pub fn worker(&self) -> Option<&str> {
        match self {
            Database::Sqlite(_) => None,
            Database::Postgres(store) => Some(store.worker()),
        }
    }

    /// On a clean stop: SQLite folds its `-wal` file back into the database file; both close
    /// their connections.
    pub async fn close(&self) -> anyhow::Result<()> {
        match self {
            Database::Sqlite(store) => store.close_cleanly().await,
            Database::Postgres(store) => {
                store.close().await;
                Ok(())
            }
        }
    }
}

/// One line for `check`: the kind of store and, for PostgreSQL, the server's version (asked over
/// a connection; nothing is created or migrated).
pub async fn describe(settings: &DatabaseSettings) -> anyhow::Result<String> {
    Ok(match StoreKind::of(&settings.url) {
        StoreKind::Sqlite => "sqlite (one process; the instance lock refuses a second)".to_owned(),
        StoreKind::Postgres => {
            let store = PgStore::connect(&settings.url, pg_options(settings)).await?;
            let version = store.server_version().await?;
            store.close().await;
            format!("postgres {version} (shared by any number of processes)")
        }
    })
}

/// The PostgreSQL options `[database]` sets, with this process's worker id.
pub fn pg_options(settings: &DatabaseSettings) -> PgOptions {
    PgOptions::for_this_process(settings.max_connections, settings.lease)
}
