-- When the platform's profile of a member (zone, display name, admin flag) was last read: a
-- member seen with a profile older than a day is read again (issue 11, profiles that stay true).
-- NULL: never since this column came (members from before it are read at their next sight).
ALTER TABLE members ADD COLUMN profile_read_at INTEGER;
