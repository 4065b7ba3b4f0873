-- When a cancelled order's payment was given back: an admin cancelled it paid, or its payment succeeded only
-- after the order was cancelled (refunded by the payment_intent.succeeded webhook).
ALTER TABLE orders ADD COLUMN refunded_at timestamptz;
