-- Standup names are matched case-insensitively (`/async standup join Daily` finds `daily`), so
-- two names may not differ by case alone. Standups created before this rule whose names collide
-- by case keep the oldest as it is; each later one gets its id appended (`Daily-7`), which its
-- admins see in `/async standup list`. The index guards ASCII case (SQLite's NOCASE); the bot
-- compares every script's case before it creates a standup.
UPDATE standups SET name = name || '-' || id
WHERE EXISTS (
    SELECT 1 FROM standups older
    WHERE older.workspace_id = standups.workspace_id
      AND older.name = standups.name COLLATE NOCASE
      AND older.id < standups.id
);
CREATE UNIQUE INDEX standups_name_any_case ON standups (workspace_id, name COLLATE NOCASE);
