-- Schema version 19 (SQLite): federation transactions, the durable outbound queue per destination
-- and the answers to inbound transactions.

-- PDUs waiting to be sent to a destination, in the order they were queued (queue_id). A PDU is
-- queued once per destination; the row is deleted when a transaction carrying it succeeded.
CREATE TABLE federation_outbound_pdus (
    queue_id    INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    destination TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    UNIQUE (destination, event_id)
);

CREATE INDEX federation_outbound_pdus_by_destination ON federation_outbound_pdus (destination, queue_id);

-- EDUs waiting to be sent to a destination, in queue order. An EDU with a coalesce_key replaces
-- the waiting one of the same destination, type and key (the latest typing state of a user in a
-- room, the latest presence of a user, the receipts of a room merged).
CREATE TABLE federation_outbound_edus (
    queue_id     INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    destination  TEXT    NOT NULL,
    edu_type     TEXT    NOT NULL,
    coalesce_key TEXT,
    content      TEXT    NOT NULL
);

CREATE INDEX federation_outbound_edus_by_destination ON federation_outbound_edus (destination, queue_id);

CREATE UNIQUE INDEX federation_outbound_edus_coalesced ON federation_outbound_edus (destination, edu_type, coalesce_key)
    WHERE coalesce_key IS NOT NULL;

-- The answer given to each inbound transaction, so a retried one gets the same answer without
-- processing it again. received_ts (ms) lets old entries be forgotten.
CREATE TABLE federation_inbound_transactions (
    origin      TEXT    NOT NULL,
    txn_id      TEXT    NOT NULL,
    response    TEXT    NOT NULL,
    received_ts INTEGER NOT NULL,
    PRIMARY KEY (origin, txn_id)
) WITHOUT ROWID;

CREATE INDEX federation_inbound_transactions_by_age ON federation_inbound_transactions (origin, received_ts);
