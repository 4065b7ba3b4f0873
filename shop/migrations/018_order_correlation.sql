-- The correlation id of the customer's placement (its POST /api/orders), kept on the order: the shop gives it to the
-- payment provider in the PaymentIntent's metadata, so the provider's webhooks, and the events and mails they cause,
-- carry the customer's id; recovery re-sends a placement's charge with the same metadata (the same idempotency key
-- must carry the same parameters). Null for orders placed before this column.
ALTER TABLE orders ADD COLUMN correlation_id uuid;
