-- Schema version 11 (SQLite): content reports for moderators, and OpenID tokens for other services.

CREATE TABLE content_reports (
    report_id      INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    received_ts    INTEGER NOT NULL,
    reporter       TEXT    NOT NULL,
    room_id        TEXT,              -- set for room and event reports
    event_id       TEXT,              -- set for event reports
    target_user_id TEXT,              -- set for user reports
    reason         TEXT    NOT NULL
);

CREATE INDEX content_reports_received ON content_reports (received_ts);

-- OpenID tokens prove a user's identity to a third party (through /openid/userinfo); kept as SHA-256 hashes.
CREATE TABLE openid_tokens (
    token_hash BLOB    NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    expires_ts INTEGER NOT NULL
);

CREATE INDEX openid_tokens_expiry ON openid_tokens (expires_ts);
