-- Schema version 7 (PostgreSQL): local room aliases (the room directory's alias mappings).

-- One row per alias of this server; creator is the user who created the mapping (may delete it).
CREATE TABLE room_aliases (
    room_alias TEXT NOT NULL PRIMARY KEY,
    room_id    TEXT NOT NULL,
    creator    TEXT NOT NULL
);

-- GET /rooms/{roomId}/aliases lists a room's aliases.
CREATE INDEX room_aliases_room ON room_aliases (room_id);
