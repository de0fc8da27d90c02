-- Whether a standup's digest with nothing to report posts one short line ('post', as before) or
-- nothing ('skip'): `standup edit daily digest_when_empty=skip` (issue 11).
ALTER TABLE standups ADD COLUMN digest_when_empty TEXT NOT NULL DEFAULT 'post'
    CHECK (digest_when_empty IN ('post', 'skip'));
