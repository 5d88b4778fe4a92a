// matrix-js-sdk (Node 22) against a running homeserver: two users register and log in, one logs in
// on a second device and logs it out, then a direct-message room goes through messages, an edit,
// a reaction, a thread reply, a redaction, typing, read receipts, leave and forget, each seen by
// the other user through the SDK's own /sync loop.
// Usage: node dm.mjs http://127.0.0.1:PORT   Prints "interop: PASS|FAIL js-sdk <step>" lines.
import * as sdk from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";
import { assert, describe, finish, poll, required, sdkLogger, step, uniqueSuffix, waitFor } from "./report.mjs";

logger.setLevel(process.env.INTEROP_VERBOSE ? "debug" : "warn");
logger.rebuild();
process.env.INTEROP_SCENARIO = "js-sdk dm";

const base = process.argv[2];
const suffix = uniqueSuffix();
const clients = [];

function newClient(credentials) {
    const client = sdk.createClient({
        baseUrl: base,
        userId: credentials?.user_id,
        accessToken: credentials?.access_token,
        deviceId: credentials?.device_id,
        logger: sdkLogger,
    });
    clients.push(client);
    return client;
}

/** Registration through the SDK: a 401 challenge first, then the m.login.dummy stage. */
async function register(username, password) {
    const anonymous = newClient();
    let session;
    try {
        await anonymous.registerRequest({ username, password });
        throw new Error("registration without auth succeeded; expected a 401 challenge");
    } catch (error) {
        if (error.httpStatus !== 401) {
            throw error;
        }
        const flows = error.data?.flows ?? [];
        assert(flows.some((flow) => flow.stages?.includes("m.login.dummy")), `no m.login.dummy flow in ${JSON.stringify(error.data)}`);
        session = error.data.session;
        assert(typeof session === "string", `no session in ${JSON.stringify(error.data)}`);
    }
    const registered = await anonymous.registerRequest({
        username,
        password,
        initial_device_display_name: "js-sdk register",
        auth: { type: "m.login.dummy", session },
    });
    assert(registered.user_id === `@${username}:interop.test`, `user_id ${registered.user_id}`);
    assert(registered.access_token && registered.device_id, `no token or device in ${JSON.stringify(registered)}`);
    return registered;
}

async function login(username, password, deviceName) {
    const response = await newClient().loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: username },
        password,
        initial_device_display_name: deviceName,
    });
    assert(response.access_token && response.device_id, `no token or device in ${JSON.stringify(response)}`);
    return newClient(response);
}

/** Starts the SDK's sync loop and waits for its first successful sync. */
async function start(client) {
    const prepared = waitFor(client, sdk.ClientEvent.Sync, (state) => state === "PREPARED" || state === "ERROR",
        `first sync of ${client.getUserId()}`, { timeoutMs: 20000 });
    await client.startClient({ initialSyncLimit: 20, lazyLoadMembers: true });
    const [state, , data] = await prepared;
    assert(state === "PREPARED", `sync state ${state}: ${describe(data?.error)}`);
}

/** The event of the room's live timeline that `predicate` picks, waiting for it to arrive. */
async function timelineEvent(client, roomId, predicate, what) {
    const find = () => client.getRoom(roomId)?.getLiveTimeline().getEvents().find(predicate);
    await waitFor(client, sdk.RoomEvent.Timeline, (event) => event.getRoomId() === roomId && predicate(event), what,
        { alreadyTrue: () => find() !== undefined });
    return find();
}

async function main() {
    const aliceName = `alice${suffix}`;
    const bobName = `bob${suffix}`;
    const alicePassword = "alice's password";
    const bobPassword = "bob's password";
    let aliceRegistration;
    let alice;
    let bob;

    await required("js-sdk register alice (401 challenge, then m.login.dummy)", async () => {
        aliceRegistration = await register(aliceName, alicePassword);
    });
    await required("js-sdk register bob", () => register(bobName, bobPassword));
    await required("js-sdk log in alice and bob with a password", async () => {
        alice = await login(aliceName, alicePassword, "alice's laptop");
        bob = await login(bobName, bobPassword, "bob's phone");
        const whoami = await alice.whoami();
        assert(whoami.user_id === alice.getUserId() && whoami.device_id === alice.getDeviceId(), `whoami ${JSON.stringify(whoami)}`);
    });

    await step("js-sdk second device of alice listed, then logged out", async () => {
        const second = await login(aliceName, alicePassword, "alice's tablet");
        const before = (await alice.getDevices()).devices.map((d) => d.device_id);
        assert(before.includes(second.getDeviceId()) && before.includes(alice.getDeviceId())
            && before.includes(aliceRegistration.device_id), `devices ${JSON.stringify(before)}`);
        const named = (await alice.getDevice(second.getDeviceId())).display_name;
        assert(named === "alice's tablet", `display name ${named}`);
        await second.logout();
        const after = (await alice.getDevices()).devices.map((d) => d.device_id);
        assert(!after.includes(second.getDeviceId()) && after.includes(alice.getDeviceId()), `devices after logout ${JSON.stringify(after)}`);
        let rejected;
        try {
            await second.whoami();
        } catch (error) {
            rejected = error;
        }
        assert(rejected?.httpStatus === 401 && rejected.errcode === "M_UNKNOWN_TOKEN",
            `the logged-out token still works or fails oddly: ${rejected ? describe(rejected) : "whoami succeeded"}`);
    });

    await required("js-sdk both clients start syncing", async () => {
        await start(alice);
        await start(bob);
    });

    let roomId;
    await required("js-sdk create a direct room with an invite (is_direct, m.direct)", async () => {
        ({ room_id: roomId } = await alice.createRoom({
            is_direct: true,
            invite: [bob.getUserId()],
            preset: sdk.Preset.TrustedPrivateChat,
        }));
        await alice.setAccountData(sdk.EventType.Direct, { [bob.getUserId()]: [roomId] });
        await poll(() => alice.getAccountData(sdk.EventType.Direct)?.getContent()[bob.getUserId()]?.includes(roomId),
            "m.direct in alice's account data through sync");
    });

    await required("js-sdk invite reaches bob's sync as a direct invite", async () => {
        await poll(() => bob.getRoom(roomId)?.getMyMembership() === "invite", "the invite in bob's sync");
        const member = bob.getRoom(roomId).getMember(bob.getUserId());
        assert(member?.events.member?.getContent().is_direct === true, `is_direct missing: ${JSON.stringify(member?.events.member?.getContent())}`);
        assert(member.events.member.getSender() === alice.getUserId(), `invite sent by ${member.events.member.getSender()}`);
    });

    await required("js-sdk bob joins and alice sees the join", async () => {
        await bob.joinRoom(roomId);
        await poll(() => alice.getRoom(roomId)?.getMember(bob.getUserId())?.membership === "join", "bob's join in alice's sync");
        await poll(() => bob.getRoom(roomId)?.getMyMembership() === "join", "bob's own join in his sync");
    });

    let hello;
    await required("js-sdk messages both ways", async () => {
        const sent = await alice.sendMessage(roomId, { msgtype: "m.text", body: "hello bob" });
        hello = await timelineEvent(bob, roomId, (e) => e.getId() === sent.event_id, "alice's message in bob's timeline");
        assert(hello.getContent().body === "hello bob" && hello.getSender() === alice.getUserId(), `got ${JSON.stringify(hello.event)}`);
        const answer = await bob.sendMessage(roomId, { msgtype: "m.text", body: "hello alice" });
        const seen = await timelineEvent(alice, roomId, (e) => e.getId() === answer.event_id, "bob's answer in alice's timeline");
        assert(seen.getContent().body === "hello alice", `got ${JSON.stringify(seen.event)}`);
    });

    await step("js-sdk edit (m.replace) seen by the other side", async () => {
        const edit = await alice.sendEvent(roomId, sdk.EventType.RoomMessage, {
            msgtype: "m.text",
            body: "* hello bob, edited",
            "m.new_content": { msgtype: "m.text", body: "hello bob, edited" },
            "m.relates_to": { rel_type: sdk.RelationType.Replace, event_id: hello.getId() },
        });
        const seen = await timelineEvent(bob, roomId, (e) => e.getId() === edit.event_id, "the edit in bob's timeline");
        assert(seen.getRelation()?.rel_type === "m.replace" && seen.getRelation()?.event_id === hello.getId(), `relation ${JSON.stringify(seen.getRelation())}`);
        assert(seen.getContent()["m.new_content"]?.body === "hello bob, edited", `content ${JSON.stringify(seen.getContent())}`);
        await poll(() => hello.replacingEventId() === edit.event_id, "the SDK applying the edit to the original");
        assert(hello.getContent().body === "hello bob, edited", `shown body ${hello.getContent().body}`);
    });

    await step("js-sdk reaction (m.annotation) seen by the other side", async () => {
        const reaction = await bob.sendEvent(roomId, sdk.EventType.Reaction, {
            "m.relates_to": { rel_type: sdk.RelationType.Annotation, event_id: hello.getId(), key: "👍" },
        });
        const seen = await timelineEvent(alice, roomId, (e) => e.getId() === reaction.event_id, "the reaction in alice's timeline");
        const relation = seen.getRelation();
        assert(seen.getType() === "m.reaction" && relation?.rel_type === "m.annotation" && relation.key === "👍"
            && relation.event_id === hello.getId(), `got ${JSON.stringify(seen.event)}`);
    });

    await step("js-sdk thread reply (m.thread) stored and returned", async () => {
        const reply = await bob.sendEvent(roomId, sdk.EventType.RoomMessage, {
            msgtype: "m.text",
            body: "a reply in a thread",
            "m.relates_to": {
                rel_type: sdk.THREAD_RELATION_TYPE.name,
                event_id: hello.getId(),
                is_falling_back: true,
                "m.in_reply_to": { event_id: hello.getId() },
            },
        });
        const seen = await timelineEvent(alice, roomId, (e) => e.getId() === reply.event_id, "the thread reply in alice's timeline");
        assert(seen.getRelation()?.rel_type === "m.thread" && seen.getRelation()?.event_id === hello.getId(), `relation ${JSON.stringify(seen.getRelation())}`);
        const fetched = await alice.fetchRoomEvent(roomId, reply.event_id);
        assert(fetched.content?.["m.relates_to"]?.rel_type === "m.thread"
            && fetched.content["m.relates_to"]["m.in_reply_to"]?.event_id === hello.getId(), `GET /event gave ${JSON.stringify(fetched)}`);
    });

    await step("js-sdk typing seen by the other side", async () => {
        const typing = waitFor(alice, sdk.RoomMemberEvent.Typing, (_event, member) => member.roomId === roomId
            && member.userId === bob.getUserId() && member.typing, "bob typing in alice's sync");
        await bob.sendTyping(roomId, true, 10000);
        await typing;
        const stopped = waitFor(alice, sdk.RoomMemberEvent.Typing, (_event, member) => member.roomId === roomId
            && member.userId === bob.getUserId() && !member.typing, "bob stopping typing in alice's sync");
        await bob.sendTyping(roomId, false, 0);
        await stopped;
    });

    await step("js-sdk read receipt seen by the other side", async () => {
        const bobsCopy = bob.getRoom(roomId).findEventById(hello.getId());
        assert(bobsCopy, "bob's client lost alice's message");
        const receipt = waitFor(alice, sdk.RoomEvent.Receipt, (event, room) => room.roomId === roomId
            && JSON.stringify(event.getContent()).includes(bob.getUserId()), "bob's receipt in alice's sync");
        await bob.sendReadReceipt(bobsCopy, sdk.ReceiptType.Read);
        await receipt;
        const read = alice.getRoom(roomId).getReadReceiptForUserId(bob.getUserId(), true, sdk.ReceiptType.Read);
        assert(read?.eventId === hello.getId(), `alice sees bob's receipt at ${JSON.stringify(read)}`);
    });

    await step("js-sdk redaction seen by the other side", async () => {
        const redacted = waitFor(bob, sdk.RoomEvent.Redaction, (event) => event.getAssociatedId() === hello.getId(),
            "the redaction in bob's sync");
        await alice.redactEvent(roomId, hello.getId(), undefined, { reason: "interop" });
        await redacted;
        const local = bob.getRoom(roomId).findEventById(hello.getId());
        assert(local?.isRedacted(), "bob's client does not show the message as redacted");
        const fetched = await bob.fetchRoomEvent(roomId, hello.getId());
        assert(Object.keys(fetched.content ?? {}).length === 0 && fetched.unsigned?.redacted_because?.type === "m.room.redaction",
            `GET /event after the redaction gave ${JSON.stringify(fetched)}`);
    });

    await required("js-sdk leave seen by the other side", async () => {
        await bob.leave(roomId);
        await poll(() => alice.getRoom(roomId)?.getMember(bob.getUserId())?.membership === "leave", "bob's leave in alice's sync");
        await poll(() => bob.getRoom(roomId)?.getMyMembership() === "leave", "bob's leave in his own sync");
    });

    await step("js-sdk forget: the room is gone from the client, joined_rooms and sync", async () => {
        await bob.forget(roomId, true);
        assert(!bob.getRoom(roomId), "bob's client still holds the forgotten room");
        const joined = await bob.getJoinedRooms();
        assert(!joined.joined_rooms.includes(roomId), `joined_rooms ${JSON.stringify(joined)}`);
        // A forgotten room is gone even from a sync that asks for left rooms.
        const filter = encodeURIComponent(JSON.stringify({ room: { include_leave: true } }));
        const response = await fetch(`${base}/_matrix/client/v3/sync?filter=${filter}`,
            { headers: { Authorization: `Bearer ${bob.getAccessToken()}` } });
        const sync = await response.json();
        assert(response.ok, `sync gave HTTP ${response.status} ${JSON.stringify(sync)}`);
        const sections = Object.entries(sync.rooms ?? {}).filter(([, rooms]) => roomId in rooms).map(([section]) => section);
        assert(sections.length === 0, `GET /sync with filter {"room":{"include_leave":true}} still returns the forgotten room in rooms.${sections.join(", rooms.")}`);
    });
}

main().then(() => undefined, (error) => error).then((error) => {
    clients.forEach((client) => client.stopClient());
    finish(error);
});
