//! Purpose: the local time → instant rule every schedule uses (SPEC §2, RFC 5545 §3.3.5) and the
//! recurrences built on it — "HH:MM on these weekdays" and cron expressions — both evaluated on
//! a member's wall clock, never in UTC.
//!
//! The rule: a local time inside a spring-forward gap is read with the UTC offset from before the
//! gap (02:30 in a 02:00→03:00 gap fires at 03:30 new time); a local time inside a fall-back
//! overlap means its first occurrence. A recurrence fires once per matched local date-time, and
//! matches that land on the same instant (a gap-shifted 02:30 and a real 03:30) fire once.
//!
//! Stored form of a [`Recurrence`] (what [`fmt::Display`] writes and [`FromStr`] reads back):
//! - weekly: `HH:MM DAYS`, e.g. `09:30 mon-fri` (`HH:MM:SS` when the time has seconds);
//! - cron: `cron EXPR`, e.g. `cron 0 30 9 * * Mon-Fri`, the expression exactly as the user wrote
//!   it (5-field input stays 5-field). A bare expression without the `cron ` prefix is read too.
//!
//! Everything here is pure: time is always a parameter.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, SecondsFormat, TimeZone,
    Utc,
};
use chrono_tz::Tz;

use super::calendar::{Timezone, ValueError, Weekdays, parse_time_of_day};

/// How far (hours) either side of a local time, read as UTC, a transition can be: every UTC
/// offset in the tz database, local mean time included, is well inside ±30 h.
const OFFSET_SEARCH_HOURS: i64 = 30;

/// Hours before an instant at which the zone's offset is sampled to find gaps that may still
/// shift a local time past that instant (the longest gap on record, Apia 2011, is 24 h).
const GAP_LOOKBACK_SAMPLES_HOURS: [i64; 9] = [0, 1, 2, 3, 6, 12, 24, 36, 48];

/// Upper bound on local date-times examined per search (a per-second cron over two days).
const MAX_CANDIDATES: usize = 400_000;

/// Upper bound on local dates examined for a weekly recurrence (days).
const MAX_WEEKLY_DAYS: usize = 400;

/// How a local date-time was turned into an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalReading {
    /// The local time occurs exactly once.
    Unique,
    /// The local time occurs twice (fall-back overlap): the earlier instant was taken.
    Ambiguous,
    /// The local time does not exist (spring-forward gap): it was read with the offset from
    /// before the gap, so the instant's own wall-clock reading is later by the gap's length.
    Shifted,
}

/// The instant of a local date and time in `tz`, by the RFC 5545 §3.3.5 rule (see module docs).
pub fn local_to_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    read_local(tz, date.and_time(time)).0
}

/// [`local_to_instant`] for a local date-time, also saying whether it was unique, ambiguous or
/// shifted out of a gap.
pub fn read_local(tz: Tz, local: NaiveDateTime) -> (DateTime<Utc>, LocalReading) {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => (at.with_timezone(&Utc), LocalReading::Unique),
        LocalResult::Ambiguous(a, b) => (a.min(b).with_timezone(&Utc), LocalReading::Ambiguous),
        LocalResult::None => {
            let before = offset_before_gap(tz, local);
            (local.and_utc() - before, LocalReading::Shifted)
        }
    }
}

/// The zone's UTC offset (local minus UTC) at an instant.
pub fn utc_offset_at(tz: Tz, instant: DateTime<Utc>) -> Duration {
    let seconds = tz.offset_from_utc_datetime(&instant.naive_utc()).fix().local_minus_utc();
    Duration::seconds(i64::from(seconds))
}

/// The local wall-clock date and time of an instant in `tz`.
pub fn local_date_time_of(tz: Tz, instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&tz).naive_local()
}

/// The local date of an instant in `tz`.
pub fn local_date_of(tz: Tz, instant: DateTime<Utc>) -> NaiveDate {
    local_date_time_of(tz, instant).date()
}

/// The first whole second at or after `instant`. The store keeps instants as whole seconds, and
/// truncating a due time or the start of a cooldown would shorten the wait by up to a second: a
/// wait that must not be shortened (a nudge's grace period, its cooldown) is rounded up instead.
pub fn round_up_to_second(instant: DateTime<Utc>) -> DateTime<Utc> {
    let whole = DateTime::from_timestamp(instant.timestamp(), 0).unwrap_or(instant);
    if whole < instant { whole + Duration::seconds(1) } else { whole }
}

/// The offset in force just before the transition whose gap swallows `local`.
///
/// Gaps are not always one hour (Lord_Howe: 30 min, Apia 2011: a whole day) and the offset before
/// is not always found an hour earlier, so this finds the transition itself: the wall clock
/// `instant + offset(instant)` jumps over `local` there, and bisection finds where.
fn offset_before_gap(tz: Tz, local: NaiveDateTime) -> Duration {
    let wall_clock = |instant: DateTime<Utc>| instant.naive_utc() + utc_offset_at(tz, instant);
    let mut below = local.and_utc() - Duration::hours(OFFSET_SEARCH_HOURS);
    let mut above = local.and_utc() + Duration::hours(OFFSET_SEARCH_HOURS);
    // Invariant: wall_clock(below) < local < wall_clock(above); nothing reads exactly `local`.
    while above - below > Duration::seconds(1) {
        let middle = below + (above - below) / 2;
        if wall_clock(middle) < local {
            below = middle;
        } else {
            above = middle;
        }
    }
    // Transitions fall on whole seconds, so `below` is within the last second before it.
    utc_offset_at(tz, below)
}

/// The earliest local date-time whose instant can lie after `after`: normally the wall clock
/// of `after` itself, but a local time in a recent gap is shifted forward past it, so look back
/// by the lowest offset seen in the last two days.
fn earliest_relevant_local(tz: Tz, after: DateTime<Utc>) -> NaiveDateTime {
    let lowest_offset = GAP_LOOKBACK_SAMPLES_HOURS
        .iter()
        .map(|hours| utc_offset_at(tz, after - Duration::hours(*hours)))
        .min()
        .unwrap_or_else(Duration::zero);
    after.naive_utc() + lowest_offset
}

/// A cron expression (seconds first) as the user wrote it, with its parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronRecurrence {
    text: String,
    // Boxed: the parsed schedule is a few hundred bytes and most recurrences are weekly.
    schedule: Box<cron::Schedule>,
}

impl CronRecurrence {
    /// The expression as written (whitespace normalised; 5-field input stays 5-field).
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// When a schedule fires, in local wall-clock terms of whichever zone it is evaluated in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recurrence {
    /// At a local time of day on some weekdays.
    Weekly {
        /// Local time of day.
        at: NaiveTime,
        /// Weekdays it applies on.
        days: Weekdays,
    },
    /// A cron expression, matched against local wall-clock fields.
    Cron(CronRecurrence),
}

fn value_error(message: impl Into<String>) -> ValueError {
    ValueError(message.into())
}

impl Recurrence {
    /// At `at` local time on `days`.
    pub fn weekly(at: NaiveTime, days: Weekdays) -> Self {
        Recurrence::Weekly { at, days }
    }

    /// Parses a cron expression: `sec min hour day-of-month month day-of-week [year]`, a classic
    /// 5-field crontab line (seconds taken as 0) or `@daily`-style shorthands.
    ///
    /// Numeric days of week are refused: the cron crate counts 1 = Sunday, so `1-5` would mean
    /// Sunday to Thursday; names (`Mon-Fri`) say what is meant. The cron crate matches no year
    /// after 2100, so a cron recurrence stops firing there.
    pub fn cron(expr: &str) -> Result<Self, ValueError> {
        let text = expr.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(value_error("the cron expression is empty: write it like '0 30 9 * * Mon-Fri'"));
        }
        let full = if text.starts_with('@') {
            text.clone()
        } else {
            let fields: Vec<&str> = text.split(' ').collect();
            let day_of_week = match fields.len() {
                5 => fields[4],
                6 | 7 => fields[5],
                n => {
                    return Err(value_error(format!(
                        "'{text}' has {n} fields: a cron expression has 6 or 7 (seconds first), or 5 as in crontab"
                    )));
                }
            };
            if day_of_week.bytes().any(|b| b.is_ascii_digit()) {
                return Err(value_error(format!(
                    "cron day-of-week '{day_of_week}' uses numbers, which cron reads as 1=Sun…7=Sat: write day names like Mon-Fri"
                )));
            }
            if fields.len() == 5 { format!("0 {text}") } else { text.clone() }
        };
        let schedule = cron::Schedule::from_str(&full).map_err(|e| {
            let reason = e.to_string().replace('\n', " ");
            value_error(format!("'{text}' is not a cron expression: {reason}"))
        })?;
        Ok(Recurrence::Cron(CronRecurrence { text, schedule: Box::new(schedule) }))
    }

    /// The local date-times this recurrence matches, in increasing order, from about `from` on
    /// (it may start a little earlier, never later).
    fn local_matches(&self, from: NaiveDateTime) -> Box<dyn Iterator<Item = NaiveDateTime> + '_> {
        match self {
            Recurrence::Weekly { at, days } => {
                let (at, days) = (*at, *days);
                Box::new(
                    from.date()
                        .iter_days()
                        .take(MAX_WEEKLY_DAYS)
                        .filter(move |date| days.contains(date.weekday()))
                        .map(move |date| date.and_time(at)),
                )
            }
            Recurrence::Cron(cron) => {
                // The cron crate is run on Utc standing in for naive local time: it then matches
                // wall-clock fields without skipping gaps or doubling overlaps, and the rule
                // above decides the instant. `after` is exclusive, so start a second early.
                let start = (from - Duration::seconds(1)).and_utc();
                Box::new(cron.schedule.after(&start).take(MAX_CANDIDATES).map(|at| at.naive_utc()))
            }
        }
    }

    /// The first fire instant strictly after `after`, evaluated on the wall clock of `tz`.
    ///
    /// Local matches are visited in wall-clock order and the smallest instant after `after` is
    /// kept. Only gap-shifted matches can land later than a following match, so the search ends
    /// at the first match after `after` that was not shifted. `None` when nothing fires again
    /// (a cron limited to past years, or within the search bounds).
    pub fn next_after(&self, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut best: Option<DateTime<Utc>> = None;
        for local in self.local_matches(earliest_relevant_local(tz, after)) {
            let (instant, reading) = read_local(tz, local);
            if instant > after {
                best = Some(best.map_or(instant, |b| b.min(instant)));
                if reading != LocalReading::Shifted {
                    break;
                }
            }
        }
        best
    }

    /// The next `count` fire instants strictly after `after`, increasing.
    pub fn upcoming(&self, tz: Tz, after: DateTime<Utc>, count: usize) -> Vec<DateTime<Utc>> {
        std::iter::successors(self.next_after(tz, after), |last| self.next_after(tz, *last)).take(count).collect()
    }

    /// The instant this recurrence fires for local `date` in `tz`: for weekly, its time on that
    /// date if the day applies; for cron, the earliest instant among that date's matches.
    pub fn occurrence_on(&self, tz: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
        match self {
            Recurrence::Weekly { at, days } => days.contains(date.weekday()).then(|| local_to_instant(tz, date, *at)),
            Recurrence::Cron(_) => {
                let mut best: Option<DateTime<Utc>> = None;
                let midnight = date.and_time(NaiveTime::MIN);
                for local in self.local_matches(midnight) {
                    if local.date() < date {
                        continue;
                    }
                    if local.date() > date {
                        break;
                    }
                    let (instant, reading) = read_local(tz, local);
                    best = Some(best.map_or(instant, |b| b.min(instant)));
                    if reading != LocalReading::Shifted {
                        break;
                    }
                }
                best
            }
        }
    }
}

fn format_time_of_day(at: NaiveTime) -> String {
    let format = if at.format("%S").to_string() == "00" { "%H:%M" } else { "%H:%M:%S" };
    at.format(format).to_string()
}

impl fmt::Display for Recurrence {
    /// Writes the stored form (module docs): `09:30 mon-fri` or `cron 0 30 9 * * Mon-Fri`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recurrence::Weekly { at, days } => write!(f, "{} {days}", format_time_of_day(*at)),
            Recurrence::Cron(cron) => write!(f, "cron {}", cron.text),
        }
    }
}

impl FromStr for Recurrence {
    type Err = ValueError;

    /// Reads the stored form (module docs); a bare cron expression is read as cron.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Some(expr) = text.strip_prefix("cron ") {
            return Recurrence::cron(expr);
        }
        let (first, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        if !first.contains(':') {
            return Recurrence::cron(text);
        }
        let at =
            parse_time_of_day(first).or_else(|err| NaiveTime::parse_from_str(first, "%H:%M:%S").map_err(|_| err))?;
        let days = match rest.trim() {
            "" => Weekdays::ALL,
            spec => spec.parse()?,
        };
        Ok(Recurrence::weekly(at, days))
    }
}

/// `unhurried schedule` (SPEC §8) without the argument parsing: validates the options and
/// returns the next `count` fire instants strictly after `from`, one line each, as UTC RFC 3339
/// with `Z` and seconds (`2026-03-30T07:30:00Z`). Every error is one line a user can act on.
///
/// `tz` is an IANA zone; `at` is `HH:MM` with `days` (default `daily`), or `cron` replaces both;
/// `from` is RFC 3339 with any offset.
pub fn schedule_command_lines(
    tz: &str,
    at: Option<&str>,
    days: Option<&str>,
    cron: Option<&str>,
    from: &str,
    count: usize,
) -> Result<Vec<String>, ValueError> {
    let Timezone(zone) = tz.parse()?;
    let recurrence = match (at, days, cron) {
        (Some(_), _, Some(_)) | (None, Some(_), Some(_)) => {
            return Err(value_error("--cron replaces --at and --days: give one or the other, not both"));
        }
        (None, None, Some(expr)) => Recurrence::cron(expr)?,
        (Some(at), days, None) => {
            Recurrence::weekly(parse_time_of_day(at)?, days.map_or(Ok(Weekdays::ALL), str::parse)?)
        }
        (None, Some(_), None) => {
            return Err(value_error("--days needs --at HH:MM to say when on those days"));
        }
        (None, None, None) => {
            return Err(value_error("say when it fires: --at HH:MM [--days DAYS] or --cron EXPR"));
        }
    };
    let from = DateTime::parse_from_rfc3339(from.trim()).map_err(|_| {
        value_error(format!("'{}' is not an RFC 3339 instant: write it like 2026-03-30T07:30:00Z", from.trim()))
    })?;
    Ok(recurrence
        .upcoming(zone, from.with_timezone(&Utc), count)
        .into_iter()
        .map(|instant| instant.to_rfc3339_opts(SecondsFormat::Secs, true))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_time_between_seconds_is_rounded_up_never_down() {
        let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(round_up_to_second(at("2026-03-27T08:00:02.400Z")), at("2026-03-27T08:00:03Z"));
        assert_eq!(round_up_to_second(at("2026-03-27T08:00:02Z")), at("2026-03-27T08:00:02Z"));
        assert_eq!(round_up_to_second(at("1969-12-31T23:59:59.500Z")), at("1970-01-01T00:00:00Z"));
    }
    use chrono_tz::{America, Asia, Australia, Europe, Pacific};

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn time(text: &str) -> NaiveTime {
        parse_time_of_day(text).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn lines(instants: &[DateTime<Utc>]) -> Vec<String> {
        instants.iter().map(|i| i.to_rfc3339_opts(SecondsFormat::Secs, true)).collect()
    }

    #[test]
    fn a_time_inside_the_spring_gap_is_shifted_by_the_gap_length() {
        let instant = local_to_instant(Europe::Berlin, date("2026-03-29"), time("02:30"));
        assert_eq!(instant, utc("2026-03-29T01:30:00Z"));
        assert_eq!(local_date_time_of(Europe::Berlin, instant).time(), time("03:30"));
    }

    #[test]
    fn a_thirty_minute_gap_shifts_by_thirty_minutes() {
        // Lord_Howe springs from +10:30 to +11:00 at 02:00 local.
        let (instant, reading) = read_local(Australia::Lord_Howe, date("2026-10-04").and_time(time("02:15")));
        assert_eq!(reading, LocalReading::Shifted);
        assert_eq!(instant, utc("2026-10-03T15:45:00Z"));
        assert_eq!(local_date_time_of(Australia::Lord_Howe, instant).time(), time("02:45"));
    }

    #[test]
    fn a_time_inside_the_fall_overlap_means_its_first_occurrence() {
        let (instant, reading) = read_local(Europe::Berlin, date("2026-10-25").and_time(time("02:30")));
        assert_eq!(reading, LocalReading::Ambiguous);
        assert_eq!(instant, utc("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn a_day_that_starts_at_one_in_the_morning_maps_midnight_to_one() {
        let instant = local_to_instant(America::Santiago, date("2026-09-06"), NaiveTime::MIN);
        assert_eq!(instant, utc("2026-09-06T04:00:00Z"));
        assert_eq!(local_date_time_of(America::Santiago, instant), date("2026-09-06").and_time(time("01:00")));
    }

    #[test]
    fn chatham_and_kathmandu_quarter_hour_offsets_are_kept() {
        assert_eq!(local_to_instant(Pacific::Chatham, date("2026-09-27"), time("03:00")), utc("2026-09-26T14:15:00Z"));
        assert_eq!(local_to_instant(Asia::Kathmandu, date("2026-03-29"), time("09:00")), utc("2026-03-29T03:15:00Z"));
    }

    #[test]
    fn a_daily_time_in_the_gap_fires_once_at_the_shifted_instant() {
        let daily = Recurrence::weekly(time("02:30"), Weekdays::ALL);
        let fires = daily.upcoming(Europe::Berlin, utc("2026-03-27T12:00:00Z"), 3);
        assert_eq!(lines(&fires), ["2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"]);
    }

    #[test]
    fn a_daily_time_in_the_overlap_fires_once_at_the_first_occurrence() {
        let daily = Recurrence::weekly(time("02:30"), Weekdays::ALL);
        let fires = daily.upcoming(Europe::Berlin, utc("2026-10-24T00:00:00Z"), 3);
        assert_eq!(lines(&fires), ["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]);
    }

    #[test]
    fn between_the_two_occurrences_the_second_does_not_fire() {
        let daily = Recurrence::weekly(time("02:30"), Weekdays::ALL);
        assert_eq!(daily.next_after(Europe::Berlin, utc("2026-10-25T01:00:00Z")), Some(utc("2026-10-26T01:30:00Z")));
    }

    #[test]
    fn a_gap_shifted_match_that_lands_on_a_real_one_fires_once() {
        let cron = Recurrence::cron("0 15,45 2,3 * * *").unwrap();
        let fires = cron.upcoming(Europe::Berlin, utc("2026-03-29T00:00:00Z"), 3);
        assert_eq!(lines(&fires), ["2026-03-29T01:15:00Z", "2026-03-29T01:45:00Z", "2026-03-30T00:15:00Z"]);
        // Looking from inside the shifted hour still finds the shifted 02:45 → 03:45 CEST.
        assert_eq!(cron.next_after(Europe::Berlin, utc("2026-03-29T01:20:00Z")), Some(utc("2026-03-29T01:45:00Z")));
    }

    #[test]
    fn an_hourly_cron_fires_every_existing_and_shifted_local_half_hour_once() {
        let hourly = Recurrence::cron("0 30 * * * *").unwrap();
        let spring = hourly.upcoming(Europe::Berlin, utc("2026-03-28T23:00:00Z"), 4);
        assert_eq!(
            lines(&spring),
            ["2026-03-28T23:30:00Z", "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"]
        );
        // 02:30 happens twice on 25 Oct; by the rule it means the first, so 01:30Z is not a fire.
        let fall = hourly.upcoming(Europe::Berlin, utc("2026-10-24T23:00:00Z"), 3);
        assert_eq!(lines(&fall), ["2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T02:30:00Z"]);
    }

    #[test]
    fn numeric_days_of_week_are_refused_with_a_hint_to_use_names() {
        for expr in ["0 30 9 * * 1-5", "30 9 * * 1", "0 0 9 * * */2"] {
            let err = Recurrence::cron(expr).unwrap_err();
            assert!(err.0.contains("Mon-Fri") && !err.0.contains('\n'), "{err}");
        }
    }

    #[test]
    fn a_five_field_crontab_line_gets_a_zero_seconds_field() {
        let five = Recurrence::cron("30 9 * * Mon-Fri").unwrap();
        let six = Recurrence::cron("0 30 9 * * Mon-Fri").unwrap();
        let after = utc("2026-03-27T12:00:00Z");
        assert_eq!(five.upcoming(Europe::Berlin, after, 3), six.upcoming(Europe::Berlin, after, 3));
        assert_eq!(five.to_string(), "cron 30 9 * * Mon-Fri");
    }

    #[test]
    fn bad_cron_expressions_get_one_line_errors() {
        for expr in ["", "0 30 9 * *  * * 2026", "every day", "0 61 9 * * Mon"] {
            let err = Recurrence::cron(expr).unwrap_err();
            assert!(!err.0.is_empty() && !err.0.contains('\n'), "{expr}: {err}");
        }
    }

    #[test]
    fn the_stored_form_reads_back_to_the_same_recurrence() {
        for text in [
            "09:30 mon-fri",
            "07:00 sun-thu",
            "23:59:30 daily",
            "cron 0 30 9 * * Mon-Fri",
            "cron 30 9 * * *",
            "cron @daily",
        ] {
            let recurrence: Recurrence = text.parse().unwrap();
            assert_eq!(recurrence.to_string(), text);
            assert_eq!(recurrence.to_string().parse::<Recurrence>(), Ok(recurrence));
        }
        assert_eq!("0 30 9 * * Mon".parse::<Recurrence>().unwrap().to_string(), "cron 0 30 9 * * Mon");
    }

    #[test]
    fn a_sun_thu_week_skips_friday_and_saturday() {
        let weekly = Recurrence::weekly(time("09:00"), "sun-thu".parse().unwrap());
        // 2026-04-02 is a Thursday; the next fire is Sunday 5 April, 09:00 in Jerusalem (+03).
        assert_eq!(weekly.next_after(Asia::Jerusalem, utc("2026-04-02T07:00:00Z")), Some(utc("2026-04-05T06:00:00Z")));
        assert_eq!(weekly.occurrence_on(Asia::Jerusalem, date("2026-04-03")), None);
    }

    #[test]
    fn a_cron_occurrence_on_a_date_is_its_earliest_instant() {
        let cron = Recurrence::cron("0 0,30 2,3 * * *").unwrap();
        assert_eq!(cron.occurrence_on(Europe::Berlin, date("2026-03-29")), Some(utc("2026-03-29T01:00:00Z")));
        let sundays = Recurrence::cron("0 0 9 * * Sun").unwrap();
        assert_eq!(sundays.occurrence_on(Europe::Berlin, date("2026-03-30")), None);
    }

    #[test]
    fn a_cron_limited_to_past_years_never_fires_again() {
        let past = Recurrence::cron("0 0 9 * * * 2020").unwrap();
        assert_eq!(past.next_after(Europe::Berlin, utc("2026-01-01T00:00:00Z")), None);
    }

    #[test]
    fn the_schedule_command_prints_utc_instants_after_from() {
        let out = schedule_command_lines(
            "Europe/Berlin",
            Some("09:30"),
            Some("mon-fri"),
            None,
            "2026-03-27T10:00:00+01:00",
            3,
        )
        .unwrap();
        assert_eq!(out, ["2026-03-30T07:30:00Z", "2026-03-31T07:30:00Z", "2026-04-01T07:30:00Z"]);
        let daily = schedule_command_lines("UTC", Some("00:00"), None, None, "2026-01-01T00:00:00Z", 2).unwrap();
        assert_eq!(daily, ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]);
        let cron =
            schedule_command_lines("America/New_York", None, None, Some("0 30 2 * * *"), "2026-03-07T12:00:00Z", 2)
                .unwrap();
        assert_eq!(cron, ["2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"]);
    }

    #[test]
    fn the_schedule_command_rejects_bad_input_with_one_line() {
        let from = "2026-03-27T00:00:00Z";
        // (tz, at, days, cron, from)
        type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>, &'a str);
        let cases: [Case; 8] = [
            ("Mars/Base", Some("09:00"), None, None, from),
            ("UTC", Some("9am"), None, None, from),
            ("UTC", Some("09:00"), Some("mo-fr"), None, from),
            ("UTC", Some("09:00"), None, None, "yesterday"),
            ("UTC", Some("09:00"), None, Some("0 0 9 * * *"), from),
            ("UTC", None, Some("mon"), Some("0 0 9 * * *"), from),
            ("UTC", None, Some("mon"), None, from),
            ("UTC", None, None, None, from),
        ];
        for (tz, at, days, cron, from) in cases {
            let err = schedule_command_lines(tz, at, days, cron, from, 5).unwrap_err();
            assert!(!err.0.is_empty() && !err.0.contains('\n'), "{err}");
        }
    }
}
