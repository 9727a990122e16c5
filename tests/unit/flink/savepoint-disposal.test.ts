/** POST /savepoint-disposal and its status, on the wire (the failure fixture is Flink 2.3.0's own answer for a missing savepoint). */
import { describe, expect, test } from "@jest/globals";
import { fixture, JSON_HEADERS, mocked } from "./helpers";

const TRIGGER = "c".repeat(32);
const PATH = "file:/tmp/fl/sp/savepoint-f2e61d-bec78ac007c1";

describe("savepoint disposal", () => {
    test("disposeSavepoint sends the path as savepoint-path and returns Flink's trigger id", async () => {
        const { pool, client } = mocked();
        let sent: unknown;
        pool.intercept({ path: "/savepoint-disposal", method: "POST" }).reply((opts) => {
            sent = JSON.parse(String(opts.body));
            return { statusCode: 200, data: { "request-id": TRIGGER }, responseOptions: JSON_HEADERS };
        });
        expect(await client.disposeSavepoint(PATH)).toBe(TRIGGER);
        expect(sent).toEqual({ "savepoint-path": PATH });
    });

    test("disposalStatus: IN_PROGRESS, COMPLETED, and COMPLETED with Flink's cause in one line", async () => {
        const { pool, client } = mocked();
        const status = `/savepoint-disposal/${TRIGGER}`;
        pool.intercept({ path: status }).reply(200, { status: { id: "IN_PROGRESS" } }, JSON_HEADERS);
        pool.intercept({ path: status }).reply(200, { status: { id: "COMPLETED" }, operation: {} }, JSON_HEADERS);
        pool.intercept({ path: status }).reply(200, fixture("savepoint-disposal-missing-2.3.json"), JSON_HEADERS);
        expect(await client.disposalStatus(TRIGGER)).toEqual({ status: "IN_PROGRESS" });
        expect(await client.disposalStatus(TRIGGER)).toEqual({ status: "COMPLETED" });
        const failed = await client.disposalStatus(TRIGGER);
        expect(failed).toEqual({
            status: "COMPLETED",
            failureCause: expect.stringContaining("FileNotFoundException: Cannot find checkpoint or savepoint file/directory"),
        });
        expect(failed).toEqual({
            status: "COMPLETED",
            failureCause: expect.stringMatching(/^Could not dispose savepoint file:\/\/\/tmp\/fl\/nope\/savepoint-000000-000000000000\./),
        });
    });
});
