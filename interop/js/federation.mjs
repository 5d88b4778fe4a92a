// Two homeservers federating: a matrix-js-sdk user on each. Alice (server A) creates a public room,
// Bob (server B) joins it through A, and each receives the other's message through their own
// server's /sync. Needs the Server-Server API on both: keys, signed requests, make_join/send_join,
// and transactions in both directions.
// Usage: node federation.mjs URL_OF_A URL_OF_B   Prints "interop: PASS|FAIL federation <step>" lines.
import * as sdk from "matrix-js-sdk";
import { assert, describe, finish, poll, registerWithDummyAuth, required, sdkLogger, step, uniqueSuffix, waitFor } from "./report.mjs";

process.env.INTEROP_SCENARIO = "federation";

const [baseA, baseB] = process.argv.slice(2, 4);
const suffix = uniqueSuffix();
const clients = [];

async function startClient(base, name) {
    const account = await registerWithDummyAuth(base, `${name}${suffix}`, `${name}'s password`, `${name}'s js-sdk`);
    const client = sdk.createClient({
        baseUrl: base, userId: account.user_id, deviceId: account.device_id, accessToken: account.access_token, logger: sdkLogger,
    });
    clients.push(client);
    const prepared = waitFor(client, sdk.ClientEvent.Sync, (state) => state === "PREPARED" || state === "ERROR", "the first sync",
        { timeoutMs: 20000 });
    await client.startClient({ initialSyncLimit: 20 });
    const [state, , data] = await prepared;
    assert(state === "PREPARED", `sync state ${state}: ${describe(data?.error)}`);
    return client;
}

const serverOf = (userId) => userId.slice(userId.indexOf(":") + 1);
const bodies = (client, roomId) => (client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [])
    .filter((e) => e.getType() === "m.room.message").map((e) => e.getContent().body);

async function main() {
    let alice;
    let bob;
    await required("federation a js-sdk user on each server", async () => {
        alice = await startClient(baseA, "alice");
        bob = await startClient(baseB, "bob");
        assert(serverOf(alice.getUserId()) !== serverOf(bob.getUserId()), "both users are on one server");
    });

    let roomId;
    await required("federation the user of B joins a room of A through A", async () => {
        ({ room_id: roomId } = await alice.createRoom({ preset: sdk.Preset.PublicChat, name: "across servers" }));
        await bob.joinRoom(roomId, { viaServers: [serverOf(alice.getUserId())] });
        await poll(() => bob.getRoom(roomId)?.name === "across servers", "the room's name in B's sync", { timeoutMs: 30000 });
        await poll(() => alice.getRoom(roomId)?.getMember(bob.getUserId())?.membership === "join", "B's join in A's sync",
            { timeoutMs: 30000 });
    });

    await step("federation a message from A reaches B", async () => {
        await alice.sendMessage(roomId, { msgtype: "m.text", body: "hello from A" });
        await poll(() => bodies(bob, roomId).includes("hello from A"), "A's message in B's timeline", { timeoutMs: 30000 });
    });

    await step("federation a message from B reaches A", async () => {
        await bob.sendMessage(roomId, { msgtype: "m.text", body: "hello from B" });
        await poll(() => bodies(alice, roomId).includes("hello from B"), "B's message in A's timeline", { timeoutMs: 30000 });
    });
}

main().then(() => undefined, (error) => error).then((error) => {
    clients.forEach((client) => client.stopClient());
    finish(error);
});
