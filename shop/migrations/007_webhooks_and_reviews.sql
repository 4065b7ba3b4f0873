-- Every payment-provider event received, by its id: a redelivered event is recognised and ignored.
CREATE TABLE webhook_events (
  event_id    text PRIMARY KEY,
  type        text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Reviews by customers with a delivered order of the product; one per customer and product.
CREATE TABLE reviews (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  product_id uuid NOT NULL REFERENCES products (id),
  user_id    uuid NOT NULL REFERENCES users (id),
  rating     integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment    text NOT NULL CHECK (char_length(comment) BETWEEN 1 AND 2000),
  verified   boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, user_id)
);

CREATE INDEX reviews_product_newest_idx ON reviews (product_id, created_at DESC);
