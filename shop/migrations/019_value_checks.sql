-- The database refuses what docs/API.md ("Tables added the suite may read") says it refuses, whoever writes it.
--
-- Money has at most two decimals. A numeric(p,2) column rounds 12.345 to 12.35 as it stores it, before any CHECK or
-- trigger sees the value, so a wrong amount was kept without a word. The money columns become numeric without a
-- typmod (the same storage: no table rewrite) under a CHECK that refuses a third decimal and keeps the range their
-- numeric(p,2) had (NaN and Infinity fail the bound). The shop writes every amount with two decimals ('12.50'), so
-- what it stores and reads back does not change.
ALTER TABLE products
  ALTER COLUMN price TYPE numeric,
  ADD CONSTRAINT products_price_money_check CHECK (scale(price) <= 2 AND abs(price) < 100000000);

ALTER TABLE discount_codes
  ALTER COLUMN amount_off TYPE numeric,
  ALTER COLUMN min_subtotal TYPE numeric,
  ADD CONSTRAINT discount_codes_amount_off_money_check CHECK (scale(amount_off) <= 2 AND abs(amount_off) < 100000000),
  ADD CONSTRAINT discount_codes_min_subtotal_money_check CHECK (scale(min_subtotal) <= 2 AND abs(min_subtotal) < 10000000000);

ALTER TABLE order_items
  ALTER COLUMN unit_price TYPE numeric,
  ADD CONSTRAINT order_items_unit_price_money_check CHECK (scale(unit_price) <= 2 AND abs(unit_price) < 100000000);

-- An order's values are those the shop writes: the provider's PaymentIntent statuses and the two the shop records
-- itself (failed, refunded); who cancelled; and the columns each status is reached with, so that no order is shipped
-- without its carrier, tracking number and time, and none is cancelled without its reason.
ALTER TABLE orders
  ALTER COLUMN subtotal TYPE numeric,
  ALTER COLUMN discount_total TYPE numeric,
  ALTER COLUMN shipping_cost TYPE numeric,
  ALTER COLUMN total TYPE numeric,
  ADD CONSTRAINT orders_subtotal_money_check CHECK (scale(subtotal) <= 2 AND abs(subtotal) < 10000000000),
  ADD CONSTRAINT orders_discount_total_money_check CHECK (scale(discount_total) <= 2 AND abs(discount_total) < 10000000000),
  ADD CONSTRAINT orders_shipping_cost_money_check CHECK (scale(shipping_cost) <= 2 AND abs(shipping_cost) < 10000000000),
  ADD CONSTRAINT orders_total_money_check CHECK (scale(total) <= 2 AND abs(total) < 10000000000),
  ADD CONSTRAINT orders_payment_status_check CHECK (payment_status IN (
    'requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'requires_capture', 'canceled',
    'succeeded', 'failed', 'refunded')),
  ADD CONSTRAINT orders_cancel_reason_check CHECK (cancel_reason IN ('customer_request', 'admin_request', 'payment_failed')),
  -- Paid, and every status that only a paid order reaches.
  ADD CONSTRAINT orders_paid_at_check CHECK (status NOT IN ('paid', 'refunding', 'shipped', 'delivered') OR paid_at IS NOT NULL),
  ADD CONSTRAINT orders_shipment_check CHECK (
    status NOT IN ('shipped', 'delivered') OR (carrier IS NOT NULL AND tracking_number IS NOT NULL AND shipped_at IS NOT NULL)),
  ADD CONSTRAINT orders_delivered_at_check CHECK (status <> 'delivered' OR delivered_at IS NOT NULL),
  ADD CONSTRAINT orders_cancellation_check CHECK (status <> 'cancelled' OR (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL)),
  -- The shop records a refund and its payment status together (an admin's cancel, the webhook's refund).
  ADD CONSTRAINT orders_refund_check CHECK (refunded_at IS NULL OR payment_status = 'refunded');

-- The mails the notifications consumer sends, one kind each.
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
  'welcome', 'email_changed', 'password_changed', 'account_deleted', 'order_confirmation', 'order_shipped', 'payment_failed',
  'refund'));
