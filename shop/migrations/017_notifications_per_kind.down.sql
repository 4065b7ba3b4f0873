-- Undoes 017_notifications_per_kind.sql. Data loss: before 017 one event gives at most one mail, so of the
-- notifications that share an event (an email change and a password change in one users.updated) only the first
-- recorded is kept.
ALTER TABLE notifications DROP CONSTRAINT notifications_event_id_kind_key;
DELETE FROM notifications AS later
 USING notifications AS first
 WHERE later.event_id = first.event_id AND later.id > first.id;
ALTER TABLE notifications ADD CONSTRAINT notifications_event_id_key UNIQUE (event_id);
