-- The order-tracking projection, built only from orders.* events (no foreign keys to the orders it mirrors).
-- order_history: the applied events of each order, one per sequence number.
CREATE TABLE order_history (
  order_id    uuid NOT NULL,
  sequence    integer NOT NULL CHECK (sequence >= 1),
  status      text NOT NULL,
  event_id    uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, sequence)
);

-- Events that arrived before an earlier sequence of their order; applied once the gap is filled.
-- Keyed by event, not by sequence: two events claiming one sequence are both kept and judged in arrival order.
CREATE TABLE order_tracking_pending (
  event_id    uuid PRIMARY KEY,
  order_id    uuid NOT NULL,
  sequence    integer NOT NULL CHECK (sequence >= 1),
  topic       text NOT NULL,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX order_tracking_pending_order_idx ON order_tracking_pending (order_id, sequence);

-- Events that came next in sequence but whose transition the state machine does not allow.
CREATE TABLE order_tracking_errors (
  id         bigserial PRIMARY KEY,
  event_id   uuid NOT NULL UNIQUE,
  order_id   uuid NOT NULL,
  topic      text NOT NULL,
  message    text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX order_tracking_errors_order_idx ON order_tracking_errors (order_id);
