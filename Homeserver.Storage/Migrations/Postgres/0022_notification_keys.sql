-- Schema version 22 (PostgreSQL): a notification is keyed by (user_id, stream_ordering) instead of
-- (user_id, event_id). An event's stream ordering is as unique as its id, and the new key is also the
-- order /notifications pages in, so the separate (user_id, stream_ordering) index goes: every event can
-- write a row per member, and each index a row enters costs.
ALTER TABLE notifications DROP CONSTRAINT notifications_pkey;
DROP INDEX notifications_user_stream;
ALTER TABLE notifications ADD PRIMARY KEY (user_id, stream_ordering);
