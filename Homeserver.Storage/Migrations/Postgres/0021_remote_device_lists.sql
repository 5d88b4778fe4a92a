-- Schema version 21 (PostgreSQL): other servers' users' device lists as this server last learnt them, kept
-- up to date by m.device_list_update and m.signing_key_update EDUs and resynchronised when an update is missed.

-- One row per remote user whose device list is cached. stream_id is the origin's stream id of the last
-- update applied; stale marks a list that missed an update and could not be resynchronised yet.
CREATE TABLE remote_device_lists (
    user_id               TEXT    NOT NULL PRIMARY KEY,
    stream_id             BIGINT  NOT NULL,
    stale                 BOOLEAN NOT NULL,
    master_key_json       TEXT,
    self_signing_key_json TEXT
);

-- The devices of a cached list: keys_json is the device's identity keys as the origin served them (null
-- for a device without keys).
CREATE TABLE remote_devices (
    user_id      TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    keys_json    TEXT,
    display_name TEXT,
    PRIMARY KEY (user_id, device_id)
);
