-- Undoes 013_webhook_rejections.sql. Data loss: webhook_events.order_id and .rejection (a rejected event that is
-- delivered again is judged again).
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_rejection_order_check;
ALTER TABLE webhook_events DROP COLUMN rejection;
ALTER TABLE webhook_events DROP COLUMN order_id;
