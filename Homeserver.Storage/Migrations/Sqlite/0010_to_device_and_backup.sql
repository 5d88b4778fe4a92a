-- Schema version 10 (SQLite): to-device messages (an inbox per device with its stream) and
-- server-side room key backups.

-- The to-device stream: one row holding the last position handed out. A send takes the next
-- position while holding this row, so positions commit in increasing order.
CREATE TABLE to_device_stream (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    position INTEGER NOT NULL
);

INSERT INTO to_device_stream (id, position) VALUES (1, 0);

-- Messages waiting for a device until a sync acknowledges them. One send gives a device at most
-- one message, under the send's position.
CREATE TABLE to_device_inbox (
    user_id   TEXT    NOT NULL,
    device_id TEXT    NOT NULL,
    position  INTEGER NOT NULL,
    sender    TEXT    NOT NULL,
    type      TEXT    NOT NULL,
    content   TEXT    NOT NULL,
    PRIMARY KEY (user_id, device_id, position)
) WITHOUT ROWID;

-- The transaction ids of sendToDevice per sending device: a repeated one sends nothing again.
-- created_ts (ms) lets a device's old ids be forgotten: clients retry within minutes, not days.
CREATE TABLE to_device_transactions (
    user_id    TEXT    NOT NULL,
    device_id  TEXT    NOT NULL,
    txn_id     TEXT    NOT NULL,
    created_ts INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
) WITHOUT ROWID;

-- Backup versions per user, numbered from 1. A deleted version keeps its row (deleting it again
-- succeeds and its number is never reused); etag counts the changes to its keys.
CREATE TABLE room_key_backup_versions (
    user_id   TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    algorithm TEXT    NOT NULL,
    auth_data TEXT    NOT NULL,
    etag      INTEGER NOT NULL,
    deleted   INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    PRIMARY KEY (user_id, version)
) WITHOUT ROWID;

-- The backed-up key of each megolm session of a version.
CREATE TABLE room_key_backup_keys (
    user_id             TEXT    NOT NULL,
    version             INTEGER NOT NULL,
    room_id             TEXT    NOT NULL,
    session_id          TEXT    NOT NULL,
    first_message_index INTEGER NOT NULL,
    forwarded_count     INTEGER NOT NULL,
    is_verified         INTEGER NOT NULL CHECK (is_verified IN (0, 1)),
    session_data        TEXT    NOT NULL,
    PRIMARY KEY (user_id, version, room_id, session_id)
) WITHOUT ROWID;
