-- Undoes 006_orders.sql. Data loss: every order and its items.
DROP INDEX order_items_product_idx;
DROP TABLE order_items;
DROP INDEX orders_newest_idx;
DROP INDEX orders_user_newest_idx;
DROP INDEX orders_user_idempotency_key;
DROP TABLE orders;
