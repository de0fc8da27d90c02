-- Slack post pacing shared by every process on this database (PostgreSQL only: on SQLite one
-- process paces in memory). One row per workspace: the next instant, in microseconds of the
-- database server's clock, at which a post to it may start. Each post takes its slot with one
-- upsert, so N processes together keep `delivery.slack_posts_per_second`, not N times it.
CREATE TABLE post_pacing (
    workspace_id BIGINT PRIMARY KEY,
    next_slot_us BIGINT NOT NULL
);
