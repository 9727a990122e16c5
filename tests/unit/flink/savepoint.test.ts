import { describe, expect, test } from "@jest/globals";
import { FlinkResponseError, FlinkSavepointError, isFlinkNotFound, type SavepointStatus } from "../../../provider/flink";
import { fixture, JOB, JSON_HEADERS, mocked, rejection } from "./helpers";
import { pollDelay } from "../../../provider/core/clock";

const TRIGGER = "b".repeat(32);
const STATUS_PATH = `/jobs/${JOB}/savepoints/${TRIGGER}`;
const LOCATION = "file:/tmp/fl/sp28092/savepoint-f2e61d-bec78ac007c1";

describe("savepoint trigger bodies", () => {
    test("triggerSavepoint sends kebab-case fields and returns the trigger id", async () => {
        const { pool, client } = mocked();
        let sent: unknown;
        pool.intercept({ path: `/jobs/${JOB}/savepoints`, method: "POST" }).reply((opts) => {
            sent = JSON.parse(String(opts.body));
            return { statusCode: 202, data: fixture("savepoint-trigger.json"), responseOptions: JSON_HEADERS };
        });
        const id = await client.triggerSavepoint(JOB, { targetDirectory: "s3://b/sp", cancelJob: false, formatType: "NATIVE", triggerId: TRIGGER });
        expect(id).toBe(TRIGGER);
        expect(sent).toEqual({ "target-directory": "s3://b/sp", "cancel-job": false, formatType: "NATIVE", triggerId: TRIGGER });
    });

    test("stopWithSavepoint sends camelCase fields and defaults drain to false", async () => {
        const { pool, client } = mocked();
        let sent: unknown;
        pool.intercept({ path: `/jobs/${JOB}/stop`, method: "POST" }).reply((opts) => {
            sent = JSON.parse(String(opts.body));
            return { statusCode: 202, data: { "request-id": TRIGGER }, responseOptions: JSON_HEADERS };
        });
        await client.stopWithSavepoint(JOB, { triggerId: TRIGGER, targetDirectory: "hdfs:///sp" });
        expect(sent).toEqual({ targetDirectory: "hdfs:///sp", drain: false, triggerId: TRIGGER });
    });

    test("a malformed client trigger id is refused before any request", async () => {
        const { client, calls } = mocked();
        expect(((await rejection(client.stopWithSavepoint(JOB, { triggerId: "abc" }))) as Error).message).toBe(
            'Flink REST savepoint trigger refused before sending: it was given the trigger id "abc", which is not 32 lowercase hex characters (omit it to have one generated)',
        );
        expect(calls).toHaveLength(0);
    });
});

describe("savepointStatus", () => {
    test("normalizes IN_PROGRESS, COMPLETED with location, COMPLETED with failure-cause", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: STATUS_PATH }).reply(200, fixture("savepoint-in-progress.json"), JSON_HEADERS);
        pool.intercept({ path: STATUS_PATH }).reply(200, fixture("savepoint-completed.json"), JSON_HEADERS);
        pool.intercept({ path: STATUS_PATH }).reply(200, fixture("savepoint-failed-2.3.json"), JSON_HEADERS);
        expect(await client.savepointStatus(JOB, TRIGGER)).toEqual({ status: "IN_PROGRESS" });
        expect(await client.savepointStatus(JOB, TRIGGER)).toEqual({ status: "COMPLETED", location: LOCATION });
        expect(await client.savepointStatus(JOB, TRIGGER)).toEqual({
            status: "COMPLETED",
            failureCause:
                "An Exception occurred while triggering the checkpoint. IO-problem detected. " +
                "Caused by IOException: Failed to create savepoint directory at /proc/nope/x",
        });
    });

    test("COMPLETED with neither location nor failure is an invalid response", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: STATUS_PATH }).reply(200, { status: { id: "COMPLETED" }, operation: {} }, JSON_HEADERS);
        expect(await rejection(client.savepointStatus(JOB, TRIGGER))).toBeInstanceOf(FlinkResponseError);
    });

    test("an unknown or expired trigger is a 404", async () => {
        const { pool, client } = mocked();
        const body = {
            errors: [
                `org.apache.flink.runtime.rest.handler.RestHandlerException: There is no savepoint operation with triggerId=${TRIGGER} for job ${JOB}.\n\tat x.y(Z.java:1)`,
            ],
        };
        pool.intercept({ path: STATUS_PATH }).reply(404, body, JSON_HEADERS);
        const err = await rejection(client.savepointStatus(JOB, TRIGGER));
        expect(isFlinkNotFound(err)).toBe(true);
        expect((err as Error).message).toContain(`There is no savepoint operation with triggerId=${TRIGGER}`);
    });
});

describe("waitForSavepoint", () => {
    test("polls IN_PROGRESS until COMPLETED and returns the location", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: STATUS_PATH }).reply(200, fixture("savepoint-in-progress.json"), JSON_HEADERS).times(2);
        pool.intercept({ path: STATUS_PATH }).reply(200, fixture("savepoint-completed.json"), JSON_HEADERS);
        const seen: SavepointStatus["status"][] = [];
        const location = await client.waitForSavepoint(JOB, TRIGGER, { timeoutMs: 5_000, pollMs: 5, onProgress: (s) => seen.push(s.status) });
        expect(location).toBe(LOCATION);
        expect(seen).toEqual(["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]);
        expect(calls).toEqual([`GET ${STATUS_PATH}`, `GET ${STATUS_PATH}`, `GET ${STATUS_PATH}`]);
    });

    test("COMPLETED with a failure cause throws FlinkSavepointError carrying the cause", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: STATUS_PATH }).reply(200, fixture("savepoint-in-progress.json"), JSON_HEADERS);
        pool.intercept({ path: STATUS_PATH }).reply(200, fixture("savepoint-failed-2.3.json"), JSON_HEADERS);
        const err = (await rejection(client.waitForSavepoint(JOB, TRIGGER, { timeoutMs: 5_000, pollMs: 5 }))) as FlinkSavepointError;
        expect(err).toBeInstanceOf(FlinkSavepointError);
        expect(err).toMatchObject({ kind: "savepoint-failed", jobId: JOB, triggerId: TRIGGER, retryable: false });
        expect(err.flinkMessage).toContain("Failed to create savepoint directory at /proc/nope/x");
        expect(err.message).toMatch(new RegExp(`^savepoint ${TRIGGER} of job ${JOB} on http://flink.test:8081 failed: An Exception`));
        expect(err.message).not.toContain("\tat ");
    });

    test("gives up after timeoutMs with a savepoint-timeout error", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: STATUS_PATH }).reply(200, fixture("savepoint-in-progress.json"), JSON_HEADERS).persist();
        const started = Date.now();
        const err = (await rejection(client.waitForSavepoint(JOB, TRIGGER, { timeoutMs: 60, pollMs: 10 }))) as FlinkSavepointError;
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(err).toMatchObject({ kind: "savepoint-timeout", triggerId: TRIGGER });
        expect(err.message).toMatch(/did not complete: still IN_PROGRESS after \d+ ms \(timeout 60 ms\)/);
        expect(calls.length).toBeGreaterThanOrEqual(2);
        expect(calls.length).toBeLessThanOrEqual(8);
    });

    test("polls fast at first, then backs off up to maxPollMs", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: STATUS_PATH }).reply(200, fixture("savepoint-in-progress.json"), JSON_HEADERS).persist();
        await rejection(client.waitForSavepoint(JOB, TRIGGER, { timeoutMs: 3_000, pollMs: 10, maxPollMs: 80 }));
        // The most polls the schedule allows in 3 s (10 ms until 200 ms, then a twentieth of the wait, 80 ms from
        // 1.6 s): about 80, against ~300 at a fixed 10 ms. Each call's own latency only lowers the count, so the
        // lower bound is loose on purpose: on a loaded machine every call takes longer.
        let most = 0;
        for (let t = 0; t <= 3_000; t += pollDelay(t, 10, 80)) most++;
        expect(most).toBeLessThan(100);
        expect(calls.length).toBeGreaterThanOrEqual(3);
        expect(calls.length).toBeLessThanOrEqual(most + 2);
    });
});
