-- Events of one conversation are handled in order across processes (PostgreSQL only: on SQLite the
-- one process's consumer takes rows in order by itself, so SQLite's inbox needs no lane).
-- `lane` names the conversation (`channel:<id>` for messages, `user:<id>` for a member's
-- commands, answers and profile changes); NULL for events that need no order. Rows written
-- before this migration have none.
ALTER TABLE inbox ADD COLUMN lane TEXT;
CREATE INDEX inbox_pending_lanes ON inbox (platform, workspace, lane, id) WHERE state = 'pending' AND lane IS NOT NULL;
