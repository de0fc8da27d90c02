//! Purpose: gateway shards leased in PostgreSQL ([`ShardStore`]). A claim takes free or lapsed
//! shard rows with `FOR UPDATE SKIP LOCKED`, so processes claiming at once never wait on each
//! other or take the same shard; a renewal extends only leases that have not lapsed.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::{PgStore, secs};
use crate::ports::ShardStore;

#[async_trait]
impl ShardStore for PgStore {
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
            "INSERT INTO gateway_workers (worker, lease_until) VALUES ($1, $2)
             ON CONFLICT (worker) DO UPDATE SET lease_until = EXCLUDED.lease_until",
        )
        .bind(worker)
        .bind(until)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM gateway_workers WHERE lease_until <= $1").bind(secs(now)).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM gateway_shards WHERE total <> $1").bind(i64::from(total)).execute(&mut *tx).await?;
        let mut held: Vec<i64> = sqlx::query_scalar(
            "UPDATE gateway_shards SET lease_until = $1 WHERE held_by = $2 AND total = $3 AND lease_until > $4
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
        sqlx::query("DELETE FROM gateway_shards WHERE total <> $1").bind(total).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO gateway_shards (shard, total) SELECT s, $1 FROM generate_series(0, $1 - 1) AS s
             ON CONFLICT (shard) DO NOTHING",
        )
        .bind(total)
        .execute(&mut *tx)
        .await?;
        // Rows another process is claiming or renewing right now are skipped, not waited for.
        let mut taken: Vec<i64> = sqlx::query_scalar(
            "UPDATE gateway_shards SET held_by = $1, lease_until = $2
             WHERE shard IN (
                 SELECT shard FROM gateway_shards
                 WHERE total = $3 AND (held_by IS NULL OR lease_until IS NULL OR lease_until <= $4)
                 ORDER BY shard LIMIT $5
                 FOR UPDATE SKIP LOCKED)
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
        let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM gateway_workers WHERE lease_until > $1")
            .bind(secs(now))
            .fetch_one(&mut *self.read().await?)
            .await?;
        Ok(live as u32)
    }

    async fn release_shards(&self, worker: &str, shards: &[u32]) -> anyhow::Result<()> {
        let shards: Vec<i64> = shards.iter().map(|&s| i64::from(s)).collect();
        self.write(
            sqlx::query(
                "UPDATE gateway_shards SET held_by = NULL, lease_until = NULL WHERE held_by = $1 AND shard = ANY($2)",
            )
            .bind(worker)
            .bind(shards),
        )
        .await?;
        Ok(())
    }

    async fn leave_shards(&self, worker: &str) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE gateway_shards SET held_by = NULL, lease_until = NULL WHERE held_by = $1")
            .bind(worker)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM gateway_workers WHERE worker = $1").bind(worker).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
