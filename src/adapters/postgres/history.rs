//! Purpose: past standup answers in PostgreSQL, filtered to what one reader may read.

use async_trait::async_trait;

use super::standups::parse_date;
use super::{PgStore, instant};
use crate::ports::{HistoryAnswer, HistoryQuery, HistoryStore};

#[derive(sqlx::FromRow)]
struct HistoryRow {
    standup_id: i64,
    standup_name: String,
    questions: String,
    member_id: i64,
    member_user: String,
    member_name: String,
    local_date: String,
    question_index: i64,
    text: String,
    updated_at: i64,
}

#[async_trait]
impl HistoryStore for PgStore {
    async fn answer_history(&self, query: &HistoryQuery) -> anyhow::Result<Vec<HistoryAnswer>> {
        // Names sort in byte order, as on SQLite, whatever the database's collation.
        let rows: Vec<HistoryRow> = sqlx::query_as(
            "SELECT r.standup_id, s.name AS standup_name, s.questions, r.member_id,
                    m.platform_user_id AS member_user,
                    CASE WHEN m.display_name = '' THEN m.platform_user_id ELSE m.display_name END AS member_name,
                    r.local_date, a.question_index, a.text, a.updated_at
             FROM answers a
             JOIN standup_runs r ON r.id = a.run_id
             JOIN standups s ON s.id = r.standup_id
             JOIN members m ON m.id = r.member_id
             WHERE s.workspace_id = $1
               AND (r.standup_id = ANY($2) OR r.member_id = $3)
               AND ($4::BIGINT IS NULL OR r.standup_id = $4)
               AND ($5::BIGINT IS NULL OR r.member_id = $5)
               AND r.local_date >= $6
             ORDER BY r.local_date DESC, s.name COLLATE \"C\",
                      (CASE WHEN m.display_name = '' THEN m.platform_user_id ELSE m.display_name END) COLLATE \"C\",
                      r.member_id, a.question_index
             LIMIT $7",
        )
        .bind(query.workspace_id)
        .bind(&query.readable_standups)
        .bind(query.reader_id)
        .bind(query.standup_id)
        .bind(query.member_id)
        .bind(query.since.to_string())
        .bind(i64::from(query.limit))
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter()
            .map(|row| {
                let questions: Vec<String> = serde_json::from_str(&row.questions).unwrap_or_default();
                let question_index = usize::try_from(row.question_index).unwrap_or(0);
                Ok(HistoryAnswer {
                    standup_id: row.standup_id,
                    standup_name: row.standup_name,
                    question: questions.get(question_index).cloned().unwrap_or_default(),
                    member_id: row.member_id,
                    member_user: row.member_user,
                    member_name: row.member_name,
                    local_date: parse_date(&row.local_date)?,
                    question_index,
                    text: row.text,
                    updated_at: instant(row.updated_at)?,
                })
            })
            .collect()
    }
}
