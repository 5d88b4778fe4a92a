-- Schema version 14 (SQLite): the local media repository. The files live on disk under media_store_path;
-- these tables hold what the server knows about them.

-- One row per media id of this server. A row made by POST /media/v1/create is pending (uploaded_ts NULL)
-- until its content arrives, and unusable after unused_expires_ts; a finished upload has uploaded_ts,
-- content_type and size set.
CREATE TABLE local_media (
    media_id          TEXT    NOT NULL PRIMARY KEY,
    user_id           TEXT    NOT NULL,
    created_ts        INTEGER NOT NULL,
    unused_expires_ts INTEGER,
    uploaded_ts       INTEGER,
    content_type      TEXT,
    upload_name       TEXT,
    size              INTEGER
) WITHOUT ROWID;

-- Counting a user's pending uploads (the limit on concurrent pending uploads).
CREATE INDEX local_media_pending ON local_media (user_id, unused_expires_ts) WHERE uploaded_ts IS NULL;

-- Thumbnails generated on demand and cached on disk: one per media, configured size, method and type.
CREATE TABLE local_media_thumbnails (
    media_id      TEXT    NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    method        TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    PRIMARY KEY (media_id, width, height, method, content_type)
) WITHOUT ROWID;
