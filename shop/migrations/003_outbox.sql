-- Transactional outbox: a row is written in the transaction of the change; the relay publishes it to Kafka.
-- topic is the logical name (without TOPIC_PREFIX); payload is the whole event envelope, kept as json (not jsonb)
-- so its text, key order included, is exactly the message value the relay publishes.
CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  event_id     uuid NOT NULL UNIQUE,
  topic        text NOT NULL,
  key          text NOT NULL,
  payload      json NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);

CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
