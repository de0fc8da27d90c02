//! The local time → instant rule and recurrences, checked against named DST cases, the shared
//! transition fixture, an independent Python zoneinfo implementation, and properties over every
//! zone chrono-tz knows.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Timelike, Utc};
use chrono_tz::{America, Asia, Australia, Europe, Pacific, TZ_VARIANTS, Tz};
use proptest::prelude::*;
use unhurried::domain::calendar::{Weekdays, short_name};
use unhurried::domain::schedule::{
    LocalReading, Recurrence, local_date_time_of, local_to_instant, read_local, schedule_command_lines, utc_offset_at,
};

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}")).with_timezone(&Utc)
}

fn local(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn at(tz: Tz, text: &str) -> DateTime<Utc> {
    let local = local(text);
    local_to_instant(tz, local.date(), local.time())
}

fn rfc(instants: &[DateTime<Utc>]) -> Vec<String> {
    instants.iter().map(|i| i.to_rfc3339_opts(SecondsFormat::Secs, true)).collect()
}

fn weekly(at: &str, days: &str) -> Recurrence {
    format!("{at} {days}").parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Named cases, 2026 transitions, expected instants written out.

#[test]
fn named_local_times_across_the_2026_transitions_map_to_these_instants() {
    let cases: [(Tz, &str, &str); 16] = [
        // New York: 02:00 → 03:00 on 8 Mar, 02:00 → 01:00 on 1 Nov.
        (America::New_York, "2026-03-08T02:30", "2026-03-08T07:30:00Z"),
        (America::New_York, "2026-03-08T03:00", "2026-03-08T07:00:00Z"),
        (America::New_York, "2026-11-01T01:30", "2026-11-01T05:30:00Z"),
        (America::New_York, "2026-11-01T02:00", "2026-11-01T07:00:00Z"),
        // Berlin: 02:00 → 03:00 on 29 Mar, 03:00 → 02:00 on 25 Oct.
        (Europe::Berlin, "2026-03-29T02:00", "2026-03-29T01:00:00Z"),
        (Europe::Berlin, "2026-03-29T02:59", "2026-03-29T01:59:00Z"),
        (Europe::Berlin, "2026-10-25T02:00", "2026-10-25T00:00:00Z"),
        (Europe::Berlin, "2026-10-25T02:59", "2026-10-25T00:59:00Z"),
        // Lord Howe: 02:00 → 01:30 on 5 Apr (+11 → +10:30), 02:00 → 02:30 on 4 Oct.
        (Australia::Lord_Howe, "2026-04-05T01:45", "2026-04-04T14:45:00Z"),
        (Australia::Lord_Howe, "2026-04-05T02:00", "2026-04-04T15:30:00Z"),
        (Australia::Lord_Howe, "2026-10-04T02:15", "2026-10-03T15:45:00Z"),
        (Australia::Lord_Howe, "2026-10-04T02:30", "2026-10-03T15:30:00Z"),
        // Chatham: 03:45 → 02:45 on 5 Apr (+13:45 → +12:45), 02:45 → 03:45 on 27 Sep.
        (Pacific::Chatham, "2026-04-05T03:00", "2026-04-04T13:15:00Z"),
        (Pacific::Chatham, "2026-09-27T03:00", "2026-09-26T14:15:00Z"),
        // Kathmandu: +05:45 all year.
        (Asia::Kathmandu, "2026-03-29T02:30", "2026-03-28T20:45:00Z"),
        (Asia::Kathmandu, "2026-10-25T09:00", "2026-10-25T03:15:00Z"),
    ];
    for (tz, local_text, expected) in cases {
        assert_eq!(at(tz, local_text), utc(expected), "{tz} {local_text}");
    }
}

#[test]
fn a_daily_standup_fires_once_per_local_day_across_each_named_transition() {
    // (zone, time, from, expected next four)
    let cases: [(Tz, &str, &str, [&str; 4]); 6] = [
        (
            Europe::Berlin,
            "02:30",
            "2026-03-27T12:00:00Z",
            ["2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"],
        ),
        (
            Europe::Berlin,
            "02:30",
            "2026-10-23T12:00:00Z",
            ["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", "2026-10-27T01:30:00Z"],
        ),
        (
            America::New_York,
            "01:30",
            "2026-10-30T12:00:00Z",
            ["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", "2026-11-03T06:30:00Z"],
        ),
        (
            Australia::Lord_Howe,
            "02:15",
            "2026-10-02T00:00:00Z",
            ["2026-10-02T15:45:00Z", "2026-10-03T15:45:00Z", "2026-10-04T15:15:00Z", "2026-10-05T15:15:00Z"],
        ),
        (
            Pacific::Chatham,
            "03:00",
            "2026-09-25T00:00:00Z",
            ["2026-09-25T14:15:00Z", "2026-09-26T14:15:00Z", "2026-09-27T13:15:00Z", "2026-09-28T13:15:00Z"],
        ),
        (
            Asia::Kathmandu,
            "09:00",
            "2026-03-28T00:00:00Z",
            ["2026-03-28T03:15:00Z", "2026-03-29T03:15:00Z", "2026-03-30T03:15:00Z", "2026-03-31T03:15:00Z"],
        ),
    ];
    for (tz, time, from, expected) in cases {
        let fires = weekly(time, "daily").upcoming(tz, utc(from), 4);
        assert_eq!(rfc(&fires), expected, "{tz} {time} from {from}");
    }
}

#[test]
fn a_sun_thu_week_fires_sunday_to_thursday_only() {
    let fires = weekly("09:00", "sun-thu").upcoming(Asia::Jerusalem, utc("2026-03-26T12:00:00Z"), 6);
    // Israel moves to +03 on Friday 27 Mar 2026; Sun 29 Mar is the first prompt after it.
    assert_eq!(
        rfc(&fires),
        [
            "2026-03-29T06:00:00Z",
            "2026-03-30T06:00:00Z",
            "2026-03-31T06:00:00Z",
            "2026-04-01T06:00:00Z",
            "2026-04-02T06:00:00Z",
            "2026-04-05T06:00:00Z"
        ]
    );
}

#[test]
fn the_stack_notes_cron_table_is_fixed_by_the_rule() {
    let berlin = Europe::Berlin;
    let cases: [(&str, &str, &[&str]); 6] = [
        // Daily 02:30 on the gap day: once, at 03:30 CEST (not skipped).
        ("0 30 2 * * *", "2026-03-28T02:00:00Z", &["2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"]),
        ("0 0 2 * * *", "2026-03-28T02:00:00Z", &["2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"]),
        ("0 30 3 * * *", "2026-03-28T02:00:00Z", &["2026-03-28T02:30:00Z", "2026-03-29T01:30:00Z"]),
        // Daily 02:30 on the overlap day: once, at the first 02:30 (CEST), not twice.
        ("0 30 2 * * *", "2026-10-24T02:00:00Z", &["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]),
        // ...and starting at 02:45 CEST (00:45Z) the CET 02:30 is not a fire.
        ("0 30 2 * * *", "2026-10-25T00:45:00Z", &["2026-10-26T01:30:00Z"]),
        ("0 0 2 * * *", "2026-10-24T02:00:00Z", &["2026-10-25T00:00:00Z", "2026-10-26T01:00:00Z"]),
    ];
    for (expr, from, expected) in cases {
        let fires = Recurrence::cron(expr).unwrap().upcoming(berlin, utc(from), expected.len());
        assert_eq!(rfc(&fires), expected, "{expr} from {from}");
    }
}

#[test]
fn an_hourly_cron_fires_each_local_half_hour_once_over_both_berlin_transitions() {
    let hourly = Recurrence::cron("0 30 * * * *").unwrap();
    // Spring: 00:30 CET, 01:30 CET, 02:30 (shifted = 03:30 CEST, merged), 04:30 CEST.
    assert_eq!(
        rfc(&hourly.upcoming(Europe::Berlin, utc("2026-03-28T23:00:00Z"), 4)),
        ["2026-03-28T23:30:00Z", "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"]
    );
    // Fall: 01:30 CEST, 02:30 (its first occurrence only), 03:30 CET.
    assert_eq!(
        rfc(&hourly.upcoming(Europe::Berlin, utc("2026-10-24T23:00:00Z"), 3)),
        ["2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T02:30:00Z"]
    );
    // Recomputing from each fire (what a scheduler storing next_fire does) gives the same list.
    let mut walked = vec![];
    let mut after = utc("2026-10-24T23:00:00Z");
    for _ in 0..3 {
        after = hourly.next_after(Europe::Berlin, after).unwrap();
        walked.push(after);
    }
    assert_eq!(rfc(&walked)[2], "2026-10-25T02:30:00Z");
}

#[test]
fn the_schedule_command_formats_utc_lines() {
    let lines =
        schedule_command_lines("Europe/Berlin", Some("09:30"), Some("mon-fri"), None, "2026-03-28T00:00:00+01:00", 2)
            .unwrap();
    assert_eq!(lines, ["2026-03-30T07:30:00Z", "2026-03-31T07:30:00Z"]);
}

// ---------------------------------------------------------------------------------------------
// The shared fixture: every nonexistent and ambiguous local time it lists.

#[test]
fn every_listed_nonexistent_or_ambiguous_time_in_the_fixture_follows_the_rule() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/shared/fixtures/time/dst_transitions_2026.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for transition in fixture["transitions"].as_array().unwrap() {
        let tz: Tz = transition["zone"].as_str().unwrap().parse().unwrap();
        let times = transition["non_unique_local_times_checked"].as_object().unwrap();
        for (local_text, case) in times {
            let listed: Vec<DateTime<Utc>> = case["utc"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| utc(u.as_str().unwrap().split(' ').next().unwrap()))
                .collect();
            let (instant, reading) = read_local(tz, local(local_text));
            match case["status"].as_str().unwrap() {
                "nonexistent" => assert_eq!(reading, LocalReading::Shifted, "{tz} {local_text}"),
                "ambiguous" => assert_eq!(reading, LocalReading::Ambiguous, "{tz} {local_text}"),
                other => panic!("unknown status {other}"),
            }
            let earliest = *listed.iter().min().unwrap();
            assert_eq!(instant, earliest, "{tz} {local_text}");
            checked += 1;
        }
        // A daily 09:00 standup goes from the last one before to the first one after.
        let last = utc(transition["last_0900_standup_before_transition"]["utc"].as_str().unwrap());
        let first = utc(transition["first_0900_standup_after_transition"]["utc"].as_str().unwrap());
        let daily = weekly("09:00", "daily");
        assert_eq!(daily.next_after(tz, last), Some(first), "{tz}");
        let hours = transition["gap_between_those_standups_hours"].as_f64().unwrap();
        assert_eq!((first - last).num_minutes() as f64, hours * 60.0, "{tz}");
    }
    assert!(checked >= 10, "only {checked} fixture times checked");
}

// ---------------------------------------------------------------------------------------------
// The independent Python zoneinfo implementation (scripts/rfc5545_crosscheck.py).

#[test]
fn the_python_zoneinfo_cross_check_agrees() {
    // Regenerate with: python3 scripts/rfc5545_crosscheck.py > tests/data/rfc5545_cases.tsv
    let text = include_str!("../data/rfc5545_cases.tsv");
    let option = |field: &str| (field != "-").then(|| field.to_owned());
    let (mut total, mut failures) = (0, vec![]);
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [zone, at, days, cron, from, count, expected] = fields[..] else {
            panic!("bad line: {line}");
        };
        let (at, days, cron) = (option(at), option(days), option(cron));
        let got =
            schedule_command_lines(zone, at.as_deref(), days.as_deref(), cron.as_deref(), from, count.parse().unwrap())
                .unwrap_or_else(|e| panic!("{line}: {e}"))
                .join(",");
        total += 1;
        if got != expected {
            failures.push(format!("{line}\n   got {got}"));
        }
    }
    assert!(total > 500, "only {total} cases");
    assert!(failures.is_empty(), "{} of {total} disagree:\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Properties over every zone.

/// An independent reading of the rule by brute force: which instants near `local` read as it,
/// and, if none, the offset the zone had just before its wall clock jumped past `local`.
fn oracle(tz: Tz, local: NaiveDateTime) -> (DateTime<Utc>, LocalReading) {
    let naive = local.and_utc();
    let mut offsets: Vec<Duration> =
        (-40..=40).map(|quarter_hours| utc_offset_at(tz, naive + Duration::minutes(45 * quarter_hours))).collect();
    offsets.sort();
    offsets.dedup();
    let readings: Vec<DateTime<Utc>> = offsets
        .iter()
        .map(|offset| naive - *offset)
        .filter(|instant| utc_offset_at(tz, *instant) == naive - *instant)
        .collect();
    match readings.len() {
        1 => (readings[0], LocalReading::Unique),
        n if n > 1 => (*readings.iter().min().unwrap(), LocalReading::Ambiguous),
        _ => {
            // Walk forward minute by minute until the wall clock passes `local`.
            let wall = |u: DateTime<Utc>| u.naive_utc() + utc_offset_at(tz, u);
            let mut u = naive - Duration::hours(30);
            while wall(u + Duration::minutes(1)) < local {
                u += Duration::minutes(1);
            }
            (naive - utc_offset_at(tz, u), LocalReading::Shifted)
        }
    }
}

fn any_zone() -> impl Strategy<Value = Tz> {
    (0..TZ_VARIANTS.len()).prop_map(|i| TZ_VARIANTS[i])
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    any_date_until(2100)
}

/// A date from 1970 to the end of `last_year`.
fn any_date_until(last_year: i32) -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let days = (NaiveDate::from_ymd_opt(last_year, 12, 31).unwrap() - first).num_days();
    (0..=days).prop_map(move |d| first + Duration::days(d))
}

fn any_minute_of_day() -> impl Strategy<Value = NaiveTime> {
    (0u32..1440).prop_map(|m| NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap())
}

/// The wall-clock time just before the first transition in `tz` after the start of `date`
/// (within a year), so that nearby local times often fall in a gap or an overlap.
fn wall_clock_near_a_transition(tz: Tz, date: NaiveDate) -> Option<NaiveDateTime> {
    let start = date.and_time(NaiveTime::MIN).and_utc();
    let first = utc_offset_at(tz, start);
    let day = (1..=366).find(|d| utc_offset_at(tz, start + Duration::days(*d)) != first)?;
    let (mut low, mut high) = (start + Duration::days(day - 1), start + Duration::days(day));
    while high - low > Duration::minutes(1) {
        let middle = low + (high - low) / 2;
        if utc_offset_at(tz, middle) == first {
            low = middle;
        } else {
            high = middle;
        }
    }
    Some(local_date_time_of(tz, low))
}

fn check_reading(tz: Tz, local: NaiveDateTime) -> Result<(), TestCaseError> {
    let (instant, reading) = read_local(tz, local);
    let (expected, expected_reading) = oracle(tz, local);
    prop_assert_eq!(reading, expected_reading, "{} {}", tz, local);
    prop_assert_eq!(instant, expected, "{} {}", tz, local);
    let back = local_date_time_of(tz, instant);
    match reading {
        LocalReading::Unique | LocalReading::Ambiguous => prop_assert_eq!(back, local),
        LocalReading::Shifted => {
            // Read with the pre-gap offset, the instant's own wall clock is later by the gap.
            let gap = utc_offset_at(tz, instant) - (local.and_utc() - instant);
            prop_assert!(gap > Duration::zero(), "{} {}", tz, local);
            prop_assert_eq!(back, local + gap, "{} {}", tz, local);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_local_time_maps_back_to_itself_or_forward_by_the_gap(
        tz in any_zone(), date in any_date(), time in any_minute_of_day(),
    ) {
        check_reading(tz, date.and_time(time))?;
    }

    #[test]
    fn a_weekly_recurrence_fires_once_per_applicable_local_date(
        tz in any_zone(), date in any_date(), time in any_minute_of_day(),
        bits in 1u8..128, transition_bias in any::<bool>(),
    ) {
        let days = Weekdays::from_bits(bits).unwrap();
        let recurrence = Recurrence::weekly(time, days);
        // Half the runs start just before a transition, where mistakes would be.
        let first = match transition_bias.then(|| wall_clock_near_a_transition(tz, date)).flatten() {
            Some(near) => near.date() - Duration::days(3),
            None => date,
        };
        let last = first + Duration::days(21);
        let from = local_to_instant(tz, first, NaiveTime::MIN);
        let until = local_to_instant(tz, last, NaiveTime::MIN);
        let mut expected: Vec<DateTime<Utc>> = first
            .checked_sub_days(chrono::Days::new(2))
            .unwrap()
            .iter_days()
            .take(26)
            .filter_map(|d| recurrence.occurrence_on(tz, d))
            .filter(|i| *i > from && *i <= until)
            .collect();
        expected.sort();
        expected.dedup();
        let mut walked = vec![];
        let mut after = from;
        while let Some(next) = recurrence.next_after(tz, after) {
            prop_assert!(next > after, "not increasing: {} then {}", after, next);
            if next > until {
                break;
            }
            walked.push(next);
            after = next;
        }
        prop_assert_eq!(&walked, &expected, "{} {} {}", tz, time, days);
        // Every applicable date strictly inside the window has its fire on its own local date
        // (or later, when shifted out of a gap).
        for d in (first + Duration::days(1)).iter_days().take_while(|d| *d < last - Duration::days(1)) {
            if days.contains(d.weekday()) {
                let instant = local_to_instant(tz, d, time);
                prop_assert!(walked.contains(&instant), "{} {} missing {}", tz, time, d);
                prop_assert!(local_date_time_of(tz, instant).date() >= d);
            }
        }
    }

    #[test]
    fn a_cron_with_day_names_matches_the_same_weekly_recurrence(
        // The cron crate matches no year after 2100, so stay well before it.
        tz in any_zone(), date in any_date_until(2098), time in any_minute_of_day(), bits in 1u8..128,
    ) {
        let days = Weekdays::from_bits(bits).unwrap();
        let names: Vec<&str> = days.iter().map(short_name).collect();
        let cron = Recurrence::cron(&format!(
            "0 {} {} * * {}", time.minute(), time.hour(), names.join(",")
        )).unwrap();
        let weekly = Recurrence::weekly(time, days);
        let from = wall_clock_near_a_transition(tz, date)
            .map_or(local_to_instant(tz, date, NaiveTime::MIN), |near| near.and_utc() - Duration::days(2));
        prop_assert_eq!(cron.upcoming(tz, from, 8), weekly.upcoming(tz, from, 8), "{} {} {}", tz, time, days);
    }

    #[test]
    fn sub_daily_crons_are_strictly_increasing_across_transitions(
        tz in any_zone(), date in any_date_until(2098), which in 0usize..4,
    ) {
        let expr = ["0 30 * * * *", "0 */15 * * * *", "0 0 0,1,2,3 * * *", "0 45 23,0 * * *"][which];
        let cron = Recurrence::cron(expr).unwrap();
        let Some(near) = wall_clock_near_a_transition(tz, date) else { return Ok(()) };
        let from = near.and_utc() - Duration::days(1);
        let fires = cron.upcoming(tz, from, 60);
        prop_assert_eq!(fires.len(), 60);
        prop_assert!(fires[0] > from);
        for pair in fires.windows(2) {
            prop_assert!(pair[0] < pair[1], "{} {}: {} then {}", tz, expr, pair[0], pair[1]);
        }
    }
}

proptest! {
    // Cheap cases, and the ones that reach gaps and overlaps: run many.
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn local_times_around_transitions_follow_the_rule(
        tz in any_zone(), date in any_date(), minutes in -120i64..=120,
    ) {
        // Many zones have no transition in a given year; the others land in a gap or overlap
        // about half the time.
        if let Some(near) = wall_clock_near_a_transition(tz, date) {
            check_reading(tz, near + Duration::minutes(minutes))?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn availability_agrees_with_its_own_periods_in_every_zone(
        tz in any_zone(), date in any_date_until(2098), start in any_minute_of_day(),
        end in any_minute_of_day(), bits in 0u8..128, minutes in 0i64..(3 * 24 * 60),
    ) {
        use unhurried::domain::availability::Availability;
        use unhurried::domain::calendar::WorkingHours;
        prop_assume!(start != end);
        let member = Availability {
            tz,
            hours: WorkingHours { start, end },
            days: Weekdays::from_bits(bits).unwrap_or(Weekdays::empty()),
            out_of_office: vec![],
        };
        let instant = local_to_instant(tz, date, NaiveTime::MIN) + Duration::minutes(minutes);
        let period = member.current_or_next_period(instant);
        let inside = period.is_some_and(|(s, e)| s <= instant && instant < e);
        prop_assert_eq!(member.is_working_at(instant), inside);
        if let Some((s, e)) = period {
            prop_assert!(s < e && instant < e);
        }
        if let Some(next) = member.next_working_start(instant) {
            prop_assert!(next >= instant);
            prop_assert!(member.is_working_at(next), "{} {} starts at {} but is not working", tz, member.hours, next);
        } else {
            prop_assert!(bits == 0 || period.is_none());
        }
    }
}
