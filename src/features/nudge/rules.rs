//! Purpose: the pure rules of nudging — which waiting ping a message follows up, the cooldown,
//! whether a member is off at an instant, whether a message asks. Mentions are read by
//! [`crate::domain::markup::mentioned_users`], the one reader every feature uses.

use chrono::{DateTime, Datelike, Duration, Utc};

use crate::domain::availability::Availability;

/// Whether a message in `message_thread` is in the same place as a ping written in `ping_thread`
/// as message `ping_message`: the channel itself for a top-level ping, or the ping's thread.
pub fn same_conversation(ping_message: &str, ping_thread: Option<&str>, message_thread: Option<&str>) -> bool {
    match (ping_thread, message_thread) {
        (_, Some(thread)) if thread == ping_message => true,
        (None, None) => true,
        (Some(ping_thread), Some(thread)) => ping_thread == thread,
        _ => false,
    }
}

/// Whether a sender last prompted at `last` is still inside the cooldown at `now`.
pub fn in_cooldown(last: Option<DateTime<Utc>>, now: DateTime<Utc>, cooldown: Duration) -> bool {
    last.is_some_and(|last| now - last < cooldown)
}

/// How late a grace job may still prompt (minutes): after downtime, a prompt about an hour-old
/// ping is noise, and the conversation has moved on.
pub const STALE_AFTER_MINUTES: i64 = 60;

/// Whether a ping whose grace period ended at `due_at` is too old to prompt about at `now`.
pub fn is_stale(due_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - due_at > Duration::minutes(STALE_AFTER_MINUTES)
}

/// Why a member cannot be reached right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Away {
    /// Out of office today.
    OutOfOffice,
    /// Today is not one of their working days.
    NonWorkingDay,
    /// A working day, outside their hours.
    OutsideHours,
}

/// Whether (and why) a member is off at `now`; `None` while they are working.
pub fn away_at(availability: &Availability, now: DateTime<Utc>) -> Option<Away> {
    if availability.is_working_at(now) {
        return None;
    }
    let today = availability.local_now(now).date();
    Some(if availability.is_out_of_office(today) {
        Away::OutOfOffice
    } else if !availability.days.contains(today.weekday()) {
        Away::NonWorkingDay
    } else {
        Away::OutsideHours
    })
}

/// Whether a message asks something: a question mark outside platform tokens (a `?` inside a
/// link's query string is not a question).
pub fn asks_question(text: &str) -> bool {
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            '?' | '？' if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{Asia, Europe};

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_follow_up_belongs_to_the_ping_in_the_same_channel_or_thread() {
        assert!(same_conversation("m1", None, None), "top level after a top-level ping");
        assert!(same_conversation("m1", None, Some("m1")), "in the ping's thread");
        assert!(!same_conversation("m1", None, Some("m9")), "another thread");
        assert!(same_conversation("m2", Some("m0"), Some("m0")), "the same thread");
        assert!(!same_conversation("m2", Some("m0"), None), "top level after a ping in a thread");
    }

    #[test]
    fn the_cooldown_holds_for_its_whole_length_and_no_longer() {
        let now = utc("2026-03-27T12:00:00Z");
        assert!(!in_cooldown(None, now, Duration::hours(4)));
        assert!(in_cooldown(Some(utc("2026-03-27T08:00:01Z")), now, Duration::hours(4)));
        assert!(!in_cooldown(Some(utc("2026-03-27T08:00:00Z")), now, Duration::hours(4)));
    }

    #[test]
    fn a_prompt_more_than_an_hour_late_is_stale() {
        let due = utc("2026-03-27T12:00:00Z");
        assert!(!is_stale(due, utc("2026-03-27T13:00:00Z")));
        assert!(is_stale(due, utc("2026-03-27T13:00:01Z")));
    }

    #[test]
    fn a_member_is_off_outside_hours_on_weekends_and_when_away() {
        let mut bob = Availability::with_defaults(Asia::Tokyo);
        assert_eq!(away_at(&bob, utc("2026-03-27T02:00:00Z")), None, "Fri 11:00 in Tokyo");
        assert_eq!(away_at(&bob, utc("2026-03-27T12:00:00Z")), Some(Away::OutsideHours), "Fri 21:00");
        assert_eq!(away_at(&bob, utc("2026-03-28T02:00:00Z")), Some(Away::NonWorkingDay), "Saturday");
        bob.out_of_office.push("2026-03-27".parse().unwrap());
        assert_eq!(away_at(&bob, utc("2026-03-27T02:00:00Z")), Some(Away::OutOfOffice));
        let alice = Availability::with_defaults(Europe::Berlin);
        assert_eq!(away_at(&alice, utc("2026-03-27T09:00:00Z")), None);
    }

    #[test]
    fn a_question_mark_in_a_link_is_not_a_question() {
        assert!(asks_question("<@U2> where is the VPN config?"));
        assert!(asks_question("<@U2> 配置在哪里？"));
        assert!(!asks_question("<@U2> see <https://x.example/?a=1|the doc>"));
        assert!(!asks_question("<@U2> the build is red"));
    }
}
