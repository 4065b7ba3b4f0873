-- Undoes 018_order_correlation.sql. Data loss: which placement each order came from.
ALTER TABLE orders DROP COLUMN correlation_id;
