"""The matrix-nio side (Debian's python3-matrix-nio with python3-olm) of interop/js/e2ee_dm.mjs.

Registers a user with an olm device, uploads its keys, joins the encrypted room it is invited to,
and answers the first message it can decrypt with an encrypted "pong from nio: <body>".
It speaks to its parent through stdout, one JSON object a line: {"ready": {...}} once its keys are
uploaded, {"joined": room_id}, {"decrypted": body}, {"replied": event_id}, or {"error": reason}
(then it exits 1). Its lines never start with "interop:", so interop/run does not count them.
Usage: /usr/bin/python3 e2ee_peer.py http://127.0.0.1:PORT TIMEOUT_SECONDS
"""
import asyncio
import json
import sys
import tempfile
import time
import uuid

from nio import (AsyncClient, AsyncClientConfig, InviteMemberEvent, JoinResponse, KeysUploadResponse, MegolmEvent,
                 RegisterResponse, RoomMessageText, RoomSendResponse, SyncResponse)


def tell(**message):
    print(json.dumps(message), flush=True)


def give_up(reason):
    tell(error=str(reason))
    sys.exit(1)


async def main(homeserver, timeout_seconds):
    deadline = time.monotonic() + timeout_seconds
    with tempfile.TemporaryDirectory() as store:
        client = AsyncClient(homeserver, f"niopeer{uuid.uuid4().hex[:8]}", store_path=store,
                             config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False))
        try:
            registered = await client.register(client.user, "nio peer's password", "nio e2ee peer")
            if not isinstance(registered, RegisterResponse):
                give_up(f"register: {registered}")
            if not client.olm:
                give_up("nio has no olm machine (python3-olm missing?)")

            uploaded = await client.keys_upload()
            if not isinstance(uploaded, KeysUploadResponse):
                give_up(f"POST /keys/upload: {uploaded}")
            tell(ready={"user_id": client.user_id, "device_id": client.device_id,
                        "ed25519": client.olm.account.identity_keys["ed25519"],
                        "one_time_keys": uploaded.signed_curve25519_count})

            room_id = None
            while time.monotonic() < deadline:
                synced = await client.sync(timeout=1000, since=client.next_batch, full_state=client.next_batch is None)
                if not isinstance(synced, SyncResponse):
                    give_up(f"GET /sync: {synced}")
                await follow_keys(client)

                if room_id is None:
                    for invited_room_id, info in synced.rooms.invite.items():
                        if any(isinstance(e, InviteMemberEvent) and e.state_key == client.user_id for e in info.invite_state):
                            joined = await client.join(invited_room_id)
                            if not isinstance(joined, JoinResponse):
                                give_up(f"join {invited_room_id}: {joined}")
                            room_id = invited_room_id
                            tell(joined=room_id)
                    continue

                room = synced.rooms.join.get(room_id)
                for event in room.timeline.events if room else []:
                    if isinstance(event, MegolmEvent):
                        give_up(f"could not decrypt {event.event_id} (session {event.session_id}): no room key arrived by to-device")
                    if isinstance(event, RoomMessageText) and event.sender != client.user_id:
                        tell(decrypted=event.body)
                        sent = await client.room_send(room_id, "m.room.message",
                                                      {"msgtype": "m.text", "body": f"pong from nio: {event.body}"},
                                                      ignore_unverified_devices=True)
                        if not isinstance(sent, RoomSendResponse):
                            give_up(f"encrypted send: {sent}")
                        tell(replied=sent.event_id)
                        return
            give_up(f"timed out after {timeout_seconds} s" + ("" if room_id else " without an invite"))
        finally:
            await client.close()


async def follow_keys(client):
    """What nio's sync_forever does between syncs: keep keys uploaded, device lists and sessions fresh."""
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())


try:
    asyncio.run(main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 60))
except SystemExit:
    raise
except BaseException as error:  # report anything unexpected to the parent instead of a bare traceback
    give_up(f"{type(error).__name__}: {error}")
