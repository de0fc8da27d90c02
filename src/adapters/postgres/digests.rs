//! Purpose: the `StandupStore` port in PostgreSQL — answers, digests, and what a digest reads from
//! the decisions, open-question and nudge tables. Standup and run rows are in `standups.rs`.

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::standups::parse_date;
use super::{PgStore, instant, secs};
use crate::domain::events::OutgoingMessage;
use crate::ports::standups::StandupFootprint;
use crate::ports::{AnswerRecord, DigestRecord, NewDigest, RunKey, RunRecord, RunState, StandupRecord, StandupStore};

#[derive(sqlx::FromRow)]
struct AnswerRow {
    run_id: i64,
    member_id: i64,
    local_date: String,
    question_index: i64,
    text: String,
    is_blocker: bool,
    answered_at: i64,
    digest_id: Option<i64>,
}

impl AnswerRow {
    fn into_record(self) -> anyhow::Result<AnswerRecord> {
        Ok(AnswerRecord {
            run_id: self.run_id,
            member_id: self.member_id,
            local_date: parse_date(&self.local_date)?,
            question_index: usize::try_from(self.question_index).unwrap_or(0),
            text: self.text,
            is_blocker: self.is_blocker,
            answered_at: instant(self.answered_at)?,
            digest_id: self.digest_id,
        })
    }
}

const ANSWER_SELECT: &str = "SELECT a.run_id, r.member_id, r.local_date, a.question_index, a.text, a.is_blocker,
     COALESCE(r.answered_at, a.answered_at) AS answered_at, a.digest_id
     FROM answers a JOIN standup_runs r ON r.id = a.run_id";

impl PgStore {
    /// The answers matching `condition` (with one parameter `$1`), in digest order.
    async fn answers_where(&self, condition: &str, bind: i64) -> anyhow::Result<Vec<AnswerRecord>> {
        let rows: Vec<AnswerRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{ANSWER_SELECT} WHERE {condition} ORDER BY COALESCE(r.answered_at, a.answered_at), r.id, a.question_index"
        )))
        .bind(bind)
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter().map(AnswerRow::into_record).collect()
    }
}

#[async_trait]
impl StandupStore for PgStore {
    async fn create_standup(&self, standup: &StandupRecord, channel_id: i64) -> anyhow::Result<Option<i64>> {
        self.write_standup(standup, channel_id, true).await
    }

    async fn save_standup(&self, standup: &StandupRecord, channel_id: i64) -> anyhow::Result<()> {
        self.write_standup(standup, channel_id, false).await?.context("the standup to save does not exist")?;
        Ok(())
    }

    async fn delete_standup(&self, standup_id: i64) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        // Answers point at digests without a cascade: drop them before the digests go.
        sqlx::query("DELETE FROM answers WHERE run_id IN (SELECT id FROM standup_runs WHERE standup_id = $1)")
            .bind(standup_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM standups WHERE id = $1").bind(standup_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn standup(&self, standup_id: i64) -> anyhow::Result<Option<StandupRecord>> {
        Ok(self.standups_where("s.id = $1", standup_id).await?.pop())
    }

    async fn standup_named(&self, workspace_id: i64, name: &str) -> anyhow::Result<Option<StandupRecord>> {
        self.standup_by_name_any_case(workspace_id, name).await
    }

    async fn standups(&self, workspace_id: i64) -> anyhow::Result<Vec<StandupRecord>> {
        self.standups_where("s.workspace_id = $1", workspace_id).await
    }

    async fn standups_of(&self, member_id: i64) -> anyhow::Result<Vec<StandupRecord>> {
        self.standups_where("s.id IN (SELECT standup_id FROM standup_members WHERE member_id = $1)", member_id).await
    }

    async fn run(&self, key: &RunKey) -> anyhow::Result<Option<RunRecord>> {
        self.run_by_key(key).await
    }

    async fn latest_run(&self, standup_id: i64, member_id: i64) -> anyhow::Result<Option<RunRecord>> {
        self.run_where("standup_id = $1 AND member_id = $2 ORDER BY local_date DESC", &[standup_id, member_id]).await
    }

    async fn open_run_of(&self, member_id: i64) -> anyhow::Result<Option<RunRecord>> {
        self.run_where("member_id = $1 AND state = 'prompted' ORDER BY prompted_at DESC, id DESC", &[member_id]).await
    }

    async fn prompt_run(
        &self,
        key: &RunKey,
        tz: &str,
        workspace_id: i64,
        prompt: &OutgoingMessage,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        self.create_prompted_run(key, tz, workspace_id, prompt, now).await
    }

    async fn settle_run(
        &self,
        key: &RunKey,
        tz: &str,
        state: RunState,
        now: DateTime<Utc>,
    ) -> anyhow::Result<RunRecord> {
        self.settle(key, tz, state, now).await
    }

    async fn remind_run(
        &self,
        run_id: i64,
        workspace_id: i64,
        reminder: &OutgoingMessage,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        self.remind(run_id, workspace_id, reminder, now).await
    }

    async fn save_answer(
        &self,
        run_id: i64,
        question_index: usize,
        text: &str,
        is_blocker: bool,
        complete: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            // A run's answers travel together: a new answer to a run a digest carried (a question
            // added since) belongs to that digest, never to a second one.
            "INSERT INTO answers (run_id, question_index, text, is_blocker, answered_at, updated_at, digest_id)
             VALUES ($1, $2, $3, $4, $5, $5, (SELECT MAX(digest_id) FROM answers WHERE run_id = $1))
             ON CONFLICT (run_id, question_index) DO UPDATE SET text = excluded.text,
                 is_blocker = excluded.is_blocker, updated_at = excluded.updated_at",
        )
        .bind(run_id)
        .bind(question_index as i64)
        .bind(text)
        .bind(is_blocker)
        .bind(secs(now))
        .execute(&mut *tx)
        .await?;
        let next = question_index as i64 + 1;
        if complete {
            // An edit keeps the first answered_at, so the member keeps their place in the digest.
            sqlx::query(
                "UPDATE standup_runs SET next_question = GREATEST(next_question, $1), state = 'answered',
                     answered_at = COALESCE(answered_at, $2) WHERE id = $3",
            )
            .bind(next)
            .bind(secs(now))
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query("UPDATE standup_runs SET next_question = GREATEST(next_question, $1) WHERE id = $2")
                .bind(next)
                .bind(run_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn undigested_answers(&self, standup_id: i64) -> anyhow::Result<Vec<AnswerRecord>> {
        self.answers_where("r.standup_id = $1 AND r.state = 'answered' AND a.digest_id IS NULL", standup_id).await
    }

    async fn answers_of_run(&self, run_id: i64) -> anyhow::Result<Vec<AnswerRecord>> {
        self.answers_where("a.run_id = $1", run_id).await
    }

    async fn blocker_history(
        &self,
        standup_id: i64,
        member_id: i64,
        until: NaiveDate,
        limit: u32,
    ) -> anyhow::Result<Vec<(NaiveDate, bool)>> {
        let rows: Vec<(String, bool)> = sqlx::query_as(
            "SELECT r.local_date, COALESCE(bool_or(a.is_blocker), FALSE) FROM standup_runs r
             LEFT JOIN answers a ON a.run_id = r.id
             WHERE r.standup_id = $1 AND r.member_id = $2 AND r.state = 'answered' AND r.local_date <= $3
             GROUP BY r.id ORDER BY r.local_date DESC LIMIT $4",
        )
        .bind(standup_id)
        .bind(member_id)
        .bind(until.to_string())
        .bind(i64::from(limit))
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter().map(|(date, blocker)| Ok((parse_date(&date)?, blocker))).collect()
    }

    async fn record_digest(&self, digest: &NewDigest<'_>, now: DateTime<Utc>) -> anyhow::Result<Option<i64>> {
        let NewDigest { standup_id, key, run_ids, content, workspace_id, chunks } = *digest;
        let mut tx = self.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO digests (standup_id, local_date, posted_at, content) VALUES ($1, $2, $3, $4)
             ON CONFLICT (standup_id, local_date) DO NOTHING RETURNING id",
        )
        .bind(standup_id)
        .bind(key)
        .bind(secs(now))
        .bind(content)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else { return Ok(None) };
        for run_id in run_ids {
            sqlx::query("UPDATE answers SET digest_id = $1 WHERE run_id = $2 AND digest_id IS NULL")
                .bind(id)
                .bind(run_id)
                .execute(&mut *tx)
                .await?;
        }
        let outbox_ids = super::outbox::insert_messages(&mut tx, workspace_id, chunks, now).await?;
        sqlx::query("UPDATE digests SET messages = $1 WHERE id = $2")
            .bind(serde_json::to_string(&outbox_ids)?)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn digest(&self, digest_id: i64) -> anyhow::Result<Option<DigestRecord>> {
        let row: Option<(i64, i64, String, String)> =
            sqlx::query_as("SELECT id, standup_id, messages, content FROM digests WHERE id = $1")
                .bind(digest_id)
                .fetch_optional(&mut *self.read().await?)
                .await?;
        row.map(|(id, standup_id, messages, content)| {
            Ok(DigestRecord {
                id,
                standup_id,
                outbox_ids: serde_json::from_str(&messages).context("stored digest messages")?,
                content,
            })
        })
        .transpose()
    }

    async fn save_digest_content(&self, digest_id: i64, content: &str) -> anyhow::Result<()> {
        self.write(sqlx::query("UPDATE digests SET content = $1 WHERE id = $2").bind(content).bind(digest_id)).await?;
        Ok(())
    }

    async fn runs_in_digests_of(&self, standup_id: i64, date: &str) -> anyhow::Result<i64> {
        // A manual digest's key is "<date> now <unix time>"; the scheduled one's is "<date>".
        let runs = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT a.run_id) FROM answers a JOIN digests d ON d.id = a.digest_id
             WHERE d.standup_id = $1 AND (d.local_date = $2 OR d.local_date LIKE $2 || ' now %')",
        )
        .bind(standup_id)
        .bind(date)
        .fetch_one(&mut *self.read().await?)
        .await?;
        Ok(runs)
    }

    async fn last_digest_at(&self, standup_id: i64) -> anyhow::Result<Option<DateTime<Utc>>> {
        let at: Option<i64> = sqlx::query_scalar("SELECT MAX(posted_at) FROM digests WHERE standup_id = $1")
            .bind(standup_id)
            .fetch_one(&mut *self.read().await?)
            .await?;
        at.map(instant).transpose()
    }

    async fn channel_decisions_between(
        &self,
        workspace_id: i64,
        channel: &str,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> anyhow::Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT d.text FROM decisions d JOIN channels c ON c.id = d.channel_id
             WHERE d.workspace_id = $1 AND c.platform_channel_id = $2 AND d.created_at > $3 AND d.created_at <= $4
             ORDER BY d.created_at, d.id",
        )
        .bind(workspace_id)
        .bind(channel)
        .bind(secs(since))
        .bind(secs(until))
        .fetch_all(&mut *self.read().await?)
        .await?)
    }

    async fn channel_open_questions(
        &self,
        workspace_id: i64,
        channel: &str,
        asked_since: Option<DateTime<Utc>>,
    ) -> anyhow::Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT asked_id, text FROM open_questions
             WHERE workspace_id = $1 AND channel = $2 AND answered_at IS NULL AND asked_at >= $3
             ORDER BY asked_at, id",
        )
        .bind(workspace_id)
        .bind(channel)
        .bind(asked_since.map_or(i64::MIN, secs))
        .fetch_all(&mut *self.read().await?)
        .await?)
    }

    async fn converted_pings_between(
        &self,
        workspace_id: i64,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM nudges WHERE workspace_id = $1 AND converted_at > $2 AND converted_at <= $3",
        )
        .bind(workspace_id)
        .bind(secs(since))
        .bind(secs(until))
        .fetch_one(&mut *self.read().await?)
        .await?)
    }

    async fn drop_pending_jobs(&self, prefix: &str) -> anyhow::Result<u64> {
        let n = self
            .write(sqlx::query("DELETE FROM jobs WHERE state = 'pending' AND starts_with(key, $1)").bind(prefix))
            .await?;
        Ok(n)
    }

    async fn pending_job(&self, prefix: &str) -> anyhow::Result<Option<(DateTime<Utc>, String)>> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT due_at, key FROM jobs WHERE state IN ('pending', 'claimed') AND starts_with(key, $1)
             ORDER BY due_at LIMIT 1",
        )
        .bind(prefix)
        .fetch_optional(&mut *self.read().await?)
        .await?;
        row.map(|(due, key)| Ok((instant(due)?, key))).transpose()
    }

    async fn take_pending_jobs(&self, prefix: &str) -> anyhow::Result<Vec<(DateTime<Utc>, String)>> {
        self.take_pending_jobs_in_range(prefix).await
    }

    async fn set_standup_member(&self, standup_id: i64, member_id: i64, member: bool) -> anyhow::Result<bool> {
        self.write_standup_member(standup_id, member_id, member).await
    }

    async fn standup_footprint(&self, standup_id: i64) -> anyhow::Result<StandupFootprint> {
        self.count_standup_rows(standup_id).await
    }
}
