-- The delivery pipeline (docs/architecture.md "Event flow").
--
-- The inbox: every verified delivery, written before the platform is acked. The unique key is the
-- de-duplication (Slack's retries, an event on a second socket, a Discord dispatch replayed after
-- RESUME, an app_mention and the message event of the same post). The consumer handles the oldest
-- pending row and marks it handled in the same transaction as the event's effects.
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY,
    platform     TEXT    NOT NULL CHECK (platform IN ('slack', 'discord')),
    workspace    TEXT    NOT NULL,                 -- platform id of the workspace
    delivery_id  TEXT    NOT NULL,                 -- the event's own key, e.g. message:{channel}:{ts}
    event        TEXT    NOT NULL,                 -- JSON InboundEvent
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'handled', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    handled_at   INTEGER,
    error        TEXT,
    UNIQUE (platform, workspace, delivery_id)
);
CREATE INDEX inbox_pending ON inbox (state, not_before, id);

-- Outbox: attempts count failed tries (a rate-limit wait is not one). maybe_sent marks a message
-- the platform may already have (a crash mid-send, a timeout, a reset, a 5xx): it is reconciled
-- with the platform before it is sent again, never guessed. 'unknown' rows of older versions are
-- turned into such messages at the next start.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN maybe_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN failed_at INTEGER;
-- Private replies: a user is waiting for them, so they are taken before a fan-out's backlog.
ALTER TABLE outbox ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_deliverable ON outbox (urgent DESC, id) WHERE state = 'pending';

-- Jobs carry the platform they act on, so one process can route them to Slack or Discord. Rows
-- from before this migration have none and go to the process's first platform.
ALTER TABLE jobs ADD COLUMN platform TEXT CHECK (platform IN ('slack', 'discord'));
