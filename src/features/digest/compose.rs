//! Purpose: what a digest says, as data ([`DigestContent`], kept with the posted digest so an
//! edited answer can update it) and as text ([`render`]): blockers first with their day counts,
//! each member's answers, who is away, who is still to come and when (named, never mentioned),
//! decisions, open questions, converted pings. Pure: no store, no clock.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::availability::Availability;
use crate::domain::markup::{Markup, TimeStyle, split_parts};
use crate::domain::schedule::local_date_of;
use crate::features::texts::digest as texts;

/// One member's answers in a digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Store id of the run.
    pub run_id: i64,
    /// Display name.
    pub name: String,
    /// (question, answer) pairs in question order.
    pub answers: Vec<(String, String)>,
    /// The blocker answer and for how many consecutive answered days one was reported.
    pub blocker: Option<(String, u32)>,
}

/// Why a member has no answers in this digest yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Waiting {
    /// Prompted at this instant, answers not in yet.
    Prompted,
    /// Their prompt comes after the digest time, the same day.
    LaterToday,
    /// Their next prompt is on a later day.
    Next,
}

/// A member still to answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// Display name (never a mention).
    pub name: String,
    /// Which case.
    pub waiting: Waiting,
    /// The prompt instant.
    pub at: DateTime<Utc>,
}

/// Everything a digest shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DigestContent {
    /// The standup's name.
    pub standup: String,
    /// The digest-zone date.
    pub date: Option<NaiveDate>,
    /// Members' answers, earliest answered first (so late-side members lead).
    pub entries: Vec<Entry>,
    /// Names of members out of office.
    pub away: Vec<String>,
    /// Names of members who skipped the day.
    pub skipped: Vec<String>,
    /// Members still to answer.
    pub pending: Vec<Pending>,
    /// Decisions logged since the last digest.
    pub decisions: Vec<String>,
    /// Open questions listed: (asked member's name, question).
    pub open_questions: Vec<(String, String)>,
    /// Open questions asked earlier than those listed, counted only.
    #[serde(default)]
    pub more_open_questions: i64,
    /// Pings converted since the last digest.
    pub converted: i64,
    /// Members whose answers for this date were in an earlier digest (`digest now`): this one
    /// shows only what is new since.
    #[serde(default)]
    pub shown_earlier: i64,
    /// When the digest was due, if it is posted late (after downtime).
    #[serde(default)]
    pub late_since: Option<DateTime<Utc>>,
}

impl DigestContent {
    /// Nothing at all to report (no answers, nobody still to come, away or skipping, no
    /// decisions, questions or converted pings): such a digest is one short line.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
            && self.pending.is_empty()
            && self.away.is_empty()
            && self.skipped.is_empty()
            && self.decisions.is_empty()
            && self.open_questions.is_empty()
            && self.converted == 0
    }
}

/// The digest as parts, each of which is never cut when split: a heading, a blocker, or one
/// member's whole block of answers.
pub fn parts(markup: &dyn Markup, content: &DigestContent) -> Vec<String> {
    let mut parts = Vec::new();
    let date = content.date.unwrap_or_default();
    let late = content.late_since.map(|due| texts::late(&markup.time(due, TimeStyle::DateTime)));
    if content.is_empty() {
        let mut line = texts::empty(markup, &content.standup, date, content.shown_earlier);
        if let Some(late) = late {
            line = format!("{line} {late}");
        }
        return vec![line];
    }
    parts.push(texts::title(markup, &content.standup, date));
    parts.extend(late);
    if content.shown_earlier > 0 && !content.entries.is_empty() {
        parts.push(texts::new_since_earlier(content.shown_earlier));
    }
    let blockers: Vec<&Entry> = content.entries.iter().filter(|e| e.blocker.is_some()).collect();
    if !blockers.is_empty() {
        parts.push(texts::blockers_heading(markup));
        for entry in blockers {
            if let Some((text, days)) = &entry.blocker {
                parts.push(texts::blocker(markup, &entry.name, *days, text));
            }
        }
    }
    if content.entries.is_empty() {
        parts.push(if content.shown_earlier > 0 {
            texts::no_new_answers(content.shown_earlier)
        } else {
            texts::no_answers()
        });
    }
    for entry in &content.entries {
        parts.push(texts::answers(markup, &entry.name, &entry.answers));
    }
    if !content.away.is_empty() {
        parts.push(texts::away(markup, &content.away));
    }
    if !content.skipped.is_empty() {
        parts.push(texts::skipped(markup, &content.skipped));
    }
    if !content.pending.is_empty() {
        parts.push(texts::pending_heading(markup));
        for pending in &content.pending {
            let at = markup.time(pending.at, TimeStyle::DateTime);
            parts.push(match pending.waiting {
                Waiting::Prompted => texts::pending_prompted(markup, &pending.name, &at),
                Waiting::LaterToday => texts::pending_later_today(markup, &pending.name, &at),
                Waiting::Next => texts::pending_next(markup, &pending.name, &at),
            });
        }
    }
    if !content.decisions.is_empty() {
        parts.push(texts::decisions_heading(markup));
        parts.extend(content.decisions.iter().map(|d| texts::decision(markup, d)));
    }
    if !content.open_questions.is_empty() {
        parts.push(texts::open_questions_heading(markup));
        parts.extend(content.open_questions.iter().map(|(asked, q)| texts::open_question(markup, asked, q)));
        if content.more_open_questions > 0 {
            parts.push(texts::more_open_questions(content.more_open_questions));
        }
    }
    if content.converted > 0 {
        parts.push(texts::converted(content.converted));
    }
    parts
}

/// The digest as platform messages, each within the platform's limits: on Slack one message of
/// section blocks where it fits, on Discord as many 2,000-character messages as it takes, split
/// between parts.
pub fn render(markup: &dyn Markup, content: &DigestContent) -> Vec<String> {
    split_parts(markup.platform(), &parts(markup, content))
}

/// The member-local date a digest of `date` (digest zone) judges a member on, posted at `now`:
/// the member's own day of that date, or, for a member far ahead of the digest zone whose next
/// working day has already begun when the digest is posted, that day (they were prompted for it,
/// and its answers may already be in). Never the member's date at posting time as such: a 17:00
/// Berlin digest is posted at 02:00 the next day in Sydney, and a Sydney member out of office on
/// that next day only is not away in it. (SPEC §4 does not say which day; this is the day the
/// digest reports on, as a reader expects.)
pub fn covered_day(availability: &Availability, date: NaiveDate, now: DateTime<Utc>) -> NaiveDate {
    let today = local_date_of(availability.tz, now);
    let begun = availability.working_period_on(today).is_some_and(|(start, _)| start <= now);
    if today > date && begun { today } else { date }
}

/// Consecutive answered days with a blocker, from a newest-first history.
pub fn blocker_streak(history: &[(NaiveDate, bool)]) -> u32 {
    history.iter().take_while(|(_, blocker)| *blocker).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::markup::{discord::Discord, slack::Slack};

    fn content() -> DigestContent {
        DigestContent {
            standup: "daily".into(),
            date: Some("2026-03-30".parse().unwrap()),
            entries: vec![
                Entry {
                    run_id: 1,
                    name: "alice".into(),
                    answers: vec![("Done?".into(), "importer".into())],
                    blocker: None,
                },
                Entry {
                    run_id: 2,
                    name: "bob".into(),
                    answers: vec![("Done?".into(), "waiting on VPN".into())],
                    blocker: Some(("VPN access @channel".into(), 3)),
                },
            ],
            away: vec!["carol".into()],
            pending: vec![Pending {
                name: "dan".into(),
                waiting: Waiting::LaterToday,
                at: "2026-03-30T16:30:00Z".parse().unwrap(),
            }],
            converted: 2,
            ..DigestContent::default()
        }
    }

    #[test]
    fn blockers_come_first_with_their_day_count() {
        let text = render(&Slack, &content()).join("\n");
        let blockers = text.find("Blockers").unwrap();
        assert!(blockers < text.find("alice").unwrap());
        assert!(text.contains("bob (day 3)"), "{text}");
        assert!(!text.contains("@channel"), "user text is neutralised: {text}");
    }

    #[test]
    fn members_still_to_come_are_named_with_a_platform_time_and_never_mentioned() {
        let slack = render(&Slack, &content()).join("\n");
        assert!(slack.contains("dan: later today, prompted <!date^1774888200^"), "{slack}");
        assert!(!slack.contains("<@"), "{slack}");
        let discord = render(&Discord, &content()).join("\n");
        assert!(discord.contains("<t:1774888200:f>"), "{discord}");
        assert!(slack.contains("Away: carol"));
    }

    #[test]
    fn a_long_digest_splits_between_members_never_inside_an_answer() {
        let mut long = content();
        long.entries = (0..30)
            .map(|i| Entry {
                run_id: i,
                name: format!("member{i}"),
                answers: vec![("Done?".into(), format!("answer {i} ").repeat(12))],
                blocker: None,
            })
            .collect();
        let chunks = render(&Discord, &long);
        assert!(chunks.len() > 1);
        for chunk in &chunks {
            assert!(chunk.chars().count() <= 2_000);
        }
        for i in 0..30 {
            let whole = format!("answer {i} ").repeat(12);
            assert_eq!(chunks.iter().filter(|c| c.contains(whole.trim_end())).count(), 1, "answer {i} cut");
        }
    }

    #[test]
    fn a_member_is_judged_on_their_day_of_the_digest_unless_their_next_day_has_begun() {
        let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
        let date = |text: &str| text.parse::<NaiveDate>().unwrap();
        let monday = date("2026-03-30");
        // 17:00 Berlin on Monday: 02:00 Tuesday in Sydney, 08:00 Monday in Los Angeles.
        let digest = at("2026-03-30T15:00:00Z");
        let mut sydney = Availability::with_defaults(chrono_tz::Australia::Sydney);
        sydney
            .out_of_office
            .push(crate::domain::availability::OooRange { from: date("2026-03-31"), to: date("2026-03-31") });
        assert_eq!(covered_day(&sydney, monday, digest), monday);
        let los_angeles = Availability::with_defaults(chrono_tz::America::Los_Angeles);
        assert_eq!(covered_day(&los_angeles, monday, digest), monday);
        // 18:00 Santiago on Thursday 2 April: 10:45 Friday in Chatham, whose Friday has begun.
        let chatham = Availability::with_defaults(chrono_tz::Pacific::Chatham);
        assert_eq!(covered_day(&chatham, date("2026-04-02"), at("2026-04-02T21:00:00Z")), date("2026-04-03"));
    }

    #[test]
    fn the_streak_counts_consecutive_blocker_days_only() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(blocker_streak(&[(d("2026-03-30"), true), (d("2026-03-27"), true), (d("2026-03-26"), false)]), 2);
        assert_eq!(blocker_streak(&[]), 0);
    }
}
