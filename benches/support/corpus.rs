#![allow(dead_code, reason = "each benchmark reads a different part of a message")]

//! The channel traffic both delivery benchmarks replay: who says what where, the same on every run.
//! About one message in five is a sync ping ("hi", "got a minute?"), which the nudge feature
//! records; the rest are ordinary work messages, some of them thread replies, some mentioning
//! a colleague. Deterministic (a fixed index → message), so the two benchmarks and every run see
//! the same mix.

/// Members who write in the benchmark's channels.
pub const MEMBERS: usize = 200;
/// Channels they write in.
pub const CHANNELS: usize = 20;
/// The benchmark's workspace (Slack team id).
pub const TEAM: &str = "T0BENCH001";

/// Ordinary messages: the sender said what they need, so no nudge.
const ORDINARY: &[&str] = &[
    "the nightly export failed again with a timeout on the orders table, I'm rerunning it with a bigger batch size",
    "can you review the PR for the billing migration before Thursday? it touches the invoice numbering",
    "staging is down since the last deploy, I rolled back but the queue is still stuck at 4k jobs",
    "where do we keep the VPN config for the new office? the wiki link 404s",
    "I pushed the fix, tests are green locally but CI complains about the lockfile",
    "the customer asked whether we support SSO with Okta, do we have a doc I can send them",
    "meeting notes are in the doc, decisions at the bottom, please add anything I missed",
    "sounds good, let's ship it after the freeze lifts on Monday",
    "heads up: the certificate for api.example.com expires in 9 days, renewal ticket is OPS-1234",
    "I'll be offline tomorrow afternoon for the dentist, the release checklist is up to date",
    "the flaky test in payments_spec.rb was a time zone issue, fixed in #4821",
    "do we still need the legacy webhook endpoint? it got 3 calls last month, all from our own monitor",
    "the design review moved to 15:00, same room, agenda in the calendar invite",
    "benchmarks for the new parser: 2.3x faster on large files, memory flat, numbers in the PR",
    "el despliegue de ayer rompió el login en iOS, ya abrí un ticket con los logs",
    "die Rechnungen für März fehlen im Export, ich schaue mir das nach dem Mittag an",
];

/// Sync pings: a greeting or an availability question with nothing else.
const PINGS: &[&str] = &["hi", "hey", "got a minute?", "good morning!", "hello, are you there?", "quick question"];

/// One generated channel message.
pub struct Message {
    /// The author's user id.
    pub user: String,
    /// The channel id.
    pub channel: String,
    /// The text as Slack delivers it (a mention is `<@U…>`).
    pub text: String,
    /// A member mentioned in it, if any.
    pub mentions: Option<String>,
    /// The parent's `ts` for a thread reply.
    pub thread_ts: Option<String>,
    /// Whether the classifier should take it for a ping.
    pub ping: bool,
}

/// The Slack user id of member `n`.
pub fn user_id(n: usize) -> String {
    format!("U0BENCH{:04}", n % MEMBERS)
}

/// Where member `user` works: one in four on the US west coast (off hours during a European
/// morning, so mentioning them queues a notice), the rest in Berlin.
pub fn timezone_of(user: &str) -> &'static str {
    let n: usize = user.trim_start_matches(|c: char| !c.is_ascii_digit()).parse().unwrap_or(0);
    if n % 4 == 0 { "America/Los_Angeles" } else { "Europe/Berlin" }
}

/// The Slack channel id of channel `n`.
pub fn channel_id(n: usize) -> String {
    format!("C0BENCH{:04}", n % CHANNELS)
}

/// A Slack `ts` unique to (`run`, `index`): seconds from the run, the index as microseconds.
pub fn ts(run_secs: u64, index: u64) -> String {
    format!("{}.{:06}", run_secs + index / 1_000_000, index % 1_000_000)
}

/// Message number `index` of the traffic (`ts` is that message's own id, for thread parents).
pub fn message(index: u64, run_secs: u64) -> Message {
    // A multiplicative hash spreads consecutive indices over members, channels and texts.
    let h = index.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16;
    let user = user_id(h as usize);
    let channel = channel_id((h >> 12) as usize);
    let kind = (h >> 24) % 10;
    let ping = kind < 2;
    let mention = (kind == 2 || kind == 3).then(|| user_id((h >> 32) as usize + 1));
    let body =
        if ping { PINGS[(h >> 40) as usize % PINGS.len()] } else { ORDINARY[(h >> 40) as usize % ORDINARY.len()] };
    let text = match (&mention, ping) {
        (Some(other), false) => format!("<@{other}> {body}"),
        _ => body.to_owned(),
    };
    // Every tenth message answers in the thread of a message a hundred earlier.
    let thread_ts = (kind == 9 && index >= 100).then(|| ts(run_secs, index - 100));
    Message { user, channel, text, mentions: mention, thread_ts, ping }
}
