-- Undoes 011_token_versions.sql. Data loss: users.token_version, so tokens revoked by a logout or a password change
-- are accepted again until they expire.
ALTER TABLE users DROP COLUMN token_version;
