/**
 * HTTP transport of the Flink REST client: one request with timeout, bounded retries with
 * exponential backoff and jitter, typed errors, and zod-checked JSON answers.
 */
import { Agent, type Dispatcher, type FormData, request } from "undici";
import type { ZodType, ZodTypeDef } from "zod";
import { quote } from "../core/errors";
import { type BaseUrlResolver, routeOf } from "./route";
import {
    FlinkApiError,
    type FlinkApiErrorInit,
    FlinkRequestError,
    FlinkResponseError,
    FlinkTimeoutError,
    FlinkUnreachableError,
    extractFlinkMessage,
    redactUrl,
} from "./errors";

/** Options of {@link createFlinkClient}. */
export interface FlinkClientOptions {
    /** JobManager REST URL, `http(s)://host:port`, optionally with a path prefix for a gateway. */
    readonly baseUrl: string;
    /** Per-request timeout in milliseconds (every attempt gets the full budget). @default 30000 */
    readonly timeoutMs?: number;
    /** Timeout of `uploadJar` in milliseconds. @default 300000 */
    readonly uploadTimeoutMs?: number;
    /** Extra attempts for idempotent calls after connection errors, timeouts and 5xx. @default 3 */
    readonly retries?: number;
    /** First backoff delay in ms; doubles per attempt, with jitter. @default 250 */
    readonly retryBaseMs?: number;
    /** Longest backoff delay in ms. @default 5000 */
    readonly retryMaxMs?: number;
    /** Extra headers on every request (e.g. a gateway's `Authorization`); never logged. */
    readonly headers?: Readonly<Record<string, string>>;
    /** PEM CA bundle to trust for https. */
    readonly ca?: string | Buffer;
    /** PEM client certificate for mutual TLS. */
    readonly cert?: string | Buffer;
    /** PEM private key of {@link cert}. */
    readonly key?: string | Buffer;
    /** Verify the server certificate. @default true */
    readonly rejectUnauthorized?: boolean;
    /** undici dispatcher to use instead of the default (tests inject a `MockAgent`). */
    readonly dispatcher?: Dispatcher;
    /** Called before every HTTP attempt (retries included), e.g. to count REST calls. */
    readonly onRequest?: (method: HttpMethod, path: string, attempt: number) => void;
    /**
     * Where to send requests, asked before every attempt (e.g. a port-forward opened on demand);
     * `baseUrl` stays the name shown in messages. @default the route registered for `baseUrl`
     * (see `route.ts`), else `baseUrl` itself
     */
    readonly resolveBaseUrl?: BaseUrlResolver;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One logical call; retried per its idempotency. */
export interface CallSpec {
    readonly method: HttpMethod;
    /** Path relative to the base URL, starting with `/`, query included. */
    readonly path: string;
    /** JSON body, or a factory of a multipart body (rebuilt for every attempt). */
    readonly json?: unknown;
    readonly form?: () => Promise<FormData>;
    /** Safe to repeat after an answer may have been lost (GET; POST with a client trigger id). */
    readonly idempotent: boolean;
    /** Overrides the client's timeout. */
    readonly timeoutMs?: number;
}

export interface Transport {
    /** Base URL without userinfo, safe to print. */
    readonly baseUrl: string;
    call<T>(spec: CallSpec, schema: ZodType<T, ZodTypeDef, unknown>): Promise<T>;
    close(): Promise<void>;
}

/** Hooks for clients of other Flink REST services (the SQL Gateway) that share this transport. */
export interface TransportHooks {
    /** Reduce an error body to one line. @default extractFlinkMessage */
    readonly extractMessage?: (body: string) => string | undefined;
    /** Whether an HTTP error status may succeed when an idempotent call is repeated. @default status >= 500 */
    readonly retryableStatus?: (status: number) => boolean;
}

const TIMEOUT = Symbol("flink-request-timeout");
/** Nothing was sent: safe to retry even non-idempotent calls. */
const NOT_SENT = new Set(["ECONNREFUSED", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
const PERMANENT_UNREACHABLE = new Set(["ENOTFOUND"]);
/** The connection broke mid-flight: retry idempotent calls only. */
const BROKEN = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function errorCode(err: unknown): string | undefined {
    const seen = new Set<unknown>();
    const visit = (e: unknown): string | undefined => {
        if (!e || typeof e !== "object" || seen.has(e)) return undefined;
        seen.add(e);
        const code = (e as { code?: unknown }).code;
        if (typeof code === "string" && (NOT_SENT.has(code) || BROKEN.has(code) || PERMANENT_UNREACHABLE.has(code))) return code;
        const nested = [(e as { cause?: unknown }).cause, ...((e as { errors?: unknown[] }).errors ?? [])];
        for (const n of nested) {
            const found = visit(n);
            if (found) return found;
        }
        return typeof code === "string" ? code : undefined;
    };
    return visit(err);
}

function parseBaseUrl(baseUrl: string): { base: string; auth?: string } {
    let url: URL;
    try {
        url = new URL(baseUrl);
    } catch {
        throw new FlinkRequestError("client", [`the URL ${quote(redactUrl(baseUrl))}, which is not a URL (e.g. "http://localhost:8081")`]);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new FlinkRequestError("client", [`the URL ${quote(redactUrl(baseUrl))}, which does not use http or https`]);
    }
    const auth =
        url.username || url.password
            ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`
            : undefined;
    const base = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
    return auth ? { base, auth } : { base };
}

function passwordOf(baseUrl: string): string[] {
    try {
        const url = new URL(baseUrl);
        return [url.password, decodeURIComponent(url.password)].filter(Boolean);
    } catch {
        return [];
    }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Build the transport; owns an undici `Agent` only when TLS options are given. */
export function createTransport(options: FlinkClientOptions, hooks: TransportHooks = {}): Transport {
    const extractMessage = hooks.extractMessage ?? extractFlinkMessage;
    const retryableStatus = hooks.retryableStatus ?? ((status: number) => status >= 500);
    const { base, auth } = parseBaseUrl(options.baseUrl);
    const shownBase = redactUrl(options.baseUrl).replace(/\/+$/, "");
    const timeoutMs = options.timeoutMs ?? 30_000;
    const retries = Math.max(0, options.retries ?? 3);
    const retryBaseMs = options.retryBaseMs ?? 250;
    const retryMaxMs = options.retryMaxMs ?? 5_000;
    // Only a non-default TLS setup needs an Agent of its own (rejectUnauthorized: true is the default).
    const tls = options.ca !== undefined || options.cert !== undefined || options.key !== undefined || options.rejectUnauthorized === false;
    const ownAgent =
        !options.dispatcher && tls
            ? new Agent({ connect: { ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: options.rejectUnauthorized ?? true } })
            : undefined;
    const dispatcher = options.dispatcher ?? ownAgent;
    const headers: Record<string, string> = { accept: "application/json" };
    if (auth) headers.authorization = auth;
    for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
    // Values that must never reach a message, even when a gateway echoes them back.
    const values = Object.entries(headers)
        .filter(([k]) => k !== "accept")
        .map(([, v]) => v);
    const secrets = [...values, ...values.flatMap((v) => v.split(/\s+/).filter((w) => w.length >= 8)), ...passwordOf(options.baseUrl)]
        .filter((v) => v.length >= 4)
        .sort((a, b) => b.length - a.length);
    const scrub = (text: string | undefined) => secrets.reduce((t, v) => t?.split(v).join("***"), text);

    // Looked up per attempt: a route may be registered after the client was built.
    const resolveBase = async (ctx: { method: HttpMethod; path: string; baseUrl: string; attempts: number }): Promise<string> => {
        const resolve = options.resolveBaseUrl ?? routeOf(base);
        if (!resolve) return base;
        try {
            return parseBaseUrl(await resolve()).base + new URL(base).pathname.replace(/\/+$/, "");
        } catch (err) {
            const retryable = (err as { retryable?: unknown }).retryable === true;
            const message = err instanceof Error ? err.message : String(err);
            throw new FlinkUnreachableError(
                { ...ctx, kind: "unreachable", retryable, flinkMessage: scrub(message.split("\n")[0]?.slice(0, 300)), cause: err },
                "EROUTE",
            );
        }
    };

    async function attempt<T>(spec: CallSpec, schema: ZodType<T, ZodTypeDef, unknown>, n: number): Promise<T> {
        const ctx = { method: spec.method, path: spec.path, baseUrl: shownBase, attempts: n };
        const root = await resolveBase(ctx);
        const budget = spec.timeoutMs ?? timeoutMs;
        const reqHeaders = { ...headers };
        let body: string | FormData | undefined;
        if (spec.form) body = await spec.form();
        else if (spec.json !== undefined) {
            body = JSON.stringify(spec.json);
            reqHeaders["content-type"] = "application/json";
        }
        options.onRequest?.(spec.method, spec.path, n);
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(TIMEOUT), budget);
        let status: number;
        let text: string;
        try {
            const res = await request(root + spec.path, { method: spec.method, headers: reqHeaders, body, signal: controller.signal, dispatcher });
            status = res.statusCode;
            text = await res.body.text();
        } catch (err) {
            if (controller.signal.aborted && controller.signal.reason === TIMEOUT) {
                throw new FlinkTimeoutError({ ...ctx, retryable: spec.idempotent, cause: err }, budget);
            }
            const code = errorCode(err);
            const notSent = code !== undefined && NOT_SENT.has(code);
            const unreachable = notSent || (code !== undefined && PERMANENT_UNREACHABLE.has(code));
            const retryable = notSent || (spec.idempotent && code !== undefined && BROKEN.has(code));
            const message = err instanceof Error ? err.message : String(err);
            throw new FlinkUnreachableError(
                { ...ctx, kind: unreachable ? "unreachable" : "network", retryable, flinkMessage: scrub(message.split("\n")[0]?.slice(0, 200)), cause: err },
                code,
            );
        } finally {
            clearTimeout(timer);
        }
        if (status < 200 || status >= 300) {
            const init: FlinkApiErrorInit = {
                ...ctx,
                kind: "http",
                status,
                flinkMessage: scrub(extractMessage(text)),
                retryable: spec.idempotent && retryableStatus(status),
            };
            throw new FlinkApiError(init);
        }
        let data: unknown = {};
        if (text.trim()) {
            try {
                data = JSON.parse(text);
            } catch {
                throw new FlinkResponseError({ ...ctx, status }, `body is not JSON: ${scrub(JSON.stringify(text.slice(0, 60)))}`);
            }
        }
        const parsed = schema.safeParse(data);
        if (!parsed.success) {
            const [first] = parsed.error.issues;
            const where = first && first.path.length > 0 ? first.path.join(".") : "(root)";
            const more = parsed.error.issues.length > 1 ? ` (+${parsed.error.issues.length - 1} more)` : "";
            throw new FlinkResponseError({ ...ctx, status }, scrub(`${where}: ${first?.message ?? "invalid"}${more}`) ?? where);
        }
        return parsed.data;
    }

    return {
        baseUrl: shownBase,
        async call<T>(spec: CallSpec, schema: ZodType<T, ZodTypeDef, unknown>): Promise<T> {
            for (let n = 1; ; n++) {
                try {
                    return await attempt(spec, schema, n);
                } catch (err) {
                    if (!(err instanceof FlinkApiError) || !err.retryable || n > retries) throw err;
                    const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** (n - 1));
                    await sleep(delay / 2 + Math.random() * (delay / 2));
                }
            }
        },
        async close(): Promise<void> {
            await ownAgent?.close();
        },
    };
}
