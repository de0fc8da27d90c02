//! Purpose: what `unhurried export` reads — answers, runs, decisions and digests with member and
//! standup names — from either store, without writing: SQLite over a read-only connection
//! (`sqlite/export.rs`), PostgreSQL in read-only transactions (`postgres/export.rs`), so an export
//! is safe while `serve` runs. Each store selects the rows; the instants and local dates shown
//! are computed here, so both give the same output.

use chrono::NaiveDate;
use serde::Serialize;

use crate::adapters::database::StoreKind;
use crate::adapters::postgres::export::PgExportReader;
use crate::adapters::sqlite::export::SqliteExportReader;

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
    /// One standup by name, in any case (its decisions: those of its report channel).
    pub standup: Option<String>,
}

/// A read-only view of the database `database.url` names, of either kind.
pub enum ExportReader {
    /// A SQLite file.
    Sqlite(SqliteExportReader),
    /// A PostgreSQL database.
    Postgres(PgExportReader),
}

impl ExportReader {
    /// Opens an existing database for reading only (never creating, migrating or locking it).
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        Ok(match StoreKind::of(url) {
            StoreKind::Sqlite => ExportReader::Sqlite(SqliteExportReader::open(url).await?),
            StoreKind::Postgres => ExportReader::Postgres(PgExportReader::open(url).await?),
        })
    }

    /// Whether a standup of this name (in any case) exists in any workspace.
    pub async fn has_standup(&self, name: &str) -> anyhow::Result<bool> {
        match self {
            ExportReader::Sqlite(reader) => reader.has_standup(name).await,
            ExportReader::Postgres(reader) => reader.has_standup(name).await,
        }
    }

    /// Answers, oldest run first.
    pub async fn answers(&self, filter: &ExportFilter) -> anyhow::Result<Vec<ExportAnswer>> {
        let mut rows = match self {
            ExportReader::Sqlite(reader) => reader.answers(filter).await?,
            ExportReader::Postgres(reader) => reader.answers(filter).await?,
        };
        for row in &mut rows {
            row.answered_at = rfc3339(row.answered_secs);
        }
        Ok(rows)
    }

    /// Runs, oldest first.
    pub async fn runs(&self, filter: &ExportFilter) -> anyhow::Result<Vec<ExportRun>> {
        let mut rows = match self {
            ExportReader::Sqlite(reader) => reader.runs(filter).await?,
            ExportReader::Postgres(reader) => reader.runs(filter).await?,
        };
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
        let rows = match self {
            ExportReader::Sqlite(reader) => reader.decisions(filter).await?,
            ExportReader::Postgres(reader) => reader.decisions(filter).await?,
        };
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
        let mut rows = match self {
            ExportReader::Sqlite(reader) => reader.digests(filter).await?,
            ExportReader::Postgres(reader) => reader.digests(filter).await?,
        };
        for row in &mut rows {
            row.posted_at = rfc3339(row.posted_secs);
        }
        Ok(rows)
    }
}

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).map(|at| at.to_rfc3339()).unwrap_or_default()
}
