//! Purpose: nudges, off-hours mentions and notices, and open questions in PostgreSQL, as on SQLite
//! (`adapters/sqlite/nudges.rs`). What must happen once (one nudge per ping, one off-hours notice
//! per sender, recipient and date, one open question per thread and member) is a unique key.

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{PgStore, instant, secs};
use crate::ports::{NewNudge, NewQuestion, NudgeRecord, NudgeState, NudgeStore, OpenQuestion, QuestionStore};

#[derive(sqlx::FromRow)]
struct NudgeRow {
    id: i64,
    workspace_id: i64,
    channel_id: i64,
    sender_id: i64,
    ping_message: String,
    thread: Option<String>,
    kind: String,
    state: String,
}

impl TryFrom<NudgeRow> for NudgeRecord {
    type Error = anyhow::Error;

    fn try_from(row: NudgeRow) -> anyhow::Result<Self> {
        let state =
            NudgeState::parse(&row.state).with_context(|| format!("nudge {} has state {}", row.id, row.state))?;
        Ok(NudgeRecord {
            id: row.id,
            workspace_id: row.workspace_id,
            channel_id: row.channel_id,
            sender_id: row.sender_id,
            ping_message: row.ping_message,
            thread: row.thread,
            kind: row.kind,
            state,
        })
    }
}

const NUDGE_COLUMNS: &str = "id, workspace_id, channel_id, sender_id, ping_message, thread, kind, state";

#[async_trait]
impl NudgeStore for PgStore {
    async fn record_nudge(&self, nudge: &NewNudge) -> anyhow::Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO nudges (workspace_id, channel_id, sender_id, ping_message, thread, kind, state, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7)
             ON CONFLICT (channel_id, ping_message) DO NOTHING RETURNING id",
        )
        .bind(nudge.workspace_id)
        .bind(nudge.channel_id)
        .bind(nudge.sender_id)
        .bind(&nudge.ping_message)
        .bind(&nudge.thread)
        .bind(&nudge.kind)
        .bind(secs(nudge.created_at))
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn nudge(&self, nudge_id: i64) -> anyhow::Result<Option<NudgeRecord>> {
        let sql = format!("SELECT {NUDGE_COLUMNS} FROM nudges WHERE id = $1");
        let row: Option<NudgeRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(nudge_id).fetch_optional(&mut *self.read().await?).await?;
        row.map(NudgeRecord::try_from).transpose()
    }

    async fn waiting_nudges(&self, channel_id: i64, sender_id: i64) -> anyhow::Result<Vec<NudgeRecord>> {
        let sql = format!(
            "SELECT {NUDGE_COLUMNS} FROM nudges WHERE channel_id = $1 AND sender_id = $2 AND state = 'waiting' ORDER BY id"
        );
        let rows: Vec<NudgeRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(channel_id)
            .bind(sender_id)
            .fetch_all(&mut *self.read().await?)
            .await?;
        rows.into_iter().map(NudgeRecord::try_from).collect()
    }

    async fn transition_nudge(
        &self,
        nudge_id: i64,
        from: NudgeState,
        to: NudgeState,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let changed = self
            .write(
                sqlx::query(
                    "UPDATE nudges SET state = $1,
                 sent_at = CASE WHEN $1 IN ('sent', 'dry_run') THEN $2 ELSE sent_at END
             WHERE id = $3 AND state = $4",
                )
                .bind(to.as_str())
                .bind(secs(now))
                .bind(nudge_id)
                .bind(from.as_str()),
            )
            .await?
            == 1;
        Ok(changed)
    }

    async fn last_prompted_at(&self, channel_id: i64, sender_id: i64) -> anyhow::Result<Option<DateTime<Utc>>> {
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(sent_at) FROM nudges WHERE channel_id = $1 AND sender_id = $2 AND state IN ('sent', 'dry_run')",
        )
        .bind(channel_id)
        .bind(sender_id)
        .fetch_one(&mut *self.read().await?)
        .await?;
        last.map(instant).transpose()
    }

    async fn mark_converted(
        &self,
        channel_id: i64,
        sender_id: i64,
        thread: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let changed = self
            .write(
                sqlx::query(
                    "UPDATE nudges SET converted_at = $1
             WHERE channel_id = $2 AND sender_id = $3 AND (ping_message = $4 OR thread = $4)
               AND state = 'sent' AND converted_at IS NULL",
                )
                .bind(secs(now))
                .bind(channel_id)
                .bind(sender_id)
                .bind(thread),
            )
            .await?
            > 0;
        Ok(changed)
    }

    async fn record_offhours_mention(
        &self,
        workspace_id: i64,
        recipient_id: i64,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.write(
            sqlx::query("INSERT INTO offhours_mentions (workspace_id, recipient_id, at) VALUES ($1, $2, $3)")
                .bind(workspace_id)
                .bind(recipient_id)
                .bind(secs(at)),
        )
        .await?;
        Ok(())
    }

    async fn claim_offhours_notice(
        &self,
        sender_id: i64,
        recipient_id: i64,
        local_date: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let inserted = self
            .write(
                sqlx::query(
                    "INSERT INTO offhours_notices (sender_id, recipient_id, local_date, sent_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
                )
                .bind(sender_id)
                .bind(recipient_id)
                .bind(local_date)
                .bind(secs(now)),
            )
            .await?
            == 1;
        Ok(inserted)
    }
}

#[derive(sqlx::FromRow)]
struct QuestionRow {
    channel: String,
    message: String,
    asker_user: String,
    asker_name: String,
    text: String,
    asked_at: i64,
}

#[async_trait]
impl QuestionStore for PgStore {
    async fn record_question(&self, question: &NewQuestion) -> anyhow::Result<bool> {
        let inserted = self
            .write(
                sqlx::query(
                    "INSERT INTO open_questions (workspace_id, channel, message, asker_id, asked_id, text, asked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                )
                .bind(question.workspace_id)
                .bind(&question.channel)
                .bind(&question.message)
                .bind(question.asker_id)
                .bind(question.asked_id)
                .bind(&question.text)
                .bind(secs(question.asked_at)),
            )
            .await?
            == 1;
        Ok(inserted)
    }

    async fn answer_questions(
        &self,
        channel: &str,
        message: &str,
        asked_id: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<u64> {
        let closed = self
            .write(
                sqlx::query(
                    "UPDATE open_questions SET answered_at = $1
             WHERE channel = $2 AND message = $3 AND asked_id = $4 AND answered_at IS NULL",
                )
                .bind(secs(now))
                .bind(channel)
                .bind(message)
                .bind(asked_id),
            )
            .await?;
        Ok(closed)
    }

    async fn open_questions_for(
        &self,
        asked_id: i64,
        asked_since: Option<DateTime<Utc>>,
    ) -> anyhow::Result<Vec<OpenQuestion>> {
        let rows: Vec<QuestionRow> = sqlx::query_as(
            "SELECT q.channel, q.message, m.platform_user_id AS asker_user, m.display_name AS asker_name,
                    q.text, q.asked_at
             FROM open_questions q JOIN members m ON m.id = q.asker_id
             WHERE q.asked_id = $1 AND q.answered_at IS NULL AND q.asked_at >= $2 AND m.forgotten = FALSE
             ORDER BY q.asked_at, q.id",
        )
        .bind(asked_id)
        .bind(asked_since.map_or(i64::MIN, secs))
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(OpenQuestion {
                    channel: row.channel,
                    message: row.message,
                    asker_user: row.asker_user,
                    asker_name: row.asker_name,
                    text: row.text,
                    asked_at: instant(row.asked_at)?,
                })
            })
            .collect()
    }
}
