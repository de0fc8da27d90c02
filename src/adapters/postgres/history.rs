//! SCAFFOLD (branch pg only): replaced by the real implementation.
#![allow(unused_imports)]

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::PgStore;
use crate::domain::command::WeeklyAt;
use crate::domain::events::OutgoingMessage;
use crate::domain::platform::Platform;
use crate::ports::jobs::*;
use crate::ports::standups::*;
use crate::ports::*;

#[async_trait]
impl HistoryStore for PgStore {
    async fn answer_history(&self, _query: &HistoryQuery) -> anyhow::Result<Vec<HistoryAnswer>> {
        anyhow::bail!("HistoryStore is not yet implemented on PostgreSQL")
    }
}
