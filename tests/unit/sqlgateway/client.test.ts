import { describe, expect, test } from "@jest/globals";
import { FlinkApiError } from "../../../provider/flink";
import { isSqlGatewayNotFound, nextTokenOf, SqlGatewayError } from "../../../provider/sqlgateway";
import { fixture, JSON_HEADERS, mocked, OP, OP_PATH, page, rejection, SESSION } from "./helpers";

const STATEMENTS = `/v1/sessions/${SESSION}/statements`;
const JOB = "4ecb7749a0332e4297bc18339b2fb29f";

function bodyOf(opts: { body?: unknown }): Record<string, unknown> {
    return JSON.parse(String(opts.body)) as Record<string, unknown>;
}

describe("info and session lifecycle", () => {
    test.each(["1.20", "2.3"])("info() reads the product and version of real Flink %s", async (v) => {
        const { pool, client } = mocked();
        pool.intercept({ path: "/v1/info" }).reply(200, fixture(`info-${v}.json`), JSON_HEADERS);
        expect(await client.info()).toMatchObject({ productName: "Apache Flink", version: v === "1.20" ? "1.20.3" : "2.3.0" });
    });

    test("openSession sends properties and name; closeSession deletes it", async () => {
        const { pool, client, calls } = mocked();
        let sent: Record<string, unknown> = {};
        pool.intercept({ path: "/v1/sessions", method: "POST" }).reply((opts) => {
            sent = bodyOf(opts);
            return { statusCode: 200, data: { sessionHandle: SESSION }, responseOptions: JSON_HEADERS };
        });
        pool.intercept({ path: `/v1/sessions/${SESSION}`, method: "DELETE" }).reply(200, { status: "CLOSED" }, JSON_HEADERS);
        const handle = await client.openSession({ properties: { "pipeline.name": "named", "$internal.pipeline.job-id": JOB }, sessionName: "deploy" });
        expect(handle).toBe(SESSION);
        expect(sent).toEqual({ properties: { "pipeline.name": "named", "$internal.pipeline.job-id": JOB }, sessionName: "deploy" });
        await client.closeSession(handle);
        expect(calls).toEqual(["POST /v1/sessions", `DELETE /v1/sessions/${SESSION}`]);
    });

    test("openSession without options sends an empty object, and is not retried after a 5xx", async () => {
        const { pool, client, calls } = mocked();
        let sent: unknown;
        pool.intercept({ path: "/v1/sessions", method: "POST" }).reply((opts) => {
            sent = bodyOf(opts);
            return { statusCode: 503, data: { errors: ["busy"] }, responseOptions: JSON_HEADERS };
        });
        const err = await rejection(client.openSession());
        expect(sent).toEqual({});
        expect(err).toBeInstanceOf(SqlGatewayError);
        expect(calls).toHaveLength(1);
    });

    test("closing a session the gateway no longer knows is not an error", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: `/v1/sessions/${SESSION}`, method: "DELETE" }).reply(500, fixture("error-nosession-2.3.json"), JSON_HEADERS);
        await expect(client.closeSession(SESSION)).resolves.toBeUndefined();
    });

    test("an unknown session on execute is a typed not-found error, not a statement failure", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: STATEMENTS, method: "POST" }).reply(500, fixture("error-nosession-1.20.json"), JSON_HEADERS);
        const err = await rejection(client.executeStatement(SESSION, { statement: "SELECT 1" }));
        expect(isSqlGatewayNotFound(err)).toBe(true);
        expect(err).toMatchObject({ statementFailed: false, status: 500, kind: "http" });
        expect((err as Error).message).toContain("Session '00000000-0000-0000-0000-000000000000' does not exist.");
        expect(calls).toHaveLength(1);
    });

    test("withSession closes the session after success and after failure", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/v1/sessions", method: "POST" }).reply(200, { sessionHandle: SESSION }, JSON_HEADERS).times(2);
        pool.intercept({ path: `/v1/sessions/${SESSION}`, method: "DELETE" }).reply(200, { status: "CLOSED" }, JSON_HEADERS);
        pool.intercept({ path: `/v1/sessions/${SESSION}`, method: "DELETE" }).reply(500, { errors: ["gone"] }, JSON_HEADERS);
        expect(await client.withSession({ a: "b" }, async (s) => `used ${s}`)).toBe(`used ${SESSION}`);
        const err = await rejection(
            client.withSession(undefined, async () => {
                throw new Error("from fn");
            }),
        );
        expect((err as Error).message).toBe("from fn"); // the failing close does not mask it
        expect(calls.filter((c) => c.startsWith("DELETE"))).toHaveLength(2);
    });

    test("configureSession posts to /v2 and explains a gateway without it", async () => {
        const { pool, client } = mocked();
        let sent: Record<string, unknown> = {};
        pool.intercept({ path: `/v2/sessions/${SESSION}/configure-session`, method: "POST" }).reply((opts) => {
            sent = bodyOf(opts);
            return { statusCode: 200, data: {}, responseOptions: JSON_HEADERS };
        });
        await client.configureSession(SESSION, "CREATE TABLE t (a INT) WITH ('connector'='datagen')", { executionTimeoutMs: 5000 });
        expect(sent).toEqual({ statement: "CREATE TABLE t (a INT) WITH ('connector'='datagen')", executionTimeout: 5000 });

        pool.intercept({ path: `/v2/sessions/${SESSION}/configure-session`, method: "POST" }).reply(
            404,
            { errors: [`Not found: /v2/sessions/${SESSION}/configure-session`] },
            JSON_HEADERS,
        );
        const err = await rejection(client.configureSession(SESSION, "USE x"));
        expect((err as Error).message).toContain("needs Flink 1.17 or later");
    });

    test("configureSession failures are statement failures", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: `/v2/sessions/${SESSION}/configure-session`, method: "POST" }).reply(500, fixture("error-configure-1.20.json"), JSON_HEADERS);
        const err = await rejection(client.configureSession(SESSION, "SELECT 1"));
        expect(err).toMatchObject({ statementFailed: true });
        expect((err as Error).message).toMatch(
            /^SQL statement failed on the Flink SQL Gateway at http:\/\/gateway\.test:8083: Unsupported statement for configuring session:SELECT 1/,
        );
    });
});

describe("statements and results", () => {
    test("executeStatement sends only the fields given", async () => {
        const { pool, client } = mocked();
        const sent: Record<string, unknown>[] = [];
        pool.intercept({ path: STATEMENTS, method: "POST" })
            .reply((opts) => {
                sent.push(bodyOf(opts));
                return { statusCode: 200, data: { operationHandle: OP }, responseOptions: JSON_HEADERS };
            })
            .times(2);
        expect(await client.executeStatement(SESSION, { statement: "SELECT 1" })).toBe(OP);
        await client.executeStatement(SESSION, { statement: "INSERT INTO t SELECT 1", executionConfig: { "pipeline.name": "x" }, executionTimeoutMs: 1000 });
        expect(sent).toEqual([
            { statement: "SELECT 1" },
            { statement: "INSERT INTO t SELECT 1", executionConfig: { "pipeline.name": "x" }, executionTimeout: 1000 },
        ]);
    });

    test("fetchResults normalizes a real page: columns with types, rows, kinds, job id, next token", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(200, page("select-payload-2.3.json"), JSON_HEADERS);
        expect(await client.fetchResults(SESSION, OP, 0)).toEqual({
            resultType: "PAYLOAD",
            isQueryResult: true,
            jobId: "9836e58e79b8b8745e0b1878d8ef04d1",
            resultKind: "SUCCESS_WITH_CONTENT",
            columns: [{ name: "EXPR$0", type: "INTEGER", nullable: false }],
            rows: [[1]],
            rowKinds: ["INSERT"],
            nextToken: 1,
        });
    });

    test("a page in the 1.16 shape (no jobID, resultKind, isQueryResult) parses", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(
            200,
            { resultType: "EOS", results: { columns: [{ name: "result", logicalType: { type: "VARCHAR" } }], data: [] } },
            JSON_HEADERS,
        );
        expect(await client.fetchResults(SESSION, OP, 0)).toEqual({
            resultType: "EOS",
            columns: [{ name: "result", type: "VARCHAR" }],
            rows: [],
            rowKinds: [],
        });
    });

    test("a page that is not a fetch result is an invalid-response error", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(200, { resultType: "MAYBE" }, JSON_HEADERS);
        expect(await rejection(client.fetchResults(SESSION, OP, 0))).toMatchObject({ kind: "invalid-response" });
    });

    test("operation status, cancel and close answer with the status", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: `${OP_PATH}/status` }).reply(200, { status: "RUNNING" }, JSON_HEADERS);
        pool.intercept({ path: `${OP_PATH}/cancel`, method: "POST" }).reply(200, { status: "CANCELED" }, JSON_HEADERS);
        pool.intercept({ path: `${OP_PATH}/close`, method: "DELETE" }).reply(200, { status: "CLOSED" }, JSON_HEADERS);
        expect(await client.operationStatus(SESSION, OP)).toBe("RUNNING");
        expect(await client.cancelOperation(SESSION, OP)).toBe("CANCELED");
        expect(await client.closeOperation(SESSION, OP)).toBe("CLOSED");
    });

    test.each<[string | undefined, number | undefined]>([
        [`/v1/sessions/${SESSION}/operations/${OP}/result/0`, 0],
        [`/v2/sessions/${SESSION}/operations/${OP}/result/12?rowFormat=JSON`, 12],
        ["/somewhere/else", undefined],
        [undefined, undefined],
    ])("nextTokenOf(%s) = %s", (uri, token) => {
        expect(nextTokenOf(uri)).toBe(token);
    });
});

describe("runStatement", () => {
    function expectStatement(pool: ReturnType<typeof mocked>["pool"], statement: string, config?: Record<string, string>) {
        pool.intercept({ path: STATEMENTS, method: "POST" }).reply((opts) => {
            expect(bodyOf(opts)).toEqual(config ? { statement, executionConfig: config } : { statement });
            return { statusCode: 200, data: { operationHandle: OP }, responseOptions: JSON_HEADERS };
        });
        pool.intercept({ path: `${OP_PATH}/close`, method: "DELETE" }).reply(200, { status: "CLOSED" }, JSON_HEADERS);
    }

    test("a query polls NOT_READY → PAYLOAD → EOS, collects rows and closes the operation", async () => {
        const { pool, client, calls } = mocked();
        expectStatement(pool, "SELECT 1");
        pool.intercept({ path: `${OP_PATH}/result/0` })
            .reply(200, page("select-not-ready-2.3.json"), JSON_HEADERS)
            .times(2);
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(200, page("select-payload-2.3.json"), JSON_HEADERS);
        pool.intercept({ path: `${OP_PATH}/result/1` }).reply(200, page("select-eos-2.3.json"), JSON_HEADERS);
        const result = await client.runStatement(SESSION, "SELECT 1", { timeoutMs: 10_000, pollMs: 1 });
        expect(result).toEqual({
            jobId: "9836e58e79b8b8745e0b1878d8ef04d1",
            columns: ["EXPR$0"],
            rows: [[1]],
            resultKind: "SUCCESS_WITH_CONTENT",
            isQueryResult: true,
        });
        expect(calls).toEqual([
            `POST ${STATEMENTS}`,
            `GET ${OP_PATH}/result/0`,
            `GET ${OP_PATH}/result/0`,
            `GET ${OP_PATH}/result/0`,
            `GET ${OP_PATH}/result/1`,
            `DELETE ${OP_PATH}/close`,
        ]);
    });

    test("DDL gives OK and no job", async () => {
        const { pool, client } = mocked();
        expectStatement(pool, "CREATE TABLE t (a INT)");
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(200, page("ddl-payload-2.3.json"), JSON_HEADERS);
        pool.intercept({ path: `${OP_PATH}/result/1` }).reply(200, page("ddl-eos-2.3.json"), JSON_HEADERS);
        expect(await client.runStatement(SESSION, "CREATE TABLE t (a INT)", { timeoutMs: 10_000 })).toEqual({
            columns: ["result"],
            rows: [["OK"]],
            resultKind: "SUCCESS",
            isQueryResult: false,
        });
    });

    test("INSERT returns as soon as the job id is known, without waiting for the job", async () => {
        const { pool, client, calls } = mocked();
        const config = { "$internal.pipeline.job-id": JOB };
        expectStatement(pool, "INSERT INTO snk SELECT * FROM src", config);
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(200, page("select-not-ready-2.3.json"), JSON_HEADERS);
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(200, page("insert-payload-2.3.json"), JSON_HEADERS);
        const result = await client.runStatement(SESSION, "INSERT INTO snk SELECT * FROM src", { timeoutMs: 10_000, pollMs: 1, executionConfig: config });
        expect(result).toEqual({ jobId: JOB, columns: ["job id"], rows: [[JOB]], resultKind: "SUCCESS_WITH_CONTENT", isQueryResult: false });
        expect(calls.filter((c) => c.includes("/result/1"))).toEqual([]);
        expect(calls[calls.length - 1]).toBe(`DELETE ${OP_PATH}/close`);
    });

    test.each<[string, string, { line: number; column: number } | undefined]>([
        ["error-parse-2.3.json", 'SQL parse failed. Encountered "x" at line 1, column 15.', { line: 1, column: 15 }],
        ["error-unknown-table-1.20.json", "Object 'nope' not found", { line: 1, column: 15 }],
        ["error-missing-connector-2.3.json", "Could not find any factory for identifier 'kafka'", undefined],
        ["error-dup-jobid-2.3.json", "Application has already been submitted.", undefined],
    ])("a failing statement (%s) is a typed error with the root cause, not retried, operation closed", async (name, text, position) => {
        const { pool, client, calls } = mocked();
        expectStatement(pool, "SELECT * FORM x");
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(500, fixture(name), JSON_HEADERS);
        const err = await rejection(client.runStatement(SESSION, "SELECT * FORM x", { timeoutMs: 10_000 }));
        expect(err).toBeInstanceOf(SqlGatewayError);
        expect(err).toBeInstanceOf(FlinkApiError);
        expect(err).toMatchObject({ statementFailed: true, notFound: false, status: 500, sqlPosition: position });
        expect((err as Error).message).toContain(text);
        expect((err as Error).message).not.toContain("Failed to fetchResults");
        expect(calls.filter((c) => c.includes("/result/"))).toHaveLength(1);
        expect(calls[calls.length - 1]).toBe(`DELETE ${OP_PATH}/close`);
    });

    test("before Flink 1.17 (no jobID field) the INSERT's job id is read from its only row", async () => {
        const { pool, client } = mocked();
        expectStatement(pool, "INSERT INTO snk SELECT * FROM src");
        const row = { columns: [{ name: "job id", logicalType: { type: "VARCHAR" } }], data: [{ kind: "INSERT", fields: [JOB] }] };
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(200, { resultType: "PAYLOAD", results: row, nextResultUri: `${OP_PATH}/result/1` }, JSON_HEADERS);
        pool.intercept({ path: `${OP_PATH}/result/1` }).reply(200, { resultType: "EOS", results: { ...row, data: [] } }, JSON_HEADERS);
        expect(await client.runStatement(SESSION, "INSERT INTO snk SELECT * FROM src", { timeoutMs: 10_000 })).toMatchObject({
            jobId: JOB,
            isQueryResult: false,
        });
    });

    test("an unknown operation is a typed not-found error (message of real Flink 1.20 and 2.3)", async () => {
        const { pool, client } = mocked();
        const gone =
            "<Exception on server side:\norg.apache.flink.table.gateway.api.utils.SqlGatewayException: org.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to fetchResults.\n\tat a.B.c(B.java:1)\n" +
            "Caused by: org.apache.flink.table.gateway.api.utils.SqlGatewayException: Can not find the submitted operation in the OperationManager with the 00000000-0000-0000-0000-000000000000.\n\tat a.B.c(B.java:2)\n\nEnd of exception on server side>";
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(500, { errors: ["Internal server error.", gone] }, JSON_HEADERS);
        const err = await rejection(client.fetchResults(SESSION, OP, 0));
        expect(isSqlGatewayNotFound(err)).toBe(true);
        expect(err).toMatchObject({ statementFailed: false });
        expect((err as Error).message).toContain("Can not find the submitted operation");
    });

    test("a statement that never completes times out and is closed", async () => {
        const { pool, client, calls } = mocked();
        expectStatement(pool, "SELECT * FROM endless");
        pool.intercept({ path: `${OP_PATH}/result/0` })
            .reply(200, page("select-not-ready-2.3.json"), JSON_HEADERS)
            .persist();
        const err = await rejection(client.runStatement(SESSION, "SELECT * FROM endless", { timeoutMs: 60, pollMs: 5, maxPollMs: 10 }));
        expect(err).toBeInstanceOf(SqlGatewayError);
        expect(err).toMatchObject({ kind: "timeout", statementFailed: false });
        expect((err as Error).message).toContain("did not complete within 60 ms");
        expect(calls[calls.length - 1]).toBe(`DELETE ${OP_PATH}/close`);
    });

    test("a proxy's 502 on a result page is retried; the gateway's 500 never is", async () => {
        const { pool, client, calls } = mocked();
        expectStatement(pool, "SELECT 1");
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(502, "<html><h1>502 Bad Gateway</h1></html>");
        pool.intercept({ path: `${OP_PATH}/result/0` }).reply(200, page("select-payload-2.3.json"), JSON_HEADERS);
        pool.intercept({ path: `${OP_PATH}/result/1` }).reply(200, page("select-eos-2.3.json"), JSON_HEADERS);
        expect((await client.runStatement(SESSION, "SELECT 1", { timeoutMs: 10_000 })).rows).toEqual([[1]]);
        expect(calls.filter((c) => c.endsWith("/result/0"))).toHaveLength(2);
    });
});

describe("credentials never reach messages", () => {
    test("header values and URL passwords are redacted even when the gateway echoes them", async () => {
        const { pool, client } = mocked({ headers: { Authorization: "Bearer s3cr3t-gateway-token" }, baseUrl: "http://user:pa55word@gateway.test:8083" });
        pool.intercept({ path: STATEMENTS, method: "POST" }).reply(
            500,
            {
                errors: [
                    "Internal server error.",
                    "<Exception on server side:\norg.apache.flink.table.api.ValidationException: token Bearer s3cr3t-gateway-token and pa55word rejected\n\tat a.B.c(B.java:1)\n\nEnd of exception on server side>",
                ],
            },
            JSON_HEADERS,
        );
        const err = await rejection(client.executeStatement(SESSION, { statement: "SELECT 1" }));
        const text = `${(err as Error).message} ${JSON.stringify(err)}`;
        expect(text).not.toContain("s3cr3t-gateway-token");
        expect(text).not.toContain("pa55word");
        expect(text).toContain("***");
    });
});
