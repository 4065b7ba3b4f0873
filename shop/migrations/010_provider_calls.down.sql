-- Undoes 010_provider_calls.sql. Data loss: orders.payment_method and orders.provider_call_at.
DROP INDEX orders_provider_calls_idx;
ALTER TABLE orders DROP CONSTRAINT orders_provider_call_in_flight;
ALTER TABLE orders DROP COLUMN provider_call_at;
ALTER TABLE orders DROP COLUMN payment_method;
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'pending_payment';
-- The in-between states do not exist before 010: an order whose charge was under way waits for its payment again
-- (the payment webhook still finds it by its payment intent), and one whose refund was under way is paid again, as
-- it was before the cancel (an admin cancels it once more).
UPDATE orders SET status = 'pending_payment' WHERE status = 'paying';
UPDATE orders SET status = 'paid' WHERE status = 'refunding';
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
  CHECK (status IN ('pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'archived'));
