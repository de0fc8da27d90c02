//! Purpose: slash-command replies that reach the member wherever they typed the command. A
//! command typed where the bot is not a member (a DM between two people, a private channel
//! without the bot) cannot be answered with `chat.postEphemeral` (`channel_not_found`), but its
//! `response_url` works everywhere the command does: ephemeral, for 30 minutes and 5 uses. The
//! intake remembers each command's URL under (channel, user), the key the engine's private
//! replies carry, and the platform answers through it first (SPEC §7: replies are private).
//!
//! The URLs are credentials while they live: never logged, kept only in memory, dropped once
//! spent or expired. A restart forgets them, and replies then take the fallbacks.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// How long Slack accepts a `response_url`, less a margin for the request itself.
pub const LIFETIME: Duration = Duration::from_secs(29 * 60);
/// How many times Slack accepts one `response_url`.
pub const USES: u32 = 5;
/// The most URLs remembered at once: a bound on memory whatever arrives.
const MAX_REMEMBERED: usize = 10_000;

struct Remembered {
    url: String,
    received: Instant,
    used: u32,
}

impl Remembered {
    /// Within its half hour (a spent URL is kept until then, so a redelivered command cannot
    /// renew it).
    fn alive(&self, now: Instant) -> bool {
        now.duration_since(self.received) < LIFETIME
    }
}

/// The live `response_url`s of slash commands, by (channel, user). Shared by the intake (which
/// learns them) and the platform (which answers through them).
#[derive(Default)]
pub struct ResponseUrls {
    by_conversation: Mutex<HashMap<(String, String), Vec<Remembered>>>,
}

impl std::fmt::Debug for ResponseUrls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URLs are credentials: never printed.
        f.write_str("ResponseUrls { .. }")
    }
}

impl ResponseUrls {
    /// Remembers the `response_url` of a command `user` typed in `channel`.
    pub fn remember(&self, channel: &str, user: &str, url: &str) {
        if url.is_empty() {
            return;
        }
        let now = Instant::now();
        let mut all = self.by_conversation.lock().expect("response urls lock");
        if all.len() >= MAX_REMEMBERED {
            for urls in all.values_mut() {
                urls.retain(|r| r.alive(now));
            }
            all.retain(|_, urls| !urls.is_empty());
            if all.len() >= MAX_REMEMBERED {
                // Still full of live URLs: the oldest conversations go; their replies take the fallbacks.
                let oldest = all.iter().min_by_key(|(_, urls)| urls.last().map(|r| r.received)).map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    all.remove(&oldest);
                }
            }
        }
        let urls = all.entry((channel.to_owned(), user.to_owned())).or_default();
        urls.retain(|r| r.alive(now));
        if urls.iter().any(|r| r.url == url) {
            // The same command delivered twice (a redelivered envelope): its uses are counted once.
            return;
        }
        urls.push(Remembered { url: url.to_owned(), received: now, used: 0 });
    }

    /// A URL to answer `user` in `channel` through, counted as one use: the newest one still
    /// usable (it lives longest).
    pub fn take(&self, channel: &str, user: &str) -> Option<String> {
        let now = Instant::now();
        let mut all = self.by_conversation.lock().expect("response urls lock");
        let key = (channel.to_owned(), user.to_owned());
        let urls = all.get_mut(&key)?;
        urls.retain(|r| r.alive(now));
        let taken = urls.iter_mut().rev().find(|r| r.used < USES).map(|newest| {
            newest.used += 1;
            newest.url.clone()
        });
        if urls.is_empty() {
            all.remove(&key);
        }
        taken
    }

    /// Forgets a URL Slack refused (expired, used up, or the command's conversation is gone).
    pub fn forget(&self, channel: &str, user: &str, url: &str) {
        let mut all = self.by_conversation.lock().expect("response urls lock");
        let key = (channel.to_owned(), user.to_owned());
        if let Some(urls) = all.get_mut(&key) {
            urls.retain(|r| r.url != url);
            if urls.is_empty() {
                all.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_url_serves_five_replies_within_its_half_hour_and_no_more() {
        let urls = ResponseUrls::default();
        urls.remember("C1", "U1", "https://hooks.slack.com/commands/T1/1/a");
        for _ in 0..USES {
            assert_eq!(urls.take("C1", "U1").as_deref(), Some("https://hooks.slack.com/commands/T1/1/a"));
        }
        assert_eq!(urls.take("C1", "U1"), None, "a sixth use would be refused");
        urls.remember("C1", "U1", "https://hooks.slack.com/commands/T1/1/a");
        assert_eq!(urls.take("C1", "U1"), None, "the same command redelivered does not renew its URL");

        urls.remember("C1", "U1", "https://hooks.slack.com/commands/T1/2/b");
        tokio::time::advance(LIFETIME).await;
        assert_eq!(urls.take("C1", "U1"), None, "expired");
    }

    #[tokio::test(start_paused = true)]
    async fn replies_go_to_their_own_conversation_through_its_newest_url() {
        let urls = ResponseUrls::default();
        urls.remember("C1", "U1", "old");
        tokio::time::advance(Duration::from_secs(60)).await;
        urls.remember("C1", "U1", "new");
        urls.remember("C1", "U2", "bobs");
        assert_eq!(urls.take("C1", "U1").as_deref(), Some("new"));
        assert_eq!(urls.take("C2", "U1"), None, "another channel has no URL");
        urls.forget("C1", "U1", "new");
        assert_eq!(urls.take("C1", "U1").as_deref(), Some("old"), "a refused URL is not used again");
        assert_eq!(urls.take("C1", "U2").as_deref(), Some("bobs"));
        assert!(!format!("{urls:?}").contains("bobs"), "never printed");
    }
}
