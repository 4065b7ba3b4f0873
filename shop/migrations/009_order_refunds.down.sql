-- Undoes 009_order_refunds.sql. Data loss: when a cancelled order's payment was given back (orders.refunded_at).
ALTER TABLE orders DROP COLUMN refunded_at;
