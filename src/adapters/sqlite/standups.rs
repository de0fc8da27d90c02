//! Purpose: standups, their members and runs in SQLite. A run row is unique per (standup,
//! member, member-local date); creating it in the same transaction as queueing the prompt makes a
//! prompt exactly-once across crashes, restarts and duplicate job runs.

use anyhow::Context as _;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::{SqliteStore, instant, secs};
use crate::domain::events::OutgoingMessage;
use crate::ports::standups::StandupFootprint;
use crate::ports::{RunKey, RunRecord, RunState, StandupRecord};

#[derive(sqlx::FromRow)]
struct StandupRow {
    id: i64,
    workspace_id: i64,
    name: String,
    channel: String,
    questions: String,
    blocker_question: Option<i64>,
    recurrence: String,
    digest_at: String,
    digest_tz: String,
    reminder_secs: Option<i64>,
    skipped_dates: String,
    paused: bool,
    digest_when_empty: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct RunRow {
    id: i64,
    standup_id: i64,
    member_id: i64,
    local_date: String,
    prompt_at: i64,
    state: String,
    prompted_at: Option<i64>,
    reminded_at: Option<i64>,
    answered_at: Option<i64>,
    next_question: i64,
}

const STANDUP_SELECT: &str = "SELECT s.id, s.workspace_id, s.name, c.platform_channel_id AS channel, s.questions,
     s.blocker_question, s.recurrence, s.digest_at, s.digest_tz, s.reminder_secs, s.skipped_dates, s.paused,
     s.digest_when_empty, s.created_at FROM standups s JOIN channels c ON c.id = s.channel_id";

pub(super) const RUN_COLUMNS: &str =
    "id, standup_id, member_id, local_date, prompt_at, state, prompted_at, reminded_at, answered_at, next_question";

pub(super) fn parse_date(text: &str) -> anyhow::Result<NaiveDate> {
    text.parse().with_context(|| format!("stored date '{text}' is invalid"))
}

impl RunRow {
    fn into_record(self) -> anyhow::Result<RunRecord> {
        Ok(RunRecord {
            id: self.id,
            key: RunKey {
                standup_id: self.standup_id,
                member_id: self.member_id,
                local_date: parse_date(&self.local_date)?,
            },
            prompt_at: instant(self.prompt_at)?,
            state: RunState::parse(&self.state)
                .with_context(|| format!("run {} has state '{}'", self.id, self.state))?,
            prompted_at: self.prompted_at.map(instant).transpose()?,
            reminded_at: self.reminded_at.map(instant).transpose()?,
            answered_at: self.answered_at.map(instant).transpose()?,
            next_question: usize::try_from(self.next_question).unwrap_or(0),
        })
    }
}

impl SqliteStore {
    async fn standup_record(&self, row: StandupRow) -> anyhow::Result<StandupRecord> {
        // One row, not one per member: sqlx hands every row over a channel from its SQLite
        // thread, and a due prompt loads its standup, so a fan-out to 10,000 members spent most
        // of its time moving 10,000 rows per prompt.
        let listed: Option<String> = sqlx::query_scalar(
            "SELECT group_concat(member_id, ',' ORDER BY member_id) FROM standup_members WHERE standup_id = ?",
        )
        .bind(row.id)
        .fetch_one(&mut *self.read().await?)
        .await?;
        let members = listed
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter(|id| !id.is_empty())
            .map(|id| id.parse::<i64>().context("stored standup member"))
            .collect::<anyhow::Result<Vec<i64>>>()?;
        let skipped: Vec<String> = serde_json::from_str(&row.skipped_dates).context("stored skipped dates")?;
        Ok(StandupRecord {
            id: row.id,
            workspace_id: row.workspace_id,
            name: row.name,
            channel: row.channel,
            questions: serde_json::from_str(&row.questions).context("stored questions")?,
            blocker_question: row.blocker_question.and_then(|b| usize::try_from(b).ok()),
            recurrence: row.recurrence,
            digest_at: NaiveTime::parse_from_str(&row.digest_at, "%H:%M").context("stored digest time")?,
            digest_tz: row.digest_tz,
            reminder: row.reminder_secs.map(Duration::seconds),
            skipped_dates: skipped.iter().map(|d| parse_date(d)).collect::<anyhow::Result<_>>()?,
            paused: row.paused,
            digest_when_empty: row
                .digest_when_empty
                .parse()
                .map_err(|_| anyhow::anyhow!("standup {} has digest_when_empty '{}'", row.id, row.digest_when_empty))?,
            created_at: instant(row.created_at)?,
            members,
        })
    }

    pub(super) async fn standups_where(&self, condition: &str, bind: i64) -> anyhow::Result<Vec<StandupRecord>> {
        let rows: Vec<StandupRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{STANDUP_SELECT} WHERE {condition} ORDER BY s.name")))
                .bind(bind)
                .fetch_all(&mut *self.read().await?)
                .await?;
        let mut standups = Vec::with_capacity(rows.len());
        for row in rows {
            standups.push(self.standup_record(row).await?);
        }
        Ok(standups)
    }

    pub(super) async fn standup_by_name(&self, workspace_id: i64, name: &str) -> anyhow::Result<Option<StandupRecord>> {
        let row: Option<StandupRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{STANDUP_SELECT} WHERE s.workspace_id = ? AND s.name = ?")))
                .bind(workspace_id)
                .bind(name)
                .fetch_optional(&mut *self.read().await?)
                .await?;
        match row {
            Some(row) => Ok(Some(self.standup_record(row).await?)),
            None => Ok(None),
        }
    }

    pub(super) async fn write_standup(
        &self,
        standup: &StandupRecord,
        channel_id: i64,
        create: bool,
    ) -> anyhow::Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let skipped: Vec<String> = standup.skipped_dates.iter().map(NaiveDate::to_string).collect();
        let sql = if create {
            "INSERT INTO standups (name, channel_id, questions, blocker_question, recurrence, digest_at, digest_tz,
                 reminder_secs, skipped_dates, paused, digest_when_empty, workspace_id, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, name) DO NOTHING RETURNING id"
        } else {
            "UPDATE standups SET name = ?, channel_id = ?, questions = ?, blocker_question = ?, recurrence = ?,
                 digest_at = ?, digest_tz = ?, reminder_secs = ?, skipped_dates = ?, paused = ?,
                 digest_when_empty = ?
             WHERE workspace_id = ? AND id = ? RETURNING id"
        };
        let query = sqlx::query_scalar::<_, i64>(sql)
            .bind(&standup.name)
            .bind(channel_id)
            .bind(serde_json::to_string(&standup.questions)?)
            .bind(standup.blocker_question.map(|b| b as i64))
            .bind(&standup.recurrence)
            .bind(standup.digest_at.format("%H:%M").to_string())
            .bind(&standup.digest_tz)
            .bind(standup.reminder.map(|d| d.num_seconds()))
            .bind(serde_json::to_string(&skipped)?)
            .bind(standup.paused)
            .bind(standup.digest_when_empty.as_str())
            .bind(standup.workspace_id);
        let query = if create { query.bind(secs(standup.created_at)) } else { query.bind(standup.id) };
        let Some(id) = query.fetch_optional(&mut *tx).await? else {
            return Ok(None);
        };
        sqlx::query("DELETE FROM standup_members WHERE standup_id = ?").bind(id).execute(&mut *tx).await?;
        for member in &standup.members {
            sqlx::query("INSERT INTO standup_members (standup_id, member_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(member)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(id))
    }

    pub(super) async fn run_where(&self, condition: &str, binds: &[i64]) -> anyhow::Result<Option<RunRecord>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM standup_runs WHERE {condition} LIMIT 1");
        let mut query = sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(sql));
        for bind in binds {
            query = query.bind(*bind);
        }
        query.fetch_optional(&mut *self.read().await?).await?.map(RunRow::into_record).transpose()
    }

    pub(super) async fn run_by_key(&self, key: &RunKey) -> anyhow::Result<Option<RunRecord>> {
        let row: Option<RunRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM standup_runs WHERE standup_id = ? AND member_id = ? AND local_date = ?"
        )))
        .bind(key.standup_id)
        .bind(key.member_id)
        .bind(key.local_date.to_string())
        .fetch_optional(&mut *self.read().await?)
        .await?;
        row.map(RunRow::into_record).transpose()
    }

    pub(super) async fn create_prompted_run(
        &self,
        key: &RunKey,
        tz: &str,
        workspace_id: i64,
        prompt: &OutgoingMessage,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO standup_runs (standup_id, member_id, local_date, tz, prompt_at, state, prompted_at)
             VALUES (?, ?, ?, ?, ?, 'prompted', ?) ON CONFLICT (standup_id, member_id, local_date) DO NOTHING",
        )
        .bind(key.standup_id)
        .bind(key.member_id)
        .bind(key.local_date.to_string())
        .bind(tz)
        .bind(secs(now))
        .bind(secs(now))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !inserted {
            return Ok(false);
        }
        // A run stays open until the member's next prompt (SPEC §3): older unanswered ones close.
        sqlx::query(
            "UPDATE standup_runs SET state = 'missed'
             WHERE standup_id = ? AND member_id = ? AND local_date < ? AND state IN ('prompted', 'scheduled')",
        )
        .bind(key.standup_id)
        .bind(key.member_id)
        .bind(key.local_date.to_string())
        .execute(&mut *tx)
        .await?;
        super::outbox::insert_messages(&mut tx, workspace_id, std::slice::from_ref(prompt), now).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub(super) async fn settle(
        &self,
        key: &RunKey,
        tz: &str,
        state: RunState,
        now: DateTime<Utc>,
    ) -> anyhow::Result<RunRecord> {
        let mut tx = self.begin_write().await?;
        let answered = (state == RunState::Answered).then_some(secs(now));
        sqlx::query(
            "INSERT INTO standup_runs (standup_id, member_id, local_date, tz, prompt_at, state, answered_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (standup_id, member_id, local_date) DO UPDATE SET state = excluded.state,
                 answered_at = COALESCE(excluded.answered_at, answered_at)
             WHERE state IN ('scheduled', 'prompted')",
        )
        .bind(key.standup_id)
        .bind(key.member_id)
        .bind(key.local_date.to_string())
        .bind(tz)
        .bind(secs(now))
        .bind(state.as_str())
        .bind(answered)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.run_by_key(key).await?.context("a settled run must exist")
    }

    pub(super) async fn remind(
        &self,
        run_id: i64,
        workspace_id: i64,
        reminder: &OutgoingMessage,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE standup_runs SET reminded_at = ? WHERE id = ? AND state = 'prompted' AND reminded_at IS NULL",
        )
        .bind(secs(now))
        .bind(run_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if changed {
            super::outbox::insert_messages(&mut tx, workspace_id, std::slice::from_ref(reminder), now).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }
}

/// Deletes the pending jobs in a key range (see [`prefix_upper_bound`]) through the key index.
/// The unary `+` keeps SQLite from reading `jobs_due (state, …)` instead: nearly every job is
/// pending, so that index would walk all of them.
const TAKE_PENDING_JOBS: &str =
    "DELETE FROM jobs WHERE key >= ? AND key < ? AND +state = 'pending' RETURNING due_at, key";

/// The first key after every key that starts with `prefix` (its last character moved up by
/// one), so `key >= prefix AND key < upper` is a range of the key index. Job key prefixes end in
/// an ASCII `:`, so the successor is always a character.
fn prefix_upper_bound(prefix: &str) -> String {
    let mut upper = prefix.to_owned();
    match upper.pop() {
        Some(last) => upper.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX)),
        None => upper.push(char::MAX),
    }
    upper
}

impl SqliteStore {
    /// Case-insensitive lookup: the exact spelling first (through the name index), else the one
    /// name equal in lower case. Names are few per workspace, and Rust's lowercasing covers every
    /// script (SQLite's NOCASE only ASCII).
    pub(super) async fn standup_by_name_any_case(
        &self,
        workspace_id: i64,
        name: &str,
    ) -> anyhow::Result<Option<StandupRecord>> {
        if let Some(standup) = self.standup_by_name(workspace_id, name).await? {
            return Ok(Some(standup));
        }
        let names: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM standups WHERE workspace_id = ?")
            .bind(workspace_id)
            .fetch_all(&mut *self.read().await?)
            .await?;
        let wanted = name.to_lowercase();
        match names.iter().find(|(_, n)| n.to_lowercase() == wanted) {
            Some((id, _)) => Ok(self.standups_where("s.id = ?", *id).await?.pop()),
            None => Ok(None),
        }
    }

    pub(super) async fn take_pending_jobs_in_range(
        &self,
        prefix: &str,
    ) -> anyhow::Result<Vec<(DateTime<Utc>, String)>> {
        let mut tx = self.begin_write().await?;
        let rows: Vec<(i64, String)> =
            sqlx::query_as(TAKE_PENDING_JOBS).bind(prefix).bind(prefix_upper_bound(prefix)).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.into_iter().map(|(due, key)| Ok((instant(due)?, key))).collect()
    }

    pub(super) async fn write_standup_member(
        &self,
        standup_id: i64,
        member_id: i64,
        member: bool,
    ) -> anyhow::Result<bool> {
        let query = if member {
            sqlx::query("INSERT INTO standup_members (standup_id, member_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
        } else {
            sqlx::query("DELETE FROM standup_members WHERE standup_id = ? AND member_id = ?")
        };
        Ok(self.write(query.bind(standup_id).bind(member_id)).await? == 1)
    }

    pub(super) async fn count_standup_rows(&self, standup_id: i64) -> anyhow::Result<StandupFootprint> {
        let (runs, answers, digests): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM standup_runs WHERE standup_id = ?1),
                    (SELECT COUNT(*) FROM answers a JOIN standup_runs r ON r.id = a.run_id WHERE r.standup_id = ?1),
                    (SELECT COUNT(*) FROM digests WHERE standup_id = ?1)",
        )
        .bind(standup_id)
        .fetch_one(&mut *self.read().await?)
        .await?;
        Ok(StandupFootprint { runs, answers, digests })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upper_bound_follows_every_key_with_the_prefix_and_nothing_else() {
        let prefix = "standup_prompt:1:2:";
        let upper = prefix_upper_bound(prefix);
        assert_eq!(upper, "standup_prompt:1:2;");
        let in_range = |key: &str| key >= prefix && key < upper.as_str();
        assert!(in_range("standup_prompt:1:2:2026-03-30"));
        assert!(!in_range("standup_prompt:1:20:2026-03-30"), "member 20 is not member 2");
        assert!(!in_range("standup_prompt:1:3:2026-03-30"));
        assert!(!in_range("standup_prompt:12:2:2026-03-30"));
    }

    /// A standup's change reschedules each member through this query, so a scan of every job
    /// would make an edit quadratic in the standup's size.
    #[tokio::test]
    async fn taking_a_members_pending_jobs_searches_the_key_index_instead_of_scanning_every_job() {
        let store = SqliteStore::open("sqlite::memory:").await.unwrap();
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {TAKE_PENDING_JOBS}")))
                .bind("standup_prompt:1:2:")
                .bind("standup_prompt:1:2;")
                .fetch_all(store.pool())
                .await
                .unwrap();
        let detail: Vec<&str> = plan.iter().map(|row| row.3.as_str()).collect();
        assert!(
            detail.iter().any(|d| d.starts_with("SEARCH jobs USING INDEX") && d.contains("key>? AND key<?")),
            "{detail:?}"
        );
        assert!(!detail.iter().any(|d| d.starts_with("SCAN")), "{detail:?}");
    }
}
