-- Schema version 3 (PostgreSQL): accounts, devices, refresh and login tokens, user-interactive auth sessions and
-- registration tokens.

CREATE TABLE users (
    user_id       TEXT    NOT NULL PRIMARY KEY,
    password_hash TEXT,   -- bcrypt; NULL: no password login (guests, deactivated accounts)
    created_ts    BIGINT  NOT NULL,
    is_guest      BOOLEAN NOT NULL DEFAULT FALSE,
    deactivated   BOOLEAN NOT NULL DEFAULT FALSE,
    admin         BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE devices (
    user_id      TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    display_name TEXT,
    last_seen_ts BIGINT,
    last_seen_ip TEXT,
    PRIMARY KEY (user_id, device_id)
);

-- Refresh tokens are kept only as SHA-256 hashes, with the hash of the access token issued with them.
CREATE TABLE refresh_tokens (
    token_hash        BYTEA   NOT NULL PRIMARY KEY,
    user_id           TEXT    NOT NULL,
    device_id         TEXT    NOT NULL,
    access_token_hash BYTEA   NOT NULL,
    created_ts        BIGINT  NOT NULL
);

CREATE INDEX refresh_tokens_user_device ON refresh_tokens (user_id, device_id);

-- One user-interactive authentication session: the request it authenticates and the stages done so
-- far, as a JSON object from stage type to what the stage established (a user id, a token, "").
CREATE TABLE ui_auth_sessions (
    session_id       TEXT    NOT NULL PRIMARY KEY,
    request_key      TEXT    NOT NULL,
    user_id          TEXT,
    completed_stages TEXT    NOT NULL,
    created_ts       BIGINT  NOT NULL,
    expires_ts       BIGINT  NOT NULL
);

CREATE INDEX ui_auth_sessions_expiry ON ui_auth_sessions (expires_ts);

-- Synapse's registration tokens: uses_allowed NULL is unlimited, expiry_time NULL never expires.
CREATE TABLE registration_tokens (
    token        TEXT    NOT NULL PRIMARY KEY,
    uses_allowed BIGINT,
    pending      BIGINT  NOT NULL DEFAULT 0,
    completed    BIGINT  NOT NULL DEFAULT 0,
    expiry_time  BIGINT  -- milliseconds since the Unix epoch
);

-- Single-use m.login.token tokens (POST /login/get_token), kept only as SHA-256 hashes.
CREATE TABLE login_tokens (
    token_hash BYTEA   NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    expires_ts BIGINT  NOT NULL,
    created_ts BIGINT  NOT NULL
);

CREATE INDEX login_tokens_expiry ON login_tokens (expires_ts);
