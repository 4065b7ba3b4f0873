-- A failed-login count is forgotten a day after its last failure (unless it is locked), so a stream of made-up emails
-- cannot grow this table without bound; logins only count emails of at most 254 characters (the API refuses longer).
ALTER TABLE login_attempts ADD COLUMN last_failed_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE login_attempts ADD CONSTRAINT login_attempts_email_length_check CHECK (char_length(email) <= 254);
CREATE INDEX login_attempts_last_failed_idx ON login_attempts (last_failed_at);
