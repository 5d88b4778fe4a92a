// matrix-js-sdk (Node 22) and the media repository: a user uploads a PNG with the SDK's
// uploadContent, then fetches it and a thumbnail back through the authenticated media URLs the SDK
// builds (mxcUrlToHttp with useAuthentication), sending its access token as the SDK's clients do.
// Usage: node media.mjs http://127.0.0.1:PORT   Prints "interop: PASS|FAIL js-sdk media <step>" lines.
import { deflateSync } from "node:zlib";
import * as sdk from "matrix-js-sdk";
import { assert, finish, registerWithDummyAuth, required, sdkLogger, step, uniqueSuffix } from "./report.mjs";

process.env.INTEROP_SCENARIO = "js-sdk media";

const base = process.argv[2];
let client;

/** A width x height RGB PNG with a colour gradient, so the thumbnail has something to scale. */
function png(width, height) {
    const crcTable = Array.from({ length: 256 }, (_, n) => {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        return c >>> 0;
    });
    const crc = (bytes) => {
        let c = 0xffffffff;
        for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
        return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type, data) => {
        const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
        const out = Buffer.alloc(8 + data.length + 4);
        out.writeUInt32BE(data.length, 0);
        body.copy(out, 4);
        out.writeUInt32BE(crc(body), 8 + data.length);
        return out;
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(width, 0);
    header.writeUInt32BE(height, 4);
    header[8] = 8; // bit depth
    header[9] = 2; // RGB
    const rows = Buffer.alloc((width * 3 + 1) * height);
    for (let y = 0; y < height; y++) {
        const row = y * (width * 3 + 1);
        for (let x = 0; x < width; x++) {
            rows[row + 1 + x * 3] = (x * 255) / width;
            rows[row + 2 + x * 3] = (y * 255) / height;
            rows[row + 3 + x * 3] = 128;
        }
    }
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header),
        chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

/** A GET with the access token; returns the status, content type and body bytes. */
async function fetchMedia(url, token) {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    return { status: response.status, type: response.headers.get("content-type"), body: Buffer.from(await response.arrayBuffer()) };
}

async function main() {
    let account;
    const image = png(320, 240);
    let mxc;
    await required("js-sdk media upload a PNG with uploadContent", async () => {
        account = await registerWithDummyAuth(base, `media${uniqueSuffix()}`, "media password", "media");
        client = sdk.createClient({ baseUrl: base, userId: account.user_id, accessToken: account.access_token, logger: sdkLogger });
        ({ content_uri: mxc } = await client.uploadContent(image, { type: "image/png", name: "gradient.png" }));
        assert(typeof mxc === "string" && mxc.startsWith("mxc://"), `content_uri ${mxc}`);
    });

    await step("js-sdk media download through the authenticated URL gives the same bytes", async () => {
        const url = client.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, true, true);
        assert(url.includes("/_matrix/client/v1/media/download/"), `the SDK built ${url}`);
        const got = await fetchMedia(url, account.access_token);
        assert(got.status === 200, `HTTP ${got.status}`);
        assert(got.type === "image/png", `content type ${got.type}`);
        assert(got.body.equals(image), `got ${got.body.length} bytes, uploaded ${image.length}`);
        const anonymous = await fetch(url);
        assert(anonymous.status === 401, `without a token: HTTP ${anonymous.status}`);
    });

    await step("js-sdk media thumbnail through the authenticated URL is a smaller image", async () => {
        const url = client.mxcUrlToHttp(mxc, 32, 32, "crop", false, true, true);
        assert(url.includes("/_matrix/client/v1/media/thumbnail/"), `the SDK built ${url}`);
        const got = await fetchMedia(url, account.access_token);
        assert(got.status === 200, `HTTP ${got.status}`);
        assert(/^image\/(png|jpeg|webp)$/.test(got.type ?? ""), `content type ${got.type}`);
        const isPng = got.body.subarray(1, 4).toString("ascii") === "PNG";
        const isJpeg = got.body[0] === 0xff && got.body[1] === 0xd8;
        assert(isPng || isJpeg, "the thumbnail is neither PNG nor JPEG");
        if (isPng) {
            const width = got.body.readUInt32BE(16);
            const height = got.body.readUInt32BE(20);
            assert(width <= 96 && height <= 96, `a 32x32 crop thumbnail of a 320x240 image is ${width}x${height}`);
        }
        assert(!got.body.equals(image), "the thumbnail is the original");
    });
}

main().then(() => undefined, (error) => error).then((error) => {
    client?.stopClient();
    finish(error);
});
