/**
 * Flink SQL Gateway REST client (`/v1` endpoints, Flink 1.16–2.x; `configureSession` uses `/v2`,
 * 1.17+). Same transport as the JobManager client (timeouts, retries of idempotent calls,
 * redaction of credentials); errors are {@link SqlGatewayError}s carrying the useful line of the
 * gateway's Java chain and the position in the statement when Flink names one.
 *
 * A plain object of closures, like `createFlinkClient`; call `close()` when done if TLS options
 * were given (it owns an Agent then).
 */
import { z } from "zod";
import { FlinkApiError } from "../flink/errors";
import { type CallSpec, createTransport, type FlinkClientOptions, type HttpMethod } from "../flink/http";
import { extractSqlGatewayMessage, parseSqlPosition, SqlGatewayError } from "./errors";
import {
    ExecuteStatementSchema,
    type FetchResultsWire,
    FetchResultsWireSchema,
    type GatewayInfo,
    GatewayInfoSchema,
    OpenSessionSchema,
    StatusSchema,
} from "./schemas";

/** Options of {@link createGatewayClient}: those of the JobManager client, minus uploads. */
export type GatewayClientOptions = Omit<FlinkClientOptions, "uploadTimeoutMs">;

/** Options of {@link GatewayClient.openSession}. */
export interface OpenSessionRequest {
    /** Session configuration on top of the gateway's (e.g. `pipeline.name`, `execution.state-recovery.path`). */
    readonly properties?: Readonly<Record<string, string>>;
    /** Name shown in the gateway's logs. */
    readonly sessionName?: string;
}

/** Options of {@link GatewayClient.executeStatement}. */
export interface ExecuteStatementRequest {
    readonly statement: string;
    /** Configuration for this statement only, on top of the session's. */
    readonly executionConfig?: Readonly<Record<string, string>>;
    /** Server-side execution timeout of the statement (`executionTimeout`), in milliseconds. */
    readonly executionTimeoutMs?: number;
}

/** A result column: name and Flink logical type (e.g. `INTEGER`, `VARCHAR`). */
export interface GatewayColumn {
    readonly name: string;
    readonly type?: string;
    readonly nullable?: boolean;
}

/** One page of an operation's result, normalized. */
export interface FetchResult {
    readonly resultType: "NOT_READY" | "PAYLOAD" | "EOS";
    /** `true` for queries (SELECT…), `false` for DDL, INSERT, SET… Absent before Flink 1.17. */
    readonly isQueryResult?: boolean;
    /** Job the statement submitted (INSERT, STATEMENT SET, queries); Flink 1.17+. */
    readonly jobId?: string;
    /** `SUCCESS` (no rows of interest) or `SUCCESS_WITH_CONTENT`; absent before 1.17 and when NOT_READY. */
    readonly resultKind?: string;
    readonly columns: GatewayColumn[];
    /** Field values per row (rowFormat JSON). */
    readonly rows: unknown[][];
    /** Change kind per row: `INSERT`, `UPDATE_BEFORE`, `UPDATE_AFTER`, `DELETE`. */
    readonly rowKinds: string[];
    /** Token of the next page, from `nextResultUri`; absent at the end. */
    readonly nextToken?: number;
}

/** Options of {@link GatewayClient.runStatement}. */
export interface RunStatementOptions {
    /** Give up (and close the operation) after this many milliseconds. */
    readonly timeoutMs: number;
    /** Configuration for this statement only. */
    readonly executionConfig?: Readonly<Record<string, string>>;
    /** First delay between polls of a result that is not ready; doubles up to `maxPollMs`. @default 100 */
    readonly pollMs?: number;
    /** @default 1000 */
    readonly maxPollMs?: number;
}

/** What a statement produced. */
export interface StatementResult {
    /** The submitted job, for INSERT / STATEMENT SET (returned as soon as it is submitted) and queries. */
    readonly jobId?: string;
    /** Column names. */
    readonly columns: string[];
    /** Every row, for statements that end (DDL, EXPLAIN, SHOW, bounded queries). */
    readonly rows: unknown[][];
    /** `SUCCESS` or `SUCCESS_WITH_CONTENT` (derived from the rows before Flink 1.17). */
    readonly resultKind: string;
    /** `true` for queries. */
    readonly isQueryResult: boolean;
}

/** A SQL Gateway client; see {@link createGatewayClient}. */
export interface GatewayClient {
    /** Base URL with userinfo redacted (safe to print). */
    readonly baseUrl: string;
    /** GET /v1/info: `productName` ("Apache Flink") and `version`. */
    info(): Promise<GatewayInfo>;
    /** POST /v1/sessions; returns the session handle. Not retried once sent (a retry would leak a session). */
    openSession(request?: OpenSessionRequest): Promise<string>;
    /** DELETE /v1/sessions/:session. A session the gateway no longer knows counts as closed. */
    closeSession(session: string): Promise<void>;
    /** POST /v2/sessions/:session/configure-session (Flink 1.17+): DDL, USE, LOAD MODULE, ADD JAR… synchronously. */
    configureSession(session: string, statement: string, options?: { executionTimeoutMs?: number }): Promise<void>;
    /** POST /v1/sessions/:session/statements; returns the operation handle. Never retried once sent. */
    executeStatement(session: string, request: ExecuteStatementRequest): Promise<string>;
    /** GET /v1/sessions/:session/operations/:operation/status */
    operationStatus(session: string, operation: string): Promise<string>;
    /** GET /v1/sessions/:session/operations/:operation/result/:token (rowFormat JSON). */
    fetchResults(session: string, operation: string, token: number): Promise<FetchResult>;
    /** DELETE /v1/sessions/:session/operations/:operation/close; a submitted INSERT job keeps running. */
    closeOperation(session: string, operation: string): Promise<string>;
    /** POST /v1/sessions/:session/operations/:operation/cancel */
    cancelOperation(session: string, operation: string): Promise<string>;
    /**
     * Execute a statement and follow its result pages until EOS. For INSERT and STATEMENT SET it
     * returns as soon as the job is submitted (the first page carrying a `jobID`), without waiting
     * for the job; queries are read to the end. The operation is always closed afterwards.
     * @throws SqlGatewayError with `statementFailed` (and `sqlPosition` when Flink names one), or kind `timeout`.
     */
    runStatement(session: string, statement: string, options: RunStatementOptions): Promise<StatementResult>;
    /** Open a session, run `fn` with it, and always close it (a failure to close is ignored). */
    withSession<T>(properties: Readonly<Record<string, string>> | undefined, fn: (session: string) => Promise<T>, sessionName?: string): Promise<T>;
    /** Release the connection pool the client owns (only with TLS options). */
    close(): Promise<void>;
}

const seg = (id: string) => encodeURIComponent(id);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const NOT_FOUND = /does not exist|can ?not find the submitted operation|not found in the operation ?manager/i;
const STATEMENT_PATH = /\/result\/\d+$|\/configure-session$/;

/** Token of the next page from `nextResultUri` (`/v1/sessions/…/result/3?rowFormat=JSON`). */
export function nextTokenOf(uri: string | undefined): number | undefined {
    const m = uri === undefined ? null : /\/result\/(\d+)(?:[?#]|$)/.exec(uri);
    return m ? Number(m[1]) : undefined;
}

/** Normalize a fetch-results answer. */
export function normalizeFetchResult(wire: FetchResultsWire): FetchResult {
    const data = wire.results?.data ?? [];
    const result: FetchResult = {
        resultType: wire.resultType,
        columns: (wire.results?.columns ?? []).map((c) => ({
            name: c.name,
            ...(c.logicalType ? { type: c.logicalType.type } : {}),
            ...(c.logicalType?.nullable !== undefined ? { nullable: c.logicalType.nullable } : {}),
        })),
        rows: data.map((r) => r.fields),
        rowKinds: data.map((r) => r.kind ?? "INSERT"),
    };
    const nextToken = nextTokenOf(wire.nextResultUri);
    return {
        ...result,
        ...(wire.isQueryResult !== undefined ? { isQueryResult: wire.isQueryResult } : {}),
        ...(wire.jobID !== undefined ? { jobId: wire.jobID } : {}),
        ...(wire.resultKind !== undefined ? { resultKind: wire.resultKind } : {}),
        ...(nextToken !== undefined ? { nextToken } : {}),
    };
}

/** Create a client for the SQL Gateway REST endpoint at `options.baseUrl` (e.g. `http://localhost:8083`). */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
    // Every gateway failure is a 500 with a deterministic cause (bad SQL, unknown session): retrying
    // it only delays the answer. Proxies' 502/503/504 are worth a retry.
    const http = createTransport(options, { extractMessage: extractSqlGatewayMessage, retryableStatus: (s) => s > 500 });

    async function call<T>(spec: CallSpec, schema: z.ZodType<T, z.ZodTypeDef, unknown>): Promise<T> {
        try {
            return await http.call(spec, schema);
        } catch (err) {
            if (!(err instanceof FlinkApiError) || err.kind !== "http" || err instanceof SqlGatewayError) throw err;
            const notFound = err.status === 500 && NOT_FOUND.test(err.flinkMessage ?? "");
            const statementFailed = err.status === 500 && !notFound && STATEMENT_PATH.test(spec.path.split("?")[0]!);
            const sqlPosition = statementFailed ? parseSqlPosition(err.flinkMessage) : undefined;
            throw new SqlGatewayError(
                {
                    kind: err.kind,
                    status: err.status,
                    method: err.method,
                    path: err.path,
                    baseUrl: err.baseUrl,
                    flinkMessage: err.flinkMessage,
                    retryable: err.retryable,
                    attempts: err.attempts,
                    cause: err.cause,
                },
                { notFound, statementFailed, ...(sqlPosition ? { sqlPosition } : {}) },
            );
        }
    }
    const req = (method: HttpMethod, path: string, idempotent: boolean, json?: unknown): CallSpec =>
        json === undefined ? { method, path, idempotent } : { method, path, idempotent, json };
    const op = (session: string, operation: string) => `/v1/sessions/${seg(session)}/operations/${seg(operation)}`;

    const closeSession = async (session: string): Promise<void> => {
        try {
            await call(req("DELETE", `/v1/sessions/${seg(session)}`, true), z.unknown());
        } catch (err) {
            if (err instanceof SqlGatewayError && err.notFound) return;
            throw err;
        }
    };
    const openSession = async (request: OpenSessionRequest = {}): Promise<string> => {
        const body: Record<string, unknown> = {};
        if (request.properties && Object.keys(request.properties).length > 0) body.properties = { ...request.properties };
        if (request.sessionName !== undefined) body.sessionName = request.sessionName;
        return (await call(req("POST", "/v1/sessions", false, body), OpenSessionSchema)).sessionHandle;
    };
    const executeStatement = async (session: string, request: ExecuteStatementRequest): Promise<string> => {
        // Only the fields given: Flink up to 1.19 rejects unknown or null fields.
        const body: Record<string, unknown> = { statement: request.statement };
        if (request.executionConfig && Object.keys(request.executionConfig).length > 0) body.executionConfig = { ...request.executionConfig };
        if (request.executionTimeoutMs !== undefined) body.executionTimeout = request.executionTimeoutMs;
        return (await call(req("POST", `/v1/sessions/${seg(session)}/statements`, false, body), ExecuteStatementSchema)).operationHandle;
    };
    const fetchResults = async (session: string, operation: string, token: number): Promise<FetchResult> =>
        normalizeFetchResult(await call(req("GET", `${op(session, operation)}/result/${token}`, true), FetchResultsWireSchema));
    const closeOperation = async (session: string, operation: string): Promise<string> =>
        (await call(req("DELETE", `${op(session, operation)}/close`, true), StatusSchema)).status;

    return {
        baseUrl: http.baseUrl,
        info: () => call(req("GET", "/v1/info", true), GatewayInfoSchema),
        openSession,
        closeSession,
        async configureSession(session: string, statement: string, opts: { executionTimeoutMs?: number } = {}): Promise<void> {
            const body: Record<string, unknown> = { statement };
            if (opts.executionTimeoutMs !== undefined) body.executionTimeout = opts.executionTimeoutMs;
            try {
                await call(req("POST", `/v2/sessions/${seg(session)}/configure-session`, false, body), z.unknown());
            } catch (err) {
                if (err instanceof SqlGatewayError && err.status === 404) {
                    throw new SqlGatewayError(
                        {
                            kind: "http",
                            status: 404,
                            method: err.method,
                            path: err.path,
                            baseUrl: err.baseUrl,
                            flinkMessage: err.flinkMessage,
                            retryable: false,
                            cause: err,
                        },
                        {},
                        `Flink SQL Gateway at ${err.baseUrl} has no configure-session endpoint (it needs Flink 1.17 or later); ` +
                            `run the statement with executeStatement instead`,
                    );
                }
                throw err;
            }
        },
        executeStatement,
        operationStatus: async (session: string, operation: string) => (await call(req("GET", `${op(session, operation)}/status`, true), StatusSchema)).status,
        fetchResults,
        closeOperation,
        cancelOperation: async (session: string, operation: string) => (await call(req("POST", `${op(session, operation)}/cancel`, true), StatusSchema)).status,

        async runStatement(session: string, statement: string, opts: RunStatementOptions): Promise<StatementResult> {
            const started = Date.now();
            const operation = await executeStatement(session, { statement, ...(opts.executionConfig ? { executionConfig: opts.executionConfig } : {}) });
            let poll = opts.pollMs ?? 100;
            const maxPoll = opts.maxPollMs ?? 1_000;
            let token = 0;
            let columns: string[] = [];
            const rows: unknown[][] = [];
            let jobId: string | undefined;
            let resultKind: string | undefined;
            let isQueryResult = false;
            const timedOut = (at: number, detail: string) =>
                new SqlGatewayError(
                    {
                        kind: "timeout",
                        status: 0,
                        method: "GET",
                        path: `${op(session, operation)}/result/${at}`,
                        baseUrl: http.baseUrl,
                        retryable: false,
                        flinkMessage: detail,
                    },
                    {},
                    `SQL statement did not complete within ${opts.timeoutMs} ms on the Flink SQL Gateway at ${http.baseUrl} (${detail}); ` +
                        `the operation was closed`,
                );
            try {
                for (;;) {
                    const page = await fetchResults(session, operation, token);
                    if (page.resultType === "NOT_READY") {
                        const elapsed = Date.now() - started;
                        if (elapsed + poll > opts.timeoutMs) throw timedOut(token, `no result after ${elapsed} ms`);
                        await sleep(poll);
                        poll = Math.min(maxPoll, poll * 2);
                        token = page.nextToken ?? token;
                        continue;
                    }
                    if (page.columns.length > 0) columns = page.columns.map((c) => c.name);
                    rows.push(...page.rows);
                    jobId ??= page.jobId;
                    resultKind ??= page.resultKind;
                    if (page.isQueryResult !== undefined) isQueryResult = page.isQueryResult;
                    if (page.resultType === "EOS" || page.nextToken === undefined) break;
                    // INSERT / STATEMENT SET: the page with the job id is all there is to wait for.
                    if (jobId !== undefined && !isQueryResult) break;
                    token = page.nextToken;
                    if (Date.now() - started > opts.timeoutMs) throw timedOut(token, `${rows.length} row(s) read, result not complete`);
                }
            } finally {
                await closeOperation(session, operation).catch(() => undefined);
            }
            // Before 1.17 there is no jobID field: an INSERT's only row is its job id.
            const first = rows[0]?.[0];
            if (jobId === undefined && columns.length === 1 && columns[0] === "job id" && typeof first === "string" && /^[0-9a-f]{32}$/.test(first))
                jobId = first;
            return {
                ...(jobId !== undefined ? { jobId } : {}),
                columns,
                rows,
                resultKind: resultKind ?? (rows.length > 0 ? "SUCCESS_WITH_CONTENT" : "SUCCESS"),
                isQueryResult,
            };
        },

        async withSession<T>(properties: Readonly<Record<string, string>> | undefined, fn: (session: string) => Promise<T>, sessionName?: string): Promise<T> {
            const session = await openSession({ ...(properties ? { properties } : {}), ...(sessionName !== undefined ? { sessionName } : {}) });
            try {
                return await fn(session);
            } finally {
                await closeSession(session).catch(() => undefined);
            }
        },
        close: () => http.close(),
    };
}
