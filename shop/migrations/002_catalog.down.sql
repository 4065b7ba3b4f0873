-- Undoes 002_catalog.sql. Data loss: every product and category.
DROP INDEX products_category_idx;
DROP INDEX products_active_newest_idx;
DROP TABLE products;
DROP TABLE categories;
