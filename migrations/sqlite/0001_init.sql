-- unhurried's store. Instants are INTEGER seconds since the Unix epoch, UTC; local dates are TEXT
-- 'YYYY-MM-DD' always paired with the zone they were computed in; zones are IANA names.
-- Unique keys make effects idempotent (SPEC §3 exactly-once, §10 de-duplication).

-- A Slack team or Discord guild.
CREATE TABLE workspaces (
    id           INTEGER PRIMARY KEY,
    platform     TEXT    NOT NULL CHECK (platform IN ('slack', 'discord')),
    platform_id  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (platform, platform_id)
);

-- A person in a workspace. NULL zone/hours/days mean "the workspace default".
CREATE TABLE members (
    id                INTEGER PRIMARY KEY,
    workspace_id      INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    platform_user_id  TEXT    NOT NULL,
    display_name      TEXT    NOT NULL DEFAULT '',
    tz                TEXT,
    tz_source         TEXT    NOT NULL DEFAULT 'default' CHECK (tz_source IN ('default', 'platform', 'command')),
    tz_notice_sent    INTEGER NOT NULL DEFAULT 0,
    hours             TEXT,
    days              INTEGER,
    brief_on          INTEGER NOT NULL DEFAULT 1,
    nudge_opt_out     INTEGER NOT NULL DEFAULT 0,
    is_admin          INTEGER NOT NULL DEFAULT 0,
    dm_channel        TEXT,
    unreachable_since INTEGER,
    forgotten         INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    UNIQUE (workspace_id, platform_user_id)
);

-- Out-of-office ranges, inclusive local dates in the member's zone.
CREATE TABLE out_of_office (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    from_date  TEXT    NOT NULL,
    to_date    TEXT    NOT NULL,
    CHECK (from_date <= to_date)
);
CREATE INDEX out_of_office_member ON out_of_office (member_id);

-- Channels the bot is in, with their nudge mode.
CREATE TABLE channels (
    id                   INTEGER PRIMARY KEY,
    workspace_id         INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    platform_channel_id  TEXT    NOT NULL,
    name                 TEXT    NOT NULL DEFAULT '',
    nudge_mode           TEXT    NOT NULL DEFAULT 'on' CHECK (nudge_mode IN ('on', 'off', 'dry-run')),
    watch_decisions      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (workspace_id, platform_channel_id)
);

-- A standup: questions, a recurrence evaluated in each member's zone, a digest time and zone.
CREATE TABLE standups (
    id                INTEGER PRIMARY KEY,
    workspace_id      INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name              TEXT    NOT NULL,
    channel_id        INTEGER NOT NULL REFERENCES channels (id),
    questions         TEXT    NOT NULL,            -- JSON array of 1..5 strings
    blocker_question  INTEGER,                     -- 1-based index into questions
    recurrence        TEXT    NOT NULL,            -- '09:30 mon-fri' or 'cron 0 30 9 * * Mon-Fri'
    digest_at         TEXT    NOT NULL,            -- HH:MM in digest_tz
    digest_tz         TEXT    NOT NULL,
    reminder_secs     INTEGER,                     -- NULL: no reminder
    skipped_dates     TEXT    NOT NULL DEFAULT '[]', -- JSON array of 'YYYY-MM-DD'
    paused            INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE standup_members (
    standup_id  INTEGER NOT NULL REFERENCES standups (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (standup_id, member_id)
);

-- One run per (standup, member, member-local date): the exactly-once key of a prompt.
CREATE TABLE standup_runs (
    id              INTEGER PRIMARY KEY,
    standup_id      INTEGER NOT NULL REFERENCES standups (id) ON DELETE CASCADE,
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    local_date      TEXT    NOT NULL,
    tz              TEXT    NOT NULL,
    prompt_at       INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('scheduled', 'prompted', 'answered', 'skipped', 'missed', 'away')),
    prompted_at     INTEGER,
    reminded_at     INTEGER,
    answered_at     INTEGER,
    next_question   INTEGER NOT NULL DEFAULT 0,    -- for answering one question at a time
    prompt_message  TEXT,                          -- platform reference of the prompt DM
    UNIQUE (standup_id, member_id, local_date)
);
CREATE INDEX standup_runs_member ON standup_runs (member_id, state);

-- A digest posted to a report channel, and the message(s) it became.
CREATE TABLE digests (
    id          INTEGER PRIMARY KEY,
    standup_id  INTEGER NOT NULL REFERENCES standups (id) ON DELETE CASCADE,
    local_date  TEXT    NOT NULL,                  -- in the standup's digest zone
    posted_at   INTEGER NOT NULL,
    messages    TEXT    NOT NULL DEFAULT '[]',     -- JSON array of platform message references
    UNIQUE (standup_id, local_date)
);

-- Answers; digest_id says which digest carried them (each answer appears in exactly one).
CREATE TABLE answers (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES standup_runs (id) ON DELETE CASCADE,
    question_index  INTEGER NOT NULL,
    text            TEXT    NOT NULL,
    is_blocker      INTEGER NOT NULL DEFAULT 0,
    answered_at     INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    digest_id       INTEGER REFERENCES digests (id),
    UNIQUE (run_id, question_index)
);
CREATE INDEX answers_undigested ON answers (digest_id);

-- Sync-ping nudges and whether they converted into a real question.
CREATE TABLE nudges (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    channel_id       INTEGER NOT NULL REFERENCES channels (id),
    sender_id        INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    ping_message     TEXT    NOT NULL,
    thread           TEXT,
    kind             TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('waiting', 'sent', 'cancelled', 'dry_run', 'suppressed')),
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER,
    converted_at     INTEGER,
    UNIQUE (channel_id, ping_message)
);
CREATE INDEX nudges_sender ON nudges (sender_id, channel_id, state);

-- Decisions logged with /async decide or a "Decision:" message.
CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    channel_id  INTEGER REFERENCES channels (id),
    text        TEXT    NOT NULL,
    permalink   TEXT,
    created_at  INTEGER NOT NULL
);

-- Durable jobs: one row per unique key; claimed with a lease before acting.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    key          TEXT    NOT NULL UNIQUE,
    due_at       INTEGER NOT NULL,
    expires_at   INTEGER,                          -- past this, the job is missed, not run
    payload      TEXT    NOT NULL DEFAULT '{}',
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'claimed', 'done', 'missed', 'failed', 'cancelled')),
    claimed_by   TEXT,
    lease_until  INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE INDEX jobs_due ON jobs (state, due_at);

-- Inbound delivery ids (Slack event_id / envelope_id, Discord message / interaction id).
CREATE TABLE inbound_deliveries (
    platform     TEXT    NOT NULL,
    delivery_id  TEXT    NOT NULL,
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (platform, delivery_id)
);

-- Messages the bot has decided to send, delivered by the outbox in order. Recording them in the
-- same transaction as the decision makes a crash lose nothing; the state makes resends impossible.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    purpose      TEXT    NOT NULL,
    message      TEXT    NOT NULL,                 -- JSON OutgoingMessage
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
    not_before   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER,
    platform_ref TEXT,                             -- the platform's id of the sent message
    error        TEXT
);
CREATE INDEX outbox_pending ON outbox (state, not_before, id);

-- Off-hours notices already sent: at most one per (sender, recipient, sender-local day).
CREATE TABLE offhours_notices (
    sender_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    recipient_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    local_date    TEXT    NOT NULL,
    sent_at       INTEGER NOT NULL,
    PRIMARY KEY (sender_id, recipient_id, local_date)
);

-- Mentions that reached a member outside their working hours, for /async stats.
CREATE TABLE offhours_mentions (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    recipient_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    at            INTEGER NOT NULL
);

-- Questions asked of a member in a channel that they have not answered yet (SPEC §4 open
-- questions, §4 personal brief). Closed when the asked member replies in the thread.
CREATE TABLE open_questions (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    channel       TEXT    NOT NULL,                -- platform channel id
    message       TEXT    NOT NULL,                -- platform message id (the thread parent)
    asker_id      INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    asked_id      INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text          TEXT    NOT NULL,
    asked_at      INTEGER NOT NULL,
    answered_at   INTEGER,
    UNIQUE (channel, message, asked_id)
);
CREATE INDEX open_questions_asked ON open_questions (asked_id, answered_at);
