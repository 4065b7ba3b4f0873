-- Undoes 005_discounts_and_carts.sql. Data loss: every cart and discount code (WELCOME10 included).
DROP TABLE cart_items;
DROP TABLE carts;
DROP TABLE discount_codes;
