-- Orders: money is numeric (node-postgres returns strings); sequence counts the order's events (orders.created = 1).
-- user_id is cleared when the user is deleted (archived_user_id keeps it for audit).
CREATE TABLE orders (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           uuid REFERENCES users (id),
  archived_user_id  uuid,
  status            text NOT NULL DEFAULT 'pending_payment'
                    CHECK (status IN ('pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'archived')),
  subtotal          numeric(12, 2) NOT NULL CHECK (subtotal >= 0),
  discount_total    numeric(12, 2) NOT NULL CHECK (discount_total >= 0 AND discount_total <= subtotal),
  discount_code     text,
  shipping_cost     numeric(12, 2) NOT NULL CHECK (shipping_cost >= 0),
  total             numeric(12, 2) NOT NULL CHECK (total = subtotal - discount_total + shipping_cost),
  currency          text NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
  shipping_address  jsonb NOT NULL,
  payment_intent_id text UNIQUE,
  payment_status    text,
  carrier           text CHECK (char_length(carrier) BETWEEN 1 AND 64),
  tracking_number   text CHECK (char_length(tracking_number) BETWEEN 1 AND 64),
  sequence          integer NOT NULL DEFAULT 0 CHECK (sequence >= 0),
  idempotency_key   text CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
  created_at        timestamptz NOT NULL DEFAULT now(),
  paid_at           timestamptz,
  shipped_at        timestamptz,
  delivered_at      timestamptz,
  cancelled_at      timestamptz,
  cancel_reason     text,
  CHECK (status = 'archived' OR archived_user_id IS NULL),
  CHECK (status = 'archived' OR user_id IS NOT NULL)
);

-- A client's Idempotency-Key names one order of that user.
CREATE UNIQUE INDEX orders_user_idempotency_key ON orders (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX orders_user_newest_idx ON orders (user_id, created_at DESC);
CREATE INDEX orders_newest_idx ON orders (created_at DESC, id DESC);

CREATE TABLE order_items (
  order_id   uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES products (id),
  name       text NOT NULL,
  unit_price numeric(10, 2) NOT NULL CHECK (unit_price > 0),
  quantity   integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  -- The item's place in the cart it came from, so the order lists items as the cart did.
  position   integer NOT NULL,
  PRIMARY KEY (order_id, product_id)
);

-- "Has this user a delivered order of this product" (reviews).
CREATE INDEX order_items_product_idx ON order_items (product_id);
