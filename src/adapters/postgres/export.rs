//! Purpose: the rows `unhurried export` writes, read from PostgreSQL as from SQLite
//! (`adapters/sqlite/export.rs`): one connection whose transactions are read-only
//! (`default_transaction_read_only`), never migrating, so an export is safe while `serve`
//! processes run. Text sort keys use the "C" collation, so rows come in SQLite's (byte) order
//! whatever the database's collation; standup names match in any case, as SQLite's `NOCASE`.

use std::str::FromStr;

use anyhow::Context as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::redact;
use crate::adapters::export::{ExportAnswer, ExportDecision, ExportDigest, ExportFilter, ExportRun};

/// A read-only view of a PostgreSQL database for exports.
pub struct PgExportReader {
    pool: PgPool,
}

const MEMBER_NAME: &str = "CASE WHEN m.display_name = '' THEN m.platform_user_id ELSE m.display_name END";

/// `$1` the first local date, `$2` the standup's name (either `NULL` for all).
const RUN_FILTER: &str = "($1::TEXT IS NULL OR r.local_date >= $1) AND ($2::TEXT IS NULL OR lower(s.name) = lower($2))";

impl PgExportReader {
    /// Connects to an existing database for reading only (never creating or migrating it).
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .with_context(|| format!("'{}' is not a PostgreSQL URL", redact(url)))?
            .options([("default_transaction_read_only", "on")]);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot connect to PostgreSQL at {}", redact(url)))?;
        let schema: Option<String> =
            sqlx::query_scalar("SELECT to_regclass('standups')::TEXT").fetch_one(&pool).await?;
        if schema.is_none() {
            anyhow::bail!("the database at {} has no unhurried tables", redact(url));
        }
        Ok(PgExportReader { pool })
    }

    /// Whether a standup of this name exists in any workspace.
    pub async fn has_standup(&self, name: &str) -> anyhow::Result<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM standups WHERE lower(name) = lower($1)")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(count > 0)
    }

    /// Answers, oldest run first (instants as Unix seconds).
    pub async fn answers(&self, filter: &ExportFilter) -> anyhow::Result<Vec<ExportAnswer>> {
        let sql = format!(
            "SELECT w.platform_id AS workspace, s.name AS standup, {MEMBER_NAME} AS member,
                    m.platform_user_id AS member_id, r.local_date, r.tz, a.question_index + 1 AS question_number,
                    COALESCE(s.questions::jsonb ->> a.question_index::INT, '') AS question,
                    a.text AS answer, a.is_blocker AS blocker, a.answered_at AS answered_secs
             FROM answers a JOIN standup_runs r ON r.id = a.run_id JOIN standups s ON s.id = r.standup_id
             JOIN members m ON m.id = r.member_id JOIN workspaces w ON w.id = s.workspace_id
             WHERE {RUN_FILTER}
             ORDER BY r.local_date COLLATE \"C\", s.name COLLATE \"C\", ({MEMBER_NAME}) COLLATE \"C\", a.question_index"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(filter.since.map(|d| d.to_string()))
            .bind(filter.standup.clone())
            .fetch_all(&self.pool)
            .await?)
    }

    /// Runs, oldest first (instants as Unix seconds).
    pub async fn runs(&self, filter: &ExportFilter) -> anyhow::Result<Vec<ExportRun>> {
        let sql = format!(
            "SELECT w.platform_id AS workspace, s.name AS standup, {MEMBER_NAME} AS member,
                    m.platform_user_id AS member_id, r.local_date, r.tz, r.state,
                    r.prompted_at AS prompted_secs, r.answered_at AS answered_secs
             FROM standup_runs r JOIN standups s ON s.id = r.standup_id
             JOIN members m ON m.id = r.member_id JOIN workspaces w ON w.id = s.workspace_id
             WHERE {RUN_FILTER}
             ORDER BY r.local_date COLLATE \"C\", s.name COLLATE \"C\", ({MEMBER_NAME}) COLLATE \"C\""
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(filter.since.map(|d| d.to_string()))
            .bind(filter.standup.clone())
            .fetch_all(&self.pool)
            .await?)
    }

    /// Decisions of the filter's standup (all of them: `--since` is by local date, computed after
    /// reading), oldest first.
    pub async fn decisions(&self, filter: &ExportFilter) -> anyhow::Result<Vec<ExportDecision>> {
        let sql = format!(
            "SELECT w.platform_id AS workspace, COALESCE({MEMBER_NAME}, '') AS author,
                    COALESCE(m.platform_user_id, '') AS author_id, m.tz AS author_tz,
                    COALESCE(c.platform_channel_id, '') AS channel, d.text, d.created_at AS created_secs
             FROM decisions d JOIN workspaces w ON w.id = d.workspace_id
             LEFT JOIN members m ON m.id = d.author_id LEFT JOIN channels c ON c.id = d.channel_id
             WHERE $1::TEXT IS NULL OR d.channel_id IN
                 (SELECT s.channel_id FROM standups s WHERE s.workspace_id = d.workspace_id AND lower(s.name) = lower($1))
             ORDER BY d.created_at, d.id"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(filter.standup.clone()).fetch_all(&self.pool).await?)
    }

    /// Digests, oldest first (instants as Unix seconds).
    pub async fn digests(&self, filter: &ExportFilter) -> anyhow::Result<Vec<ExportDigest>> {
        let sql = "SELECT w.platform_id AS workspace, s.name AS standup, g.local_date, s.digest_tz AS tz,
                    g.posted_at AS posted_secs, (SELECT COUNT(*) FROM answers a WHERE a.digest_id = g.id) AS answers
             FROM digests g JOIN standups s ON s.id = g.standup_id JOIN workspaces w ON w.id = s.workspace_id
             WHERE ($1::TEXT IS NULL OR g.local_date >= $1) AND ($2::TEXT IS NULL OR lower(s.name) = lower($2))
             ORDER BY g.local_date COLLATE \"C\", s.name COLLATE \"C\"";
        Ok(sqlx::query_as(sql)
            .bind(filter.since.map(|d| d.to_string()))
            .bind(filter.standup.clone())
            .fetch_all(&self.pool)
            .await?)
    }
}
