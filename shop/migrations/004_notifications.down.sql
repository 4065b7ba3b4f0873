-- Undoes 004_notifications.sql. Data loss: the record of mails sent (a redelivered event would mail again).
DROP TABLE notifications;
