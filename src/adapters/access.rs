//! Purpose: what `/async export-me` reads about one member, the same on both stores. Each store
//! selects the rows (`sqlite/access.rs`, `postgres/access.rs`), always by the member's own id
//! (their runs, their decisions, questions they asked or were asked, events whose author they
//! are); the records are built here, so both give the same export. The checklist is erasure's
//! (`sqlite/erasure.rs`): every table erasure deletes or blanks for a member is read, and only the
//! member's own part of it.

use crate::adapters::stored::instant;
use crate::domain::calendar::Weekdays;
use crate::domain::events::InboundEvent;
use crate::ports::access::{
    AnswerData, DateRange, DecisionData, EventData, MemberData, MembershipData, MessageCount, NoticeData, PingData,
    ProfileData, QuestionAsked, QuestionToThem, RunData, ScheduledData,
};

/// The member's row with their workspace.
#[derive(sqlx::FromRow)]
pub(crate) struct ProfileRow {
    pub platform: String,
    pub workspace: String,
    pub user: String,
    pub name: String,
    pub tz: Option<String>,
    pub tz_source: String,
    pub hours: Option<String>,
    pub days: Option<i64>,
    pub brief_on: bool,
    pub nudge_opt_out: bool,
    pub is_admin: bool,
    pub dm_channel: Option<String>,
    pub unreachable_since: Option<i64>,
    pub created_at: i64,
    pub profile_read_at: Option<i64>,
    pub forget_requested_at: Option<i64>,
    pub forgotten: bool,
    pub workspace_id: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct MembershipRow {
    pub standup: String,
    pub channel: String,
    pub questions: String,
    pub paused: bool,
}

#[derive(sqlx::FromRow)]
pub(crate) struct RunRow {
    pub id: i64,
    pub standup: String,
    pub questions: String,
    pub local_date: String,
    pub tz: String,
    pub state: String,
    pub prompt_at: i64,
    pub prompted_at: Option<i64>,
    pub reminded_at: Option<i64>,
    pub answered_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct AnswerRow {
    pub run_id: i64,
    pub question_index: i64,
    pub text: String,
    pub is_blocker: bool,
    pub answered_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct DecisionRow {
    pub channel: Option<String>,
    pub text: String,
    pub permalink: Option<String>,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct PingRow {
    pub channel: String,
    pub message: String,
    pub thread: Option<String>,
    pub kind: String,
    pub state: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub converted_at: Option<i64>,
}

/// A question they asked (`theirs`) or were asked; the text of the latter is never read.
#[derive(sqlx::FromRow)]
pub(crate) struct QuestionRow {
    pub theirs: bool,
    pub channel: String,
    pub message: String,
    pub text: String,
    pub asked_at: i64,
    pub answered_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct NoticeRow {
    pub sent_by_them: bool,
    pub local_date: String,
    pub sent_at: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ScheduledRow {
    pub kind: String,
    pub due_at: i64,
}

/// An inbox row that mentions their id somewhere; [`build`] keeps those whose author they are.
#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub event: String,
    pub received_at: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct CountRow {
    pub purpose: String,
    pub count: i64,
}

/// Everything a store read about one member.
pub(crate) struct Rows {
    pub profile: ProfileRow,
    pub out_of_office: Vec<(String, String)>,
    pub standups: Vec<MembershipRow>,
    pub runs: Vec<RunRow>,
    pub answers: Vec<AnswerRow>,
    pub decisions: Vec<DecisionRow>,
    pub pings: Vec<PingRow>,
    pub questions: Vec<QuestionRow>,
    pub notices: Vec<NoticeRow>,
    pub mentions: Vec<i64>,
    pub scheduled: Vec<ScheduledRow>,
    pub events: Vec<EventRow>,
    pub messages: Vec<CountRow>,
}

fn date(text: &str) -> anyhow::Result<chrono::NaiveDate> {
    text.parse().map_err(|e| anyhow::anyhow!("stored date '{text}': {e}"))
}

fn maybe(secs: Option<i64>) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
    secs.map(instant).transpose()
}

fn questions(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The member's data from what the store read.
pub(crate) fn build(rows: Rows) -> anyhow::Result<MemberData> {
    let p = rows.profile;
    let profile = ProfileData {
        days: p.days.and_then(|d| u8::try_from(d).ok()).and_then(Weekdays::from_bits).map(|d| d.to_string()),
        platform: p.platform,
        workspace: p.workspace,
        user: p.user.clone(),
        name: p.name,
        tz: p.tz,
        tz_source: p.tz_source,
        hours: p.hours,
        brief_on: p.brief_on,
        nudge_me_off: p.nudge_opt_out,
        is_admin: p.is_admin,
        dm_channel: p.dm_channel,
        unreachable_since: maybe(p.unreachable_since)?,
        first_seen: instant(p.created_at)?,
        profile_read_at: maybe(p.profile_read_at)?,
        forget_requested_at: maybe(p.forget_requested_at)?,
    };
    let out_of_office = rows
        .out_of_office
        .iter()
        .map(|(from, to)| Ok(DateRange { from: date(from)?, to: date(to)? }))
        .collect::<anyhow::Result<_>>()?;
    let standups = rows
        .standups
        .into_iter()
        .map(|s| MembershipData {
            questions: questions(&s.questions),
            standup: s.standup,
            channel: s.channel,
            paused: s.paused,
        })
        .collect();
    let mut runs = Vec::with_capacity(rows.runs.len());
    for run in rows.runs {
        let asked = questions(&run.questions);
        let answers = rows
            .answers
            .iter()
            .filter(|a| a.run_id == run.id)
            .map(|a| {
                let index = usize::try_from(a.question_index).unwrap_or(0);
                Ok(AnswerData {
                    question_number: index + 1,
                    question: asked.get(index).cloned().unwrap_or_default(),
                    answer: a.text.clone(),
                    blocker: a.is_blocker,
                    answered_at: instant(a.answered_at)?,
                    updated_at: instant(a.updated_at)?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        runs.push(RunData {
            standup: run.standup,
            local_date: date(&run.local_date)?,
            tz: run.tz,
            state: run.state,
            prompt_at: instant(run.prompt_at)?,
            prompted_at: maybe(run.prompted_at)?,
            reminded_at: maybe(run.reminded_at)?,
            answered_at: maybe(run.answered_at)?,
            answers,
        });
    }
    let decisions = rows
        .decisions
        .into_iter()
        .map(|d| {
            Ok(DecisionData {
                channel: d.channel,
                text: d.text,
                permalink: d.permalink,
                created_at: instant(d.created_at)?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let pings = rows
        .pings
        .into_iter()
        .map(|n| {
            Ok(PingData {
                channel: n.channel,
                message: n.message,
                thread: n.thread,
                kind: n.kind,
                state: n.state,
                created_at: instant(n.created_at)?,
                sent_at: maybe(n.sent_at)?,
                converted_at: maybe(n.converted_at)?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let (mut questions_asked, mut questions_to_them) = (Vec::new(), Vec::new());
    for q in rows.questions {
        let (asked_at, answered_at) = (instant(q.asked_at)?, maybe(q.answered_at)?);
        if q.theirs {
            questions_asked.push(QuestionAsked {
                channel: q.channel,
                message: q.message,
                text: q.text,
                asked_at,
                answered_at,
            });
        } else {
            questions_to_them.push(QuestionToThem { channel: q.channel, message: q.message, asked_at, answered_at });
        }
    }
    let offhours_notices = rows
        .notices
        .into_iter()
        .map(|n| {
            Ok(NoticeData {
                kind: if n.sent_by_them { "sent_to_you" } else { "about_you" },
                local_date: n.local_date,
                sent_at: instant(n.sent_at)?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let offhours_mentions = rows.mentions.into_iter().map(instant).collect::<anyhow::Result<_>>()?;
    let scheduled = rows
        .scheduled
        .into_iter()
        .map(|j| Ok(ScheduledData { kind: j.kind, due_at: instant(j.due_at)? }))
        .collect::<anyhow::Result<_>>()?;
    let mut sent_to_bot = Vec::new();
    for row in rows.events {
        if let Some((kind, channel, text)) = authored_by(&row.event, &p.user) {
            sent_to_bot.push(EventData { kind, channel, text, received_at: instant(row.received_at)? });
        }
    }
    let messages_to_them =
        rows.messages.into_iter().map(|c| MessageCount { purpose: c.purpose, count: c.count }).collect();
    Ok(MemberData {
        profile,
        out_of_office,
        standups,
        runs,
        decisions,
        pings,
        questions_asked,
        questions_to_them,
        offhours_notices,
        offhours_mentions,
        scheduled,
        sent_to_bot,
        messages_to_them,
    })
}

/// What an inbox event says, if `user` sent it (or, for an undeliverable DM, it was theirs):
/// its kind, channel and their words. Another member's event that only mentions them is not
/// theirs, and an event erasure blanked no longer parses as theirs.
fn authored_by(event: &str, user: &str) -> Option<(&'static str, Option<String>, Vec<String>)> {
    // An event of another shape (blanked by erasure, older or newer) is left out, not guessed at.
    let event: InboundEvent = serde_json::from_str(event).ok()?;
    let found = match event {
        InboundEvent::Message(m) if m.user == user => ("message", Some(m.channel), vec![m.text]),
        InboundEvent::Command(c) if c.user == user => ("command", Some(c.channel), vec![format!("/async {}", c.text)]),
        InboundEvent::StandupSubmission(s) if s.user == user => ("standup_answers", None, s.answers),
        InboundEvent::FormRequest(f) if f.user == user => ("form_opened", None, vec![f.standup]),
        InboundEvent::HomeOpened { user: u, .. } if u == user => ("home_opened", None, Vec::new()),
        InboundEvent::ProfileChanged { user: u, name, tz, .. } if u == user => {
            ("profile_changed", None, [Some(name), tz].into_iter().flatten().filter(|t| !t.is_empty()).collect())
        }
        InboundEvent::DmUndeliverable { user: u, .. } if u == user => ("dm_undeliverable", None, Vec::new()),
        _ => return None,
    };
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::{ChatMessage, CommandInvocation};

    fn message(user: &str, text: &str) -> String {
        serde_json::to_string(&InboundEvent::Message(ChatMessage {
            workspace: "T1".into(),
            id: "1.2".into(),
            channel: "C1".into(),
            user: user.into(),
            text: text.into(),
            thread: None,
            is_dm: false,
        }))
        .unwrap()
    }

    #[test]
    fn an_event_is_theirs_only_when_they_sent_it() {
        assert_eq!(
            authored_by(&message("U1", "ship it"), "U1"),
            Some(("message", Some("C1".into()), vec!["ship it".into()]))
        );
        assert_eq!(authored_by(&message("U2", "hey <@U1> got a sec?"), "U1"), None, "bob's words are bob's");
        let command = InboundEvent::Command(CommandInvocation {
            workspace: "T1".into(),
            id: "9".into(),
            channel: "C1".into(),
            user: "U1".into(),
            text: "tz Europe/Berlin".into(),
            platform_admin: false,
            is_dm: false,
        });
        let command = serde_json::to_string(&command).unwrap();
        assert_eq!(authored_by(&command, "U1").unwrap().2, ["/async tz Europe/Berlin"]);
        assert_eq!(authored_by("{}", "U1"), None, "a blanked event is nobody's");
        assert_eq!(authored_by("not json", "U1"), None);
    }
}
