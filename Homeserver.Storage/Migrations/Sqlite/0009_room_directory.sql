-- Schema version 9: the published room directory (/publicRooms, /directory/list/room).

CREATE TABLE published_rooms (
    room_id      TEXT   NOT NULL PRIMARY KEY,
    published_ts BIGINT NOT NULL
);

-- Member counts by room for the directory (the primary key serves lookups by user).
CREATE INDEX room_memberships_room ON room_memberships (room_id, membership);
