//! Purpose: standup runs in SQLite — one row per (standup, member, local date), the unit that
//! makes a prompt exactly-once.

use chrono::{DateTime, Utc};

use super::{SqliteStore, secs};
use crate::ports::{RunKey, RunState};

pub(super) async fn create_run(
    store: &SqliteStore,
    key: &RunKey,
    tz: &str,
    prompt_at: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let mut tx = store.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO standup_runs (standup_id, member_id, local_date, tz, prompt_at, state)
         VALUES (?, ?, ?, ?, ?, 'scheduled')
         ON CONFLICT (standup_id, member_id, local_date) DO NOTHING",
    )
    .bind(key.standup_id)
    .bind(key.member_id)
    .bind(key.local_date.to_string())
    .bind(tz)
    .bind(secs(prompt_at))
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(inserted)
}

pub(super) async fn transition_run(
    store: &SqliteStore,
    key: &RunKey,
    from: RunState,
    to: RunState,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let mut tx = store.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE standup_runs SET state = ?,
             prompted_at = CASE WHEN ? = 'prompted' THEN ? ELSE prompted_at END,
             answered_at = CASE WHEN ? = 'answered' THEN ? ELSE answered_at END
         WHERE standup_id = ? AND member_id = ? AND local_date = ? AND state = ?",
    )
    .bind(to.as_str())
    .bind(to.as_str())
    .bind(secs(now))
    .bind(to.as_str())
    .bind(secs(now))
    .bind(key.standup_id)
    .bind(key.member_id)
    .bind(key.local_date.to_string())
    .bind(from.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(changed)
}

pub(super) async fn run_state(store: &SqliteStore, key: &RunKey) -> anyhow::Result<Option<RunState>> {
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM standup_runs WHERE standup_id = ? AND member_id = ? AND local_date = ?")
            .bind(key.standup_id)
            .bind(key.member_id)
            .bind(key.local_date.to_string())
            .fetch_optional(store.pool())
            .await?;
    Ok(state.and_then(|s| RunState::parse(&s)))
}
