-- Schema version 17 (SQLite): server-side search of room events.
--
-- event_search holds the searchable text of each indexed event (one key per event: content.body of a
-- message, content.name of a room name, content.topic of a topic); event_search_fts is its FTS5 index
-- (external content, kept in step by the triggers). A background indexer fills both from the events
-- stream after event_search_position, so persisting an event does no indexing work.

CREATE TABLE event_search (
    event_nid       INTEGER NOT NULL PRIMARY KEY,
    room_id         TEXT    NOT NULL,
    sender          TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    stream_ordering INTEGER NOT NULL,
    value           TEXT    NOT NULL
);

CREATE INDEX event_search_room_stream ON event_search (room_id, stream_ordering);

-- remove_diacritics 0: tokens match as PostgreSQL's 'simple' configuration does (case-folded only).
CREATE VIRTUAL TABLE event_search_fts USING fts5 (
    value,
    content = 'event_search',
    content_rowid = 'event_nid',
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER event_search_insert AFTER INSERT ON event_search BEGIN
    INSERT INTO event_search_fts (rowid, value) VALUES (new.event_nid, new.value);
END;

CREATE TRIGGER event_search_delete AFTER DELETE ON event_search BEGIN
    INSERT INTO event_search_fts (event_search_fts, rowid, value) VALUES ('delete', old.event_nid, old.value);
END;

-- The events stream position up to which events have been indexed (one row).
CREATE TABLE event_search_position (
    singleton       INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
    stream_ordering INTEGER NOT NULL
);

INSERT INTO event_search_position (singleton, stream_ordering) VALUES (1, 0);
