//! The shard-lease contract on both stores (`stores.rs`): gateway shards leased to one worker at
//! a time, taken over once a lease lapses, kept by renewal, freed by release, discarded when the
//! shard count changes, and the count of live workers that sets each one's fair share.

use chrono::{DateTime, Duration, Utc};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

const T0: &str = "2026-03-30T08:00:00Z";

fn lease() -> Duration {
    Duration::seconds(30)
}

crate::store_contract! {
    async fn two_workers_never_hold_one_shard(t: TestStore) {
        let s = &t.store;
        let now = at(T0);
        assert_eq!(s.claim_shards("a", 2, now, lease(), 1).await.unwrap(), vec![0]);
        assert_eq!(s.claim_shards("b", 2, now, lease(), 2).await.unwrap(), vec![1]);
        assert_eq!(s.claim_shards("a", 2, now, lease(), 2).await.unwrap(), Vec::<u32>::new());
        assert_eq!(s.renew_shards("a", 2, now, lease()).await.unwrap(), vec![0]);
        assert_eq!(s.renew_shards("b", 2, now, lease()).await.unwrap(), vec![1]);

        // Eight workers claiming 16 shards at once, at most 3 each: every shard taken once.
        let mut claims = Vec::new();
        for worker in 0..8 {
            let s = s.clone();
            claims.push(tokio::spawn(async move {
                s.claim_shards(&format!("w{worker}"), 16, now, lease(), 3).await.unwrap()
            }));
        }
        let mut taken = Vec::new();
        for claim in claims {
            let mine = claim.await.unwrap();
            assert!(mine.len() <= 3, "{mine:?}");
            taken.extend(mine);
        }
        taken.sort_unstable();
        assert_eq!(taken, (0..16).collect::<Vec<u32>>(), "each shard of 16 held once");
    }

    async fn a_lapsed_shard_lease_is_taken_by_another_worker(t: TestStore) {
        let s = &t.store;
        let start = at(T0);
        assert_eq!(s.claim_shards("a", 2, start, lease(), 2).await.unwrap(), vec![0, 1]);
        let just_before = start + lease() - Duration::seconds(1);
        assert_eq!(s.claim_shards("b", 2, just_before, lease(), 2).await.unwrap(), Vec::<u32>::new());
        let lapsed = start + lease();
        assert_eq!(s.claim_shards("b", 2, lapsed, lease(), 1).await.unwrap(), vec![0]);
        // The old holder learns it at its next renewal: neither shard is its own any more (one is
        // b's, the other lapsed), so it stops both sessions.
        assert_eq!(s.renew_shards("a", 2, lapsed, lease()).await.unwrap(), Vec::<u32>::new());
        assert_eq!(s.claim_shards("b", 2, lapsed, lease(), 1).await.unwrap(), vec![1]);
        assert_eq!(s.renew_shards("b", 2, lapsed, lease()).await.unwrap(), vec![0, 1]);
    }

    async fn renewal_keeps_a_shard_past_its_first_lease(t: TestStore) {
        let s = &t.store;
        let start = at(T0);
        assert_eq!(s.claim_shards("a", 2, start, lease(), 2).await.unwrap(), vec![0, 1]);
        let renewed = start + Duration::seconds(20);
        assert_eq!(s.renew_shards("a", 2, renewed, lease()).await.unwrap(), vec![0, 1]);
        // Past the first lease, within the renewed one: still a's.
        let later = start + Duration::seconds(40);
        assert_eq!(s.claim_shards("b", 2, later, lease(), 2).await.unwrap(), Vec::<u32>::new());
        // Once the renewed lease lapses too, b takes both.
        let lapsed = renewed + lease();
        assert_eq!(s.claim_shards("b", 2, lapsed, lease(), 2).await.unwrap(), vec![0, 1]);
    }

    async fn released_shards_are_free_at_once(t: TestStore) {
        let s = &t.store;
        let now = at(T0);
        assert_eq!(s.claim_shards("a", 3, now, lease(), 3).await.unwrap(), vec![0, 1, 2]);
        s.release_shards("a", &[1]).await.unwrap();
        // Releasing what another worker holds changes nothing.
        s.release_shards("b", &[0, 2]).await.unwrap();
        assert_eq!(s.claim_shards("b", 3, now, lease(), 3).await.unwrap(), vec![1]);
        assert_eq!(s.renew_shards("a", 3, now, lease()).await.unwrap(), vec![0, 2]);
        s.leave_shards("a").await.unwrap();
        assert_eq!(s.claim_shards("b", 3, now, lease(), 3).await.unwrap(), vec![0, 2]);
        assert_eq!(s.renew_shards("b", 3, now, lease()).await.unwrap(), vec![0, 1, 2]);
    }

    async fn a_new_shard_count_discards_the_old_rows(t: TestStore) {
        let s = &t.store;
        let now = at(T0);
        assert_eq!(s.claim_shards("a", 2, now, lease(), 2).await.unwrap(), vec![0, 1]);
        // Another process runs with 3 shards: a's leases of 2 are gone, every shard of 3 is free.
        assert_eq!(s.claim_shards("b", 3, now, lease(), 2).await.unwrap(), vec![0, 1]);
        assert_eq!(s.renew_shards("b", 3, now, lease()).await.unwrap(), vec![0, 1]);
        assert_eq!(s.renew_shards("a", 3, now, lease()).await.unwrap(), Vec::<u32>::new());
        assert_eq!(s.claim_shards("a", 3, now, lease(), 2).await.unwrap(), vec![2]);
    }

    async fn live_shard_workers_are_those_whose_presence_has_not_lapsed(t: TestStore) {
        let s = &t.store;
        let start = at(T0);
        assert_eq!(s.live_shard_workers(start).await.unwrap(), 0);
        s.renew_shards("a", 2, start, lease()).await.unwrap();
        s.renew_shards("b", 2, start + Duration::seconds(10), lease()).await.unwrap();
        assert_eq!(s.live_shard_workers(start + Duration::seconds(10)).await.unwrap(), 2);
        // a stopped renewing: after its lease only b counts.
        assert_eq!(s.live_shard_workers(start + lease()).await.unwrap(), 1);
        s.leave_shards("b").await.unwrap();
        assert_eq!(s.live_shard_workers(start + Duration::seconds(10)).await.unwrap(), 1, "a is still in its lease");
        s.leave_shards("a").await.unwrap();
        assert_eq!(s.live_shard_workers(start).await.unwrap(), 0);
    }
}
