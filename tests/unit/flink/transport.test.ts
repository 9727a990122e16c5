import { describe, expect, test } from "@jest/globals";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFlinkClient, FlinkApiError, FlinkRequestError, FlinkTimeoutError, FlinkUnreachableError } from "../../../provider/flink";
import { fixture, JOB, JSON_HEADERS, mocked, rejection } from "./helpers";

const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8081"), { code: "ECONNREFUSED" });
const reset = () => Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
const unavailable = { errors: ["Service temporarily unavailable due to an ongoing leader election. Please refresh."] };

describe("retries", () => {
    test("an idempotent GET is retried on 503 and then succeeds", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/overview" }).reply(503, unavailable, JSON_HEADERS).times(2);
        pool.intercept({ path: "/overview" }).reply(200, fixture("overview-2.3.json"), JSON_HEADERS);
        expect((await client.overview())["flink-version"]).toBe("2.3.0");
        expect(calls).toEqual(["GET /overview", "GET /overview", "GET /overview"]);
    });

    test("retries are bounded; the error tells how many attempts were made", async () => {
        const { pool, client, calls } = mocked({ retries: 2 });
        pool.intercept({ path: "/overview" }).reply(503, unavailable, JSON_HEADERS).times(3);
        const err = (await rejection(client.overview())) as FlinkApiError;
        expect(err).toMatchObject({ status: 503, attempts: 3, retryable: true });
        expect(err.message).toMatch(/ongoing leader election.*\(after 3 attempts\)$/);
        expect(calls).toHaveLength(3);
    });

    test("runJar is never retried on a 5xx (it may have submitted the job)", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/jars/j.jar/run", method: "POST" }).reply(500, fixture("error-runbadjar-1.20.json"), JSON_HEADERS);
        const err = (await rejection(client.runJar("j.jar", { parallelism: 1 }))) as FlinkApiError;
        expect(err).toMatchObject({ status: 500, retryable: false, attempts: 1 });
        expect(calls).toEqual(["POST /jars/j.jar/run"]);
    });

    test("runJar is not retried when the connection breaks mid-request", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/jars/j.jar/run", method: "POST" }).replyWithError(reset());
        const err = (await rejection(client.runJar("j.jar", {}))) as FlinkApiError;
        expect(err).toMatchObject({ kind: "network", retryable: false });
        expect(calls).toHaveLength(1);
    });

    test("runJar is retried on connection refused: nothing was sent", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/jars/j.jar/run", method: "POST" }).replyWithError(refused());
        pool.intercept({ path: "/jars/j.jar/run", method: "POST" }).reply(200, fixture("run-1.20.json"), JSON_HEADERS);
        expect(await client.runJar("j.jar", {})).toBe("5a5428b026128ddf5aa219bb08400146");
        expect(calls).toHaveLength(2);
    });

    test("uploadJar is not retried on a 5xx", async () => {
        const dir = mkdtempSync(join(tmpdir(), "flink-upload-"));
        writeFileSync(join(dir, "a.jar"), "PK");
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/jars/upload", method: "POST" }).reply(503, unavailable, JSON_HEADERS);
        expect(await rejection(client.uploadJar(join(dir, "a.jar")))).toMatchObject({ status: 503 });
        expect(calls).toHaveLength(1);
    });

    test("stop-with-savepoint is retried with the same client triggerId (Flink dedups it)", async () => {
        const { pool, client, calls } = mocked();
        const bodies: unknown[] = [];
        const capture = (status: number, data: object) => (opts: { body?: unknown }) => {
            bodies.push(JSON.parse(String(opts.body)));
            return { statusCode: status, data, responseOptions: JSON_HEADERS };
        };
        pool.intercept({ path: `/jobs/${JOB}/stop`, method: "POST" }).reply(capture(502, { errors: ["Bad Gateway"] }));
        pool.intercept({ path: `/jobs/${JOB}/stop`, method: "POST" }).reply(capture(202, { "request-id": "d".repeat(32) }));
        const triggerId = await client.stopWithSavepoint(JOB, { targetDirectory: "s3://sp/job-a", drain: false });
        expect(triggerId).toMatch(/^[0-9a-f]{32}$/);
        expect(bodies).toEqual([
            { targetDirectory: "s3://sp/job-a", drain: false, triggerId },
            { targetDirectory: "s3://sp/job-a", drain: false, triggerId },
        ]);
        expect(calls).toHaveLength(2);
    });

    test("4xx answers are not retried", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: `/jobs/${JOB}/checkpoints` }).reply(404, fixture("error-notfound-1.20.json"), JSON_HEADERS);
        expect(await rejection(client.checkpoints(JOB))).toMatchObject({ status: 404, retryable: false });
        expect(calls).toHaveLength(1);
    });
});

describe("timeouts", () => {
    test("a slow answer fails with FlinkTimeoutError after timeoutMs", async () => {
        const { pool, client } = mocked({ timeoutMs: 40, retries: 0 });
        pool.intercept({ path: "/overview" }).reply(200, fixture("overview-1.20.json"), JSON_HEADERS).delay(400);
        const started = Date.now();
        const err = await rejection(client.overview());
        expect(Date.now() - started).toBeLessThan(300);
        expect(err).toBeInstanceOf(FlinkTimeoutError);
        expect(err).toMatchObject({ kind: "timeout", status: 0, method: "GET", path: "/overview", timeoutMs: 40 });
        expect((err as Error).message).toBe("Flink REST GET /overview on http://flink.test:8081 timed out after 40 ms");
    });

    test("an idempotent call that timed out is retried", async () => {
        const { pool, client, calls } = mocked({ timeoutMs: 40, retries: 1 });
        pool.intercept({ path: "/overview" }).reply(200, fixture("overview-1.20.json"), JSON_HEADERS).delay(400);
        pool.intercept({ path: "/overview" }).reply(200, fixture("overview-1.20.json"), JSON_HEADERS);
        expect((await client.overview())["flink-version"]).toBe("1.20.3");
        expect(calls).toHaveLength(2);
    });

    test("runJar that timed out is not retried", async () => {
        const { pool, client, calls } = mocked({ timeoutMs: 40 });
        pool.intercept({ path: "/jars/j.jar/run", method: "POST" }).reply(200, fixture("run-1.20.json"), JSON_HEADERS).delay(400);
        expect(await rejection(client.runJar("j.jar", {}))).toBeInstanceOf(FlinkTimeoutError);
        expect(calls).toHaveLength(1);
    });
});

describe("unreachable clusters", () => {
    test("connection refused (mocked) is a typed, retried FlinkUnreachableError", async () => {
        const { pool, client, calls } = mocked({ retries: 2 });
        pool.intercept({ path: "/config" }).replyWithError(refused()).times(3);
        const err = await rejection(client.config());
        expect(err).toBeInstanceOf(FlinkUnreachableError);
        expect(err).toMatchObject({ kind: "unreachable", status: 0, code: "ECONNREFUSED", attempts: 3 });
        expect((err as Error).message).toMatch(/^Flink REST GET \/config: cannot reach http:\/\/flink\.test:8081 \(ECONNREFUSED\)/);
        expect(calls).toHaveLength(3);
    });

    test("connection refused by a real closed port", async () => {
        const server = createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as { port: number }).port;
        await new Promise<void>((resolve) => server.close(() => resolve()));
        const client = createFlinkClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 0, timeoutMs: 5_000 });
        const err = await rejection(client.overview());
        expect(err).toBeInstanceOf(FlinkUnreachableError);
        expect(err).toMatchObject({ code: "ECONNREFUSED", kind: "unreachable" });
        expect((err as Error).message).toContain(`http://127.0.0.1:${port}`);
    });

    test("a URL that is not http(s) is refused before any request", () => {
        // Transport errors say what the client was given: the user may never have written a "baseUrl".
        expect(() => createFlinkClient({ baseUrl: "ftp://flink:21" })).toThrow(
            new FlinkRequestError("client", ['the URL "ftp://flink:21", which does not use http or https']),
        );
        expect(() => createFlinkClient({ baseUrl: "ftp://flink:21" })).toThrow(
            'Flink REST client refused before sending: it was given the URL "ftp://flink:21", which does not use http or https',
        );
        expect(() => createFlinkClient({ baseUrl: "not a url" })).toThrow(
            'Flink REST client refused before sending: it was given the URL "not a url", which is not a URL (e.g. "http://localhost:8081")',
        );
    });
});
