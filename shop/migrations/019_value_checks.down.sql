-- Undoes 019_value_checks.sql. No data loss: 019's checks kept every amount within numeric(p,2) with at most two
-- decimals, so it goes back unchanged in value (an amount stored as 12.5 reads 12.50 again). The tables whose money
-- columns get their scale back are rewritten.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;

ALTER TABLE orders
  DROP CONSTRAINT orders_refund_check,
  DROP CONSTRAINT orders_cancellation_check,
  DROP CONSTRAINT orders_delivered_at_check,
  DROP CONSTRAINT orders_shipment_check,
  DROP CONSTRAINT orders_paid_at_check,
  DROP CONSTRAINT orders_cancel_reason_check,
  DROP CONSTRAINT orders_payment_status_check,
  DROP CONSTRAINT orders_total_money_check,
  DROP CONSTRAINT orders_shipping_cost_money_check,
  DROP CONSTRAINT orders_discount_total_money_check,
  DROP CONSTRAINT orders_subtotal_money_check,
  ALTER COLUMN total TYPE numeric(12, 2),
  ALTER COLUMN shipping_cost TYPE numeric(12, 2),
  ALTER COLUMN discount_total TYPE numeric(12, 2),
  ALTER COLUMN subtotal TYPE numeric(12, 2);

ALTER TABLE order_items
  DROP CONSTRAINT order_items_unit_price_money_check,
  ALTER COLUMN unit_price TYPE numeric(10, 2);

ALTER TABLE discount_codes
  DROP CONSTRAINT discount_codes_min_subtotal_money_check,
  DROP CONSTRAINT discount_codes_amount_off_money_check,
  ALTER COLUMN min_subtotal TYPE numeric(12, 2),
  ALTER COLUMN amount_off TYPE numeric(10, 2);

ALTER TABLE products
  DROP CONSTRAINT products_price_money_check,
  ALTER COLUMN price TYPE numeric(10, 2);
