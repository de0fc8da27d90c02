-- What a digest showed, so an answer edited after the digest can update the posted message
-- (JSON snapshot of the composed digest; `messages` keeps the outbox ids of its chunks).
ALTER TABLE digests ADD COLUMN content TEXT NOT NULL DEFAULT '{}';
