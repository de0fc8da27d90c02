-- SQLite's 0011 and 0012: whether a standup's digest with nothing to report posts one short line
-- ('post') or nothing ('skip'), and when a member's platform profile was last read (a member seen
-- with a profile older than a day is read again; NULL: never since this column came).
ALTER TABLE standups ADD COLUMN digest_when_empty TEXT NOT NULL DEFAULT 'post'
    CHECK (digest_when_empty IN ('post', 'skip'));
ALTER TABLE members ADD COLUMN profile_read_at BIGINT;
