//! Purpose: the all-day events of an iCalendar feed (RFC 5545) as holidays — pure: text in,
//! dates and names out, or one line saying where the feed is malformed.
//!
//! Read: content lines unfolded (§3.1), `VEVENT`s inside a `VCALENDAR`, their `DTSTART` /
//! `DTEND` (or `DURATION` in days) with `VALUE=DATE` or an 8-digit date, `SUMMARY` unescaped
//! (§3.3.11), `STATUS:CANCELLED` left out. Timed events are not holidays and are passed over;
//! `RRULE`s are not expanded (national holiday feeds list each date).

use chrono::{Duration, NaiveDate};

/// Longest holiday a single event may make, in days (a feed's typo must not swallow a year).
pub const MAX_EVENT_DAYS: i64 = 31;
/// Most holiday dates kept from one feed.
pub const MAX_DATES: usize = 5_000;

/// One holiday date from the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedHoliday {
    /// The date.
    pub date: NaiveDate,
    /// The event's summary, unescaped; empty when it has none.
    pub name: String,
}

/// Why a feed could not be read: one line for the admin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MalformedFeed(pub String);

fn malformed(line: usize, what: &str) -> MalformedFeed {
    MalformedFeed(format!("line {line}: {what}"))
}

/// Lines with folding undone (a line that starts with a space or a tab continues the one before),
/// each with its 1-based number in the file.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some((_, last))) => last.push_str(rest),
            _ if raw.is_empty() => {}
            _ => lines.push((index + 1, raw.to_owned())),
        }
    }
    lines
}

/// A content line: its upper-cased name, its parameters (`VALUE=DATE`, upper-cased) and value.
struct ContentLine<'a> {
    name: String,
    params: Vec<String>,
    value: &'a str,
}

fn content_line(line: &str) -> Option<ContentLine<'_>> {
    // The value starts after the first colon outside a quoted parameter value.
    let mut in_quote = false;
    let colon = line.char_indices().find(|&(_, c)| {
        if c == '"' {
            in_quote = !in_quote;
        }
        c == ':' && !in_quote
    })?;
    let (head, value) = (&line[..colon.0], &line[colon.0 + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.trim().to_ascii_uppercase();
    if name.is_empty() {
        return None;
    }
    Some(ContentLine { name, params: parts.map(|p| p.trim().to_ascii_uppercase()).collect(), value })
}

/// An event being read.
#[derive(Default)]
struct Event {
    start: Option<(NaiveDate, bool)>,
    end: Option<NaiveDate>,
    days: Option<i64>,
    summary: String,
    cancelled: bool,
}

/// Reads a `DTSTART`/`DTEND` value: the date, and whether it is a whole day (no time part).
fn date_value(line: &ContentLine<'_>) -> Option<(NaiveDate, bool)> {
    let value = line.value.trim();
    let date = NaiveDate::parse_from_str(value.get(..8)?, "%Y%m%d").ok()?;
    let whole_day = line.params.iter().any(|p| p == "VALUE=DATE") || value.len() == 8;
    Some((date, whole_day))
}

/// Reads a `DURATION` in whole days (`P1D`, `P2W`); other durations are not whole days.
fn duration_days(value: &str) -> Option<i64> {
    let value = value.trim().strip_prefix('+').unwrap_or(value.trim());
    let rest = value.strip_prefix('P')?;
    if let Some(days) = rest.strip_suffix('D') {
        return days.parse().ok();
    }
    rest.strip_suffix('W')?.parse::<i64>().ok().map(|weeks| weeks * 7)
}

/// Undoes TEXT escaping (RFC 5545 §3.3.11) and keeps the name on one line.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push(' '),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The holiday dates of a feed, by date, without repeats (the first event of a date names it).
pub fn holidays(text: &str) -> Result<Vec<FeedHoliday>, MalformedFeed> {
    let lines = unfold(text.strip_prefix('\u{feff}').unwrap_or(text));
    match lines.first() {
        Some((_, first)) if first.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR") => {}
        _ => {
            return Err(MalformedFeed("this is not an iCalendar feed (it does not start with BEGIN:VCALENDAR)".into()));
        }
    }
    let mut days: Vec<FeedHoliday> = Vec::new();
    let mut nesting: Vec<String> = Vec::new();
    let mut event: Option<Event> = None;
    for (number, raw) in &lines {
        let line = content_line(raw).ok_or_else(|| malformed(*number, "not a content line (NAME:value)"))?;
        match line.name.as_str() {
            "BEGIN" => {
                let component = line.value.trim().to_ascii_uppercase();
                if component == "VEVENT" {
                    event = Some(Event::default());
                }
                nesting.push(component);
            }
            "END" => {
                let component = line.value.trim().to_ascii_uppercase();
                if nesting.pop().as_deref() != Some(component.as_str()) {
                    return Err(malformed(*number, &format!("END:{component} does not close what was opened")));
                }
                if component == "VEVENT"
                    && let Some(done) = event.take()
                {
                    add_event(&mut days, done, *number)?;
                }
            }
            _ if nesting.last().map(String::as_str) != Some("VEVENT") => {}
            "DTSTART" => {
                let start = date_value(&line).ok_or_else(|| malformed(*number, "DTSTART is not a date"))?;
                event.get_or_insert_with(Event::default).start = Some(start);
            }
            "DTEND" => {
                let (end, _) = date_value(&line).ok_or_else(|| malformed(*number, "DTEND is not a date"))?;
                event.get_or_insert_with(Event::default).end = Some(end);
            }
            "DURATION" => event.get_or_insert_with(Event::default).days = duration_days(line.value),
            "SUMMARY" => event.get_or_insert_with(Event::default).summary = unescape(line.value),
            "STATUS" => {
                event.get_or_insert_with(Event::default).cancelled =
                    line.value.trim().eq_ignore_ascii_case("CANCELLED");
            }
            _ => {}
        }
    }
    if let Some(open) = nesting.last() {
        return Err(MalformedFeed(format!("the feed ends inside {open} (no END:{open})")));
    }
    days.sort_by_key(|day| day.date);
    days.dedup_by_key(|day| day.date);
    Ok(days)
}

fn add_event(days: &mut Vec<FeedHoliday>, event: Event, line: usize) -> Result<(), MalformedFeed> {
    let Some((start, whole_day)) = event.start else {
        return Err(malformed(line, "an event without DTSTART"));
    };
    if !whole_day || event.cancelled {
        return Ok(());
    }
    // DTEND of an all-day event is exclusive; without it (or a DURATION) the event is one day.
    let length = match (event.end, event.days) {
        (Some(end), _) => (end - start).num_days(),
        (None, Some(days)) => days,
        (None, None) => 1,
    };
    if !(1..=MAX_EVENT_DAYS).contains(&length) {
        return Err(malformed(line, &format!("an all-day event lasting {length} days")));
    }
    for offset in 0..length {
        if days.len() >= MAX_DATES {
            return Err(MalformedFeed(format!("more than {MAX_DATES} holiday dates")));
        }
        days.push(FeedHoliday { date: start + Duration::days(offset), name: event.summary.clone() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
        BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261226\r\n\
        SUMMARY:Christmas\r\n  Day\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:2\r\nDTSTART:20261228\r\nDURATION:P2D\r\nSUMMARY:Boxing Day\\, substitute\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20261224T090000Z\r\nDTEND:20261224T100000Z\r\nSUMMARY:Meeting\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:4\r\nDTSTART;VALUE=DATE:20261231\r\nSTATUS:CANCELLED\r\nSUMMARY:Gone\r\nEND:VEVENT\r\n\
        END:VCALENDAR\r\n";

    #[test]
    fn all_day_events_become_holidays_and_timed_or_cancelled_ones_do_not() {
        let days = holidays(FEED).unwrap();
        let dates: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
        assert_eq!(dates, [day("2026-12-25"), day("2026-12-28"), day("2026-12-29")]);
        assert_eq!(days[0].name, "Christmas Day", "a folded line is unfolded (one space removed)");
        assert_eq!(days[1].name, "Boxing Day, substitute");
    }

    #[test]
    fn text_that_is_not_a_calendar_is_refused_with_a_reason() {
        assert!(holidays("<html>404</html>").unwrap_err().0.contains("not an iCalendar feed"));
        let unclosed = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261225\n";
        assert!(holidays(unclosed).unwrap_err().0.contains("ends inside VEVENT"));
        let bad_date = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2026-12-25\nEND:VEVENT\nEND:VCALENDAR\n";
        assert_eq!(holidays(bad_date).unwrap_err().0, "line 3: DTSTART is not a date");
        let mismatched = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261225\nEND:VTODO\nEND:VCALENDAR\n";
        assert!(holidays(mismatched).unwrap_err().0.contains("END:VTODO"));
    }

    #[test]
    fn an_event_of_absurd_length_is_refused() {
        let long = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260101\nDTEND:20270101\nEND:VEVENT\nEND:VCALENDAR\n";
        assert!(holidays(long).unwrap_err().0.contains("365 days"));
    }
}
