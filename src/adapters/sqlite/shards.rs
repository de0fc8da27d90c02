//! Purpose: gateway shards leased in SQLite ([`ShardStore`]): the same contract as PostgreSQL's,
//! each statement inside `BEGIN IMMEDIATE`, so claims never overlap. `serve` on SQLite holds every
//! shard without asking (one process, the instance lock); the rows matter to tools and tests.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::{SqliteStore, secs};
use crate::ports::ShardStore;

#[async_trait]
impl ShardStore for SqliteStore {
    async fn renew_shards(
        &self,
        worker: &str,
        total: u32,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> anyhow::Result<Vec<u32>> {
        let until = secs(now + lease);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO gateway_workers (worker, lease_until) VALUES (?, ?)
             ON CONFLICT (worker) DO UPDATE SET lease_until = excluded.lease_until",
        )
        .bind(worker)
        .bind(until)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM gateway_workers WHERE lease_until <= ?").bind(secs(now)).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM gateway_shards WHERE total <> ?").bind(i64::from(total)).execute(&mut *tx).await?;
        let mut held: Vec<i64> = sqlx::query_scalar(
            "UPDATE gateway_shards SET lease_until = ? WHERE held_by = ? AND total = ? AND lease_until > ?
             RETURNING shard",
        )
        .bind(until)
        .bind(worker)
        .bind(i64::from(total))
        .bind(secs(now))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        held.sort_unstable();
        Ok(held.into_iter().map(|shard| shard as u32).collect())
    }

    async fn claim_shards(
        &self,
        worker: &str,
        total: u32,
        now: DateTime<Utc>,
        lease: Duration,
        max: u32,
    ) -> anyhow::Result<Vec<u32>> {
        if max == 0 || total == 0 {
            return Ok(Vec::new());
        }
        let total = i64::from(total);
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM gateway_shards WHERE total <> ?").bind(total).execute(&mut *tx).await?;
        // `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT.
        sqlx::query(
            "WITH RECURSIVE n(s) AS (SELECT 0 UNION ALL SELECT s + 1 FROM n WHERE s + 1 < ?1)
             INSERT INTO gateway_shards (shard, total) SELECT s, ?1 FROM n WHERE true
             ON CONFLICT (shard) DO NOTHING",
        )
        .bind(total)
        .execute(&mut *tx)
        .await?;
        let mut taken: Vec<i64> = sqlx::query_scalar(
            "UPDATE gateway_shards SET held_by = ?, lease_until = ?
             WHERE shard IN (
                 SELECT shard FROM gateway_shards
                 WHERE total = ? AND (held_by IS NULL OR lease_until IS NULL OR lease_until <= ?)
                 ORDER BY shard LIMIT ?)
             RETURNING shard",
        )
        .bind(worker)
        .bind(secs(now + lease))
        .bind(total)
        .bind(secs(now))
        .bind(i64::from(max))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        taken.sort_unstable();
        Ok(taken.into_iter().map(|shard| shard as u32).collect())
    }

    async fn live_shard_workers(&self, now: DateTime<Utc>) -> anyhow::Result<u32> {
        let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM gateway_workers WHERE lease_until > ?")
            .bind(secs(now))
            .fetch_one(&mut *self.read().await?)
            .await?;
        Ok(live as u32)
    }

    async fn release_shards(&self, worker: &str, shards: &[u32]) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        for &shard in shards {
            sqlx::query("UPDATE gateway_shards SET held_by = NULL, lease_until = NULL WHERE held_by = ? AND shard = ?")
                .bind(worker)
                .bind(i64::from(shard))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn leave_shards(&self, worker: &str) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE gateway_shards SET held_by = NULL, lease_until = NULL WHERE held_by = ?")
            .bind(worker)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM gateway_workers WHERE worker = ?").bind(worker).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
