//! Purpose: one member's data for `/async export-me`, read from SQLite on one connection (inside
//! the command's unit of work, its snapshot). What is read and why is in `adapters/access.rs`.

use async_trait::async_trait;

use super::SqliteStore;
use crate::adapters::access::{self, Rows};
use crate::adapters::erasure::{json_escaped, lanes_to};
use crate::ports::{AccessStore, MemberData};

#[async_trait]
impl AccessStore for SqliteStore {
    async fn member_data(&self, member_id: i64) -> anyhow::Result<Option<MemberData>> {
        let mut conn = self.read().await?;
        let profile: Option<access::ProfileRow> = sqlx::query_as(
            "SELECT w.platform, w.platform_id AS workspace, m.platform_user_id AS user, m.display_name AS name,
                    m.tz, m.tz_source, m.hours, m.days, m.brief_on, m.nudge_opt_out, m.is_admin, m.dm_channel,
                    m.unreachable_since, m.created_at, m.profile_read_at, m.forget_requested_at, m.forgotten,
                    m.workspace_id
             FROM members m JOIN workspaces w ON w.id = m.workspace_id WHERE m.id = ?",
        )
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(profile) = profile.filter(|p| !p.forgotten) else { return Ok(None) };
        let out_of_office =
            sqlx::query_as("SELECT from_date, to_date FROM out_of_office WHERE member_id = ? ORDER BY from_date, id")
                .bind(member_id)
                .fetch_all(&mut *conn)
                .await?;
        let standups = sqlx::query_as(
            "SELECT s.name AS standup, c.platform_channel_id AS channel, s.questions, s.paused
             FROM standup_members sm JOIN standups s ON s.id = sm.standup_id JOIN channels c ON c.id = s.channel_id
             WHERE sm.member_id = ? ORDER BY s.name",
        )
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
        let runs = sqlx::query_as(
            "SELECT r.id, s.name AS standup, s.questions, r.local_date, r.tz, r.state, r.prompt_at, r.prompted_at,
                    r.reminded_at, r.answered_at
             FROM standup_runs r JOIN standups s ON s.id = r.standup_id
             WHERE r.member_id = ? ORDER BY r.local_date, s.name, r.id",
        )
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
        // Their own runs only: another member's answers are never selected.
        let answers = sqlx::query_as(
            "SELECT a.run_id, a.question_index, a.text, a.is_blocker, a.answered_at, a.updated_at
             FROM answers a JOIN standup_runs r ON r.id = a.run_id
             WHERE r.member_id = ? ORDER BY a.run_id, a.question_index",
        )
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
        let decisions = sqlx::query_as(
            "SELECT c.platform_channel_id AS channel, d.text, d.permalink, d.created_at
             FROM decisions d LEFT JOIN channels c ON c.id = d.channel_id
             WHERE d.author_id = ? ORDER BY d.created_at, d.id",
        )
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
        let pings = sqlx::query_as(
            "SELECT c.platform_channel_id AS channel, n.ping_message AS message, n.thread, n.kind, n.state,
                    n.created_at, n.sent_at, n.converted_at
             FROM nudges n JOIN channels c ON c.id = n.channel_id
             WHERE n.sender_id = ? ORDER BY n.created_at, n.id",
        )
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
        // The words of a question to them are the asker's: not selected.
        let questions = sqlx::query_as(
            "SELECT asker_id = ?1 AS theirs, channel, message,
                    CASE WHEN asker_id = ?1 THEN text ELSE '' END AS text, asked_at, answered_at
             FROM open_questions WHERE asker_id = ?1 OR asked_id = ?1 ORDER BY asked_at, id",
        )
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
        let notices = sqlx::query_as(
            "SELECT sender_id = ?1 AS sent_by_them, local_date, sent_at FROM offhours_notices
             WHERE sender_id = ?1 OR recipient_id = ?1 ORDER BY sent_at, local_date",
        )
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
        let mentions = sqlx::query_scalar("SELECT at FROM offhours_mentions WHERE recipient_id = ? ORDER BY at, id")
            .bind(member_id)
            .fetch_all(&mut *conn)
            .await?;
        let scheduled = sqlx::query_as(
            "SELECT kind, due_at FROM jobs
             WHERE state IN ('pending', 'claimed') AND json_extract(payload, '$.member_id') = ? ORDER BY due_at, id",
        )
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
        let events = sqlx::query_as(
            "SELECT event, received_at FROM inbox WHERE workspace = ? AND instr(event, ?) > 0 ORDER BY received_at, id",
        )
        .bind(&profile.workspace)
        .bind(json_escaped(&profile.user))
        .fetch_all(&mut *conn)
        .await?;
        let lanes = lanes_to(profile.workspace_id, &profile.user);
        let messages = sqlx::query_as(
            "SELECT purpose, COUNT(*) AS count FROM outbox
             WHERE workspace_id = ?1 AND (lane = ?2 OR lane LIKE ?3) GROUP BY purpose ORDER BY purpose",
        )
        .bind(profile.workspace_id)
        .bind(&lanes[0])
        .bind(&lanes[1])
        .fetch_all(&mut *conn)
        .await?;
        let rows = Rows {
            profile,
            out_of_office,
            standups,
            runs,
            answers,
            decisions,
            pings,
            questions,
            notices,
            mentions,
            scheduled,
            events,
            messages,
        };
        access::build(rows).map(Some)
    }
}
