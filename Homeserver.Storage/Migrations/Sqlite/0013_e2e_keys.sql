-- Schema version 13 (SQLite): end-to-end encryption keys. Device identity keys, one-time and fallback keys,
-- cross-signing keys and the signatures uploaded for them, and the device-list stream that tells syncing
-- users whose devices or cross-signing keys changed.

-- The device's identity keys as uploaded (canonical JSON, signatures included).
CREATE TABLE e2e_device_keys (
    user_id   TEXT    NOT NULL,
    device_id TEXT    NOT NULL,
    key_json  TEXT    NOT NULL,
    ts        INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id)
) WITHOUT ROWID;

-- Unclaimed one-time keys. upload_order is the position of the upload that brought the key (the
-- 'e2e_one_time_key_uploads' row of stream_positions): keys are claimed oldest upload first.
CREATE TABLE e2e_one_time_keys (
    user_id      TEXT    NOT NULL,
    device_id    TEXT    NOT NULL,
    algorithm    TEXT    NOT NULL,
    key_id       TEXT    NOT NULL,
    key_json     TEXT    NOT NULL,
    upload_order INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, algorithm, key_id)
) WITHOUT ROWID;

CREATE INDEX e2e_one_time_keys_claim ON e2e_one_time_keys (user_id, device_id, algorithm, upload_order);

INSERT INTO stream_positions (stream, position) VALUES ('e2e_one_time_key_uploads', 0);

-- At most one fallback key per device and algorithm; used once a claim has handed it out.
CREATE TABLE e2e_fallback_keys (
    user_id   TEXT    NOT NULL,
    device_id TEXT    NOT NULL,
    algorithm TEXT    NOT NULL,
    key_id    TEXT    NOT NULL,
    key_json  TEXT    NOT NULL,
    used      INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
    PRIMARY KEY (user_id, device_id, algorithm)
) WITHOUT ROWID;

-- A user's current cross-signing keys: key_type is master, self_signing or user_signing; key_id is
-- 'ed25519:' and the unpadded base64 public key.
CREATE TABLE e2e_cross_signing_keys (
    user_id  TEXT NOT NULL,
    key_type TEXT NOT NULL CHECK (key_type IN ('master', 'self_signing', 'user_signing')),
    key_id   TEXT NOT NULL,
    key_json TEXT NOT NULL,
    PRIMARY KEY (user_id, key_type)
) WITHOUT ROWID;

-- Signatures uploaded through /keys/signatures/upload: signer's key (ed25519:...) over the target
-- user's key, named by its device id or its cross-signing public key.
CREATE TABLE e2e_cross_signing_signatures (
    signer_user_id TEXT NOT NULL,
    signer_key_id  TEXT NOT NULL,
    target_user_id TEXT NOT NULL,
    target_key_id  TEXT NOT NULL,
    signature      TEXT NOT NULL,
    PRIMARY KEY (target_user_id, target_key_id, signer_user_id, signer_key_id)
) WITHOUT ROWID;

CREATE INDEX e2e_cross_signing_signatures_signer ON e2e_cross_signing_signatures (signer_user_id, signer_key_id);

-- The device-list stream: one row per change of a user's devices or cross-signing keys. Each change
-- takes the next position of the 'device_lists' row of stream_positions, held until commit.
CREATE TABLE e2e_device_list_changes (
    stream_position INTEGER NOT NULL PRIMARY KEY,
    user_id         TEXT    NOT NULL
);

CREATE INDEX e2e_device_list_changes_user ON e2e_device_list_changes (user_id, stream_position);

INSERT INTO stream_positions (stream, position) VALUES ('device_lists', 0);
