-- A standup's weekly participation summary (issue 11), posted to its report channel at a weekday
-- and time of its digest zone. No row: no summary.
CREATE TABLE weekly_summaries (
    standup_id  INTEGER PRIMARY KEY REFERENCES standups (id) ON DELETE CASCADE,
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday
    at          TEXT    NOT NULL                                   -- HH:MM in the digest zone
);
