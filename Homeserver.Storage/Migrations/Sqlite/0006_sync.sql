-- Schema version 6: sync. An index for reading a user's membership events in stream order (joins,
-- invites, leaves), receipts, and an index to find the redactions of events.
CREATE INDEX events_member_stream ON events (state_key, stream_ordering) WHERE type = 'm.room.member';

-- Receipts: the latest of each (room, type, user, thread); thread_id is '' for unthreaded receipts.
-- Each write takes the next position of the 'receipts' stream (a row of stream_positions, held until commit).
CREATE TABLE receipts (
    room_id         TEXT    NOT NULL,
    receipt_type    TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    thread_id       TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    ts              INTEGER  NOT NULL,
    stream_position INTEGER  NOT NULL,
    PRIMARY KEY (room_id, receipt_type, user_id, thread_id)
);

CREATE INDEX receipts_room_stream ON receipts (room_id, stream_position);

INSERT INTO stream_positions (stream, position) VALUES ('receipts', 0);

-- Clients see events with their redactions applied: find the redactions of given events.
CREATE INDEX events_redacts ON events (redacts) WHERE redacts IS NOT NULL;
