// An encrypted direct chat between matrix-js-sdk with its Rust crypto (in memory, Node 22) and
// matrix-nio with olm (Debian's python3-matrix-nio and python3-olm, interop/nio/e2ee_peer.py).
// Needs the end-to-end encryption endpoints (/keys/upload, /keys/query, /keys/claim,
// /sendToDevice) and their /sync parts (to_device, device_lists, one-time key counts).
// Usage: node e2ee_dm.mjs http://127.0.0.1:PORT [PEER_URL]   Prints "interop: PASS|FAIL e2ee <step>" lines.
// With PEER_URL the nio user lives on another homeserver, so keys, device lists and to-device
// messages travel over federation.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as sdk from "matrix-js-sdk";
import { api, assert, describe, finish, poll, registerWithDummyAuth, required, sdkLogger, step, uniqueSuffix, waitFor }
    from "./report.mjs";

process.env.INTEROP_SCENARIO = "e2ee";

const base = process.argv[2];
const peerBase = process.argv[3] ?? base;
const peerScript = fileURLToPath(new URL("../nio/e2ee_peer.py", import.meta.url));
const timeoutMs = 60000;
let alice;
let peer;

/** The nio peer as a child process; `next(key)` waits for its next JSON line holding `key`. */
function startPeer() {
    const child = spawn("/usr/bin/python3", [peerScript, peerBase, String(timeoutMs / 1000)], { stdio: ["ignore", "pipe", "pipe"] });
    const messages = [];
    const waiters = [];
    let stderr = "";
    child.stderr.on("data", (chunk) => { stderr += chunk; });
    createInterface({ input: child.stdout }).on("line", (line) => {
        let message;
        try {
            message = JSON.parse(line);
        } catch {
            return; // not one of its messages
        }
        messages.push(message);
        waiters.splice(0).forEach((wake) => wake());
    });
    const exited = new Promise((resolve) => child.on("exit", (code) => {
        resolve(code);
        waiters.splice(0).forEach((wake) => wake());
    }));
    let exitCode = null;
    exited.then((code) => { exitCode = code; });

    async function next(key, what) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const index = messages.findIndex((m) => key in m || "error" in m);
            if (index >= 0) {
                const [message] = messages.splice(index, 1);
                if ("error" in message) {
                    throw new Error(`nio peer: ${message.error}`);
                }
                return message[key];
            }
            if (exitCode !== null) {
                throw new Error(`nio peer exited (${exitCode}) before ${what}: ${stderr.slice(-1500)}`);
            }
            if (Date.now() > deadline) {
                throw new Error(`timed out waiting for ${what}`);
            }
            await new Promise((resolve) => {
                waiters.push(resolve);
                setTimeout(resolve, 1000);
            });
        }
    }
    return { next, kill: () => child.kill() };
}

async function main() {
    let account;
    await required("e2ee js-sdk Rust crypto starts and uploads its device keys", async () => {
        account = await registerWithDummyAuth(base, `e2ee${uniqueSuffix()}`, "alice's password", "js-sdk rust crypto");
        alice = sdk.createClient({
            baseUrl: base,
            userId: account.user_id,
            deviceId: account.device_id,
            accessToken: account.access_token,
            logger: sdkLogger,
        });
        await alice.initRustCrypto({ useIndexedDB: false });
        const prepared = waitFor(alice, sdk.ClientEvent.Sync, (state) => state === "PREPARED" || state === "ERROR",
            "the first sync", { timeoutMs: 20000 });
        await alice.startClient({ initialSyncLimit: 10 });
        const [state, , data] = await prepared;
        assert(state === "PREPARED", `sync state ${state}: ${describe(data?.error)}`);
        const keys = await poll(async () => {
            const query = await api(base, "POST", "/keys/query", {
                token: account.access_token,
                body: { device_keys: { [account.user_id]: [] } },
            });
            return query.device_keys?.[account.user_id]?.[account.device_id];
        }, "alice's device keys in POST /keys/query");
        assert(keys.algorithms?.includes("m.megolm.v1.aes-sha2") && keys.keys?.[`ed25519:${account.device_id}`],
            `device keys ${JSON.stringify(keys)}`);
    });

    let bob;
    await required("e2ee nio (olm) registers and uploads its device and one-time keys", async () => {
        peer = startPeer();
        bob = await peer.next("ready", "the nio peer's keys");
        assert(bob.one_time_keys > 0, `nio sees ${bob.one_time_keys} one-time keys on the server`);
        // Not yet tracked (no shared room): js-sdk asks POST /keys/query and returns what it got.
        const device = await poll(async () => (await alice.getCrypto().getUserDeviceInfo([bob.user_id], true))
            .get(bob.user_id)?.get(bob.device_id), "nio's device in js-sdk's POST /keys/query");
        assert(device.getFingerprint() === bob.ed25519, `js-sdk sees ed25519 ${device.getFingerprint()}, nio has ${bob.ed25519}`);
    });

    let roomId;
    await required("e2ee encrypted direct room created by js-sdk and joined by nio", async () => {
        ({ room_id: roomId } = await alice.createRoom({
            is_direct: true,
            invite: [bob.user_id],
            preset: sdk.Preset.TrustedPrivateChat,
            initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
        }));
        const joined = await peer.next("joined", "nio joining the room");
        assert(joined === roomId, `nio joined ${joined}`);
        await poll(() => alice.getRoom(roomId)?.getMember(bob.user_id)?.membership === "join", "nio's join in alice's sync");
        assert(await alice.getCrypto().isEncryptionEnabledInRoom(roomId), "js-sdk does not see the room as encrypted");
    });

    await required("e2ee nio decrypts the message js-sdk encrypted (olm room key by to-device, megolm)", async () => {
        const sent = await alice.sendMessage(roomId, { msgtype: "m.text", body: "ping from js-sdk" });
        const stored = await api(base, "GET", `/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(sent.event_id)}`,
            { token: account.access_token });
        assert(stored.type === "m.room.encrypted" && stored.content?.algorithm === "m.megolm.v1.aes-sha2",
            `the server stored ${JSON.stringify(stored)}`);
        const body = await peer.next("decrypted", "nio decrypting the message");
        assert(body === "ping from js-sdk", `nio decrypted ${JSON.stringify(body)}`);
    });

    await step("e2ee js-sdk decrypts nio's encrypted reply", async () => {
        const replyId = await peer.next("replied", "nio's encrypted reply");
        const find = () => alice.getRoom(roomId)?.findEventById(replyId);
        const event = await poll(() => find(), "nio's reply in alice's timeline", { timeoutMs: 20000 });
        await poll(() => !event.isBeingDecrypted() && event.getClearContent() !== null || event.isDecryptionFailure(),
            "js-sdk decrypting the reply");
        assert(!event.isDecryptionFailure(), `decryption failed: ${event.decryptionFailureReason}`);
        assert(event.getWireType() === "m.room.encrypted" && event.getContent().body === "pong from nio: ping from js-sdk",
            `decrypted ${JSON.stringify(event.getEffectiveEvent())}`);
    });
}

main().then(() => undefined, (error) => error).then((error) => {
    peer?.kill();
    alice?.stopClient();
    finish(error);
});
