-- The event ids each consumer group has let through to its handler, with the sha256 of the exact message value
-- (consumers/consumedEvents.ts). The same bytes again are an at-least-once redelivery, handled idempotently; other
-- bytes under a recorded id are refused to <topic>.dlq as DUPLICATE_EVENT_ID. consumer_group is the group's full
-- name (with TOPIC_PREFIX), so shops with different prefixes on one database keep apart.
CREATE TABLE consumed_events (
  consumer_group text NOT NULL,
  event_id       uuid NOT NULL,
  topic          text NOT NULL,
  value_sha256   bytea NOT NULL CHECK (octet_length(value_sha256) = 32),
  consumed_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, event_id)
);
