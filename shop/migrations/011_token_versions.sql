-- Every token carries its user's token_version (claim `ver`); changing the password or logging out adds one, so every
-- access and refresh token issued before is refused from then on, on every shop process.
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0 CHECK (token_version >= 0);
