-- Schema version 23 (SQLite): one notification row per event instead of one per member.
-- Most members' push rules give a room's event the same outcome, so that common outcome is stored once
-- (room_notifications) and holds for every local member joined when it was sent, except its sender and the
-- members with their own row in notifications: a different notification, or none (suppressed). Before, a
-- message into a room of n members wrote n rows, the bulk of all database work under load.
CREATE TABLE room_notifications (
    room_id         TEXT    NOT NULL,
    stream_ordering INTEGER NOT NULL,
    event_id        TEXT    NOT NULL,
    thread_id       TEXT    NOT NULL,
    sender          TEXT    NOT NULL,
    highlight       INTEGER NOT NULL CHECK (highlight IN (0, 1)),
    actions         TEXT    NOT NULL,
    ts              INTEGER NOT NULL,
    PRIMARY KEY (room_id, stream_ordering)
) WITHOUT ROWID;

-- A member's own row may now also say that their rules gave no notification where the room's row gives one.
ALTER TABLE notifications ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1));

-- When local members were joined to a room: the room's notifications are theirs from joined_at to left_at (null
-- while still joined). Members joined now are joined from the start: the room has no notifications before this.
CREATE TABLE notification_audience (
    user_id         TEXT    NOT NULL,
    room_id         TEXT    NOT NULL,
    joined_at       INTEGER NOT NULL,
    left_at         INTEGER,
    PRIMARY KEY (user_id, room_id, joined_at)
) WITHOUT ROWID;

INSERT INTO notification_audience (user_id, room_id, joined_at, left_at)
SELECT user_id, room_id, 0, NULL FROM room_memberships WHERE membership = 'join';
