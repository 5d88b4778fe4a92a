-- Schema version 16 (PostgreSQL): dehydrated devices (MSC3814). A user has at most one; the device itself is
-- an ordinary row of devices (with keys, without access tokens), this table holds which one it is and the
-- client's encrypted device_data, handed back to the client that rehydrates it.
CREATE TABLE dehydrated_devices (
    user_id     TEXT NOT NULL PRIMARY KEY,
    device_id   TEXT NOT NULL,
    device_data TEXT NOT NULL
);
