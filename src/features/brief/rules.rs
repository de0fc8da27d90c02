//! Purpose: the pure rules of the personal brief — when the next one is due, the window it
//! covers, and which blockers name a member.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::domain::availability::{Availability, MAX_SEARCH_DAYS};
use crate::domain::markup::mentioned_users;
use crate::domain::schedule::local_date_of;

/// How long after the start of a working period a late brief may still be sent (hours).
pub const SEND_WINDOW_HOURS: i64 = 2;

/// One brief: the local date whose working period it opens, when it is due and when it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BriefSlot {
    /// Member-local date of the working period.
    pub local_date: NaiveDate,
    /// The start of that working period.
    pub due_at: DateTime<Utc>,
    /// Two hours later, or the end of the period if sooner: a brief is a morning message.
    pub expires_at: DateTime<Utc>,
}

/// The brief at the first working period starting at or after `at_or_after`.
pub fn next_slot(availability: &Availability, at_or_after: DateTime<Utc>) -> Option<BriefSlot> {
    let start = availability.next_working_start(at_or_after)?;
    // A period belongs to the date it starts on; a start moved by a DST gap can fall on the
    // next local date, so the day before is tried too.
    let date = local_date_of(availability.tz, start);
    let (local_date, (_, end)) = [Some(date), date.pred_opt()]
        .into_iter()
        .flatten()
        .find_map(|d| availability.working_period_on(d).filter(|(s, _)| *s == start).map(|p| (d, p)))?;
    Some(BriefSlot { local_date, due_at: start, expires_at: end.min(start + Duration::hours(SEND_WINDOW_HOURS)) })
}

/// The start of the last working period that started before `before` — the member's previous
/// working day, since when news are new to them.
pub fn previous_period_start(availability: &Availability, before: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let mut date = local_date_of(availability.tz, before).succ_opt()?;
    for _ in 0..MAX_SEARCH_DAYS {
        if let Some((start, _)) = availability.working_period_on(date)
            && start < before
        {
            return Some(start);
        }
        date = date.pred_opt()?;
    }
    None
}

/// Whether a blocker's text mentions this platform user.
pub fn names(text: &str, user: &str) -> bool {
    mentioned_users(text).iter().any(|u| u == user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_next_brief_opens_the_next_working_period_and_expires_two_hours_later() {
        let bob = Availability::with_defaults(Europe::Berlin);
        let slot = next_slot(&bob, utc("2026-03-27T12:00:00Z")).unwrap();
        assert_eq!(slot.local_date.to_string(), "2026-03-30");
        assert_eq!(slot.due_at, utc("2026-03-30T07:00:00Z"), "Monday 09:00 CEST, after the weekend's DST change");
        assert_eq!(slot.expires_at, utc("2026-03-30T09:00:00Z"));
    }

    #[test]
    fn a_short_working_day_ends_the_window_early_and_out_of_office_days_are_skipped() {
        let mut bob =
            Availability { hours: "09:00-10:00".parse().unwrap(), ..Availability::with_defaults(Europe::Berlin) };
        bob.out_of_office.push("2026-03-30".parse().unwrap());
        let slot = next_slot(&bob, utc("2026-03-27T12:00:00Z")).unwrap();
        assert_eq!(slot.local_date.to_string(), "2026-03-31");
        assert_eq!(slot.expires_at, utc("2026-03-31T08:00:00Z"));
    }

    #[test]
    fn news_are_new_since_the_start_of_the_previous_working_day() {
        let mut bob = Availability::with_defaults(Europe::Berlin);
        assert_eq!(previous_period_start(&bob, utc("2026-03-30T07:00:00Z")), Some(utc("2026-03-27T08:00:00Z")));
        bob.out_of_office.push("2026-03-30".parse().unwrap());
        assert_eq!(
            previous_period_start(&bob, utc("2026-03-31T07:00:00Z")),
            Some(utc("2026-03-27T08:00:00Z")),
            "the day away is covered by the next brief"
        );
    }

    #[test]
    fn a_blocker_names_a_member_by_mention_only() {
        assert!(names("waiting on <@U2> for the keys", "U2"));
        assert!(names("waiting on <@!2>", "2"));
        assert!(!names("waiting on bob", "U2"));
        assert!(!names("waiting on <@U22>", "U2"));
        assert!(names("waiting on <@U_BOB>", "U_BOB"), "the one mention reader takes any plain id");
    }
}
