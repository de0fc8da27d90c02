#!/usr/bin/env python3
"""Independent cross-check of unhurried's local time -> instant rule (SPEC §2, RFC 5545 §3.3.5).

Implements the rule with Python's zoneinfo instead of chrono-tz: `fold=0` reads an ambiguous
local time as its first occurrence and a nonexistent one with the offset from before the gap
(PEP 495), which is exactly the rule. For ~20 zones it finds every 2026 and 2027 transition and
writes cases around each (daily/weekday schedules at in-gap, in-overlap and ordinary times, and
hourly crons) with the expected next fire instants to a TSV that the Rust test suite replays
through `schedule_command_lines` (tests/it/schedule.rs, `the_python_zoneinfo_cross_check_agrees`).

Regenerate (needs tzdata matching chrono-tz's bundled version, see the header line it prints):

    python3 scripts/rfc5545_crosscheck.py > tests/data/rfc5545_cases.tsv

Columns: zone, at, days, cron, from, count, expected ('-' = option not given; expected is
comma-separated UTC instants).
"""

import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

UTC = timezone.utc

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/St_Johns",  # -03:30 / -02:30
    "America/Havana",  # transitions at local midnight
    "America/Santiago",  # transitions at local midnight
    "America/Nuuk",
    "Atlantic/Azores",
    "Europe/London",
    "Europe/Dublin",  # "negative DST" in the tz source
    "Europe/Berlin",
    "Europe/Chisinau",
    "Asia/Beirut",  # transitions at local midnight
    "Asia/Jerusalem",
    "Africa/Cairo",  # transitions at local midnight
    "Australia/Sydney",
    "Australia/Adelaide",  # +09:30 / +10:30
    "Australia/Lord_Howe",  # 30-minute shift
    "Pacific/Auckland",
    "Pacific/Chatham",  # +12:45 / +13:45
    "Antarctica/Troll",  # two-hour shift
    "Asia/Kathmandu",  # +05:45, no transitions: a control
]

DAY_SPECS = ["daily", "mon-fri", "sun-thu", "mon,wed,fri", "sat,sun"]
DAY_NUMBERS = {  # Python weekday(): Monday = 0
    "daily": set(range(7)),
    "mon-fri": {0, 1, 2, 3, 4},
    "sun-thu": {6, 0, 1, 2, 3},
    "mon,wed,fri": {0, 2, 4},
    "sat,sun": {5, 6},
}
ORDINARY_TIMES = ["00:00", "01:30", "02:30", "09:00", "23:30"]
COUNT = 4


def instant(zone, local):
    """The rule itself: fold=0 is the first occurrence, and the pre-gap offset in a gap."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def offset(zone, at):
    return at.astimezone(zone).utcoffset()


def transitions(zone, year):
    """(instant, offset before, offset after) of every transition in a year, to the second."""
    found = []
    step = timedelta(hours=1)
    at = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    while at < end:
        if offset(zone, at) != offset(zone, at + step):
            low, high = at, at + step
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                if offset(zone, mid) == offset(zone, at):
                    low = mid
                else:
                    high = mid
            found.append((high, offset(zone, low), offset(zone, high)))
        at += step
    return found


def hhmm(local_time):
    return local_time.strftime("%H:%M")


def weekly_expected(zone, at, days, start, count):
    clock = time.fromisoformat(at)
    first = start.astimezone(zone).date() - timedelta(days=3)
    fires = set()
    for n in range(count * 7 + 10):
        day = first + timedelta(days=n)
        if day.weekday() in DAY_NUMBERS[days]:
            fires.add(instant(zone, datetime.combine(day, clock)))
    return sorted(f for f in fires if f > start)[:count]


def hourly_expected(zone, minute, start, count):
    first = datetime.combine(start.astimezone(zone).date() - timedelta(days=2), time(0, minute))
    fires = {instant(zone, first + timedelta(hours=n)) for n in range(24 * 5)}
    return sorted(f for f in fires if f > start)[:count]


def fmt(at):
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def special_times(zone, when, before, after):
    """Local HH:MM times at the edges and middle of a gap or overlap."""
    start = (when + before).replace(tzinfo=None)  # wall clock just before the transition
    shift = abs(after - before)
    inside = [start, start + shift / 2, start + shift - timedelta(minutes=1)]
    if after < before:  # overlap: the repeated hour ends at `start`
        inside = [start - shift, start - shift / 2, start - timedelta(minutes=1)]
    return sorted({hhmm(t.time()) for t in inside})


def cases():
    rows = []
    for index, name in enumerate(ZONES):
        zone = ZoneInfo(name)
        found = transitions(zone, 2026) + transitions(zone, 2027)
        if not found:  # a zone without DST: ordinary days, still worth checking
            found = [(datetime(2026, 6, 1, tzinfo=UTC), None, None)]
        for number, (when, before, after) in enumerate(found):
            times = ORDINARY_TIMES + (special_times(zone, when, before, after) if before else [])
            starts = [
                when - timedelta(days=2, hours=5),
                when - timedelta(minutes=1),
                when + timedelta(minutes=31),  # between two occurrences / inside a shifted hour
            ]
            for k, at in enumerate(times):
                days = DAY_SPECS[(index + number + k) % len(DAY_SPECS)]
                for start in starts:
                    expected = weekly_expected(zone, at, days, start, COUNT)
                    rows.append((name, at, days, "-", fmt(start), COUNT, expected))
            for minute in (0, 30, 45):
                start = when - timedelta(hours=3)
                expected = hourly_expected(zone, minute, start, 8)
                rows.append((name, "-", "-", f"0 {minute} * * * *", fmt(start), 8, expected))
    return rows


def main():
    version = Path("/usr/share/zoneinfo/tzdata.zi")
    header = version.read_text().splitlines()[0] if version.exists() else "# version unknown"
    rows = cases()
    print(f"# generated by scripts/rfc5545_crosscheck.py with system tzdata ({header.lstrip('# ')})")
    print("# zone\tat\tdays\tcron\tfrom\tcount\texpected")
    for name, at, days, cron, start, count, expected in rows:
        print("\t".join([name, at, days, cron, start, str(count), ",".join(map(fmt, expected))]))
    print(f"{len(rows)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
