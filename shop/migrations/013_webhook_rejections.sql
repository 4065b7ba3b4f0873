-- A signed payment event that does not match its order (another payment intent, another amount or currency) is refused
-- and recorded with why: the order is not touched, and a redelivery of it is refused again from this row.
ALTER TABLE webhook_events ADD COLUMN order_id uuid;
ALTER TABLE webhook_events ADD COLUMN rejection text
  CHECK (rejection IN ('intent_mismatch', 'amount_mismatch', 'currency_mismatch'));
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_rejection_order_check CHECK (rejection IS NULL OR order_id IS NOT NULL);
