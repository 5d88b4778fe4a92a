-- Schema version 12 (SQLite): /timestamp_to_event finds a room's event closest to a timestamp.
CREATE INDEX events_room_origin_ts ON events (room_id, origin_server_ts, stream_ordering);
