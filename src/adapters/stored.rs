//! Purpose: how both stores keep an instant — INTEGER/BIGINT Unix seconds in UTC — so SQLite and
//! PostgreSQL read and write the same values.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

/// Unix seconds of an instant, as stored.
pub(crate) fn secs(instant: DateTime<Utc>) -> i64 {
    instant.timestamp()
}

/// An instant from stored Unix seconds.
pub(crate) fn instant(secs: i64) -> anyhow::Result<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0).with_context(|| format!("stored instant {secs} is out of range"))
}
