-- Schema version 20 (SQLite): invites from other servers to rooms this server does not hold.
-- They are kept outside the room graph until the invitee joins or rejects (then state = 'leave',
-- kept so an incremental sync shows the rejection). The position comes from the 'events' stream,
-- so sync tokens order them with room events.
CREATE TABLE remote_invites (
    room_id         TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    room_version    TEXT    NOT NULL,
    sender          TEXT    NOT NULL,
    event_json      TEXT    NOT NULL,
    stripped_state  TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('invite', 'leave')),
    stream_position INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;

CREATE INDEX remote_invites_user ON remote_invites (user_id, stream_position);
