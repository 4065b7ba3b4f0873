-- One users.updated event can give two mails (the email changed: to the old address; the password changed: to the
-- user), so a notification is unique per event and kind; a redelivered event still sends no second mail of a kind.
ALTER TABLE notifications DROP CONSTRAINT notifications_event_id_key;
ALTER TABLE notifications ADD CONSTRAINT notifications_event_id_kind_key UNIQUE (event_id, kind);
