// Hydrogen, a full Matrix web client (npm hydrogen-view-sdk, built by vite into dist/), in Debian's
// Chromium driven by playwright-core, against a running homeserver and beside a matrix-js-sdk user:
// log in through Hydrogen's login page, open the room shared with the js-sdk user, send a message
// that the js-sdk user receives, and see the js-sdk user's reply on the page. A screenshot of the
// page is written at the end, whether the steps passed or not.
// Usage: node scenario.mjs HOMESERVER_URL SITE_DIR SCREENSHOT.png
//   (Node 22 from interop/js; matrix-js-sdk and report.mjs are interop/js's own.)
// Prints "interop: PASS|FAIL hydrogen <step>" lines. CHROMIUM overrides /usr/bin/chromium.
import { createServer } from "node:http";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";
import * as sdk from "../js/node_modules/matrix-js-sdk/lib/index.js";
import { logger } from "../js/node_modules/matrix-js-sdk/lib/logger.js";
import { api, assert, describe, finish, registerWithDummyAuth, required, sdkLogger, step, uniqueSuffix, waitFor } from "../js/report.mjs";

logger.setLevel(process.env.INTEROP_VERBOSE ? "debug" : "warn");
logger.rebuild();
process.env.INTEROP_SCENARIO = "hydrogen";

const [base, siteArgument, screenshotArgument] = process.argv.slice(2);
if (!base || !siteArgument || !screenshotArgument) {
    console.error("usage: node scenario.mjs HOMESERVER_URL SITE_DIR SCREENSHOT.png");
    process.exit(2);
}
const site = resolve(siteArgument);
const screenshot = resolve(screenshotArgument);
const suffix = uniqueSuffix();
const uiTimeout = 30000;

const contentTypes = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".json": "application/json",
};

/** Serves the built site on loopback; a page on 127.0.0.1 is a secure context, as service workers need. */
function serveSite() {
    const server = createServer((request, response) => {
        const path = decodeURIComponent(new URL(request.url, "http://site").pathname);
        const file = normalize(join(site, path.endsWith("/") ? `${path}index.html` : path));
        let body;
        try {
            if (!file.startsWith(site) || !statSync(file).isFile()) {
                throw new Error("not a file");
            }
            body = readFileSync(file);
        } catch {
            response.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
            return;
        }
        response.writeHead(200, {
            "Content-Type": contentTypes[extname(file)] ?? "application/octet-stream",
            "Cache-Control": "no-store",
        }).end(body);
    });
    return new Promise((resolveServer) => server.listen(0, "127.0.0.1", () => resolveServer(server)));
}

/** What the browser said: its console errors and failed requests go to stderr for the failure log. */
function watchPage(page) {
    page.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning" || process.env.INTEROP_VERBOSE) {
            console.error(`[browser ${message.type()}] ${message.text()}`);
        }
    });
    page.on("pageerror", (error) => console.error(`[browser exception] ${error.stack ?? error}`));
    page.on("requestfailed", (request) => console.error(`[browser request failed] ${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
    page.on("response", (response) => {
        if (response.status() >= 400) {
            console.error(`[browser response] ${response.status()} ${response.request().method()} ${response.url()}`);
        }
    });
}

/** The visible text of the page, cut short, to put in a failure message. */
async function pageText(page) {
    const text = await page.locator("body").innerText({ timeout: 2000 }).catch(() => "(page unreadable)");
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > 400 ? `${flat.slice(0, 400)}...` : flat;
}

/** Waits for a locator to be visible; on timeout the error says what the page showed instead. */
async function visible(page, locator, what) {
    try {
        await locator.first().waitFor({ state: "visible", timeout: uiTimeout });
    } catch {
        throw new Error(`timed out after ${uiTimeout} ms waiting for ${what}; the page shows: ${await pageText(page)}`);
    }
}

/** The event in the js-sdk client's live timeline that `predicate` picks, waiting for it to arrive. */
async function timelineEvent(client, roomId, predicate, what) {
    const find = () => client.getRoom(roomId)?.getLiveTimeline().getEvents().find(predicate);
    await waitFor(client, sdk.RoomEvent.Timeline, (event) => event.getRoomId() === roomId && predicate(event), what,
        { alreadyTrue: () => find() !== undefined, timeoutMs: uiTimeout });
    return find();
}

let browser;
let siteServer;
let page;
let jsUser;

async function main() {
    const hydrogenName = `hydrogen${suffix}`;
    const hydrogenPassword = "hydrogen's password";
    const roomName = `Hydrogen interop ${suffix}`;
    let hydrogenUser;
    let roomId;

    await required("hydrogen register a user for Hydrogen and a matrix-js-sdk user sharing a room", async () => {
        hydrogenUser = await registerWithDummyAuth(base, hydrogenName, hydrogenPassword, "registration");
        const jsRegistration = await registerWithDummyAuth(base, `jsfriend${suffix}`, "js password", "js-sdk");
        jsUser = sdk.createClient({
            baseUrl: base,
            userId: jsRegistration.user_id,
            accessToken: jsRegistration.access_token,
            deviceId: jsRegistration.device_id,
            logger: sdkLogger,
        });
        const prepared = waitFor(jsUser, sdk.ClientEvent.Sync, (state) => state === "PREPARED" || state === "ERROR",
            "the js-sdk user's first sync", { timeoutMs: 20000 });
        await jsUser.startClient({ initialSyncLimit: 20, lazyLoadMembers: true });
        const [state, , data] = await prepared;
        assert(state === "PREPARED", `js-sdk sync state ${state}: ${describe(data?.error)}`);
        ({ room_id: roomId } = await jsUser.createRoom({
            name: roomName,
            preset: sdk.Preset.PrivateChat,
            invite: [hydrogenUser.user_id],
        }));
        await api(base, "POST", `/join/${encodeURIComponent(roomId)}`, { token: hydrogenUser.access_token, body: {} });
    });

    await required("hydrogen page loads (service worker, olm) and shows its login form for the homeserver", async () => {
        siteServer = await serveSite();
        const siteUrl = `http://127.0.0.1:${siteServer.address().port}/`;
        browser = await chromium.launch({
            executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
            args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"],
        });
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        page = await context.newPage();
        watchPage(page);
        await page.goto(`${siteUrl}?homeserver=${encodeURIComponent(base)}#/login`);
        await visible(page, page.locator("#username"), "the login form (#username)");
        const homeserver = await page.locator("#homeserver").inputValue();
        assert(homeserver === base, `the login page proposes homeserver "${homeserver}"`);
        const registered = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.scriptURL));
        assert(registered?.endsWith("/sw.js"), `service worker ${registered}`);
    });

    await required("hydrogen log in through the login page", async () => {
        await page.locator("#username").fill(hydrogenName);
        await page.locator("#password").fill(hydrogenPassword);
        await page.getByRole("button", { name: "Log In" }).click();
        await visible(page, page.getByText("Choose a room on the left side"), "the session view after login");
    });

    await required("hydrogen open the room shared with the js-sdk user", async () => {
        const tile = page.locator("li .description .name", { hasText: roomName });
        await visible(page, tile, `the room "${roomName}" in the room list`);
        await tile.first().click();
        await visible(page, page.locator(".MessageComposer textarea"), "the room's message composer");
        await visible(page, page.locator(".RoomHeader, .middle-header").getByText(roomName), "the room's name in its header");
    });

    const hello = `hello from Hydrogen ${suffix}`;
    let helloEvent;
    await required("hydrogen send a message that the js-sdk user receives", async () => {
        const composer = page.locator(".MessageComposer textarea");
        await composer.fill(hello);
        await composer.press("Enter");
        helloEvent = await timelineEvent(jsUser, roomId,
            (event) => event.getSender() === hydrogenUser.user_id && event.getContent().body === hello,
            "Hydrogen's message in the js-sdk user's timeline");
        assert(helloEvent.getType() === "m.room.message" && helloEvent.getContent().msgtype === "m.text",
            `received ${JSON.stringify(helloEvent.event)}`);
        await visible(page, page.locator(".Timeline_messageBody", { hasText: hello }), "Hydrogen's own message in its timeline");
    });

    const reply = `reply from matrix-js-sdk ${suffix}`;
    await required("hydrogen shows the js-sdk user's reply on the page", async () => {
        await jsUser.sendEvent(roomId, sdk.EventType.RoomMessage, {
            msgtype: "m.text",
            // No reply fallback in the body: the spec (v1.13) dropped it, and Hydrogen would show it as text.
            body: reply,
            "m.relates_to": { "m.in_reply_to": { event_id: helloEvent.getId() } },
        });
        await visible(page, page.locator(".Timeline_messageBody", { hasText: reply }), "the js-sdk user's reply in Hydrogen's timeline");
    });

    await step("hydrogen shows the reply quoting the Hydrogen message", async () => {
        const quoted = page.locator(".Timeline_messageBody", { hasText: reply }).locator(".ReplyPreviewView", { hasText: hello });
        await visible(page, quoted, "the quoted message in the reply");
    });
}

/** The screenshot is written whatever happened, so a failure leaves a picture of what the page showed. */
async function takeScreenshot() {
    if (!page) {
        return;
    }
    await step(`hydrogen screenshot of the room written to ${screenshot}`, async () => {
        mkdirSync(dirname(screenshot), { recursive: true });
        await page.screenshot({ path: screenshot, fullPage: true });
    });
}

main().then(() => undefined, (error) => error).then(async (error) => {
    await takeScreenshot();
    jsUser?.stopClient();
    await browser?.close().catch(() => undefined);
    siteServer?.close();
    finish(error);
});
