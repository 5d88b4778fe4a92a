-- Schema version 22 (SQLite): a notification is keyed by (user_id, stream_ordering) instead of
-- (user_id, event_id). An event's stream ordering is as unique as its id, and the new key is also the
-- order /notifications pages in, so the separate (user_id, stream_ordering) index goes: every event can
-- write a row per member, and each index a row enters costs. SQLite cannot change a primary key in
-- place: the table is copied.
CREATE TABLE notifications_new (
    user_id         TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    room_id         TEXT    NOT NULL,
    stream_ordering INTEGER NOT NULL,
    thread_id       TEXT    NOT NULL,
    highlight       INTEGER NOT NULL CHECK (highlight IN (0, 1)),
    actions         TEXT    NOT NULL,
    ts              INTEGER NOT NULL,
    PRIMARY KEY (user_id, stream_ordering)
) WITHOUT ROWID;

INSERT INTO notifications_new (user_id, event_id, room_id, stream_ordering, thread_id, highlight, actions, ts)
SELECT user_id, event_id, room_id, stream_ordering, thread_id, highlight, actions, ts FROM notifications WHERE true
ON CONFLICT (user_id, stream_ordering) DO NOTHING;

DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;

CREATE INDEX notifications_user_room_stream ON notifications (user_id, room_id, stream_ordering);
