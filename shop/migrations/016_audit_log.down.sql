-- Undoes 016_audit_log.sql. Data loss: the whole audit log.
DROP INDEX audit_log_action_idx;
DROP INDEX audit_log_actor_idx;
DROP INDEX audit_log_entity_idx;
DROP INDEX audit_log_occurred_idx;
DROP TABLE audit_log;
