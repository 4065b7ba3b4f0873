-- Undoes 003_outbox.sql. Data loss: the outbox, published or not (an unpublished event is never sent).
DROP INDEX outbox_unpublished_idx;
DROP TABLE outbox;
