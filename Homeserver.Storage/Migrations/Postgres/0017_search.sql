-- Schema version 17 (PostgreSQL): server-side search of room events.
--
-- event_search holds the searchable text of each indexed event (one key per event: content.body of a
-- message, content.name of a room name, content.topic of a topic) as a tsvector of the 'simple'
-- configuration under a GIN index. A background indexer fills it from the events stream after
-- event_search_position, so persisting an event does no indexing work.

CREATE TABLE event_search (
    event_nid       BIGINT   NOT NULL PRIMARY KEY,
    room_id         TEXT     NOT NULL,
    sender          TEXT     NOT NULL,
    key             TEXT     NOT NULL,
    stream_ordering BIGINT   NOT NULL,
    vector          TSVECTOR NOT NULL
);

CREATE INDEX event_search_vector ON event_search USING GIN (vector);
CREATE INDEX event_search_room_stream ON event_search (room_id, stream_ordering);

-- The events stream position up to which events have been indexed (one row).
CREATE TABLE event_search_position (
    singleton       INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
    stream_ordering BIGINT  NOT NULL
);

INSERT INTO event_search_position (singleton, stream_ordering) VALUES (1, 0);
