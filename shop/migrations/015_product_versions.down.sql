-- Undoes 015_product_versions.sql. Data loss: products.version and .edited_version (ETags start again at 1 when
-- the migration is applied again, so an If-Match taken before matches no longer).
DROP TRIGGER products_version ON products;
DROP FUNCTION products_bump_version();
ALTER TABLE products DROP CONSTRAINT products_edited_version_check;
ALTER TABLE products DROP COLUMN edited_version;
ALTER TABLE products DROP COLUMN version;
