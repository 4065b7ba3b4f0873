-- Undoes 001_users.sql. Data loss: every user and every failed-login count.
DROP TABLE login_attempts;
DROP INDEX users_active_email_key;
DROP TABLE users;
