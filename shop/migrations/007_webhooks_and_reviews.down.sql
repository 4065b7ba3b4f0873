-- Undoes 007_webhooks_and_reviews.sql. Data loss: every review, and the record of payment webhooks received.
DROP INDEX reviews_product_newest_idx;
DROP TABLE reviews;
DROP TABLE webhook_events;
