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
impl RetentionStore for PgStore {
    async fn delete_expired(&self, _expired: Expired, _limit: u32) -> anyhow::Result<u64> {
        anyhow::bail!("RetentionStore is not yet implemented on PostgreSQL")
    }
}
