//! Purpose: erasure that erases (`/async forget-me`, `unhurried forget USER_ID`). In one
//! transaction, a member's row becomes "former member" and everything they wrote or that is
//! addressed to them is deleted or blanked, wherever it was copied:
//!
//! - their own rows: settings, out of office, standup memberships, notices, pings (`nudges`),
//!   questions they asked or were asked (`open_questions`), the text of their answers (the rows
//!   stay, so digests and stats still count a "former member");
//! - copies: messages to them in the outbox (pending ones are dropped, sent ones blanked), the
//!   inbox events they sent, digest snapshots, and any other message, payload or error text that
//!   names them (id, mention, display name) or repeats their words, as typed or as rendered in
//!   the platform's markup.
//!
//! Decisions they logged stay, as the team's record, without their name. Words shorter than
//! `MIN_WORDS` characters are erased where they were written, but not searched for elsewhere
//! (they would match other people's text). What is searched for and what replaces it is shared
//! with PostgreSQL (`adapters/erasure.rs`); this file is SQLite's SQL. SQLite's `secure_delete`
//! is on for every connection (`SqliteStore::connect`), so erased text is overwritten in the
//! file, not left in free space; the `-wal` file keeps old pages until the next checkpoint
//! (`serve` checkpoints when it stops).

use anyhow::Context as _;
use sqlx::SqliteConnection;

use super::SqliteStore;
use crate::adapters::erasure::FORMER_MEMBER;
pub use crate::adapters::erasure::ForgettableMember;
use crate::adapters::erasure::{
    Needle, TEXT_COLUMNS, json_escaped, lanes_to, needles, scrubbed_digest, scrubbed_json, their_words,
};
use crate::domain::platform::Platform;

impl SqliteStore {
    /// Members (one per workspace) with this platform user id, not yet forgotten.
    pub async fn members_with_platform_id(&self, user: &str) -> anyhow::Result<Vec<ForgettableMember>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT m.id, w.platform, w.platform_id FROM members m JOIN workspaces w ON w.id = m.workspace_id
             WHERE m.platform_user_id = ? AND m.forgotten = 0 ORDER BY m.id",
        )
        .bind(user)
        .fetch_all(&mut *self.read().await?)
        .await?;
        Ok(rows.into_iter().map(|(id, platform, workspace)| ForgettableMember { id, platform, workspace }).collect())
    }
}

/// Erases member `member_id` in the transaction of `conn`.
pub(super) async fn erase_member(conn: &mut SqliteConnection, member_id: i64) -> anyhow::Result<()> {
    let member: Option<(String, String, i64, String, String, bool)> = sqlx::query_as(
        "SELECT m.platform_user_id, m.display_name, m.workspace_id, w.platform, w.platform_id, m.forgotten
         FROM members m JOIN workspaces w ON w.id = m.workspace_id WHERE m.id = ?",
    )
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((user, name, workspace_id, platform, workspace, forgotten)) = member else { return Ok(()) };
    if forgotten {
        return Ok(());
    }
    let platform: Platform = platform.parse()?;
    // Overflow and freed pages are zeroed too while erasing (connections use FAST otherwise).
    sqlx::raw_sql("PRAGMA secure_delete = ON").execute(&mut *conn).await?;
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
            let sql = format!("UPDATE {table} SET {column} = replace({column}, ?1, ?2) WHERE instr({column}, ?1) > 0");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&needle.find).bind(needle.replace).execute(&mut *conn).await?;
        }
    }
    sqlx::raw_sql("PRAGMA secure_delete = FAST").execute(&mut *conn).await?;
    Ok(())
}

/// Everything they typed that the store kept: answers, questions they asked, and the text of
/// every event they sent (messages, commands, form submissions).
async fn words_of(
    conn: &mut SqliteConnection,
    member_id: i64,
    workspace: &str,
    user: &str,
) -> anyhow::Result<std::collections::BTreeSet<String>> {
    let answers: Vec<String> =
        sqlx::query_scalar("SELECT a.text FROM answers a JOIN standup_runs r ON r.id = a.run_id WHERE r.member_id = ?")
            .bind(member_id)
            .fetch_all(&mut *conn)
            .await?;
    let questions: Vec<String> = sqlx::query_scalar("SELECT text FROM open_questions WHERE asker_id = ?")
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
    let events = events_of(conn, workspace, user).await?.into_iter().map(|(_, event)| event);
    Ok(their_words(answers.into_iter().chain(questions), events, user))
}

/// Inbox rows of `workspace` whose event mentions `user` anywhere: (id, event JSON).
async fn events_of(conn: &mut SqliteConnection, workspace: &str, user: &str) -> anyhow::Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT id, event FROM inbox WHERE workspace = ? AND instr(event, ?) > 0")
        .bind(workspace)
        .bind(json_escaped(user))
        .fetch_all(&mut *conn)
        .await?)
}

/// Rows of `table` whose `column` holds any needle (as stored in JSON), restricted by `scope`.
async fn rows_holding(
    conn: &mut SqliteConnection,
    table: &str,
    column: &str,
    scope: &str,
    scope_value: Option<&str>,
    needles: &[Needle],
) -> anyhow::Result<Vec<(i64, String)>> {
    let mut found = std::collections::BTreeMap::new();
    for needle in needles {
        let sql = format!("SELECT id, {column} FROM {table} WHERE {scope} AND instr({column}, ?) > 0");
        let mut query = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
        if let Some(value) = scope_value {
            query = query.bind(value.to_owned());
        }
        for (id, text) in query.bind(json_escaped(&needle.find)).fetch_all(&mut *conn).await? {
            found.insert(id, text);
        }
    }
    Ok(found.into_iter().collect())
}

/// Rewrites `column` of the given JSON rows with their needles replaced.
async fn rewrite_json(
    conn: &mut SqliteConnection,
    table: &str,
    column: &str,
    rows: Vec<(i64, String)>,
    user: Option<&str>,
    needles: &[Needle],
) -> anyhow::Result<()> {
    for (id, text) in rows {
        let scrubbed = scrubbed_json(&text, user, needles)?;
        let sql = format!("UPDATE {table} SET {column} = ? WHERE id = ?");
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scrubbed).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

async fn erase_own_rows(
    conn: &mut SqliteConnection,
    member_id: i64,
    workspace_id: i64,
    user: &str,
) -> anyhow::Result<()> {
    // Answers stay (a digest or stats still count them) but say nothing and name no one: the
    // member row is anonymised rather than deleted, so answers keep their run and digest links.
    sqlx::query(
        "UPDATE members SET forgotten = 1, display_name = ?, tz = NULL, hours = NULL, days = NULL,
             dm_channel = NULL, unreachable_since = NULL, forget_requested_at = NULL,
             platform_user_id = 'forgotten-' || id WHERE id = ?",
    )
    .bind(FORMER_MEMBER)
    .bind(member_id)
    .execute(&mut *conn)
    .await?;
    for sql in [
        "DELETE FROM out_of_office WHERE member_id = ?1",
        "DELETE FROM standup_members WHERE member_id = ?1",
        "DELETE FROM offhours_notices WHERE sender_id = ?1 OR recipient_id = ?1",
        "DELETE FROM open_questions WHERE asker_id = ?1 OR asked_id = ?1",
        "DELETE FROM nudges WHERE sender_id = ?1",
        "UPDATE decisions SET author_id = NULL WHERE author_id = ?1",
        "UPDATE answers SET text = '' WHERE run_id IN (SELECT id FROM standup_runs WHERE member_id = ?1)",
        "UPDATE standup_runs SET prompt_message = NULL WHERE member_id = ?1",
        "UPDATE jobs SET state = 'cancelled' WHERE state = 'pending' AND json_extract(payload, '$.member_id') = ?1",
    ] {
        sqlx::query(sql).bind(member_id).execute(&mut *conn).await.with_context(|| sql.to_owned())?;
    }
    // Messages to them: not sent any more, and not kept once sent.
    let lanes = lanes_to(workspace_id, user);
    sqlx::query("DELETE FROM outbox WHERE (lane = ?1 OR lane LIKE ?2) AND state = 'pending' AND maybe_sent = 0")
        .bind(&lanes[0])
        .bind(&lanes[1])
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE outbox SET message = '{}', lane = NULL, platform_ref = NULL, error = NULL
         WHERE (lane = ?1 OR lane LIKE ?2) AND state <> 'pending'",
    )
    .bind(&lanes[0])
    .bind(&lanes[1])
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn scrub_inbox(
    conn: &mut SqliteConnection,
    member_id: i64,
    workspace: &str,
    user: &str,
    needles: &[Needle],
) -> anyhow::Result<()> {
    let rows = rows_holding(conn, "inbox", "event", "workspace = ?", Some(workspace), needles).await?;
    rewrite_json(conn, "inbox", "event", rows, Some(user), needles).await?;
    // De-duplication keys that carry their id (one replacement for all of them keeps keys apart).
    sqlx::query(
        "UPDATE inbox SET delivery_id = replace(delivery_id, ?1, ?2) WHERE workspace = ?3 AND instr(delivery_id, ?1) > 0",
    )
    .bind(user)
    .bind(format!("forgotten-{member_id}"))
    .bind(workspace)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn scrub_outbox(conn: &mut SqliteConnection, workspace_id: i64, needles: &[Needle]) -> anyhow::Result<()> {
    let workspace_id = workspace_id.to_string();
    let rows = rows_holding(conn, "outbox", "message", "workspace_id = ?", Some(&workspace_id), needles).await?;
    rewrite_json(conn, "outbox", "message", rows, None, needles).await
}

async fn scrub_digests(conn: &mut SqliteConnection, member_id: i64, needles: &[Needle]) -> anyhow::Result<()> {
    // Their entries in posted digests' snapshots (an edit re-renders from these): by run.
    let runs: Vec<i64> = sqlx::query_scalar("SELECT id FROM standup_runs WHERE member_id = ?")
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, content FROM digests").fetch_all(&mut *conn).await?;
    for (id, content) in rows {
        if let Some(scrubbed) = scrubbed_digest(&content, &runs, needles)? {
            sqlx::query("UPDATE digests SET content = ? WHERE id = ?")
                .bind(scrubbed)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

async fn scrub_jobs(conn: &mut SqliteConnection, needles: &[Needle]) -> anyhow::Result<()> {
    let rows = rows_holding(conn, "jobs", "payload", "1 = 1", None, needles).await?;
    rewrite_json(conn, "jobs", "payload", rows, None, needles).await
}
