//! Store-contract harness: one test body, two stores. `store_contract!` turns each test into a
//! `sqlite::NAME` test on a fresh SQLite file and a `postgres::NAME` test on a fresh PostgreSQL
//! schema (in `$POSTGRES_TEST_URL`, else the local server's `test` database; `.ci/run`
//! creates a database for the run). Both run in CI.
#![allow(dead_code, reason = "each contract file uses a different part of the harness")]

use std::sync::Arc;

use unhurried::adapters::database::{Database, StoreKind};
use unhurried::config::Settings;
use unhurried::ports::SharedStore;

/// A fresh, migrated store of one kind, and how to open it again.
pub struct TestStore {
    pub kind: StoreKind,
    pub url: String,
    pub database: Database,
    pub store: SharedStore,
    _dir: Option<tempfile::TempDir>,
}

impl TestStore {
    /// An empty store of `kind`.
    pub async fn fresh(kind: StoreKind) -> TestStore {
        let (url, dir) = match kind {
            StoreKind::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                (format!("sqlite://{}", dir.path().join("store.db").display()), Some(dir))
            }
            StoreKind::Postgres => {
                (unhurried::adapters::postgres::testing::fresh_schema_url().await.expect("a test PostgreSQL"), None)
            }
        };
        let database = Database::open(&settings_for(&url).database).await.unwrap();
        let store = database.store();
        TestStore { kind, url, database, store, _dir: dir }
    }

    /// Runs one SQL statement (no parameters) directly on the database, as an operator or another
    /// version would; returns the rows changed or the database's error.
    pub async fn execute(&self, sql: &str) -> Result<u64, String> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        let done = match &self.database {
            Database::Sqlite(store) => sqlx::query(sql).execute(store.pool()).await.map(|d| d.rows_affected()),
            Database::Postgres(store) => sqlx::query(sql).execute(store.pool()).await.map(|d| d.rows_affected()),
        };
        done.map_err(|e| e.to_string())
    }

    /// The one integer a query returns (a count, a sum).
    pub async fn integer(&self, sql: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match &self.database {
            Database::Sqlite(store) => sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap(),
            Database::Postgres(store) => sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap(),
        }
    }

    /// Rows of text columns (cast in the query where a column is not text).
    pub async fn texts(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        use sqlx::Row as _;
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match &self.database {
            Database::Sqlite(store) => {
                let rows = sqlx::query(sql).fetch_all(store.pool()).await.unwrap();
                rows.iter().map(|row| (0..row.len()).map(|i| row.get::<Option<String>, _>(i)).collect()).collect()
            }
            Database::Postgres(store) => {
                let rows = sqlx::query(sql).fetch_all(store.pool()).await.unwrap();
                rows.iter().map(|row| (0..row.len()).map(|i| row.get::<Option<String>, _>(i)).collect()).collect()
            }
        }
    }

    /// A second store on the same database with its own connections, as another process would
    /// open it (on SQLite without the instance lock, which only `serve` takes).
    pub async fn another(&self) -> SharedStore {
        Database::open(&settings_for(&self.url).database).await.unwrap().store()
    }
}

/// Default settings with `database.url` = `url`.
pub fn settings_for(url: &str) -> Settings {
    let mut settings = Settings::defaults();
    settings.database.url = url.to_owned();
    settings
}

/// A shared store, for bodies that hand it to a bot.
pub fn shared(store: &TestStore) -> SharedStore {
    Arc::clone(&store.store)
}

/// Writes each test twice, once per store: `store_contract! { async fn name(t: TestStore) { … } … }`.
/// The body sees `t: TestStore`; the two copies are `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! store_contract {
    ($(
        $(#[$meta:meta])*
        async fn $name:ident($t:ident: TestStore) $body:block
    )*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $t = $crate::stores::TestStore::fresh(unhurried::adapters::database::StoreKind::Sqlite).await;
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $t = $crate::stores::TestStore::fresh(unhurried::adapters::database::StoreKind::Postgres).await;
                    $body
                }
            )*
        }
    };
}
