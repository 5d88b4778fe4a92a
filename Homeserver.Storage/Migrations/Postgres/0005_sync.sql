-- Schema version 5: sync reads a user's membership events in stream order (joins, invites, leaves).
CREATE INDEX events_member_stream ON events (state_key, stream_ordering) WHERE type = 'm.room.member';
