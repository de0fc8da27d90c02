//! Purpose: everything `unhurried export` writes — answers, runs, decisions and digests with
//! member and standup names — read over a read-only connection, so an export is safe while
//! `serve` runs (SQLite's WAL lets it read beside the writer, and it never takes the lock).

use std::str::FromStr;

use anyhow::Context as _;
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

/// One answer to one question.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExportAnswer {
    pub workspace: String,
    pub standup: String,
    pub member: String,
    pub member_id: String,
    /// The member-local date of the run.
    pub local_date: String,
    /// The member's zone that date was computed in.
    pub tz: String,
    /// 1-based.
    pub question_number: i64,
    pub question: String,
    pub answer: String,
    pub blocker: bool,
    /// UTC, Unix seconds.
    #[serde(skip)]
    pub answered_secs: i64,
    /// UTC, RFC 3339 (filled in after reading).
    #[sqlx(skip)]
    pub answered_at: String,
}

/// One member's standup run on one of their dates.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExportRun {
    pub workspace: String,
    pub standup: String,
    pub member: String,
    pub member_id: String,
    pub local_date: String,
    pub tz: String,
    /// scheduled, prompted, answered, skipped, missed or away.
    pub state: String,
    #[serde(skip)]
    pub prompted_secs: Option<i64>,
    #[serde(skip)]
    pub answered_secs: Option<i64>,
    #[sqlx(skip)]
    pub prompted_at: Option<String>,
    #[sqlx(skip)]
    pub answered_at: Option<String>,
}

/// One logged decision.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExportDecision {
    pub workspace: String,
    /// Empty when the author was forgotten or unknown.
    pub author: String,
    pub author_id: String,
    /// The author's zone, empty for the workspace default.
    #[serde(skip)]
    pub author_tz: Option<String>,
    /// Platform id of the channel it was logged in.
    pub channel: String,
    pub text: String,
    #[serde(skip)]
    pub created_secs: i64,
    /// The local date in the author's zone (else the workspace default).
    #[sqlx(skip)]
    pub local_date: String,
    #[sqlx(skip)]
    pub created_at: String,
}

/// One posted digest.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExportDigest {
    pub workspace: String,
    pub standup: String,
    /// The date in the digest zone.
    pub local_date: String,
    pub tz: String,
    #[serde(skip)]
    pub posted_secs: i64,
    #[sqlx(skip)]
    pub posted_at: String,
    /// Answers the digest carried.
    pub answers: i64,
}

/// What an export is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Local dates on or after this (decisions: by their local date).
    pub since: Option<NaiveDate>,
    /// One standup by name (its decisions: those of its report channel).
    pub standup: Option<String>,
}

/// A read-only view of the database for exports.
pub struct ExportReader {
    pool: SqlitePool,
}

const MEMBER_NAME: &str = "CASE WHEN m.display_name = '' THEN m.platform_user_id ELSE m.display_name END";

impl ExportReader {
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
        Ok(ExportReader { pool })
    }

    /// Whether a standup of this name exists in any workspace.
    pub async fn has_standup(&self, name: &str) -> anyhow::Result<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM standups WHERE name = ? COLLATE NOCASE")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(count > 0)
    }

    /// Answers, oldest run first.
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
        let mut rows: Vec<ExportAnswer> =
            self.bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)), filter).fetch_all(&self.pool).await?;
        for row in &mut rows {
            row.answered_at = rfc3339(row.answered_secs);
        }
        Ok(rows)
    }

    /// Runs, oldest first.
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
        let mut rows: Vec<ExportRun> =
            self.bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)), filter).fetch_all(&self.pool).await?;
        for row in &mut rows {
            row.prompted_at = row.prompted_secs.map(rfc3339);
            row.answered_at = row.answered_secs.map(rfc3339);
        }
        Ok(rows)
    }

    /// Decisions, oldest first; local dates in the author's zone, else `default_tz`.
    pub async fn decisions(
        &self,
        filter: &ExportFilter,
        default_tz: chrono_tz::Tz,
    ) -> anyhow::Result<Vec<ExportDecision>> {
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
        let rows: Vec<ExportDecision> =
            self.bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)), filter).fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .filter_map(|mut row| {
                let tz = row.author_tz.as_deref().and_then(|z| z.parse::<chrono_tz::Tz>().ok()).unwrap_or(default_tz);
                let at = chrono::DateTime::from_timestamp(row.created_secs, 0)?;
                let date = at.with_timezone(&tz).date_naive();
                if filter.since.is_some_and(|since| date < since) {
                    return None;
                }
                row.local_date = date.to_string();
                row.created_at = rfc3339(row.created_secs);
                Some(row)
            })
            .collect())
    }

    /// Digests, oldest first.
    pub async fn digests(&self, filter: &ExportFilter) -> anyhow::Result<Vec<ExportDigest>> {
        let sql = "SELECT w.platform_id AS workspace, s.name AS standup, g.local_date, s.digest_tz AS tz,
                    g.posted_at AS posted_secs, (SELECT COUNT(*) FROM answers a WHERE a.digest_id = g.id) AS answers
             FROM digests g JOIN standups s ON s.id = g.standup_id JOIN workspaces w ON w.id = s.workspace_id
             WHERE (?1 IS NULL OR g.local_date >= ?1) AND (?2 IS NULL OR s.name = ?2 COLLATE NOCASE)
             ORDER BY g.local_date, s.name";
        let mut rows: Vec<ExportDigest> = self.bind(sqlx::query_as(sql), filter).fetch_all(&self.pool).await?;
        for row in &mut rows {
            row.posted_at = rfc3339(row.posted_secs);
        }
        Ok(rows)
    }

    fn bind<'q, T>(
        &self,
        query: sqlx::query::QueryAs<'q, sqlx::Sqlite, T, sqlx::sqlite::SqliteArguments>,
        filter: &ExportFilter,
    ) -> sqlx::query::QueryAs<'q, sqlx::Sqlite, T, sqlx::sqlite::SqliteArguments> {
        query.bind(filter.since.map(|d| d.to_string())).bind(filter.standup.clone())
    }
}

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).map(|at| at.to_rfc3339()).unwrap_or_default()
}
