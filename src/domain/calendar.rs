//! Purpose: the small validated values every schedule is written in — weekday sets, local times of
//! day, working hours, IANA zones and durations — parsed from the text users and config write.
//!
//! Parsing is strict and every error is one sentence a user can act on.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration, NaiveTime, Weekday};

/// A parse failure for a user- or config-written value; the message is shown as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);

fn value_error(message: impl Into<String>) -> ValueError {
    ValueError(message.into())
}

const DAY_NAMES: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// A set of weekdays, written `daily`, `weekdays`, `weekends`, `mon-fri`, `sun-thu`, `mon,wed,fri`
/// or any comma-separated mix of three-letter names and ranges (ranges wrap around the week).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Weekdays(u8);

impl Weekdays {
    /// Every day of the week.
    pub const ALL: Weekdays = Weekdays(0b111_1111);
    /// Monday to Friday, the default working week.
    pub const MON_FRI: Weekdays = Weekdays(0b001_1111);

    /// The empty set (never valid as a parsed value, useful as an accumulator).
    pub const fn empty() -> Self {
        Weekdays(0)
    }

    /// Whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// The set with `day` added.
    pub fn with(self, day: Weekday) -> Self {
        Weekdays(self.0 | (1 << day.num_days_from_monday()))
    }

    /// The days in the set, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        DAY_NAMES.iter().map(|(_, d)| *d).filter(move |d| self.contains(*d))
    }

    /// Whether no day is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The raw bit set (bit 0 = Monday), for storage.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// Rebuilds a set from [`Weekdays::bits`]; `None` for bits outside the week or an empty set.
    pub fn from_bits(bits: u8) -> Option<Self> {
        (bits != 0 && bits & !Self::ALL.0 == 0).then_some(Weekdays(bits))
    }
}

fn parse_day_name(name: &str) -> Option<Weekday> {
    let lower = name.trim().to_ascii_lowercase();
    let key = lower.get(..3)?;
    // Accept the three-letter form and full names ("monday"), nothing shorter.
    let (_, day) = DAY_NAMES.iter().find(|(n, _)| *n == key)?;
    let full = day_full_name(*day);
    (lower.len() == 3 || lower == full).then_some(*day)
}

fn day_full_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

impl FromStr for Weekdays {
    type Err = ValueError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let spec = spec.trim().to_ascii_lowercase();
        match spec.as_str() {
            "daily" | "every day" | "everyday" => return Ok(Self::ALL),
            "weekdays" => return Ok(Self::MON_FRI),
            "weekends" => return Ok(Weekdays::empty().with(Weekday::Sat).with(Weekday::Sun)),
            _ => {}
        }
        let bad = || {
            value_error(format!("'{spec}' is not a day spec: use daily, mon-fri, sun-thu or a list like mon,wed,fri"))
        };
        let mut days = Weekdays::empty();
        for part in spec.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(bad());
            }
            match part.split_once('-') {
                Some((from, to)) => {
                    let from = parse_day_name(from).ok_or_else(bad)?;
                    let to = parse_day_name(to).ok_or_else(bad)?;
                    let mut day = from;
                    loop {
                        days = days.with(day);
                        if day == to {
                            break;
                        }
                        day = day.succ();
                    }
                }
                None => days = days.with(parse_day_name(part).ok_or_else(bad)?),
            }
        }
        Ok(days)
    }
}

impl fmt::Display for Weekdays {
    /// Writes the shortest canonical spec: `daily`, a single wrapping range, or a list.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Self::ALL {
            return f.write_str("daily");
        }
        // Find a contiguous (wrapping) run covering the whole set, written as a range.
        let count = self.0.count_ones();
        if count >= 3 {
            for (_, start) in DAY_NAMES {
                let run: Vec<Weekday> =
                    std::iter::successors(Some(start), |d| Some(d.succ())).take(count as usize).collect();
                if run.iter().all(|d| self.contains(*d)) {
                    return write!(f, "{}-{}", short_name(run[0]), short_name(run[run.len() - 1]));
                }
            }
        }
        let names: Vec<&str> = self.iter().map(short_name).collect();
        f.write_str(&names.join(","))
    }
}

impl fmt::Debug for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Weekdays({self})")
    }
}

/// The three-letter lower-case name of a weekday (`mon`).
pub fn short_name(day: Weekday) -> &'static str {
    DAY_NAMES[day.num_days_from_monday() as usize].0
}

/// Parses a local time of day written `HH:MM` (24-hour clock, `9:30` accepted).
pub fn parse_time_of_day(text: &str) -> Result<NaiveTime, ValueError> {
    let text = text.trim();
    let bad = || value_error(format!("'{text}' is not a time: write HH:MM on a 24-hour clock, like 09:30"));
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

/// A member's daily working period in local time, `start` inclusive, `end` exclusive.
///
/// `end` may be earlier than `start` for a period that runs past midnight (`22:00-06:00`); the
/// period then belongs to the date it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingHours {
    /// Local start of the working period.
    pub start: NaiveTime,
    /// Local end of the working period.
    pub end: NaiveTime,
}

impl WorkingHours {
    /// The default, 09:00–17:00.
    pub fn nine_to_five() -> Self {
        WorkingHours {
            start: NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
            end: NaiveTime::from_hms_opt(17, 0, 0).expect("valid time"),
        }
    }

    /// Length of the working period.
    pub fn length(&self) -> Duration {
        let raw = self.end - self.start;
        if raw <= Duration::zero() { raw + Duration::days(1) } else { raw }
    }
}

impl FromStr for WorkingHours {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (start, end) = text.trim().split_once('-').ok_or_else(|| {
            value_error(format!("'{}' is not a range of hours: write it like 09:00-17:30", text.trim()))
        })?;
        let hours = WorkingHours { start: parse_time_of_day(start)?, end: parse_time_of_day(end)? };
        if hours.start == hours.end {
            return Err(value_error(format!("working hours '{}' are empty: start and end are equal", text.trim())));
        }
        Ok(hours)
    }
}

impl fmt::Display for WorkingHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

/// An IANA timezone known to chrono-tz, kept by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timezone(pub chrono_tz::Tz);

impl Timezone {
    /// UTC.
    pub const UTC: Timezone = Timezone(chrono_tz::UTC);

    /// The IANA name (`Europe/Berlin`).
    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

impl FromStr for Timezone {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        text.parse::<chrono_tz::Tz>().or_else(|_| chrono_tz::Tz::from_str_insensitive(text)).map(Timezone).map_err(
            |_| value_error(format!("'{text}' is not an IANA timezone (like Europe/Berlin or America/New_York)")),
        )
    }
}

impl fmt::Display for Timezone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses a duration written `30s`, `15m`, `4h`, `2d` or a sum like `1h30m`. `0s` is allowed.
pub fn parse_duration(text: &str) -> Result<Duration, ValueError> {
    let text = text.trim();
    let bad = || value_error(format!("'{text}' is not a duration: write it like 30s, 15m, 4h or 1h30m"));
    if text.is_empty() {
        return Err(bad());
    }
    let mut total = Duration::zero();
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let amount: i64 = digits.parse().map_err(|_| bad())?;
        digits.clear();
        let unit = match c {
            's' => Duration::try_seconds(amount),
            'm' => Duration::try_minutes(amount),
            'h' => Duration::try_hours(amount),
            'd' => Duration::try_days(amount),
            _ => None,
        };
        total = total.checked_add(&unit.ok_or_else(bad)?).ok_or_else(bad)?;
    }
    if !digits.is_empty() {
        return Err(bad());
    }
    Ok(total)
}

/// Writes a duration the way [`parse_duration`] reads it (`1h30m`, `45s`, `0s`).
pub fn format_duration(duration: Duration) -> String {
    let mut secs = duration.num_seconds();
    if secs == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_specs_cover_ranges_lists_and_wrapping_weeks() {
        let sun_thu: Weekdays = "sun-thu".parse().unwrap();
        assert!(sun_thu.contains(Weekday::Sun) && sun_thu.contains(Weekday::Thu));
        assert!(!sun_thu.contains(Weekday::Fri) && !sun_thu.contains(Weekday::Sat));
        assert_eq!(sun_thu.to_string(), "sun-thu");
        assert_eq!("mon-fri".parse::<Weekdays>().unwrap(), Weekdays::MON_FRI);
        assert_eq!("daily".parse::<Weekdays>().unwrap(), Weekdays::ALL);
        assert_eq!("mon,wed,fri".parse::<Weekdays>().unwrap().to_string(), "mon,wed,fri");
        assert_eq!("Mon-Wed,sat".parse::<Weekdays>().unwrap().to_string(), "mon,tue,wed,sat");
        assert_eq!("fri-mon".parse::<Weekdays>().unwrap().to_string(), "fri-mon");
    }

    #[test]
    fn bad_day_specs_are_rejected_with_a_hint() {
        for bad in ["", "mo-fr", "mon-", "funday", "mon,,fri", "1-5"] {
            let err = bad.parse::<Weekdays>().unwrap_err();
            assert!(err.0.contains("day spec"), "{bad}: {err}");
        }
    }

    #[test]
    fn times_and_hours_parse_strictly() {
        assert_eq!(parse_time_of_day("9:30").unwrap(), NaiveTime::from_hms_opt(9, 30, 0).unwrap());
        for bad in ["24:00", "09:60", "0930", "9:3", "noon", "-1:00"] {
            assert!(parse_time_of_day(bad).is_err(), "{bad}");
        }
        let hours: WorkingHours = "09:00-17:30".parse().unwrap();
        assert_eq!(hours.to_string(), "09:00-17:30");
        assert_eq!(hours.length(), Duration::minutes(510));
        assert_eq!("22:00-06:00".parse::<WorkingHours>().unwrap().length(), Duration::hours(8));
        assert!("09:00-09:00".parse::<WorkingHours>().is_err());
    }

    #[test]
    fn zones_are_iana_names_only() {
        assert_eq!("Europe/Berlin".parse::<Timezone>().unwrap().name(), "Europe/Berlin");
        assert_eq!("europe/berlin".parse::<Timezone>().unwrap().name(), "Europe/Berlin");
        let err = "Mars/Olympus".parse::<Timezone>().unwrap_err();
        assert!(err.0.contains("not an IANA timezone"));
    }

    #[test]
    fn durations_round_trip() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::seconds(90));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::minutes(90));
        assert_eq!(format_duration(Duration::minutes(90)), "1h30m");
        assert_eq!(format_duration(Duration::zero()), "0s");
        for bad in ["", "10", "5x", "h", "-5s", "1.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
