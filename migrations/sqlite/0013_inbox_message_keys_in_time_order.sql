-- Message keys in the inbox become message:{id}:{channel} (they were message:{channel}:{id}): the
-- id (Slack ts, Discord snowflake) grows with time, so new keys land at the end of the unique
-- index instead of one place per channel, and a batch of deliveries rewrites a few index pages
-- instead of one per channel it touches. Rows already stored are rewritten to the new form, so a
-- platform's retry of an event recorded before the upgrade is still seen as a duplicate.
-- Channel ids and message ids hold no ':'.
UPDATE inbox
SET delivery_id = 'message:'
    || substr(delivery_id, 9 + instr(substr(delivery_id, 9), ':'))
    || ':'
    || substr(delivery_id, 9, instr(substr(delivery_id, 9), ':') - 1)
WHERE delivery_id LIKE 'message:%' AND instr(substr(delivery_id, 9), ':') > 0;
