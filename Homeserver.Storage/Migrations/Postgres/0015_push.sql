-- Schema version 15: push. User-defined push rules, the notifications push rules produced, the positions a
-- user's own events mark as read, and pushers.

-- User-defined rules of one kind are ordered by priority: 0 is the most important.
CREATE TABLE push_rules (
    user_id    TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    rule_id    TEXT    NOT NULL,
    priority   INTEGER NOT NULL,
    enabled    BOOLEAN NOT NULL,
    conditions TEXT,
    pattern    TEXT,
    actions    TEXT    NOT NULL,
    PRIMARY KEY (user_id, kind, rule_id)
);

-- One row per (user, event) whose rules said notify; thread_id is 'main' outside threads.
CREATE TABLE notifications (
    user_id         TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    room_id         TEXT    NOT NULL,
    stream_ordering BIGINT  NOT NULL,
    thread_id       TEXT    NOT NULL,
    highlight       INTEGER NOT NULL CHECK (highlight IN (0, 1)),
    actions         TEXT    NOT NULL,
    ts              BIGINT  NOT NULL,
    PRIMARY KEY (user_id, event_id)
);

CREATE INDEX notifications_user_room_stream ON notifications (user_id, room_id, stream_ordering);
CREATE INDEX notifications_user_stream ON notifications (user_id, stream_ordering);

-- Sending an event marks what came before it in its thread as read, like a receipt would.
CREATE TABLE notification_read_marks (
    user_id         TEXT    NOT NULL,
    room_id         TEXT    NOT NULL,
    thread_id       TEXT    NOT NULL,
    stream_ordering BIGINT  NOT NULL,
    PRIMARY KEY (user_id, room_id, thread_id)
);

-- Pushers are keyed by (app_id, pushkey, user_id); data is the client's JSON object.
CREATE TABLE pushers (
    user_id             TEXT    NOT NULL,
    app_id              TEXT    NOT NULL,
    pushkey             TEXT    NOT NULL,
    kind                TEXT    NOT NULL,
    app_display_name    TEXT    NOT NULL,
    device_display_name TEXT    NOT NULL,
    profile_tag         TEXT,
    lang                TEXT    NOT NULL,
    data                TEXT    NOT NULL,
    pushkey_ts          BIGINT  NOT NULL,
    PRIMARY KEY (app_id, pushkey, user_id)
);

CREATE INDEX pushers_user ON pushers (user_id);
