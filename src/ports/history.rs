//! Purpose: past standup answers for `/async standup history`, with who gave them and to what.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

/// One stored answer with its question, standup and member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryAnswer {
    /// Store id of the standup.
    pub standup_id: i64,
    /// The standup's name.
    pub standup_name: String,
    /// The question, as the standup asks it now (empty when the question was removed since).
    pub question: String,
    /// Store id of the member.
    pub member_id: i64,
    /// The member's platform id.
    pub member_user: String,
    /// The member's display name (their platform id when unknown).
    pub member_name: String,
    /// The member-local date of the run.
    pub local_date: NaiveDate,
    /// 0-based number of the question.
    pub question_index: usize,
    /// The answer as written.
    pub text: String,
    /// When it was last written.
    pub updated_at: DateTime<Utc>,
}

/// What one reader asks for, and what they may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// Standups whose every answer the reader may read.
    pub readable_standups: Vec<i64>,
    /// The reader: their own answers are readable in any standup.
    pub reader_id: i64,
    /// Only this standup.
    pub standup_id: Option<i64>,
    /// Only this member.
    pub member_id: Option<i64>,
    /// Runs on or after this local date.
    pub since: NaiveDate,
    /// At most this many answers (the newest).
    pub limit: u32,
}

/// Past answers.
#[async_trait]
pub trait HistoryStore: Send + Sync {
    /// The answers the query allows, newest run first, then standup, member and question.
    async fn answer_history(&self, query: &HistoryQuery) -> anyhow::Result<Vec<HistoryAnswer>>;
}
