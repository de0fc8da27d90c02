-- Running it for a year (docs/operations.md).
--
-- One row the health check writes to while a write has failed, to learn whether the database can
-- be written again (an ordinary commit that changed nothing proves nothing). No other use.
CREATE TABLE health_probe (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    probes  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO health_probe (id) VALUES (1);

-- `/async forget-me` erases only when typed a second time within a few minutes: when it was
-- first typed.
ALTER TABLE members ADD COLUMN forget_requested_at INTEGER;
