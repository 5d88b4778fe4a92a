-- Schema version 1 (PostgreSQL): the migration record and access tokens.

CREATE TABLE schema_version (
    version    INTEGER NOT NULL PRIMARY KEY,
    applied_at BIGINT  NOT NULL -- milliseconds since the Unix epoch
);

-- Access tokens are kept only as SHA-256 hashes of the token.
CREATE TABLE access_tokens (
    token_hash    BYTEA   NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL,
    device_id     TEXT    NOT NULL,
    expires_at_ms BIGINT,
    is_guest      BOOLEAN NOT NULL DEFAULT FALSE,
    created_ts    BIGINT  NOT NULL
);

-- Logout of a device or of all devices finds a user's tokens.
CREATE INDEX access_tokens_user_device ON access_tokens (user_id, device_id);
