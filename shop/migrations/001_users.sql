-- Customers and admins. Soft-deleted rows keep their email, so uniqueness only covers active users.
CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text NOT NULL CHECK (email = lower(email) AND char_length(email) BETWEEN 3 AND 254),
  name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  role          text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz
);

CREATE UNIQUE INDEX users_active_email_key ON users (lower(email)) WHERE deleted_at IS NULL;

-- Failed logins per email (existing or not); kept in the database so the limit holds across shop processes.
CREATE TABLE login_attempts (
  email        text PRIMARY KEY,
  failures     integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  locked_until timestamptz
);
