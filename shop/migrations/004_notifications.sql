-- One row per mail sent; the unique event_id makes a redelivered event send no second mail.
CREATE TABLE notifications (
  id         bigserial PRIMARY KEY,
  event_id   uuid NOT NULL UNIQUE,
  kind       text NOT NULL,
  recipient  text NOT NULL,
  subject    text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
