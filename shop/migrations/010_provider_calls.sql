-- The in-between states of an order while one call to the payment provider runs, with no connection or row lock held
-- across it: `paying` (placed, its charge under way) and `refunding` (an admin's cancel, its refund under way).
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
  CHECK (status IN ('paying', 'pending_payment', 'paid', 'refunding', 'shipped', 'delivered', 'cancelled', 'archived'));
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'paying';

-- What recovery needs to ask the provider again with the very same charge (same idempotency key, same parameters),
-- and when the call of the in-between state started (recovery settles the ones older than the longest call).
ALTER TABLE orders ADD COLUMN payment_method text CHECK (char_length(payment_method) BETWEEN 1 AND 255);
ALTER TABLE orders ADD COLUMN provider_call_at timestamptz;
ALTER TABLE orders ADD CONSTRAINT orders_provider_call_in_flight
  CHECK (status NOT IN ('paying', 'refunding') OR provider_call_at IS NOT NULL);
CREATE INDEX orders_provider_calls_idx ON orders (provider_call_at) WHERE status IN ('paying', 'refunding');
