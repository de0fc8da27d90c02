//! Purpose: when a member can be messaged — their working periods in their own zone, their
//! working days and out-of-office ranges (SPEC §2) — as pure functions of an instant.
//!
//! A working period is anchored at a local date: it starts at `hours.start` on that date and ends
//! at `hours.end` on the same date, or on the next date when the hours run past midnight
//! (`22:00-06:00`). Both ends go through [`local_to_instant`], so DST gaps and overlaps follow the
//! same rule as every schedule. A period belongs to the date it starts on: that date must be a
//! working day and not out of office.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::calendar::{ValueError, Weekdays, WorkingHours};
use super::schedule::{local_date_of, local_date_time_of, local_to_instant};

/// How many local dates (days) a search for the next working period looks ahead before giving up.
pub const MAX_SEARCH_DAYS: u64 = 400;

/// An out-of-office range of local dates, both ends inclusive, written `2026-03-30..2026-03-31`
/// (a single date means that one day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OooRange {
    /// First local date away.
    pub from: NaiveDate,
    /// Last local date away (inclusive).
    pub to: NaiveDate,
}

impl OooRange {
    /// Whether local `date` is inside the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

impl FromStr for OooRange {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let parse_date = |part: &str| {
            NaiveDate::parse_from_str(part.trim(), "%Y-%m-%d").map_err(|_| {
                ValueError(format!("'{}' is not a date: write out-of-office as 2026-03-30..2026-03-31", part.trim()))
            })
        };
        let (from, to) = match text.split_once("..") {
            Some((from, to)) => (parse_date(from)?, parse_date(to)?),
            None => {
                let day = parse_date(text)?;
                (day, day)
            }
        };
        if to < from {
            return Err(ValueError(format!(
                "out-of-office '{text}' ends before it starts: write the earlier date first"
            )));
        }
        Ok(OooRange { from, to })
    }
}

impl fmt::Display for OooRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.from, self.to)
    }
}

/// A member's availability: zone, daily working hours, working days and out-of-office ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct Availability {
    /// The member's IANA zone; every local date and time below is in it.
    pub tz: Tz,
    /// Local working hours, applied on each working day.
    pub hours: WorkingHours,
    /// Weekdays on which a working period starts.
    pub days: Weekdays,
    /// Local date ranges the member is away.
    pub out_of_office: Vec<OooRange>,
}

impl Availability {
    /// A member in `tz` with the SPEC defaults: 09:00–17:00, Monday to Friday, never away.
    pub fn with_defaults(tz: Tz) -> Self {
        Availability { tz, hours: WorkingHours::nine_to_five(), days: Weekdays::MON_FRI, out_of_office: Vec::new() }
    }

    /// The member's wall-clock date and time at `instant`.
    pub fn local_now(&self, instant: DateTime<Utc>) -> NaiveDateTime {
        local_date_time_of(self.tz, instant)
    }

    /// Whether local `date` lies in one of the out-of-office ranges.
    pub fn is_out_of_office(&self, date: NaiveDate) -> bool {
        self.out_of_office.iter().any(|range| range.contains(date))
    }

    /// Whether a working period starts on local `date`: a working weekday, not out of office.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.days.contains(date.weekday()) && !self.is_out_of_office(date)
    }

    /// The working period that starts on local `date`, as `[start, end)` instants; `None` on
    /// non-working and out-of-office days, and on the rare DST day where the period is empty
    /// (hours `02:00-03:00` on a day whose 02:00–03:00 does not exist).
    pub fn working_period_on(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.is_working_day(date) {
            return None;
        }
        let start = local_to_instant(self.tz, date, self.hours.start);
        let end_date = if self.hours.end > self.hours.start { date } else { date.succ_opt()? };
        let end = local_to_instant(self.tz, end_date, self.hours.end);
        (start < end).then_some((start, end))
    }

    /// Whether `instant` lies inside a working period (start inclusive, end exclusive).
    pub fn is_working_at(&self, instant: DateTime<Utc>) -> bool {
        self.period_containing(instant).is_some()
    }

    /// The working period containing `instant`, if any.
    fn period_containing(&self, instant: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let today = local_date_of(self.tz, instant);
        // A period past midnight started yesterday; a gap-shifted start can also belong to the
        // date before the instant's own, so the neighbours are checked too.
        [today.pred_opt(), Some(today), today.succ_opt()]
            .into_iter()
            .flatten()
            .filter_map(|date| self.working_period_on(date))
            .find(|(start, end)| *start <= instant && instant < *end)
    }

    /// The working period containing `instant`, or else the next one to start after it; `None`
    /// if no working period starts within [`MAX_SEARCH_DAYS`] (no working day at all, or away
    /// for over a year).
    pub fn current_or_next_period(&self, instant: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.period_containing(instant).or_else(|| self.periods_from(instant).find(|(start, _)| *start > instant))
    }

    /// The start of the first working period that starts **at or after** `at_or_after` (an
    /// instant that is exactly a start returns itself; inside a period, the next period's start).
    /// `None` if none starts within [`MAX_SEARCH_DAYS`].
    ///
    /// At-or-after is what a scheduler needs: "prompt at max(prompt time, next start)" must
    /// not skip a prompt whose time equals the start of the day.
    pub fn next_working_start(&self, at_or_after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.periods_from(at_or_after).map(|(start, _)| start).find(|start| *start >= at_or_after)
    }

    /// Working periods starting on local dates from the day before `instant` on, in order.
    fn periods_from(&self, instant: DateTime<Utc>) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let first = local_date_of(self.tz, instant).checked_sub_days(Days::new(1)).unwrap_or(NaiveDate::MIN);
        let days = if self.days.is_empty() { 0 } else { MAX_SEARCH_DAYS as usize };
        first.iter_days().take(days).filter_map(|date| self.working_period_on(date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{Asia, Europe};

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn berlin(hours: &str, days: &str, ooo: &[&str]) -> Availability {
        Availability {
            tz: Europe::Berlin,
            hours: hours.parse().unwrap(),
            days: days.parse().unwrap(),
            out_of_office: ooo.iter().map(|r| r.parse().unwrap()).collect(),
        }
    }

    #[test]
    fn working_hours_are_read_in_the_members_own_zone() {
        let alice = Availability::with_defaults(Europe::Berlin);
        // Friday 27 March 2026: Berlin is on CET (+01).
        assert!(!alice.is_working_at(utc("2026-03-27T07:59:59Z")));
        assert!(alice.is_working_at(utc("2026-03-27T08:00:00Z")));
        assert!(alice.is_working_at(utc("2026-03-27T15:59:59Z")));
        assert!(!alice.is_working_at(utc("2026-03-27T16:00:00Z")));
        assert!(!alice.is_working_at(utc("2026-03-28T10:00:00Z")), "Saturday");
        assert_eq!(alice.local_now(utc("2026-03-27T08:00:00Z")).to_string(), "2026-03-27 09:00:00");
    }

    #[test]
    fn out_of_office_days_have_no_working_period() {
        let alice = berlin("09:00-17:00", "mon-fri", &["2026-03-30..2026-03-31"]);
        assert!(alice.is_out_of_office(date("2026-03-31")));
        assert_eq!(alice.working_period_on(date("2026-03-30")), None);
        assert!(!alice.is_working_at(utc("2026-03-30T08:00:00Z")));
        // After Friday's work, the next start is Wednesday 1 April, 09:00 CEST.
        assert_eq!(alice.next_working_start(utc("2026-03-27T16:00:00Z")), Some(utc("2026-04-01T07:00:00Z")));
    }

    #[test]
    fn the_next_working_start_is_at_or_after_the_given_instant() {
        let alice = Availability::with_defaults(Europe::Berlin);
        let start = utc("2026-03-27T08:00:00Z");
        assert_eq!(alice.next_working_start(start), Some(start));
        assert_eq!(alice.next_working_start(utc("2026-03-27T08:00:01Z")), Some(utc("2026-03-30T07:00:00Z")));
    }

    #[test]
    fn hours_past_midnight_belong_to_the_date_they_start_on() {
        let night = berlin("22:00-06:00", "mon-fri", &[]);
        assert!(night.is_working_at(utc("2026-03-27T22:00:00Z")), "Fri 23:00");
        assert!(night.is_working_at(utc("2026-03-28T04:00:00Z")), "Sat 05:00");
        assert!(!night.is_working_at(utc("2026-03-29T21:30:00Z")), "Sun 23:30");
        assert!(!night.is_working_at(utc("2026-03-30T01:00:00Z")), "Mon 03:00");
        assert_eq!(
            night.working_period_on(date("2026-03-27")),
            Some((utc("2026-03-27T21:00:00Z"), utc("2026-03-28T05:00:00Z")))
        );
    }

    #[test]
    fn a_working_day_across_the_spring_gap_is_an_hour_shorter() {
        let early = berlin("01:00-04:00", "daily", &[]);
        assert_eq!(
            early.working_period_on(date("2026-03-29")),
            Some((utc("2026-03-29T00:00:00Z"), utc("2026-03-29T02:00:00Z")))
        );
        // 02:00-03:00 does not exist that day: both ends land on 01:00Z, so no period.
        let lost = berlin("02:00-03:00", "daily", &[]);
        assert_eq!(lost.working_period_on(date("2026-03-29")), None);
    }

    #[test]
    fn a_sun_thu_member_works_on_sunday_and_not_on_friday() {
        let dana = Availability { days: "sun-thu".parse().unwrap(), ..Availability::with_defaults(Asia::Jerusalem) };
        assert!(!dana.is_working_at(utc("2026-04-03T08:00:00Z")), "Friday");
        assert!(dana.is_working_at(utc("2026-04-05T08:00:00Z")), "Sunday");
        assert_eq!(
            dana.current_or_next_period(utc("2026-04-03T08:00:00Z")),
            Some((utc("2026-04-05T06:00:00Z"), utc("2026-04-05T14:00:00Z")))
        );
        assert_eq!(
            dana.current_or_next_period(utc("2026-04-05T08:00:00Z")),
            Some((utc("2026-04-05T06:00:00Z"), utc("2026-04-05T14:00:00Z")))
        );
    }

    #[test]
    fn a_member_with_no_working_day_has_no_next_start() {
        let idle = Availability { days: Weekdays::empty(), ..Availability::with_defaults(Europe::Berlin) };
        assert_eq!(idle.next_working_start(utc("2026-03-27T00:00:00Z")), None);
        let away = berlin("09:00-17:00", "daily", &["2026-01-01..2028-01-01"]);
        assert_eq!(away.current_or_next_period(utc("2026-03-27T00:00:00Z")), None);
    }

    #[test]
    fn out_of_office_ranges_parse_and_reject_bad_input_in_one_line() {
        let range: OooRange = "2026-03-30..2026-03-31".parse().unwrap();
        assert_eq!(range.to_string(), "2026-03-30..2026-03-31");
        assert_eq!("2026-04-02".parse::<OooRange>().unwrap().to_string(), "2026-04-02..2026-04-02");
        for bad in ["2026-03-31..2026-03-30", "2026-02-30..2026-03-01", "next week", "2026-03-30.."] {
            let err = bad.parse::<OooRange>().unwrap_err();
            assert!(!err.0.is_empty() && !err.0.contains('\n'), "{bad}: {err}");
        }
    }
}
