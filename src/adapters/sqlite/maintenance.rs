//! Purpose: what an operator's commands and `serve`'s start and stop do to the database file
//! itself: refuse a damaged file (`PRAGMA quick_check`), a file from a newer version (a migration
//! this build does not know) and a file this process may not write, each with one line naming the
//! file and what to do; fold the write-ahead log back into the file on a clean stop; copy the
//! live database (`VACUUM INTO`) and count its rows.
//!
//! The `-wal` file beside the database holds committed transactions until a checkpoint copies
//! them into the main file: it is part of the database (docs/operations.md).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sqlx::SqlitePool;

use super::SqliteStore;

/// Where the operator reads how to restore, upgrade and roll back.
const OPERATIONS_DOC: &str = "docs/operations.md";

/// The migrations embedded in this build.
pub(crate) fn migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate!("./migrations/sqlite")
}

/// The newest migration this build knows: the schema version it writes.
pub fn schema_version() -> i64 {
    migrator().iter().map(|m| m.version).max().unwrap_or(0)
}

/// The newest migration applied to a database, with its description; `None` for a new file.
pub(crate) async fn applied_version(pool: &SqlitePool) -> anyhow::Result<Option<(i64, String)>> {
    let table: Option<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_optional(pool)
            .await?;
    if table.is_none() {
        return Ok(None);
    }
    Ok(sqlx::query_as("SELECT version, description FROM _sqlx_migrations ORDER BY version DESC LIMIT 1")
        .fetch_optional(pool)
        .await?)
}

/// The row counts an operator recognises a copy by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowCounts(pub Vec<(String, i64)>);

impl std::fmt::Display for RowCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(table, rows)| format!("{table} {rows}")).collect();
        f.write_str(&parts.join(", "))
    }
}

impl SqliteStore {
    /// The database file's path, for messages; `:memory:` for an in-memory store.
    pub fn file_name(&self) -> String {
        self.path.as_ref().map_or_else(|| ":memory:".to_owned(), |path| path.display().to_string())
    }

    /// Readies a connected database for `serve` (call it holding the instance lock): refuses a
    /// damaged file, a file this process may not write and one from a newer version, then applies
    /// pending migrations.
    pub async fn check_and_migrate(&self) -> anyhow::Result<()> {
        self.quick_check().await?;
        self.check_writable().await?;
        self.migrate().await
    }

    /// `PRAGMA quick_check`: a damaged page anywhere is one line naming the file and the restore.
    pub async fn quick_check(&self) -> anyhow::Result<()> {
        let found: Result<Vec<String>, sqlx::Error> =
            sqlx::query_scalar("PRAGMA quick_check").fetch_all(&self.pool).await;
        let problem = match found {
            Ok(lines) if lines.len() == 1 && lines[0] == "ok" => return Ok(()),
            Ok(lines) => format!("{} ({} problem(s))", lines.first().map_or("no answer", String::as_str), lines.len()),
            Err(error) => error.to_string(),
        };
        anyhow::bail!(
            "the database {} is damaged (PRAGMA quick_check: {}): stop unhurried and restore the last backup with `unhurried restore BACKUP_FILE` (see {OPERATIONS_DOC})",
            self.file_name(),
            problem.replace('\n', " ")
        )
    }

    /// Takes and releases SQLite's write lock: a file this process may not write is found here,
    /// before anything is decided, with its path and what to do.
    pub async fn check_writable(&self) -> anyhow::Result<()> {
        let mut conn = self.pool.acquire().await.map_err(|e| self.explain(e.into()))?;
        // A write that is rolled back: `BEGIN IMMEDIATE` alone succeeds on a read-only file.
        let probe = sqlx::raw_sql("BEGIN IMMEDIATE; CREATE TABLE main.unhurried_write_probe (x); ROLLBACK")
            .execute(&mut *conn)
            .await;
        if probe.is_err() {
            // The connection may be left inside the transaction: it must not be pooled.
            drop(conn.detach());
        }
        probe.map_err(|e| self.explain(e.into()))?;
        Ok(())
    }

    /// Turns SQLite's anonymous "readonly database" and "unable to open" into one line naming the
    /// file and the fix; other errors keep their text, with the file named.
    pub(crate) fn explain(&self, error: anyhow::Error) -> anyhow::Error {
        explain(self.path.as_deref(), error)
    }

    /// Refuses a database that a newer unhurried has migrated past what this build knows.
    pub(crate) async fn refuse_newer_schema(&self) -> anyhow::Result<()> {
        let Some((applied, description)) = applied_version(&self.pool).await? else { return Ok(()) };
        let known = schema_version();
        if applied > known {
            anyhow::bail!(
                "the database {} is at schema version {applied} ({description}), written by a newer unhurried; this unhurried {} knows schema versions up to {known}: run the newer version, or restore the backup taken before the upgrade (see {OPERATIONS_DOC})",
                self.file_name(),
                env!("CARGO_PKG_VERSION"),
            );
        }
        Ok(())
    }

    /// On a clean stop: copies every committed transaction from the `-wal` file into the database
    /// file and empties the log (`wal_checkpoint(TRUNCATE)`), then closes the connections. The
    /// file alone is then the whole database.
    pub async fn close_cleanly(&self) -> anyhow::Result<()> {
        // Back to the pool, which waits for every connection it lent out before it closes.
        drop(self.intake.lock().await.take());
        if self.path.is_some() {
            let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.pool)
                .await
                .with_context(|| format!("cannot checkpoint the database {}", self.file_name()))?;
            if busy != 0 {
                tracing::warn!(database = %self.file_name(), "the checkpoint at stop was blocked; the -wal file still holds data");
            }
        }
        self.pool.close().await;
        self.intake_pool.close().await;
        Ok(())
    }

    /// Row counts of the tables an operator knows their data by.
    pub async fn row_counts(&self) -> anyhow::Result<RowCounts> {
        row_counts(&self.pool).await
    }

    /// Writes a consistent copy of the live database to `target` (`VACUUM INTO`: one read
    /// transaction, so a `serve` writing meanwhile is neither stopped nor half-copied). Refuses an
    /// existing `target`.
    pub async fn backup_to(&self, target: &Path) -> anyhow::Result<()> {
        if target.exists() {
            anyhow::bail!("{} already exists: a backup never overwrites; choose a new file name", target.display());
        }
        let name = target.to_str().with_context(|| format!("{} is not a UTF-8 path", target.display()))?;
        sqlx::query("VACUUM INTO ?")
            .bind(name)
            .execute(&self.pool)
            .await
            .with_context(|| format!("cannot write the backup {}", target.display()))?;
        Ok(())
    }

    /// The database file, `None` in memory.
    pub fn path(&self) -> Option<&PathBuf> {
        self.path.as_ref()
    }
}

/// See [`SqliteStore::explain`].
pub(crate) fn explain(path: Option<&Path>, error: anyhow::Error) -> anyhow::Error {
    let text = format!("{error:#}");
    let file = path.map_or_else(|| ":memory:".to_owned(), |path| path.display().to_string());
    if text.contains("readonly database") || text.contains("unable to open database file") {
        let directory = path.and_then(Path::parent).map_or_else(|| ".".to_owned(), |dir| dir.display().to_string());
        let cause = if text.contains("readonly database") {
            "attempt to write a readonly database"
        } else {
            "unable to open it"
        };
        anyhow::anyhow!(
            "the database {file} cannot be written by this process ({cause}): give the user unhurried runs as write access to the file, its -wal and -shm files and the directory {directory}, or set database.url to a writable place"
        )
    } else {
        error.context(format!("database {file}"))
    }
}

/// Row counts of the main tables of the database behind `pool`.
pub(crate) async fn row_counts(pool: &SqlitePool) -> anyhow::Result<RowCounts> {
    let mut counts = Vec::new();
    for table in ["workspaces", "members", "standups", "answers", "decisions", "jobs", "inbox", "outbox"] {
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(pool)
            .await
            .with_context(|| format!("cannot count {table}"))?;
        counts.push((table.to_owned(), rows));
    }
    Ok(RowCounts(counts))
}

/// What `restore` did.
#[derive(Debug)]
pub struct Restored {
    /// The schema version of the restored file (`serve` migrates it forward if older).
    pub schema_version: i64,
    /// Its row counts.
    pub counts: RowCounts,
    /// Where the database it replaced was moved, if there was one.
    pub replaced_kept_as: Option<PathBuf>,
}

/// A backup file, checked before anything is changed: it is whole (`PRAGMA integrity_check`),
/// it is an unhurried database, and no newer than this build.
pub async fn check_backup(backup: &Path) -> anyhow::Result<(i64, RowCounts)> {
    if !backup.is_file() {
        anyhow::bail!("{} is not a file", backup.display());
    }
    let mut wal = backup.as_os_str().to_owned();
    wal.push("-wal");
    if Path::new(&wal).exists() {
        anyhow::bail!(
            "{} exists beside the backup: it holds part of that database (a copy taken with cp?); use a file written by `unhurried backup`",
            PathBuf::from(wal).display()
        );
    }
    // Immutable: read as it is, with no lock, no -shm and nothing written beside it.
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(backup).immutable(true).read_only(true);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open the backup {}", backup.display()))?;
    let checked = check_open_backup(backup, &pool).await;
    pool.close().await;
    checked
}

async fn check_open_backup(backup: &Path, pool: &SqlitePool) -> anyhow::Result<(i64, RowCounts)> {
    let name = backup.display();
    let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(pool)
        .await
        .with_context(|| format!("{name} is not a readable SQLite database"))?;
    if lines != ["ok"] {
        anyhow::bail!(
            "the backup {name} is damaged (PRAGMA integrity_check: {}); nothing was changed",
            lines.join("; ")
        );
    }
    let Some((version, description)) = applied_version(pool).await? else {
        anyhow::bail!("{name} is not an unhurried database (it has no migration history); nothing was changed");
    };
    let known = schema_version();
    if version > known {
        anyhow::bail!(
            "the backup {name} is at schema version {version} ({description}), from a newer unhurried; this unhurried {} knows up to {known}: restore it with that version; nothing was changed",
            env!("CARGO_PKG_VERSION")
        );
    }
    Ok((version, row_counts(pool).await?))
}

/// Replaces the database file at `database` with a checked copy of `backup`. The caller holds
/// the instance lock. The database it replaces (with its `-wal` and `-shm`) is moved aside to
/// `<database>.<aside>`, never deleted; the copy is written beside the target and renamed over
/// it, so a crash leaves either the old file or the new one.
pub async fn restore_from(backup: &Path, database: &Path, aside: &str) -> anyhow::Result<Restored> {
    let (schema_version, counts) = check_backup(backup).await?;
    let with_suffix = |path: &Path, suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let kept = with_suffix(database, &format!(".{aside}"));
    let replaced_kept_as = if database.exists() {
        for suffix in ["", "-wal", "-shm"] {
            let from = with_suffix(database, suffix);
            if from.exists() {
                let to = with_suffix(&kept, suffix);
                std::fs::rename(&from, &to)
                    .with_context(|| format!("cannot move {} aside to {}", from.display(), to.display()))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    let partial = with_suffix(database, ".restoring");
    std::fs::copy(backup, &partial)
        .with_context(|| format!("cannot copy {} to {}", backup.display(), partial.display()))?;
    std::fs::File::open(&partial).and_then(|file| file.sync_all()).context("cannot sync the restored copy")?;
    std::fs::rename(&partial, database).with_context(|| format!("cannot move the copy to {}", database.display()))?;
    Ok(Restored { schema_version, counts, replaced_kept_as })
}
