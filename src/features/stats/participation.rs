//! Purpose: participation per standup from its runs — answered of prompted (also per member),
//! the median time from prompt to answer, blockers opened and cleared — pure, so `/async stats`
//! and the weekly summary count alike.

use std::collections::BTreeMap;

use chrono::Duration;

use crate::ports::RunFact;

/// One member's share of a standup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberShare {
    /// Display name.
    pub name: String,
    /// Runs prompted.
    pub prompted: u32,
    /// Runs answered.
    pub answered: u32,
}

/// One standup's participation over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    /// Store id of the standup.
    pub standup_id: i64,
    /// Its name.
    pub name: String,
    /// Runs prompted (or answered early).
    pub prompted: u32,
    /// Runs answered.
    pub answered: u32,
    /// The median time from a prompt to its complete answers (answers given before the prompt
    /// are not timed).
    pub median_to_answer: Option<Duration>,
    /// Answered runs reporting a blocker after one that did not (or the member's first).
    pub blockers_opened: u32,
    /// Answered runs reporting none after one that reported a blocker.
    pub blockers_cleared: u32,
    /// Per member, by name.
    pub members: Vec<MemberShare>,
}

impl Participation {
    /// Answered of prompted, in whole percent (`None` with nothing prompted).
    pub fn percent(&self) -> Option<u32> {
        (self.prompted > 0).then(|| self.answered * 100 / self.prompted)
    }
}

/// Participation per standup, by standup name, from the facts of one period.
pub fn summarise(facts: &[RunFact]) -> Vec<Participation> {
    let mut by_standup: BTreeMap<(&str, i64), Vec<&RunFact>> = BTreeMap::new();
    for fact in facts {
        by_standup.entry((&fact.standup_name, fact.standup_id)).or_default().push(fact);
    }
    by_standup
        .into_iter()
        .map(|((name, standup_id), runs)| {
            let mut members: BTreeMap<(&str, i64), MemberShare> = BTreeMap::new();
            let mut waits = Vec::new();
            let (mut opened, mut cleared) = (0, 0);
            for run in &runs {
                let share = members.entry((&run.member_name, run.member_id)).or_insert_with(|| MemberShare {
                    name: run.member_name.clone(),
                    prompted: 0,
                    answered: 0,
                });
                share.prompted += 1;
                let Some(answered_at) = run.answered_at else { continue };
                share.answered += 1;
                if let Some(prompted_at) = run.prompted_at
                    && answered_at >= prompted_at
                {
                    waits.push(answered_at - prompted_at);
                }
                match (run.blocker, run.previous_blocker) {
                    (true, Some(false) | None) => opened += 1,
                    (false, Some(true)) => cleared += 1,
                    _ => {}
                }
            }
            Participation {
                standup_id,
                name: name.to_owned(),
                prompted: u32::try_from(runs.len()).unwrap_or(u32::MAX),
                answered: members.values().map(|m| m.answered).sum(),
                median_to_answer: median(&mut waits),
                blockers_opened: opened,
                blockers_cleared: cleared,
                members: members.into_values().collect(),
            }
        })
        .collect()
}

/// The median (the lower middle of an even count, a time that really occurred).
fn median(values: &mut [Duration]) -> Option<Duration> {
    values.sort();
    values.get(values.len().saturating_sub(1) / 2).copied()
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn run(
        member: &str,
        day: u32,
        answered_after_minutes: Option<i64>,
        blocker: bool,
        previous: Option<bool>,
    ) -> RunFact {
        let prompted = at("2026-03-23T08:00:00Z") + Duration::days(i64::from(day));
        RunFact {
            standup_id: 1,
            standup_name: "daily".into(),
            member_id: if member == "alice" { 1 } else { 2 },
            member_name: member.into(),
            local_date: NaiveDate::from_ymd_opt(2026, 3, 23 + day).unwrap(),
            prompted_at: Some(prompted),
            answered_at: answered_after_minutes.map(|m| prompted + Duration::minutes(m)),
            blocker,
            previous_blocker: answered_after_minutes.and(previous),
        }
    }

    #[test]
    fn shares_median_and_blocker_changes_per_standup() {
        let facts = [
            run("alice", 0, Some(10), true, None),
            run("alice", 1, Some(30), true, Some(true)),
            run("alice", 2, Some(50), false, Some(true)),
            run("bob", 0, None, false, None),
            run("bob", 1, Some(120), false, None),
        ];
        let [daily] = summarise(&facts).try_into().unwrap();
        assert_eq!((daily.prompted, daily.answered, daily.percent()), (5, 4, Some(80)));
        // 10, 30, 50, 120 minutes: the lower middle.
        assert_eq!(daily.median_to_answer, Some(Duration::minutes(30)));
        assert_eq!((daily.blockers_opened, daily.blockers_cleared), (1, 1));
        let shares: Vec<(&str, u32, u32)> =
            daily.members.iter().map(|m| (m.name.as_str(), m.answered, m.prompted)).collect();
        assert_eq!(shares, [("alice", 3, 3), ("bob", 1, 2)]);
    }

    #[test]
    fn nothing_prompted_has_no_share_and_no_median() {
        assert!(summarise(&[]).is_empty());
        let daily = Participation {
            standup_id: 1,
            name: "daily".into(),
            prompted: 0,
            answered: 0,
            median_to_answer: None,
            blockers_opened: 0,
            blockers_cleared: 0,
            members: Vec::new(),
        };
        assert_eq!(daily.percent(), None);
    }
}
