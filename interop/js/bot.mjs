// matrix-bot-sdk (no encryption) against a running homeserver: a bot logs in with the access token
// that registration gave it, joins the room it is invited to through AutojoinRoomsMixin, and
// replies to a message; its owner, a plain fetch client, sees the reply through /sync.
// Usage: node bot.mjs http://127.0.0.1:PORT   Prints "interop: PASS|FAIL bot-sdk <step>" lines.
import { AutojoinRoomsMixin, LogLevel, LogService, MatrixClient, MemoryStorageProvider } from "matrix-bot-sdk";
import { api, assert, finish, poll, registerWithDummyAuth, required, step, uniqueSuffix } from "./report.mjs";

LogService.setLevel(process.env.INTEROP_VERBOSE ? LogLevel.DEBUG : LogLevel.WARN);
process.env.INTEROP_SCENARIO = "bot-sdk";

const base = process.argv[2];
const suffix = uniqueSuffix();
let bot;

/** The owner's plain /sync: returns the events of `roomId`'s timeline since the last call. */
function syncer(token) {
    let since;
    return async (roomId) => {
        const query = new URLSearchParams({ timeout: "1000", ...(since ? { since } : {}) });
        const response = await api(base, "GET", `/sync?${query}`, { token });
        since = response.next_batch;
        return response.rooms?.join?.[roomId]?.timeline?.events ?? [];
    };
}

async function main() {
    let owner;
    let botAccount;
    await required("bot-sdk register the owner and the bot", async () => {
        owner = await registerWithDummyAuth(base, `owner${suffix}`, "owner's password", "owner");
        botAccount = await registerWithDummyAuth(base, `bot${suffix}`, "bot's password", "bot");
        assert(botAccount.access_token, `no access token in ${JSON.stringify(botAccount)}`);
    });

    const pings = [];
    await required("bot-sdk bot starts with the registration's access token", async () => {
        bot = new MatrixClient(base, botAccount.access_token, new MemoryStorageProvider());
        AutojoinRoomsMixin.setupOnClient(bot);
        bot.on("room.message", async (roomId, event) => {
            if (event.sender === botAccount.user_id || !event.content?.body?.startsWith("!ping")) {
                return;
            }
            pings.push(event.event_id);
            await bot.replyText(roomId, event, `pong: ${event.content.body.slice("!ping".length).trim()}`);
        });
        const userId = await bot.getUserId();
        assert(userId === botAccount.user_id, `the bot is ${userId}, expected ${botAccount.user_id}`);
        await bot.start();
    });

    let roomId;
    await required("bot-sdk bot autojoins the room it is invited to", async () => {
        ({ room_id: roomId } = await api(base, "POST", "/createRoom", {
            token: owner.access_token,
            body: { name: "Bot room", invite: [botAccount.user_id], preset: "private_chat" },
        }));
        await poll(async () => {
            const members = await api(base, "GET", `/rooms/${encodeURIComponent(roomId)}/joined_members`, { token: owner.access_token });
            return botAccount.user_id in members.joined;
        }, "the bot's join", { timeoutMs: 15000 });
        const rooms = await bot.getJoinedRooms();
        assert(rooms.includes(roomId), `the bot's joined rooms: ${JSON.stringify(rooms)}`);
    });

    await step("bot-sdk bot replies to a message and the owner sees the reply", async () => {
        const sync = syncer(owner.access_token);
        await sync(roomId);
        const { event_id: pingId } = await api(base, "PUT",
            `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/ping${suffix}`,
            { token: owner.access_token, body: { msgtype: "m.text", body: "!ping interop" } });
        const reply = await poll(async () => (await sync(roomId)).find((e) => e.sender === botAccount.user_id
            && e.type === "m.room.message"), "the bot's reply in the owner's sync", { timeoutMs: 15000 });
        assert(pings.includes(pingId), `the bot saw pings ${JSON.stringify(pings)}, not ${pingId}`);
        assert(reply.content["m.relates_to"]?.["m.in_reply_to"]?.event_id === pingId, `the reply does not point at the ping: ${JSON.stringify(reply)}`);
        assert(reply.content.body.includes("pong: interop"), `reply body ${JSON.stringify(reply.content.body)}`);
    });
}

main().then(() => undefined, (error) => error).then((error) => {
    bot?.stop();
    finish(error);
});
