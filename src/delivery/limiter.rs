//! Purpose: pacing. Posts to one Slack workspace are spaced to `delivery.slack_posts_per_second`
//! (Slack allows "several hundred messages per minute" per workspace), so a fan-out does not run
//! into 429s in the first place. A 429 that still comes holds back only its own lane, for its
//! `Retry-After` (the store's `not_before`): other conversations and private replies go on.
//! Private replies are never paced. Discord needs none of this here: serenity reads its buckets
//! from the response headers and waits per route before a 429 happens. Which platform is paced
//! is the platform's to say (`ChatPlatform::paced`): the simulated one is not. Where several
//! processes share a PostgreSQL store, slots come from the store instead
//! (`OutboxStore::take_post_slot`), so together they keep the rate.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Paces posts per workspace.
pub struct Limiter {
    /// The gap between two posts to one Slack workspace.
    spacing: Duration,
    /// The next instant a post to a workspace may start, per workspace store id.
    next_slot: Mutex<HashMap<i64, Instant>>,
}

impl Limiter {
    /// A limiter allowing `posts_per_second` posts per Slack workspace.
    pub fn new(posts_per_second: u32) -> Self {
        Limiter { spacing: Duration::from_secs(1) / posts_per_second.max(1), next_slot: Mutex::new(HashMap::new()) }
    }

    /// The gap between two posts to one workspace.
    pub fn spacing(&self) -> Duration {
        self.spacing
    }

    /// Waits for this post's slot in its workspace, and takes it (for platforms that are
    /// [`paced`](crate::ports::ChatPlatform::paced)).
    pub async fn wait_for_post(&self, workspace_id: i64) {
        let slot = {
            let mut next = self.next_slot.lock().expect("limiter lock");
            let now = Instant::now();
            let slot = next.get(&workspace_id).copied().filter(|slot| *slot > now).unwrap_or(now);
            next.insert(workspace_id, slot + self.spacing);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::platform::Platform;

    #[tokio::test(start_paused = true)]
    async fn posts_to_one_workspace_are_spaced_and_other_workspaces_do_not_wait() {
        let limiter = Limiter::new(10);
        let started = Instant::now();
        for _ in 0..3 {
            limiter.wait_for_post(1).await;
        }
        assert_eq!(started.elapsed(), Duration::from_millis(200), "three posts, 100 ms apart");
        let other = Instant::now();
        limiter.wait_for_post(2).await;
        assert_eq!(other.elapsed(), Duration::ZERO);
    }

    #[test]
    fn a_simulated_platform_is_not_paced_even_as_slack() {
        use crate::adapters::clock::ManualClock;
        use crate::adapters::simulated::SimulatedPlatform;
        use crate::ports::ChatPlatform;
        let clock = std::sync::Arc::new(ManualClock::new(chrono::Utc::now()));
        for platform in [Platform::Slack, Platform::Discord] {
            let simulated = SimulatedPlatform::new(platform, clock.clone(), Default::default());
            assert!(!simulated.paced(), "{platform}: a virtual clock needs no real-time spacing");
        }
    }
}
