/**
 * Errors raised by the Flink REST client: one hierarchy rooted at {@link FlinkApiError}.
 *
 * Messages name the endpoint and the (redacted) base URL, never a header value, and carry
 * Flink's own message reduced to one line: Flink answers `{"errors": ["<class>: msg\n\tat …"]}`
 * with whole Java stack traces, of which only the headline and the deepest cause matter.
 */

/** What went wrong, for callers that prefer a switch over `instanceof`. */
export type FlinkErrorKind =
    | "http" // Flink (or a gateway) answered with a non-2xx status
    | "timeout" // no complete answer within the request timeout
    | "unreachable" // the connection could not be opened (refused, DNS, connect timeout)
    | "network" // the connection broke while the request was in flight
    | "invalid-response" // 2xx, but the body is not what the endpoint documents
    | "invalid-request" // refused by this client before sending: a value it was given cannot be sent
    | "savepoint-failed" // the savepoint operation completed with a failure cause
    | "savepoint-timeout"; // the savepoint did not complete within the caller's deadline

/** Fields shared by every {@link FlinkApiError}. */
export interface FlinkApiErrorInit {
    readonly kind: FlinkErrorKind;
    /** HTTP status; 0 when no response was received. */
    readonly status: number;
    readonly method: string;
    /** Request path relative to the base URL, e.g. `/jobs/<id>/stop`. */
    readonly path: string;
    /** Base URL with any userinfo replaced by `***`. */
    readonly baseUrl: string;
    /** Flink's message reduced to one line (headline and deepest cause), if any. */
    readonly flinkMessage?: string;
    /** Whether repeating the same call may succeed. */
    readonly retryable: boolean;
    /** How many attempts were made before giving up. @default 1 */
    readonly attempts?: number;
    readonly cause?: unknown;
}

/** Root of all client errors: `err instanceof FlinkApiError` catches every failure. */
export class FlinkApiError extends Error {
    readonly kind: FlinkErrorKind;
    readonly status: number;
    readonly method: string;
    readonly path: string;
    readonly baseUrl: string;
    readonly flinkMessage: string | undefined;
    readonly retryable: boolean;
    readonly attempts: number;

    constructor(init: FlinkApiErrorInit, message?: string) {
        super(message ?? defaultMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
        this.name = "FlinkApiError";
        this.kind = init.kind;
        this.status = init.status;
        this.method = init.method;
        this.path = init.path;
        this.baseUrl = init.baseUrl;
        this.flinkMessage = init.flinkMessage;
        this.retryable = init.retryable;
        this.attempts = init.attempts ?? 1;
    }
}

/** The request did not complete within its timeout. */
export class FlinkTimeoutError extends FlinkApiError {
    constructor(
        init: Omit<FlinkApiErrorInit, "kind" | "status">,
        readonly timeoutMs: number,
    ) {
        super(
            { ...init, kind: "timeout", status: 0 },
            `Flink REST ${init.method} ${init.path} on ${init.baseUrl} timed out after ${timeoutMs} ms` + attemptsSuffix(init.attempts),
        );
        this.name = "FlinkTimeoutError";
    }
}

/** No connection could be made (refused, unknown host, connect timeout) or it broke mid-request. */
export class FlinkUnreachableError extends FlinkApiError {
    constructor(
        init: Omit<FlinkApiErrorInit, "status">,
        readonly code: string | undefined,
    ) {
        super(
            { ...init, status: 0 },
            `Flink REST ${init.method} ${init.path}: cannot reach ${init.baseUrl}` +
                `${code ? ` (${code})` : ""}${init.flinkMessage ? `: ${init.flinkMessage}` : ""}` +
                attemptsSuffix(init.attempts) +
                (code && /CERT|SSL|TLS/i.test(code)
                    ? "; check the server certificate, the trusted CA (option ca) or rejectUnauthorized"
                    : "; check that the cluster is running and the URL is right"),
        );
        this.name = "FlinkUnreachableError";
    }
}

/** A 2xx answer whose body does not match the documented shape (wrong endpoint, proxy page…). */
export class FlinkResponseError extends FlinkApiError {
    constructor(
        init: Omit<FlinkApiErrorInit, "kind" | "retryable">,
        readonly issue: string,
    ) {
        super(
            { ...init, kind: "invalid-response", retryable: false },
            `Flink REST ${init.method} ${init.path} on ${init.baseUrl}: unexpected response (${issue}); ` + "is the URL a Flink JobManager REST endpoint?",
        );
        this.name = "FlinkResponseError";
    }
}

/**
 * A request this client refused to send: a value it was given (by the provider, from inputs that
 * `check` has already accepted, or by a caller of the library) is not one Flink takes. The message
 * says what the client was given, not a property name: the user may never have written one.
 * `Flink REST POST /jars/:jarid/run refused before sending: it was given the job id "x", which …`.
 */
export class FlinkRequestError extends FlinkApiError {
    /** Each refused value: `the job id "x", which is not 32 lowercase hex characters`. */
    readonly given: readonly string[];

    constructor(request: string, given: readonly string[]) {
        const [method = "", path = ""] = request.split(" ");
        super(
            { kind: "invalid-request", status: 0, method, path, baseUrl: "", retryable: false },
            `Flink REST ${request} refused before sending: it was given ${given.join("; ")}`,
        );
        this.name = "FlinkRequestError";
        this.given = given;
    }
}

/** A savepoint (or stop-with-savepoint) completed with a failure, or did not complete in time. */
export class FlinkSavepointError extends FlinkApiError {
    constructor(
        init: Omit<FlinkApiErrorInit, "retryable">,
        readonly jobId: string,
        readonly triggerId: string,
    ) {
        super(
            { ...init, retryable: false },
            init.kind === "savepoint-timeout"
                ? `savepoint ${triggerId} of job ${jobId} on ${init.baseUrl} did not complete: ${init.flinkMessage ?? "timed out"}`
                : `savepoint ${triggerId} of job ${jobId} on ${init.baseUrl} failed: ${init.flinkMessage ?? "unknown cause"}`,
        );
        this.name = "FlinkSavepointError";
    }
}

/** True when `err` is a Flink answer with HTTP 404 (unknown job, jar or trigger). */
export function isFlinkNotFound(err: unknown): err is FlinkApiError {
    return err instanceof FlinkApiError && err.kind === "http" && err.status === 404;
}

function attemptsSuffix(attempts: number | undefined): string {
    return attempts !== undefined && attempts > 1 ? ` (after ${attempts} attempts)` : "";
}

function defaultMessage(init: FlinkApiErrorInit): string {
    const what = init.status > 0 ? `HTTP ${init.status}` : init.kind;
    return (
        `Flink REST ${init.method} ${init.path} on ${init.baseUrl} failed with ${what}` +
        (init.flinkMessage ? `: ${init.flinkMessage}` : "") +
        attemptsSuffix(init.attempts)
    );
}

/** Replace the userinfo of a URL (`https://user:pass@host`) with `***`; never throws. */
export function redactUrl(url: string): string {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, "$1***@");
}

const MAX_MESSAGE = 300;
const QUALIFIED_CLASS = /^(?:[a-z_$][\w$]*\.)+([A-Z][\w$]*)(?::\s*|$)/;
const GENERIC = /^(internal server error\.?|<exception on server side:|end of exception on server side>)$/i;

/** Strip leading fully-qualified exception class names: `a.b.FooException: x` → `x`. */
function stripClasses(line: string): string {
    let text = line.trim();
    for (let m = QUALIFIED_CLASS.exec(text); m && m[0].length < text.length; m = QUALIFIED_CLASS.exec(text)) {
        text = text.slice(m[0].length).trim();
    }
    return text;
}

function clip(text: string): string {
    const one = text.replace(/\s+/g, " ").trim();
    return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE - 1)}…` : one;
}

/**
 * Reduce a Java stack trace (or several) to one line: the first meaningful headline, plus the
 * deepest `Caused by:` as `ShortClass: message` when it says something the headline does not.
 */
export function summarizeJavaError(...texts: readonly string[]): string | undefined {
    const headlines: string[] = [];
    const causes: string[] = [];
    for (const text of texts) {
        for (const raw of text.split(/\r?\n/)) {
            const line = raw.trim();
            if (!line || /^at\s/.test(line) || /^\.\.\. \d+ (more|common frames)/.test(line) || GENERIC.test(line)) continue;
            if (line.startsWith("Caused by:")) causes.push(line.slice("Caused by:".length).trim());
            else if (!raw.startsWith("\t")) headlines.push(line.replace(/^<Exception on server side:\s*/i, ""));
        }
    }
    const head = headlines.length > 0 ? stripClasses(headlines[0]!) : undefined;
    const deepest = causes.length > 0 ? causes[causes.length - 1]! : undefined;
    if (deepest === undefined) return head === undefined ? undefined : clip(head);
    const m = QUALIFIED_CLASS.exec(deepest);
    const causeMessage = stripClasses(deepest);
    const cause = !m ? deepest : causeMessage === deepest ? m[1]! : `${m[1]}: ${causeMessage}`;
    if (head === undefined || head === causeMessage || head.endsWith(causeMessage)) return clip(head ?? cause);
    return clip(`${head}${/[.!?:;]$/.test(head) ? "" : "."} Caused by ${cause}`);
}

/**
 * Flink's message from an error response body: `{"errors": [...]}` → one line, ≤ 300 chars.
 * Non-JSON bodies (a gateway's HTML page) give their first line of text.
 */
export function extractFlinkMessage(body: string): string | undefined {
    const text = body.trim();
    if (!text) return undefined;
    try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === "object" && "errors" in parsed && Array.isArray(parsed.errors)) {
            const errors = parsed.errors.filter((e): e is string => typeof e === "string");
            return summarizeJavaError(...errors) ?? (errors[0] !== undefined ? clip(errors[0]) : undefined);
        }
    } catch {
        // not JSON: fall through to plain text
    }
    const plain = text
        .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
        .replace(/<[^>]+>/g, "\n")
        .split(/\n/)
        .map((l) => l.trim())
        .find((l) => l.length > 0);
    return plain === undefined ? undefined : clip(plain);
}
