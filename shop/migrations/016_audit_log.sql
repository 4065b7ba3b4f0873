-- Who changed what (docs/API.md, "Audit log"): one row per audited action, written in the transaction of the change,
-- so an action that fails leaves none. `changes` holds the changed fields only, as { field: { before, after } }; a
-- password appears as { "password": { "changed": true } } and never as a value or a hash.
CREATE TABLE audit_log (
  id             bigserial PRIMARY KEY,
  occurred_at    timestamptz NOT NULL DEFAULT now(),
  -- 'user' with no id: someone not identified (a failed login of an email that is no account).
  actor_kind     text NOT NULL CHECK (actor_kind IN ('user', 'system')),
  actor_id       uuid,
  action         text NOT NULL CHECK (action IN (
                   'user.registered', 'user.updated', 'user.deleted', 'login.failed', 'login.locked',
                   'product.created', 'product.updated', 'product.deleted', 'order.status_changed', 'order.refunded')),
  entity_type    text NOT NULL CHECK (entity_type IN ('user', 'product', 'order')),
  -- Null only for a login of an email that is no account.
  entity_id      uuid,
  changes        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(changes) = 'object'),
  correlation_id uuid NOT NULL,
  CONSTRAINT audit_log_system_actor_check CHECK (actor_kind = 'user' OR actor_id IS NULL),
  CONSTRAINT audit_log_entity_of_action_check CHECK (
    entity_type = CASE split_part(action, '.', 1) WHEN 'login' THEN 'user' ELSE split_part(action, '.', 1) END),
  CONSTRAINT audit_log_entity_id_check CHECK (entity_id IS NOT NULL OR action LIKE 'login.%'),
  -- A second line behind the code: no hash or token version, and a password only as the fact that it changed.
  CONSTRAINT audit_log_no_secrets_check CHECK (
    NOT changes ?| ARRAY['password_hash', 'passwordHash', 'token_version', 'tokenVersion']
    AND (NOT changes ? 'password' OR changes -> 'password' = '{"changed": true}'::jsonb))
);

-- The admin listing: newest first, whole or by entity, actor or action.
CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at DESC, id DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, occurred_at DESC, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, occurred_at DESC, id DESC) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_action_idx ON audit_log (action, occurred_at DESC, id DESC);
