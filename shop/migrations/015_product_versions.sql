-- Optimistic locking of products (docs/API.md, "Product versions"). `version` is the row's version, the product's
-- ETag: every change of the row adds one, an order's stock reservation or release too, so the ETag always changes
-- with the representation. `edited_version` is the version an admin's last PATCH or DELETE produced, so that an
-- If-Match taken before orders moved the stock still holds for a change that does not set the stock.
ALTER TABLE products ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE products ADD COLUMN edited_version integer NOT NULL DEFAULT 1;
ALTER TABLE products ADD CONSTRAINT products_edited_version_check CHECK (edited_version BETWEEN 1 AND version);

-- In the database rather than in each statement, so no UPDATE (a future one, a script's) can forget it or set it back.
CREATE FUNCTION products_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END;
$$;

CREATE TRIGGER products_version BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION products_bump_version();
