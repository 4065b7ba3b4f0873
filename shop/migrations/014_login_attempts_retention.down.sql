-- Undoes 014_login_attempts_retention.sql. Data loss: login_attempts.last_failed_at.
DROP INDEX login_attempts_last_failed_idx;
ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_email_length_check;
ALTER TABLE login_attempts DROP COLUMN last_failed_at;
