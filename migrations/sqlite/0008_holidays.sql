-- Workspace holidays (SPEC §2): dates set by `/async holidays add` and dates taken from the
-- workspace's iCalendar feed, kept apart so a refresh of the feed never touches what an admin set.
-- Dates are local dates (YYYY-MM-DD), compared with each member's own local date, as a standup's
-- own days off (standups.skipped_dates) are.
CREATE TABLE holidays (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    date         TEXT    NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('command', 'calendar')),
    name         TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (workspace_id, date, source)
);

-- The workspace's holiday feed, if it subscribed to one: at most one per workspace. `fetched_at`
-- is the last successful fetch; `last_error` the reason the last attempt failed, if it did.
CREATE TABLE holiday_calendars (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    url          TEXT    NOT NULL,
    fetched_at   INTEGER,
    last_error   TEXT
);
