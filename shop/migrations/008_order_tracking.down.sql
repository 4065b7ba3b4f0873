-- Undoes 008_order_tracking.sql. Data loss: the order-tracking projection (history, pending events, errors).
DROP INDEX order_tracking_errors_order_idx;
DROP TABLE order_tracking_errors;
DROP INDEX order_tracking_pending_order_idx;
DROP TABLE order_tracking_pending;
DROP TABLE order_history;
