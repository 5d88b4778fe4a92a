// Server-side key backup and secret storage with matrix-js-sdk's Rust crypto (in memory, Node 22):
// alice bootstraps cross-signing (password User-Interactive Authentication when the server asks
// for it), secret storage with a recovery key and a new key backup, and exchanges encrypted
// messages with bob (another js-sdk user). Then a NEW device of alice logs in with her password,
// gets the backup key out of secret storage with the recovery key, restores the room keys from the
// backup and decrypts the old messages; it also cross-signs itself with the keys from secret storage.
// Bob's second device, which has no backup, decrypts alice's next message only when the server tells
// alice's device of it (device_lists in /sync), and alice's device forgets it after its logout.
// Last, alice replaces her cross-signing keys, which the server allows only after password UIA.
// Needs /keys/*, /keys/device_signing/upload, /keys/signatures/upload, /sendToDevice, /room_keys/*
// and account data.
// Usage: node e2ee_backup.mjs http://127.0.0.1:PORT   Prints "interop: PASS|FAIL e2ee-backup <step>" lines.
import * as sdk from "matrix-js-sdk";
import { decodeRecoveryKey } from "matrix-js-sdk/lib/crypto-api/index.js";
import { api, assert, describe, finish, poll, registerWithDummyAuth, required, sdkLogger, step, uniqueSuffix, waitFor }
    from "./report.mjs";

process.env.INTEROP_SCENARIO = "e2ee-backup";

const base = process.argv[2];
const password = "alice's backup password";
const clients = [];
const scenarioTimeoutMs = 150000;

// The SDK's own calls (bootstrapping, restoring) have no timeout of their own: bound the whole run.
setTimeout(() => {
    clients.forEach((client) => client.stopClient());
    finish(new Error(`timed out after ${scenarioTimeoutMs / 1000} s`));
}, scenarioTimeoutMs).unref();

/**
 * Signs in the SDK with Rust crypto. `secretStorageKey()` gives the raw secret storage key this
 * device knows (undefined until it knows one): what an application asks its user for.
 */
async function startCryptoClient(credentials, secretStorageKey) {
    const client = sdk.createClient({
        baseUrl: base,
        userId: credentials.user_id,
        deviceId: credentials.device_id,
        accessToken: credentials.access_token,
        logger: sdkLogger,
        cryptoCallbacks: {
            getSecretStorageKey: async ({ keys }) => {
                const key = secretStorageKey();
                const defaultKeyId = await client.secretStorage.getDefaultKeyId();
                if (!key || !defaultKeyId || !(defaultKeyId in keys)) {
                    return null;
                }
                return [defaultKeyId, key];
            },
        },
    });
    clients.push(client);
    await client.initRustCrypto({ useIndexedDB: false });
    const prepared = waitFor(client, sdk.ClientEvent.Sync, (state) => state === "PREPARED" || state === "ERROR",
        `the first sync of ${credentials.user_id}`, { timeoutMs: 20000 });
    await client.startClient({ initialSyncLimit: 20 });
    const [state, , data] = await prepared;
    assert(state === "PREPARED", `sync state ${state}: ${describe(data?.error)}`);
    return client;
}

/**
 * The UIA callback of bootstrapCrossSigning: first without auth (the server may not ask for it),
 * then, on a 401 challenge offering m.login.password, with alice's password in that session.
 */
function passwordAuth(userId, record) {
    return async (makeRequest) => {
        try {
            await makeRequest(null);
            record.withoutAuth++;
            return;
        } catch (error) {
            if (error.httpStatus !== 401) {
                throw error;
            }
            const flows = error.data?.flows ?? [];
            assert(flows.some((flow) => flow.stages?.length === 1 && flow.stages[0] === "m.login.password"),
                `no m.login.password flow in the 401 challenge ${JSON.stringify(error.data)}`);
            assert(typeof error.data.session === "string", `no session in the 401 challenge ${JSON.stringify(error.data)}`);
            await makeRequest({
                type: "m.login.password",
                identifier: { type: "m.id.user", user: userId },
                password,
                session: error.data.session,
            });
            record.withPassword++;
        }
    };
}

/** The event `eventId` in the client's room once the client has decrypted it (or failed to). */
async function decryptedEvent(client, roomId, eventId, what, timeoutMs = 20000) {
    const event = await poll(() => client.getRoom(roomId)?.findEventById(eventId), `${what} in the timeline`, { timeoutMs });
    await poll(() => !event.isBeingDecrypted() && (event.getClearContent() !== null || event.isDecryptionFailure()),
        `${what} decrypted`, { timeoutMs });
    return event;
}

/** The decrypted body, or throws with why the client could not decrypt the event. */
function bodyOf(event) {
    assert(event.getWireType() === "m.room.encrypted", `${event.getId()} was not sent encrypted: ${event.getWireType()}`);
    assert(!event.isDecryptionFailure(), `${event.getId()} could not be decrypted: ${event.decryptionFailureReason}`);
    return event.getContent().body;
}

async function main() {
    const suffix = uniqueSuffix();
    const uia = { withoutAuth: 0, withPassword: 0 };
    let aliceAccount;
    let alice;
    let recoveryKey; // the encoded recovery key, as shown to the user
    let aliceKey; // the raw secret storage key of alice's first device

    await required("e2ee-backup alice (Rust crypto) registers and starts syncing", async () => {
        aliceAccount = await registerWithDummyAuth(base, `backupalice${suffix}`, password, "alice's first device");
        alice = await startCryptoClient(aliceAccount, () => aliceKey);
    });

    await required("e2ee-backup alice bootstraps cross-signing (keys published, password UIA when asked)", async () => {
        await alice.getCrypto().bootstrapCrossSigning({ authUploadDeviceSigningKeys: passwordAuth(aliceAccount.user_id, uia) });
        assert(uia.withoutAuth + uia.withPassword === 1, `the UIA callback ran ${JSON.stringify(uia)}`);
        const query = await api(base, "POST", "/keys/query", {
            token: aliceAccount.access_token,
            body: { device_keys: { [aliceAccount.user_id]: [] } },
        });
        const master = query.master_keys?.[aliceAccount.user_id];
        assert(master?.usage?.includes("master"), `no master key in POST /keys/query: ${JSON.stringify(query)}`);
        assert(query.self_signing_keys?.[aliceAccount.user_id], `no self-signing key in POST /keys/query`);
        assert(query.user_signing_keys?.[aliceAccount.user_id], `no user-signing key for alice herself in POST /keys/query`);
        const device = query.device_keys?.[aliceAccount.user_id]?.[aliceAccount.device_id];
        const selfSigningId = Object.keys(query.self_signing_keys[aliceAccount.user_id].keys)[0];
        assert(device?.signatures?.[aliceAccount.user_id]?.[selfSigningId],
            `alice's device is not signed by her self-signing key ${selfSigningId}: ${JSON.stringify(device)}`);
        assert(await alice.getCrypto().isCrossSigningReady(), "js-sdk says cross-signing is not ready");
    });

    let backupVersion;
    await required("e2ee-backup alice sets up secret storage with a recovery key and a new key backup", async () => {
        const generated = await alice.getCrypto().createRecoveryKeyFromPassphrase();
        recoveryKey = generated.encodedPrivateKey;
        assert(typeof recoveryKey === "string" && recoveryKey.length > 0, "no encoded recovery key");
        await alice.getCrypto().bootstrapSecretStorage({
            createSecretStorageKey: async () => {
                aliceKey = generated.privateKey;
                return generated;
            },
            setupNewKeyBackup: true,
        });
        backupVersion = await poll(() => alice.getCrypto().getActiveSessionBackupVersion().then((v) => v ?? undefined),
            "the key backup to become active");
        const info = await api(base, "GET", "/room_keys/version", { token: aliceAccount.access_token });
        assert(info.version === backupVersion && info.algorithm === "m.megolm_backup.v1.curve25519-aes-sha2",
            `GET /room_keys/version answered ${JSON.stringify(info)}; js-sdk uses ${backupVersion}`);
        const trust = await alice.getCrypto().isKeyBackupTrusted(info);
        assert(trust.trusted && trust.matchesDecryptionKey, `backup trust ${JSON.stringify(trust)}`);
        const status = await alice.getCrypto().getSecretStorageStatus();
        assert(status.ready, `secret storage is not ready: ${JSON.stringify(status)}`);
    });

    let bobAccount;
    let bob;
    let roomId;
    await required("e2ee-backup bob joins alice's encrypted room", async () => {
        bobAccount = await registerWithDummyAuth(base, `backupbob${suffix}`, "bob's password", "bob's device");
        bob = await startCryptoClient(bobAccount, () => undefined);
        ({ room_id: roomId } = await alice.createRoom({
            invite: [bobAccount.user_id],
            preset: sdk.Preset.PrivateChat,
            initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
        }));
        await poll(() => bob.getRoom(roomId)?.getMyMembership() === "invite", "the invite in bob's sync", { timeoutMs: 20000 });
        await bob.joinRoom(roomId);
        await poll(() => alice.getRoom(roomId)?.getMember(bobAccount.user_id)?.membership === "join",
            "bob's join in alice's sync", { timeoutMs: 20000 });
    });

    const history = []; // [event_id, body] of the messages the new device must decrypt
    await required("e2ee-backup encrypted messages both ways, each decrypted by the other side", async () => {
        for (const body of ["first secret from alice", "second secret from alice"]) {
            const { event_id: eventId } = await alice.sendMessage(roomId, { msgtype: "m.text", body });
            history.push([eventId, body]);
            const seen = bodyOf(await decryptedEvent(bob, roomId, eventId, `alice's "${body}" at bob`));
            assert(seen === body, `bob decrypted ${JSON.stringify(seen)}`);
        }
        const body = "bob's secret answer";
        const { event_id: eventId } = await bob.sendMessage(roomId, { msgtype: "m.text", body });
        history.push([eventId, body]);
        const seen = bodyOf(await decryptedEvent(alice, roomId, eventId, `bob's answer at alice`));
        assert(seen === body, `alice decrypted ${JSON.stringify(seen)}`);
    });

    await required("e2ee-backup alice's room keys (hers and bob's) reach the server-side backup", async () => {
        const path = `/room_keys/keys/${encodeURIComponent(roomId)}?version=${encodeURIComponent(backupVersion)}`;
        const sessions = await poll(async () => {
            const room = await api(base, "GET", path, { token: aliceAccount.access_token });
            const found = Object.values(room.sessions ?? {});
            return found.length >= 2 ? found : undefined;
        }, `two sessions in GET ${path}`, { timeoutMs: 30000, intervalMs: 500 });
        for (const session of sessions) {
            assert(session.session_data?.ciphertext && session.session_data?.ephemeral && session.session_data?.mac
                && Number.isInteger(session.first_message_index) && typeof session.is_verified === "boolean",
                `backed up session ${JSON.stringify(session)}`);
        }
        const summary = await api(base, "GET", "/room_keys/version", { token: aliceAccount.access_token });
        assert(summary.count >= 2 && typeof summary.etag === "string", `GET /room_keys/version after backing up: ${JSON.stringify(summary)}`);
    });

    let newDevice;
    let newAccount;
    let newDeviceKey;
    await required("e2ee-backup a new device of alice logs in with her password and starts Rust crypto", async () => {
        newAccount = await api(base, "POST", "/login", {
            body: {
                type: "m.login.password",
                identifier: { type: "m.id.user", user: aliceAccount.user_id },
                password,
                initial_device_display_name: "alice's new device",
            },
        });
        assert(newAccount.device_id && newAccount.device_id !== aliceAccount.device_id, `login answered ${JSON.stringify(newAccount)}`);
        newDevice = await startCryptoClient(newAccount, () => newDeviceKey);
        const old = await decryptedEvent(newDevice, roomId, history[0][0], "the first old message at the new device");
        assert(old.isDecryptionFailure(), "the new device decrypted an old message before it restored the backup");
    });

    await required("e2ee-backup the new device restores the backup with the recovery key and decrypts the old messages", async () => {
        newDeviceKey = decodeRecoveryKey(recoveryKey);
        await newDevice.getCrypto().loadSessionBackupPrivateKeyFromSecretStorage();
        const restored = await newDevice.getCrypto().restoreKeyBackup();
        assert(restored.total >= 2 && restored.imported >= 2, `restoreKeyBackup: ${JSON.stringify(restored)}`);
        for (const [eventId, body] of history) {
            // The SDK retries the events it could not decrypt when their keys are imported.
            const event = await poll(async () => {
                const found = newDevice.getRoom(roomId)?.findEventById(eventId);
                return found && !found.isBeingDecrypted() && !found.isDecryptionFailure() ? found : undefined;
            }, `the new device decrypting ${eventId} with the restored key`, { timeoutMs: 20000 });
            assert(bodyOf(event) === body, `the new device decrypted ${JSON.stringify(event.getContent())}, expected ${body}`);
        }
    });

    let bobSecondDevice;
    let syncTokenBeforeBobsLogin;
    await step("e2ee-backup bob's second device gets the room key of alice's next message (device list change in /sync)", async () => {
        // Bob has no key backup: only alice's device learning of the new device (device_lists.changed,
        // POST /keys/query, /keys/claim) and sending it the room key by to-device lets it decrypt.
        syncTokenBeforeBobsLogin = alice.store.getSyncToken();
        const second = await api(base, "POST", "/login", {
            body: {
                type: "m.login.password",
                identifier: { type: "m.id.user", user: bobAccount.user_id },
                password: "bob's password",
                initial_device_display_name: "bob's second device",
            },
        });
        const bobSecond = await startCryptoClient(second, () => undefined);
        await poll(async () => (await alice.getCrypto().getUserDeviceInfo([bobAccount.user_id]))
            .get(bobAccount.user_id)?.has(second.device_id), "alice's device learning of bob's second device",
        { timeoutMs: 20000, intervalMs: 500 });
        const body = "a secret for every device of bob";
        const { event_id: eventId } = await alice.sendMessage(roomId, { msgtype: "m.text", body });
        const seen = bodyOf(await decryptedEvent(bobSecond, roomId, eventId, "alice's new message at bob's second device"));
        assert(seen === body, `bob's second device decrypted ${JSON.stringify(seen)}`);
        bobSecondDevice = { client: bobSecond, account: second };
    });

    await step("e2ee-backup bob's second device logs out and alice's device forgets it (device list change in /sync)", async () => {
        assert(bobSecondDevice, "bob's second device did not start");
        bobSecondDevice.client.stopClient();
        await bobSecondDevice.client.logout(true);
        await poll(async () => !(await alice.getCrypto().getUserDeviceInfo([bobAccount.user_id]))
            .get(bobAccount.user_id)?.has(bobSecondDevice.account.device_id), "alice's device forgetting bob's second device",
        { timeoutMs: 20000, intervalMs: 500 });
        // What a client resuming from an old token asks: whose devices changed between two sync tokens.
        const from = encodeURIComponent(syncTokenBeforeBobsLogin);
        const to = encodeURIComponent(alice.store.getSyncToken());
        const changes = await api(base, "GET", `/keys/changes?from=${from}&to=${to}`, { token: aliceAccount.access_token });
        assert(changes.changed?.includes(bobAccount.user_id), `GET /keys/changes answered ${JSON.stringify(changes)}`);
    });

    await step("e2ee-backup the new device cross-signs itself with the keys from secret storage", async () => {
        // As applications do before bootstrapping: this queries alice's own keys up to date, so that the
        // private keys from secret storage are checked against her published identity.
        assert(await newDevice.getCrypto().userHasCrossSigningKeys(newAccount.user_id),
            "the new device does not see alice's published cross-signing keys");
        await newDevice.getCrypto().bootstrapCrossSigning({ authUploadDeviceSigningKeys: passwordAuth(newAccount.user_id, uia) });
        const status = await newDevice.getCrypto().getCrossSigningStatus();
        assert(status.privateKeysCachedLocally.selfSigningKey, `cross-signing status ${JSON.stringify(status)}`);
        const verified = await poll(async () => {
            const info = await alice.getCrypto().getDeviceVerificationStatus(aliceAccount.user_id, newAccount.device_id);
            return info?.crossSigningVerified ? info : undefined;
        }, "alice's first device seeing the new device as cross-signed", { timeoutMs: 20000, intervalMs: 500 });
        assert(verified.isVerified(), `verification ${JSON.stringify(verified)}`);
    });

    await step("e2ee-backup replacing the cross-signing keys takes password UIA", async () => {
        const before = await alice.getCrypto().getCrossSigningKeyId();
        const asked = uia.withPassword;
        await alice.getCrypto().bootstrapCrossSigning({
            setupNewCrossSigning: true,
            authUploadDeviceSigningKeys: passwordAuth(aliceAccount.user_id, uia),
        });
        assert(uia.withPassword === asked + 1, `the server did not ask for password UIA: ${JSON.stringify(uia)}`);
        const query = await api(base, "POST", "/keys/query", {
            token: aliceAccount.access_token,
            body: { device_keys: { [aliceAccount.user_id]: [] } },
        });
        const master = Object.values(query.master_keys?.[aliceAccount.user_id]?.keys ?? {})[0];
        assert(master && master !== before, `master key before ${before}, on the server after ${master}`);
        // The device takes its new public identity from its next POST /keys/query.
        await poll(async () => (await alice.getCrypto().getCrossSigningKeyId()) === master,
            `alice's device using the new master key ${master}`);
    });
}

main().then(() => undefined, (error) => error).then((error) => {
    clients.forEach((client) => client.stopClient());
    finish(error);
});
