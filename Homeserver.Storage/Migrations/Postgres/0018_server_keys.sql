-- Schema version 18 (PostgreSQL): other servers' signing keys, fetched from them or through notaries.
-- server_verify_keys holds every key seen with the last time it may be used (valid_until_ts of a
-- current key, expired_ts of an old one); server_key_responses the last validated key response of
-- each server as the server signed it, which this server hands on as a notary.
CREATE TABLE server_verify_keys (
    server_name    TEXT   NOT NULL,
    key_id         TEXT   NOT NULL,
    public_key     TEXT   NOT NULL,
    valid_until_ts BIGINT NOT NULL,
    PRIMARY KEY (server_name, key_id)
);

CREATE TABLE server_key_responses (
    server_name    TEXT   NOT NULL PRIMARY KEY,
    response_json  TEXT   NOT NULL,
    valid_until_ts BIGINT NOT NULL,
    fetched_ts     BIGINT NOT NULL
);
