-- Discount codes: exactly one of percent_off and amount_off; codes are stored upper-case and matched so.
CREATE TABLE discount_codes (
  code         text PRIMARY KEY CHECK (code ~ '^[A-Z0-9-]{3,32}$'),
  percent_off  integer CHECK (percent_off BETWEEN 1 AND 100),
  amount_off   numeric(10, 2) CHECK (amount_off > 0),
  expires_at   timestamptz,
  min_subtotal numeric(12, 2) CHECK (min_subtotal >= 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((percent_off IS NULL) <> (amount_off IS NULL))
);

INSERT INTO discount_codes (code, percent_off) VALUES ('WELCOME10', 10);

-- One cart per user; its items are current quantities, priced at the products' current prices when read.
CREATE TABLE carts (
  user_id          uuid PRIMARY KEY REFERENCES users (id),
  discount_code    text REFERENCES discount_codes (code),
  shipping_address jsonb,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cart_items (
  user_id    uuid NOT NULL REFERENCES carts (user_id) ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES products (id),
  quantity   integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, product_id)
);
