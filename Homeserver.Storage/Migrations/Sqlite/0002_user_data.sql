-- Schema version 2 (SQLite): per-user data that needs no room events: profiles, filters,
-- account data (with its stream) and push rule overrides.

-- Display name and avatar of local users; a row is created at registration.
CREATE TABLE profiles (
    user_id     TEXT NOT NULL PRIMARY KEY,
    displayname TEXT,
    avatar_url  TEXT
) WITHOUT ROWID;

-- Filters uploaded by clients, as canonical JSON. The id counts up across the server.
CREATE TABLE filters (
    filter_id   INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT    NOT NULL,
    filter_json TEXT    NOT NULL
);

CREATE INDEX filters_user ON filters (user_id);

-- The account data stream: one row holding the last position handed out. Every write takes the
-- next position while holding this row, so positions commit in increasing order.
CREATE TABLE account_data_stream (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    position INTEGER NOT NULL
);

INSERT INTO account_data_stream (id, position) VALUES (1, 0);

-- Account data: room_id is '' for global account data. stream_position is that of the latest write.
CREATE TABLE account_data (
    user_id         TEXT    NOT NULL,
    room_id         TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    content         TEXT    NOT NULL,
    stream_position INTEGER NOT NULL,
    PRIMARY KEY (user_id, room_id, type)
) WITHOUT ROWID;

-- Sync reads a user's changes since a position.
CREATE UNIQUE INDEX account_data_user_position ON account_data (user_id, stream_position);

-- A user's changes to the server-default push rules (enabled flag, actions); NULL keeps the default.
CREATE TABLE push_rule_overrides (
    user_id TEXT NOT NULL,
    kind    TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    enabled INTEGER CHECK (enabled IN (0, 1)),
    actions TEXT,
    PRIMARY KEY (user_id, kind, rule_id)
) WITHOUT ROWID;
