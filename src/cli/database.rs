//! Purpose: the operator's database commands — `unhurried backup FILE` (a consistent copy of the
//! live database, safe while `serve` runs), `unhurried restore FILE` (only with `serve` stopped;
//! the backup is checked first), both for SQLite, and `unhurried forget USER_ID` (erasure
//! requested by email), on SQLite or PostgreSQL. docs/operations.md walks through each.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use crate::adapters::clock::SystemClock;
use crate::adapters::database::{Database, StoreKind, pg_options};
use crate::adapters::postgres::{PgStore, redact};
use crate::adapters::sqlite::{self, SqliteStore};
use crate::config::Settings;
use crate::ports::Clock as _;

/// `unhurried backup FILE`.
pub async fn backup(target: &Path, settings: Settings) -> ExitCode {
    report(backup_inner(target, &settings).await)
}

async fn backup_inner(target: &Path, settings: &Settings) -> anyhow::Result<String> {
    let database = existing_database(settings)?;
    let store = SqliteStore::connect(&settings.database.url).await?;
    let written = store.backup_to(target).await;
    store.close_cleanly().await.ok();
    written?;
    let (schema, counts) = sqlite::check_backup(target).await?;
    let size = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    Ok(format!(
        "backup of {} written to {} ({}, schema version {schema}, integrity ok)\nrows: {counts}\n",
        database.display(),
        target.display(),
        human_size(size),
    ))
}

/// `unhurried restore FILE`.
pub async fn restore(backup: &Path, settings: Settings) -> ExitCode {
    report(restore_inner(backup, &settings).await)
}

async fn restore_inner(backup: &Path, settings: &Settings) -> anyhow::Result<String> {
    refuse_postgres(settings)?;
    let Some(database) = sqlite::database_file(&settings.database.url)? else {
        anyhow::bail!("database.url is an in-memory database: there is nothing to restore into");
    };
    // The lock `serve` holds while it runs: a running bot's database is never replaced under it.
    let _instance = sqlite::lock_database_file(&database).map_err(|error| match error {
        crate::ports::StoreError::Locked(_) => anyhow::anyhow!(
            "unhurried serve is running on {} (it holds {}.lock): stop it first, then restore",
            database.display(),
            database.display()
        ),
        crate::ports::StoreError::Other(error) => error,
    })?;
    let aside = format!("before-restore-{}", SystemClock.now().format("%Y%m%dT%H%M%SZ"));
    let restored = sqlite::restore_from(backup, &database, &aside).await?;
    let mut text = format!(
        "restored {} into {} (schema version {}, integrity ok)\nrows: {}\n",
        backup.display(),
        database.display(),
        restored.schema_version,
        restored.counts
    );
    if let Some(kept) = restored.replaced_kept_as {
        text.push_str(&format!("the database it replaced is kept as {}\n", kept.display()));
    }
    if restored.schema_version < sqlite::schema_version() {
        text.push_str("the backup is from an older version: `unhurried serve` migrates it when it starts\n");
    }
    Ok(text)
}

/// `unhurried forget USER_ID [--yes]`.
pub async fn forget(user: &str, yes: bool, settings: Settings) -> ExitCode {
    report(forget_inner(user, yes, &settings).await)
}

async fn forget_inner(user: &str, yes: bool, settings: &Settings) -> anyhow::Result<String> {
    let database = open_for_forget(settings).await?;
    let members = match &database {
        Database::Sqlite(store) => store.members_with_platform_id(user).await,
        Database::Postgres(store) => store.members_with_platform_id(user).await,
    };
    let members = match members {
        Ok(members) => members,
        Err(error) => {
            database.close().await.ok();
            return Err(error);
        }
    };
    if members.is_empty() {
        database.close().await.ok();
        anyhow::bail!("no member has the platform user id {user}; nothing was changed");
    }
    let mut text = String::new();
    for member in &members {
        text.push_str(&format!("member {user} in {} {}\n", member.platform, member.workspace));
    }
    if !yes {
        database.close().await.ok();
        text.push_str(
            "nothing changed yet: run again with --yes to erase their settings, answers, questions, pings and messages everywhere in the database\n",
        );
        return Ok(text);
    }
    let store = database.store();
    for member in &members {
        crate::ports::DirectoryStore::forget_member(&*store, member.id).await?;
    }
    // SQLite: fold the log into the file, so the erased text does not linger in the -wal file.
    database.close().await?;
    text.push_str("erased: they now read \"former member\" and nothing they wrote is kept\n");
    if database.kind() == StoreKind::Postgres {
        text.push_str(
            "PostgreSQL keeps the old row versions in its table files until VACUUM removes them, and in its WAL archive and backups until they expire (docs/operations.md, \"Erasure\")\n",
        );
    }
    Ok(text)
}

/// The database `forget` works on: an existing SQLite file, or a PostgreSQL database that
/// already has unhurried's tables (an erasure never creates an empty database); either is
/// migrated, as `serve` would.
async fn open_for_forget(settings: &Settings) -> anyhow::Result<Database> {
    let url = &settings.database.url;
    match StoreKind::of(url) {
        StoreKind::Sqlite => {
            existing_database(settings)?;
            Ok(Database::Sqlite(Arc::new(SqliteStore::open(url).await?)))
        }
        StoreKind::Postgres => {
            let store = PgStore::connect(url, pg_options(&settings.database)).await?;
            let tables: Option<String> =
                sqlx::query_scalar("SELECT to_regclass('members')::TEXT").fetch_one(store.pool()).await?;
            if tables.is_none() {
                store.close().await;
                anyhow::bail!(
                    "the PostgreSQL database at {} has no unhurried tables; nothing was changed",
                    redact(url)
                );
            }
            store.migrate().await?;
            Ok(Database::Postgres(Arc::new(store)))
        }
    }
}

/// The database file named by `database.url`, which must exist (a backup or a forget of a file
/// that is not there would silently create an empty database).
fn existing_database(settings: &Settings) -> anyhow::Result<std::path::PathBuf> {
    refuse_postgres(settings)?;
    let Some(database) = sqlite::database_file(&settings.database.url)? else {
        anyhow::bail!("database.url is an in-memory database: there is no file to work on");
    };
    if !database.is_file() {
        anyhow::bail!("there is no database at {} (set database.url or --config)", database.display());
    }
    Ok(database)
}

/// `backup` and `restore` copy a SQLite file; a PostgreSQL database has its own tools.
fn refuse_postgres(settings: &Settings) -> anyhow::Result<()> {
    if StoreKind::of(&settings.database.url) == StoreKind::Postgres {
        anyhow::bail!(
            "database.url is PostgreSQL: back it up and restore it with PostgreSQL's own pg_dump and pg_restore (docs/operations.md, \"PostgreSQL\")"
        );
    }
    Ok(())
}

fn report(result: anyhow::Result<String>) -> ExitCode {
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("unhurried: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        b if b >= KIB * KIB => format!("{:.1} MiB", b as f64 / (KIB * KIB) as f64),
        b if b >= KIB => format!("{:.1} KiB", b as f64 / KIB as f64),
        b => format!("{b} bytes"),
    }
}
