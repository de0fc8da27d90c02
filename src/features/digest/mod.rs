//! Purpose: standup digests (SPEC §4) — one `digest` job per standup and digest-zone date; each
//! posts what no digest carried yet (every answer in exactly one digest), and an answer edited
//! after its digest updates the posted message. [`compose`] decides the words.

pub mod compose;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::context::Context;
use crate::domain::calendar::Timezone;
use crate::domain::classifier::is_no_blocker;
use crate::domain::command::{DigestAction, DigestWhenEmpty};
use crate::domain::events::{Destination, OutgoingMessage, Purpose};
use crate::domain::markup::{mentioned_users, slack};
use crate::domain::member::Member;
use crate::domain::open_questions;
use crate::domain::platform::Platform;
use crate::domain::schedule::{local_date_of, local_to_instant};
use crate::features::commands::{CommandContext, Reply};
use crate::features::standup::schedule::{prompt_prefix, recurrence_of};
use crate::features::texts::{digest as texts, standup as standup_texts};
use crate::jobs::{DigestJob, Job, JobOutcome, NewJob};
use crate::ports::{AnswerRecord, NewDigest, RunKey, RunState, StandupRecord};

use compose::{DigestContent, Entry, Pending, Waiting, blocker_streak, covered_day, render};

/// How many digest-zone dates ahead the next digest is looked for.
const SEARCH_DAYS: usize = 400;

/// How far back a blocker streak is counted (answered runs).
const STREAK_LIMIT: u32 = 60;

/// A digest posted this long after its time says so (downtime, a long outage): readers should
/// not take "still to come" or "no answers yet" as of the digest time.
const LATE_AFTER: Duration = Duration::minutes(15);

fn digest_tz(standup: &StandupRecord) -> chrono_tz::Tz {
    standup.digest_tz.parse::<Timezone>().map_or(chrono_tz::UTC, |tz| tz.0)
}

fn prefix(standup_id: i64) -> String {
    format!("{}:{standup_id}:", Job::DIGEST)
}

/// The digest occurrences from `from` on (digest zone): each date the standup posts a digest,
/// with the instant it is due.
fn occurrences(
    standup: &StandupRecord,
    from: NaiveDate,
) -> anyhow::Result<impl Iterator<Item = (NaiveDate, DateTime<Utc>)> + '_> {
    let tz = digest_tz(standup);
    let recurrence = recurrence_of(standup)?;
    Ok(from
        .iter_days()
        .take(SEARCH_DAYS)
        .filter(move |date| recurrence.occurrence_on(tz, *date).is_some() && !standup.skipped_dates.contains(date))
        .map(move |date| (date, local_to_instant(tz, date, standup.digest_at))))
}

/// Schedules the first digest from `from` (digest zone) whose time is still to come; workspace
/// holidays are days off like the standup's own.
async fn schedule_after(bot: &Context, standup: &StandupRecord, from: NaiveDate) -> anyhow::Result<()> {
    let standup = &crate::features::holidays::observed(bot, standup).await?;
    let now = bot.now();
    let Some((date, due)) = occurrences(standup, from)?.find(|(_, due)| *due > now) else { return Ok(()) };
    let job = NewJob {
        job: Job::Digest(DigestJob { standup_id: standup.id, date }),
        key: format!("{}{date}", prefix(standup.id)),
        due_at: due,
        expires_at: None,
    };
    bot.schedule(job).await?;
    Ok(())
}

/// Schedules a new standup's first digest.
pub async fn schedule_first(bot: &Context, standup: &StandupRecord) -> anyhow::Result<()> {
    schedule_after(bot, standup, local_date_of(digest_tz(standup), bot.now())).await
}

/// Replaces the pending digest after the digest time, zone or days changed. A digest already
/// due (the tick that posts it has not come yet) stays: a change never moves it to a later day;
/// the one after it follows the new settings.
pub async fn reschedule(bot: &Context, standup: &StandupRecord) -> anyhow::Result<()> {
    if let Some((due, _)) = bot.store.pending_job(&prefix(standup.id)).await?
        && due <= bot.now()
    {
        return Ok(());
    }
    unschedule(bot, standup.id).await?;
    schedule_first(bot, standup).await
}

/// Drops the pending digest of a deleted standup.
pub async fn unschedule(bot: &Context, standup_id: i64) -> anyhow::Result<()> {
    bot.store.drop_pending_jobs(&prefix(standup_id)).await?;
    Ok(())
}

/// Posts a due digest and schedules the next.
///
/// After downtime, one digest is posted for all the days missed, never one per day: when later
/// digests have also come due meanwhile, the missed ones are skipped and only the latest due is
/// posted (it carries every answer no digest has shown). A digest posted more than
/// [`LATE_AFTER`] after its time says it is late and when it was due.
pub async fn run_job(bot: &Context, payload: DigestJob, now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    let Some(standup) = bot.store.standup(payload.standup_id).await? else { return Ok(JobOutcome::Done) };
    // Workspace holidays are days off like the standup's own (one declared after this digest
    // was scheduled included: no digest that day).
    let standup = crate::features::holidays::observed(bot, &standup).await?;
    let scheduled = local_to_instant(digest_tz(&standup), payload.date, standup.digest_at);
    let (date, due) = occurrences(&standup, payload.date + Duration::days(1))?
        .take_while(|(_, due)| *due <= now)
        .last()
        .unwrap_or((payload.date, scheduled));
    if date != payload.date {
        tracing::info!(standup = %standup.name, missed = %payload.date, posting = %date,
            "digests were missed during downtime; posting the latest due one only");
    }
    if !standup.paused && !standup.skipped_dates.contains(&date) {
        let late = (now - due >= LATE_AFTER).then_some(due);
        post(bot, &standup, &date.to_string(), date, now, late).await?;
    }
    schedule_after(bot, &standup, date + Duration::days(1)).await?;
    Ok(JobOutcome::Done)
}

fn display_name(member: &Member) -> String {
    if member.name.is_empty() { member.user.clone() } else { member.name.clone() }
}

/// Gathers what the digest shows now; also returns the runs whose answers it carries.
async fn gather(
    bot: &Context,
    standup: &StandupRecord,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<(DigestContent, Vec<i64>)> {
    let mut members: HashMap<i64, Member> = HashMap::new();
    for id in &standup.members {
        members.insert(*id, bot.member_by_id(*id).await?);
    }
    let answers = bot.store.undigested_answers(standup.id).await?;
    let mut runs: Vec<(i64, Vec<AnswerRecord>)> = Vec::new();
    for answer in answers {
        match runs.iter_mut().find(|(run, _)| *run == answer.run_id) {
            Some((_, list)) => list.push(answer),
            None => runs.push((answer.run_id, vec![answer])),
        }
    }
    let mut content = DigestContent {
        standup: standup.name.clone(),
        date: Some(date),
        shown_earlier: bot.store.runs_in_digests_of(standup.id, &date.to_string()).await?,
        ..DigestContent::default()
    };
    for (run_id, answers) in &runs {
        let member_id = answers[0].member_id;
        if let std::collections::hash_map::Entry::Vacant(slot) = members.entry(member_id) {
            slot.insert(bot.member_by_id(member_id).await?);
        }
        content.entries.push(entry(bot, standup, &members[&member_id], *run_id, answers).await?);
    }
    let answered: Vec<i64> = runs.iter().map(|(_, a)| a[0].member_id).collect();
    let last_digest = bot.store.last_digest_at(standup.id).await?;
    for id in &standup.members {
        let member = &members[id];
        if answered.contains(id) || member.unreachable {
            continue;
        }
        classify_member(bot, standup, member, (date, last_digest), now, &mut content).await?;
    }
    let since = last_digest.unwrap_or(standup.created_at);
    // Only what was said in the report channel (and its threads): everyone who reads the digest
    // could read it there, and nothing from a private channel or a DM reaches it (SPEC §4).
    content.decisions = bot.store.channel_decisions_between(standup.workspace_id, &standup.channel, since, now).await?;
    // Questions still open only (expired ones were repeated for long enough), the most recent
    // first in line for the list, the older ones counted.
    let asked_since = open_questions::open_since(now, bot.settings.retention.open_questions);
    let open = bot.store.channel_open_questions(standup.workspace_id, &standup.channel, asked_since).await?;
    let (open, older) = open_questions::listed(open);
    for (asked_id, text) in open {
        let name = match bot.member_by_id(asked_id).await {
            Ok(member) => display_name(&member),
            Err(_) => "a former member".to_owned(),
        };
        content.open_questions.push((name, quiet_mentions(bot, standup.workspace_id, &text).await?));
    }
    content.more_open_questions = i64::try_from(older)?;
    content.converted = bot.store.converted_pings_between(standup.workspace_id, since, now).await?;
    Ok((content, runs.into_iter().map(|(run, _)| run).collect()))
}

/// One member's block, with their blocker and its streak.
async fn entry(
    bot: &Context,
    standup: &StandupRecord,
    member: &Member,
    run_id: i64,
    answers: &[AnswerRecord],
) -> anyhow::Result<Entry> {
    let mut pairs = Vec::with_capacity(answers.len());
    for answer in answers {
        let question = standup.questions.get(answer.question_index).cloned().unwrap_or_default();
        pairs.push((question, quiet_mentions(bot, standup.workspace_id, &answer.text).await?));
    }
    // Rows stored before empty answers stopped counting as blockers are read by the same rule.
    let blocker = match answers.iter().find(|a| a.is_blocker && !is_no_blocker(&a.text)) {
        Some(answer) => {
            let history = bot.store.blocker_history(standup.id, member.id, answer.local_date, STREAK_LIMIT).await?;
            Some((quiet_mentions(bot, standup.workspace_id, &answer.text).await?, blocker_streak(&history).max(1)))
        }
        None => None,
    };
    Ok(Entry { run_id, name: display_name(member), answers: pairs, blocker })
}

/// Members' words as a digest repeats them: on Slack every `<@U…>` in a post notifies that person,
/// and a digest repeats an open question or a blocker day after day, so mentions become `@name`
/// (the person is named, not pinged; their own brief tells them what needs them). Discord's
/// `allowed_mentions` already keeps a digest from pinging, and its client shows the names.
async fn quiet_mentions(bot: &Context, workspace_id: i64, text: &str) -> anyhow::Result<String> {
    if bot.platform() != Platform::Slack {
        return Ok(text.to_owned());
    }
    let mut names = HashMap::new();
    for user in mentioned_users(text) {
        if let Some(member) = bot.store.find_member(workspace_id, &user).await? {
            let name = if member.name.is_empty() { user.clone() } else { member.name.clone() };
            names.insert(user, name);
        }
    }
    Ok(slack::name_user_mentions(text, |user| names.get(user).cloned().unwrap_or_else(|| user.to_owned())))
}

/// Away, skipping, or still to come (and when) for a member without answers in this digest.
///
/// Each member is judged on their own working day that the digest covers ([`covered_day`]), not
/// on their date when it is posted.
///
/// "Later today" means a prompt still to come on the digest's own date (digest zone): the other
/// side of the world. A run prompted before the previous digest and still open (left over from
/// before a weekend or an out-of-office) is old news; such a member is shown with their next prompt.
async fn classify_member(
    bot: &Context,
    standup: &StandupRecord,
    member: &Member,
    (date, last_digest): (NaiveDate, Option<DateTime<Utc>>),
    now: DateTime<Utc>,
    content: &mut DigestContent,
) -> anyhow::Result<()> {
    let day = covered_day(&member.availability, date, now);
    let name = display_name(member);
    if member.is_away_on(day) {
        content.away.push(name);
        return Ok(());
    }
    let run = bot.store.run(&RunKey { standup_id: standup.id, member_id: member.id, local_date: day }).await?;
    match run.map(|r| (r.state, r.prompted_at)) {
        Some((RunState::Skipped, _)) => content.skipped.push(name),
        Some((RunState::Prompted, Some(at))) => content.pending.push(Pending { name, waiting: Waiting::Prompted, at }),
        // Answered and shown in an earlier digest today, or missed: nothing to say.
        Some(_) => {}
        None => {
            let open = bot.store.open_run_of(member.id).await?.filter(|r| r.key.standup_id == standup.id);
            let open_since = open.and_then(|run| run.prompted_at).filter(|at| last_digest.is_none_or(|d| *at > d));
            let next = bot.store.pending_job(&prompt_prefix(standup.id, member.id)).await?.map(|(at, _)| at);
            let pending = match (open_since, next) {
                (_, Some(at)) if local_date_of(digest_tz(standup), at) == date => {
                    Some(Pending { name, waiting: Waiting::LaterToday, at })
                }
                (Some(at), _) => Some(Pending { name, waiting: Waiting::Prompted, at }),
                (None, Some(at)) => Some(Pending { name, waiting: Waiting::Next, at }),
                (None, None) => None,
            };
            content.pending.extend(pending);
        }
    }
    Ok(())
}

/// Composes and posts a digest under `key` (exactly once per key), marking its answers. `late`:
/// when the digest was due, if it is posted late. `false`: nothing to report, and the standup
/// skips such digests (`digest_when_empty=skip`), so nothing was posted.
async fn post(
    bot: &Context,
    standup: &StandupRecord,
    key: &str,
    date: NaiveDate,
    now: DateTime<Utc>,
    late: Option<DateTime<Utc>>,
) -> anyhow::Result<bool> {
    let (mut content, runs) = gather(bot, standup, date, now).await?;
    if content.is_empty() && standup.digest_when_empty == DigestWhenEmpty::Skip {
        // Nothing recorded either: no answers are marked, and the next digest's "since the
        // last digest" still reaches back to the last one posted.
        tracing::debug!(standup = %standup.name, %date, "nothing to report; digest_when_empty=skip");
        return Ok(false);
    }
    content.late_since = late;
    let chunks: Vec<OutgoingMessage> = render(bot.markup, &content)
        .into_iter()
        .map(|text| OutgoingMessage::new(Destination::Post { channel: standup.channel.clone() }, Purpose::Digest, text))
        .collect();
    let snapshot = serde_json::to_string(&content)?;
    let digest = NewDigest {
        standup_id: standup.id,
        key,
        run_ids: &runs,
        content: &snapshot,
        workspace_id: standup.workspace_id,
        chunks: &chunks,
    };
    bot.store.record_digest(&digest, now).await?;
    Ok(true)
}

/// Re-renders a posted digest after an answer in it changed, and edits its messages.
pub async fn refresh(bot: &Context, digest_id: i64) -> anyhow::Result<()> {
    let Some(digest) = bot.store.digest(digest_id).await? else { return Ok(()) };
    let Some(standup) = bot.store.standup(digest.standup_id).await? else { return Ok(()) };
    let mut content: DigestContent = serde_json::from_str(&digest.content)?;
    for entry in &mut content.entries {
        let answers = bot.store.answers_of_run(entry.run_id).await?;
        if let Some(first) = answers.first() {
            let member = bot.member_by_id(first.member_id).await?;
            *entry = self::entry(bot, &standup, &member, entry.run_id, &answers).await?;
        }
    }
    bot.store.save_digest_content(digest_id, &serde_json::to_string(&content)?).await?;
    let chunks = render(bot.markup, &content);
    let mut messages = Vec::new();
    for (index, text) in chunks.into_iter().enumerate() {
        let existing = match digest.outbox_ids.get(index) {
            Some(id) => bot.store.sent_ref(*id).await?,
            None => None,
        };
        let to = match existing {
            Some(message) => Destination::Update { channel: standup.channel.clone(), message },
            // The edit made the digest longer than the messages it had: the rest is a new post.
            None => Destination::Post { channel: standup.channel.clone() },
        };
        messages.push(OutgoingMessage::new(to, Purpose::Digest, text));
    }
    bot.send(standup.workspace_id, messages).await
}

/// `/async digest now|preview <name>`.
pub async fn command(
    bot: &Context,
    ctx: &CommandContext<'_>,
    action: DigestAction,
    name: &str,
) -> anyhow::Result<Reply> {
    let Some(standup) = bot.store.standup_named(ctx.workspace_id, name).await? else {
        return Ok(Reply::text(standup_texts::unknown_standup(name)));
    };
    let now = bot.now();
    let date = local_date_of(digest_tz(&standup), now);
    Ok(Reply::text(match action {
        DigestAction::Preview => {
            let content = gather(bot, &standup, date, now).await?.0;
            let mut text = render(bot.markup, &content).join("\n");
            if content.is_empty() && standup.digest_when_empty == DigestWhenEmpty::Skip {
                text = format!("{text}\n{}", texts::would_skip());
            }
            text
        }
        DigestAction::Now => {
            // A manual digest has its own key, so the scheduled one for today still posts later.
            let key = format!("{date} now {}", now.timestamp());
            if post(bot, &standup, &key, date, now, None).await? {
                texts::posted(bot.markup, &standup.name, &standup.channel)
            } else {
                texts::skipped_empty(bot.markup, &standup.name)
            }
        }
    }))
}
