//! Purpose: the rows `unhurried export` writes, read from SQLite over a read-only connection, so
//! an export is safe while `serve` runs (SQLite's WAL lets it read beside the writer, and it
//! never takes the lock). The records and what is computed from them are in `adapters/export.rs`.

use std::str::FromStr;

use anyhow::Context as _;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use crate::adapters::export::{ExportAnswer, ExportDecision, ExportDigest, ExportFilter, ExportRun};

/// A read-only view of a SQLite database for exports.
pub struct SqliteExportReader {
    pool: SqlitePool,
}

const MEMBER_NAME: &str = "CASE WHEN m.display_name = '' THEN m.platform_user_id ELSE m.display_name END";

impl SqliteExportReader {
    /// Opens an existing database read-only (never creating, migrating or locking it).
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("'{url}' is not a SQLite URL"))?
            .read_only(true)
            .create_if_missing(false);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database {url}"))?;
        Ok(SqliteExportReader { pool })
    }

    /// Whether a standup of this name exists in any workspace.
    pub async fn has_standup(&self, name: &str) -> anyhow::Result<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM standups WHERE name = ? COLLATE NOCASE")
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
                    COALESCE(json_extract(s.questions, '$[' || a.question_index || ']'), '') AS question,
                    a.text AS answer, a.is_blocker AS blocker, a.answered_at AS answered_secs
             FROM answers a JOIN standup_runs r ON r.id = a.run_id JOIN standups s ON s.id = r.standup_id
             JOIN members m ON m.id = r.member_id JOIN workspaces w ON w.id = s.workspace_id
             WHERE (?1 IS NULL OR r.local_date >= ?1) AND (?2 IS NULL OR s.name = ?2 COLLATE NOCASE)
             ORDER BY r.local_date, s.name, member, a.question_index"
        );
        Ok(self.bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)), filter).fetch_all(&self.pool).await?)
    }

    /// Runs, oldest first (instants as Unix seconds).
    pub async fn runs(&self, filter: &ExportFilter) -> anyhow::Result<Vec<ExportRun>> {
        let sql = format!(
            "SELECT w.platform_id AS workspace, s.name AS standup, {MEMBER_NAME} AS member,
                    m.platform_user_id AS member_id, r.local_date, r.tz, r.state,
                    r.prompted_at AS prompted_secs, r.answered_at AS answered_secs
             FROM standup_runs r JOIN standups s ON s.id = r.standup_id
             JOIN members m ON m.id = r.member_id JOIN workspaces w ON w.id = s.workspace_id
             WHERE (?1 IS NULL OR r.local_date >= ?1) AND (?2 IS NULL OR s.name = ?2 COLLATE NOCASE)
             ORDER BY r.local_date, s.name, member"
        );
        Ok(self.bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)), filter).fetch_all(&self.pool).await?)
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
             WHERE ?2 IS NULL OR d.channel_id IN
                 (SELECT s.channel_id FROM standups s WHERE s.workspace_id = d.workspace_id AND s.name = ?2 COLLATE NOCASE)
             ORDER BY d.created_at, d.id"
        );
        Ok(self.bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)), filter).fetch_all(&self.pool).await?)
    }

    /// Digests, oldest first (instants as Unix seconds).
    pub async fn digests(&self, filter: &ExportFilter) -> anyhow::Result<Vec<ExportDigest>> {
        let sql = "SELECT w.platform_id AS workspace, s.name AS standup, g.local_date, s.digest_tz AS tz,
                    g.posted_at AS posted_secs, (SELECT COUNT(*) FROM answers a WHERE a.digest_id = g.id) AS answers
             FROM digests g JOIN standups s ON s.id = g.standup_id JOIN workspaces w ON w.id = s.workspace_id
             WHERE (?1 IS NULL OR g.local_date >= ?1) AND (?2 IS NULL OR s.name = ?2 COLLATE NOCASE)
             ORDER BY g.local_date, s.name";
        Ok(self.bind(sqlx::query_as(sql), filter).fetch_all(&self.pool).await?)
    }

    fn bind<'q, T>(
        &self,
        query: sqlx::query::QueryAs<'q, sqlx::Sqlite, T, sqlx::sqlite::SqliteArguments>,
        filter: &ExportFilter,
    ) -> sqlx::query::QueryAs<'q, sqlx::Sqlite, T, sqlx::sqlite::SqliteArguments> {
        query.bind(filter.since.map(|d| d.to_string())).bind(filter.standup.clone())
    }
}
