"""Two matrix-nio users (Debian's python3-matrix-nio) against a running homeserver: register,
create a room with an invite, join, exchange a message, see typing, redact and read the room back.
Usage: /usr/bin/python3 dm_smoke.py http://127.0.0.1:PORT
Prints one line per step and exits non-zero at the first failed step."""
import asyncio
import sys
import uuid

from nio import (AsyncClient, JoinResponse, RegisterResponse, RoomCreateResponse, RoomMessageText,
                 RoomRedactResponse, RoomSendResponse, RoomTypingResponse, SyncResponse, TypingNoticeEvent)


def check(name, condition, detail=""):
    print(f"interop: {'PASS' if condition else 'FAIL'} nio {name}{' - ' + str(detail) if detail and not condition else ''}")
    if not condition:
        sys.exit(1)


async def main(homeserver):
    suffix = uuid.uuid4().hex[:8]
    alice = AsyncClient(homeserver, f"alice{suffix}")
    bob = AsyncClient(homeserver, f"bob{suffix}")
    try:
        for client, password in ((alice, "alice's password"), (bob, "bob's password")):
            response = await client.register(client.user, password)
            check(f"register {client.user}", isinstance(response, RegisterResponse), response)
            check(f"initial sync {client.user}", isinstance(await client.sync(timeout=0), SyncResponse))

        created = await alice.room_create(name="Interop", topic="nio smoke test", invite=[bob.user_id])
        check("create room with invite", isinstance(created, RoomCreateResponse), created)
        room_id = created.room_id

        synced = await bob.sync(timeout=5000, since=bob.next_batch)
        check("invite arrives in sync", isinstance(synced, SyncResponse) and room_id in synced.rooms.invite, synced)
        check("join", isinstance(await bob.join(room_id), JoinResponse))
        await alice.sync(timeout=0, since=alice.next_batch)
        await bob.sync(timeout=0, since=bob.next_batch)

        sent = await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hello bob"})
        check("send message", isinstance(sent, RoomSendResponse), sent)
        synced = await bob.sync(timeout=5000, since=bob.next_batch)
        room = synced.rooms.join.get(room_id) if isinstance(synced, SyncResponse) else None
        bodies = [e.body for e in room.timeline.events if isinstance(e, RoomMessageText)] if room else []
        check("message arrives in the other user's sync", bodies == ["hello bob"], bodies)

        check("typing", isinstance(await bob.room_typing(room_id, True, 5000), RoomTypingResponse))
        synced = await alice.sync(timeout=5000, since=alice.next_batch)
        room = synced.rooms.join.get(room_id) if isinstance(synced, SyncResponse) else None
        check("typing arrives in sync", room is not None and any(
            isinstance(e, TypingNoticeEvent) and bob.user_id in e.users for e in room.ephemeral), room)

        check("redact", isinstance(await alice.room_redact(room_id, sent.event_id, reason="oops"), RoomRedactResponse))
        check("room name and members as the client sees them", alice.rooms[room_id].display_name == "Interop"
              and set(alice.rooms[room_id].users) == {alice.user_id, bob.user_id}, alice.rooms.get(room_id))
    finally:
        await alice.close()
        await bob.close()


asyncio.run(main(sys.argv[1]))
