//! Purpose: a fresh, empty PostgreSQL store for each test (and for `simulate --db postgres://…`
//! checks): one schema per store in the test database, so tests run in parallel without seeing
//! each other. `.ci/run` creates a database for the run and drops it after; locally the
//! machine's `test` database is used, and schemas left by test processes that have ended are
//! dropped when the next one starts.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context as _;
use sqlx::Connection as _;
use tokio::sync::OnceCell;

/// The environment variable naming the database tests create their schemas in.
pub const TEST_DATABASE_ENV: &str = "POSTGRES_TEST_URL";

/// Where tests create schemas: `$POSTGRES_TEST_URL`, else the local server's `test` database.
pub fn test_database_url() -> String {
    std::env::var(TEST_DATABASE_ENV)
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Schema names start with this, then the creating process's id.
const PREFIX: &str = "unhurried_t";

/// Creates an empty schema and returns a URL whose connections use it (`search_path`).
pub async fn fresh_schema_url() -> anyhow::Result<String> {
    static SWEPT: OnceCell<()> = OnceCell::const_new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let base = test_database_url();
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .with_context(|| format!("cannot reach the test PostgreSQL at {base} (set {TEST_DATABASE_ENV})"))?;
    SWEPT.get_or_try_init(|| sweep_ended_processes(&mut conn)).await?;
    let schema = format!("{PREFIX}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await?;
    let separator = if base.contains('?') { '&' } else { '?' };
    Ok(format!("{base}{separator}options[search_path]={schema}"))
}

/// Drops the schemas of test processes that are no longer running.
async fn sweep_ended_processes(conn: &mut sqlx::PgConnection) -> anyhow::Result<()> {
    let schemas: Vec<String> =
        sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'unhurried\\_t\\_%'")
            .fetch_all(&mut *conn)
            .await?;
    for schema in schemas {
        let pid = schema.trim_start_matches(PREFIX).trim_start_matches('_').split('_').next().unwrap_or_default();
        let ended = !pid.is_empty() && !std::path::Path::new(&format!("/proc/{pid}")).exists();
        if ended {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE")))
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}
