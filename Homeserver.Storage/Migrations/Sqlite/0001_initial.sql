-- Schema version 1 (SQLite): the migration record and access tokens.

CREATE TABLE schema_version (
    version    INTEGER NOT NULL PRIMARY KEY,
    applied_at INTEGER NOT NULL -- milliseconds since the Unix epoch
);

-- Access tokens are kept only as SHA-256 hashes of the token.
CREATE TABLE access_tokens (
    token_hash    BLOB    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL,
    device_id     TEXT    NOT NULL,
    expires_at_ms INTEGER,
    is_guest      INTEGER NOT NULL DEFAULT 0 CHECK (is_guest IN (0, 1)),
    created_ts    INTEGER NOT NULL
) WITHOUT ROWID;

-- Logout of a device or of all devices finds a user's tokens.
CREATE INDEX access_tokens_user_device ON access_tokens (user_id, device_id);
