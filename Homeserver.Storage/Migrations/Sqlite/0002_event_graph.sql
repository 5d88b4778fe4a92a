-- Schema version 2 (SQLite): the room event graph.
--
-- Event ids and (type, state_key) pairs are interned as 64-bit integers ("nids"); every other
-- table refers to them by number. An edge may name an event we do not hold yet: its id is
-- interned all the same, so it stays resolvable.
--
-- State snapshots ("state groups") are deltas. A snapshot derived from a predecessor at chain
-- depth d-1 has chain depth d and stores only its difference (added, changed and removed
-- entries; a removed entry has event_nid NULL) from its ancestor at depth d & (d - 1), the
-- depth with the lowest set bit cleared; depth 0 is a full map. Reading a snapshot therefore
-- applies at most log2(d) + 1 deltas (one recursive query), and a room's storage grows with
-- its number of state changes times log2 of that number, never with changes times room size.

CREATE TABLE event_nids (
    event_nid INTEGER NOT NULL PRIMARY KEY,
    event_id  TEXT    NOT NULL UNIQUE
);

CREATE TABLE events (
    event_nid          INTEGER NOT NULL PRIMARY KEY REFERENCES event_nids (event_nid),
    room_id            TEXT    NOT NULL,
    type               TEXT    NOT NULL,
    state_key          TEXT,
    sender             TEXT    NOT NULL,
    depth              INTEGER NOT NULL,
    origin_server_ts   INTEGER NOT NULL,
    stream_ordering    INTEGER UNIQUE,          -- NULL for outliers
    is_outlier         INTEGER NOT NULL CHECK (is_outlier IN (0, 1)),
    rejection_reason   TEXT,                    -- NULL unless rejected
    is_soft_failed     INTEGER NOT NULL CHECK (is_soft_failed IN (0, 1)),
    redacts            TEXT,
    membership         TEXT,                    -- content.membership of m.room.member events
    state_before_group INTEGER,                 -- NULL for outliers
    state_after_group  INTEGER,                 -- NULL for outliers
    json               BLOB    NOT NULL
);

CREATE INDEX events_room_stream ON events (room_id, stream_ordering);

-- Edges are keyed by the event they leave, so walking from an event (auth chains) is an index range.
CREATE TABLE event_prev_edges (
    event_nid      INTEGER NOT NULL,
    prev_event_nid INTEGER NOT NULL,
    PRIMARY KEY (event_nid, prev_event_nid)
) WITHOUT ROWID;

CREATE TABLE event_auth_edges (
    event_nid      INTEGER NOT NULL,
    auth_event_nid INTEGER NOT NULL,
    PRIMARY KEY (event_nid, auth_event_nid)
) WITHOUT ROWID;

CREATE TABLE rooms (
    room_id         TEXT NOT NULL PRIMARY KEY,
    room_version    TEXT NOT NULL,
    creator_user_id TEXT NOT NULL,
    create_event_id TEXT NOT NULL
);

CREATE TABLE room_forward_extremities (
    room_id   TEXT    NOT NULL,
    event_nid INTEGER NOT NULL,
    PRIMARY KEY (room_id, event_nid)
) WITHOUT ROWID;

-- The positions of the server-wide streams; the writer that bumps a row holds it until commit,
-- so positions are handed out in commit order.
CREATE TABLE stream_positions (
    stream   TEXT    NOT NULL PRIMARY KEY,
    position INTEGER NOT NULL
);

INSERT INTO stream_positions (stream, position) VALUES ('events', 0);

CREATE TABLE state_keys (
    state_key_nid INTEGER NOT NULL PRIMARY KEY,
    type          TEXT    NOT NULL,
    state_key     TEXT    NOT NULL,
    UNIQUE (type, state_key)
);

CREATE TABLE state_groups (
    state_group INTEGER NOT NULL PRIMARY KEY,
    room_id     TEXT    NOT NULL,
    chain_depth INTEGER NOT NULL,
    delta_base  INTEGER REFERENCES state_groups (state_group)  -- NULL exactly at chain depth 0
);

CREATE TABLE state_group_entries (
    state_group   INTEGER NOT NULL,
    state_key_nid INTEGER NOT NULL,
    event_nid     INTEGER,                      -- NULL: removed relative to the delta base
    PRIMARY KEY (state_group, state_key_nid)
) WITHOUT ROWID;

-- The current state of each room, kept whole so it is read without resolving snapshots.
CREATE TABLE current_state (
    room_id       TEXT    NOT NULL,
    state_key_nid INTEGER NOT NULL,
    event_nid     INTEGER NOT NULL,
    PRIMARY KEY (room_id, state_key_nid)
) WITHOUT ROWID;

-- Bumped whenever a room's current state changes, so a cached copy can be validated cheaply.
CREATE TABLE current_state_versions (
    room_id TEXT    NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL
);

CREATE TABLE room_memberships (
    user_id    TEXT    NOT NULL,
    room_id    TEXT    NOT NULL,
    membership TEXT    NOT NULL,
    event_nid  INTEGER NOT NULL,
    PRIMARY KEY (user_id, room_id)
) WITHOUT ROWID;

CREATE INDEX room_memberships_user_membership ON room_memberships (user_id, membership);

CREATE TABLE client_transactions (
    user_id   TEXT    NOT NULL,
    device_id TEXT    NOT NULL,
    txn_id    TEXT    NOT NULL,
    event_nid INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
) WITHOUT ROWID;
