// Shared by the JS interop scenarios: one "interop: PASS|FAIL <name>" line per step (interop/run
// counts them) and small helpers to wait for what a client sees through its own /sync.

let failures = 0;

// Only the scenario's own lines go to stdout. Libraries that log through console (matrix-js-sdk's
// loglevel loggers, matrix-bot-sdk's LogService) are moved to stderr, or dropped below warnings.
const verbose = Boolean(process.env.INTEROP_VERBOSE);
const toStderr = (...args) => console.error(...args);
console.log = console.info = console.debug = console.trace = verbose ? toStderr : () => {};

function report(line) {
    process.stdout.write(`${line}\n`);
}

/** Runs one named step; prints PASS, or FAIL with the reason, and returns whether it passed. */
export async function step(name, action) {
    try {
        await action();
        report(`interop: PASS ${name}`);
        return true;
    } catch (error) {
        failures++;
        report(`interop: FAIL ${name}: ${describe(error)}`);
        return false;
    }
}

/** Like step, but a failure stops the scenario: the steps after it cannot run without it. */
export async function required(name, action) {
    if (!(await step(name, action))) {
        throw new ScenarioStopped(name);
    }
}

export class ScenarioStopped extends Error {
    constructor(name) {
        super(`stopped after "${name}" failed`);
    }
}

/** Ends the process: exit code 1 when any step failed or the scenario broke off. */
export function finish(error) {
    if (error && !(error instanceof ScenarioStopped)) {
        failures++;
        report(`interop: FAIL ${process.env.INTEROP_SCENARIO ?? "scenario"}: ${describe(error)}`);
    }
    process.exit(failures === 0 ? 0 : 1);
}

/**
 * A logger for matrix-js-sdk: its chatter is dropped and its warnings and errors go to stderr,
 * which interop/run keeps in a file and shows when a scenario fails. INTEROP_VERBOSE=1 keeps all.
 */
export const sdkLogger = makeLogger("");

function makeLogger(prefix) {
    const write = (...args) => console.error(prefix, ...args);
    const chatter = verbose ? write : () => {};
    return {
        trace: chatter,
        debug: chatter,
        info: chatter,
        log: chatter,
        warn: write,
        error: write,
        getChild: (namespace) => makeLogger(`${prefix}${namespace}`),
    };
}

export function assert(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

/** A failed request as the server answered it (js-sdk's MatrixError carries status and body). */
export function describe(error) {
    const text = error?.httpStatus !== undefined
        ? `HTTP ${error.httpStatus} ${JSON.stringify(error.data ?? {})} (${error.url ?? "request"})`
        : (error?.message ?? String(error));
    return text.length > 2000 ? `${text.slice(0, 2000)}...` : text;
}

/**
 * Resolves with the first emission of `eventName` for which `predicate(...args)` is true, or with
 * undefined right away when `alreadyTrue()` holds; rejects after `timeoutMs`.
 */
export function waitFor(emitter, eventName, predicate, what, { timeoutMs = 10000, alreadyTrue } = {}) {
    return new Promise((resolve, reject) => {
        if (alreadyTrue?.()) {
            resolve(undefined);
            return;
        }
        const listener = (...args) => {
            if (predicate(...args)) {
                clearTimeout(timer);
                emitter.off(eventName, listener);
                resolve(args);
            }
        };
        const timer = setTimeout(() => {
            emitter.off(eventName, listener);
            reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        emitter.on(eventName, listener);
    });
}

/** Polls `check` (async, returns a value or undefined) until it gives a value. */
export async function poll(check, what, { timeoutMs = 10000, intervalMs = 200 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await check();
        if (value !== undefined && value !== false) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}

/** A plain Client-Server API request with fetch; throws with the status and body unless 2xx. */
export async function api(base, method, path, { token, body } = {}) {
    const response = await fetch(`${base}/_matrix/client/v3${path}`, {
        method,
        headers: {
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let json;
    try {
        json = text ? JSON.parse(text) : {};
    } catch {
        json = { raw: text };
    }
    if (!response.ok) {
        const error = new Error(`${method} ${path} -> HTTP ${response.status} ${text}`);
        error.status = response.status;
        error.body = json;
        throw error;
    }
    return json;
}

/**
 * Registers with the User-Interactive Authentication dance clients do: the first request without
 * `auth` must answer 401 with a session offering m.login.dummy, the second completes that stage.
 */
export async function registerWithDummyAuth(base, username, password, deviceName) {
    const request = { username, password, initial_device_display_name: deviceName };
    let challenge;
    try {
        await api(base, "POST", "/register", { body: request });
        throw new Error("POST /register without auth succeeded; expected a 401 User-Interactive Authentication challenge");
    } catch (error) {
        if (error.status !== 401) {
            throw error;
        }
        challenge = error.body;
    }
    if (typeof challenge.session !== "string" || !challenge.flows?.some((f) => f.stages?.includes("m.login.dummy"))) {
        throw new Error(`401 of POST /register has no session or no m.login.dummy flow: ${JSON.stringify(challenge)}`);
    }
    return api(base, "POST", "/register", { body: { ...request, auth: { type: "m.login.dummy", session: challenge.session } } });
}

export function uniqueSuffix() {
    return Math.random().toString(36).slice(2, 10);
}
