-- Schema version 8: event relationships (m.relates_to) for relations, edits, threads and references.
--
-- A child event names its parent in content.m.relates_to; the room pipeline copies the parent id and
-- rel_type into these columns as it persists the event, so finding a parent's children is an index
-- range and aggregating a thread never parses event JSON.

ALTER TABLE events ADD COLUMN relates_to_id TEXT;
ALTER TABLE events ADD COLUMN relation_type TEXT;

CREATE INDEX events_relates_to ON events (relates_to_id, stream_ordering) WHERE relates_to_id IS NOT NULL;
CREATE INDEX events_thread_replies ON events (room_id, stream_ordering) WHERE relation_type = 'm.thread';
