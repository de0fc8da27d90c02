-- The conversation a queued message goes to (`dm:<user>` or `channel:<id>`): a message waits
-- while an older one to the same conversation is still pending, so a retried message is never
-- overtaken by a newer one and each conversation sees the bot's messages in the order decided.
-- Rows queued before this migration have no lane and are delivered oldest first as before.
ALTER TABLE outbox ADD COLUMN lane TEXT;
CREATE INDEX outbox_lane ON outbox (lane, state, id);
