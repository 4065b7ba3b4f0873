-- Undoes 012_consumed_events.sql. Data loss: the event ids the consumers let through (a redelivery is handled again).
DROP TABLE consumed_events;
