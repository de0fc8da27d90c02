//! Purpose: erasure that erases (`/async forget-me`, `unhurried forget USER_ID`) in PostgreSQL,
//! as on SQLite (`adapters/sqlite/erasure.rs`, which says what goes and what stays): in the one
//! transaction of `DirectoryStore::forget_member`, the member becomes "former member" and
//! everything they wrote or that is addressed to them is deleted or blanked wherever it was
//! copied. What is searched for and what replaces it is shared (`adapters/erasure.rs`); this
//! file is PostgreSQL's SQL.
//!
//! SQLite's `secure_delete` has no PostgreSQL equivalent: an UPDATE or DELETE leaves the old row
//! version in the table's files until VACUUM (autovacuum, or an operator's) removes it, and the
//! WAL, its archive and base backups keep old versions until they expire (docs/operations.md,
//! "Erasure").

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context as _;
use sqlx::PgConnection;

use super::PgStore;
use crate::adapters::erasure::{
    FORMER_MEMBER, ForgettableMember, Needle, TEXT_COLUMNS, json_escaped, lanes_to, needles, scrubbed_digest,
    scrubbed_json, their_words,
};
use crate::domain::platform::Platform;

impl PgStore {
    /// Members (one per workspace) with this platform user id, not yet forgotten.
    pub async fn members_with_platform_id(&self, user: &str) -> anyhow::Result<Vec<ForgettableMember>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT m.id, w.platform, w.platform_id FROM members m JOIN workspaces w ON w.id = m.workspace_id
             WHERE m.platform_user_id = $1 AND m.forgotten = FALSE ORDER BY m.id",
        )
        .bind(user)
        .fetch_all(&mut *self.read().await?)
        .await?;
        Ok(rows.into_iter().map(|(id, platform, workspace)| ForgettableMember { id, platform, workspace }).collect())
    }
}

/// Erases member `member_id` in the transaction of `conn`.
#[allow(dead_code, reason = "called by DirectoryStore::forget_member (postgres/directory.rs, branch pg-standups)")]
pub(super) async fn erase_member(conn: &mut PgConnection, member_id: i64) -> anyhow::Result<()> {
    let member: Option<(String, String, i64, String, String, bool)> = sqlx::query_as(
        "SELECT m.platform_user_id, m.display_name, m.workspace_id, w.platform, w.platform_id, m.forgotten
         FROM members m JOIN workspaces w ON w.id = m.workspace_id WHERE m.id = $1",
    )
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((user, name, workspace_id, platform, workspace, forgotten)) = member else { return Ok(()) };
    if forgotten {
        return Ok(());
    }
    let platform: Platform = platform.parse()?;
    let words = words_of(conn, member_id, &workspace, &user).await?;
    let needles = needles(platform, &user, &name, &words);

    erase_own_rows(conn, member_id, workspace_id, &user).await?;
    scrub_inbox(conn, member_id, &workspace, &user, &needles).await?;
    scrub_outbox(conn, workspace_id, &needles).await?;
    scrub_digests(conn, member_id, &needles).await?;
    scrub_jobs(conn, &needles).await?;
    // Other people's text that mentions or names them (a question to them, an answer naming them).
    for (table, column) in TEXT_COLUMNS {
        for needle in needles.iter().filter(|n| n.names_them()) {
            let sql = format!("UPDATE {table} SET {column} = replace({column}, $1, $2) WHERE strpos({column}, $1) > 0");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&needle.find).bind(needle.replace).execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// Everything they typed that the store kept: answers, questions they asked, and the text of
/// every event they sent (messages, commands, form submissions).
async fn words_of(
    conn: &mut PgConnection,
    member_id: i64,
    workspace: &str,
    user: &str,
) -> anyhow::Result<BTreeSet<String>> {
    let answers: Vec<String> = sqlx::query_scalar(
        "SELECT a.text FROM answers a JOIN standup_runs r ON r.id = a.run_id WHERE r.member_id = $1",
    )
    .bind(member_id)
    .fetch_all(&mut *conn)
    .await?;
    let questions: Vec<String> = sqlx::query_scalar("SELECT text FROM open_questions WHERE asker_id = $1")
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
    let events: Vec<String> =
        sqlx::query_scalar("SELECT event FROM inbox WHERE workspace = $1 AND strpos(event, $2) > 0")
            .bind(workspace)
            .bind(json_escaped(user))
            .fetch_all(&mut *conn)
            .await?;
    Ok(their_words(answers.into_iter().chain(questions), events, user))
}

/// Which rows of a table [`rows_holding`] searches.
enum Within<'a> {
    /// Inbox rows of this platform workspace id.
    Workspace(&'a str),
    /// Outbox rows of this store workspace id.
    WorkspaceId(i64),
    /// Every row.
    All,
}

/// Rows of `table` whose `column` holds any needle (as stored in JSON), restricted by `within`.
async fn rows_holding(
    conn: &mut PgConnection,
    table: &str,
    column: &str,
    within: Within<'_>,
    needles: &[Needle],
) -> anyhow::Result<Vec<(i64, String)>> {
    let mut found = BTreeMap::new();
    for needle in needles {
        let needle = json_escaped(&needle.find);
        let select = format!("SELECT id, {column} FROM {table} WHERE strpos({column}, $1) > 0");
        let query = match within {
            Within::Workspace(workspace) => {
                sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(format!("{select} AND workspace = $2")))
                    .bind(needle)
                    .bind(workspace)
            }
            Within::WorkspaceId(id) => {
                sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(format!("{select} AND workspace_id = $2")))
                    .bind(needle)
                    .bind(id)
            }
            Within::All => sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(select)).bind(needle),
        };
        for (id, text) in query.fetch_all(&mut *conn).await? {
            found.insert(id, text);
        }
    }
    Ok(found.into_iter().collect())
}

/// Rewrites `column` of the given JSON rows with their needles replaced.
async fn rewrite_json(
    conn: &mut PgConnection,
    table: &str,
    column: &str,
    rows: Vec<(i64, String)>,
    user: Option<&str>,
    needles: &[Needle],
) -> anyhow::Result<()> {
    for (id, text) in rows {
        let scrubbed = scrubbed_json(&text, user, needles)?;
        let sql = format!("UPDATE {table} SET {column} = $1 WHERE id = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scrubbed).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

async fn erase_own_rows(conn: &mut PgConnection, member_id: i64, workspace_id: i64, user: &str) -> anyhow::Result<()> {
    // Answers stay (a digest or stats still count them) but say nothing and name no one: the
    // member row is anonymised rather than deleted, so answers keep their run and digest links.
    sqlx::query(
        "UPDATE members SET forgotten = TRUE, display_name = $1, tz = NULL, hours = NULL, days = NULL,
             dm_channel = NULL, unreachable_since = NULL, forget_requested_at = NULL,
             platform_user_id = 'forgotten-' || id WHERE id = $2",
    )
    .bind(FORMER_MEMBER)
    .bind(member_id)
    .execute(&mut *conn)
    .await?;
    for sql in [
        "DELETE FROM out_of_office WHERE member_id = $1",
        "DELETE FROM standup_members WHERE member_id = $1",
        "DELETE FROM offhours_notices WHERE sender_id = $1 OR recipient_id = $1",
        "DELETE FROM open_questions WHERE asker_id = $1 OR asked_id = $1",
        "DELETE FROM nudges WHERE sender_id = $1",
        "UPDATE decisions SET author_id = NULL WHERE author_id = $1",
        "UPDATE answers SET text = '' WHERE run_id IN (SELECT id FROM standup_runs WHERE member_id = $1)",
        "UPDATE standup_runs SET prompt_message = NULL WHERE member_id = $1",
        "UPDATE jobs SET state = 'cancelled'
         WHERE state = 'pending' AND (payload::jsonb ->> 'member_id') = CAST($1 AS TEXT)",
    ] {
        sqlx::query(sql).bind(member_id).execute(&mut *conn).await.with_context(|| sql.to_owned())?;
    }
    // Messages to them: not sent any more, and not kept once sent.
    let lanes = lanes_to(workspace_id, user);
    sqlx::query("DELETE FROM outbox WHERE (lane = $1 OR lane LIKE $2) AND state = 'pending' AND maybe_sent = FALSE")
        .bind(&lanes[0])
        .bind(&lanes[1])
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE outbox SET message = '{}', lane = NULL, platform_ref = NULL, error = NULL
         WHERE (lane = $1 OR lane LIKE $2) AND state <> 'pending'",
    )
    .bind(&lanes[0])
    .bind(&lanes[1])
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn scrub_inbox(
    conn: &mut PgConnection,
    member_id: i64,
    workspace: &str,
    user: &str,
    needles: &[Needle],
) -> anyhow::Result<()> {
    let rows = rows_holding(conn, "inbox", "event", Within::Workspace(workspace), needles).await?;
    rewrite_json(conn, "inbox", "event", rows, Some(user), needles).await?;
    // De-duplication keys that carry their id (one replacement for all of them keeps keys apart).
    sqlx::query(
        "UPDATE inbox SET delivery_id = replace(delivery_id, $1, $2) WHERE workspace = $3 AND strpos(delivery_id, $1) > 0",
    )
    .bind(user)
    .bind(format!("forgotten-{member_id}"))
    .bind(workspace)
    .execute(&mut *conn)
    .await?;
    // Their lane (the order of their own commands and answers) names them too.
    sqlx::query("UPDATE inbox SET lane = $2 WHERE workspace = $3 AND lane = $1")
        .bind(format!("user:{user}"))
        .bind(format!("user:forgotten-{member_id}"))
        .bind(workspace)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn scrub_outbox(conn: &mut PgConnection, workspace_id: i64, needles: &[Needle]) -> anyhow::Result<()> {
    let rows = rows_holding(conn, "outbox", "message", Within::WorkspaceId(workspace_id), needles).await?;
    rewrite_json(conn, "outbox", "message", rows, None, needles).await
}

async fn scrub_digests(conn: &mut PgConnection, member_id: i64, needles: &[Needle]) -> anyhow::Result<()> {
    // Their entries in posted digests' snapshots (an edit re-renders from these): by run.
    let runs: Vec<i64> = sqlx::query_scalar("SELECT id FROM standup_runs WHERE member_id = $1")
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, content FROM digests").fetch_all(&mut *conn).await?;
    for (id, content) in rows {
        if let Some(scrubbed) = scrubbed_digest(&content, &runs, needles)? {
            sqlx::query("UPDATE digests SET content = $1 WHERE id = $2")
                .bind(scrubbed)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

async fn scrub_jobs(conn: &mut PgConnection, needles: &[Needle]) -> anyhow::Result<()> {
    let rows = rows_holding(conn, "jobs", "payload", Within::All, needles).await?;
    rewrite_json(conn, "jobs", "payload", rows, None, needles).await
}
