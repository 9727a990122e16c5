/** Compile at preview: what a failure of the compile or of reading its plan makes the preview say. */
import { FlinkUnreachableError } from "../../../provider/flink/errors";
import { previewSql, verdictClause } from "../../../provider/job/preview";
import type { SqlVersion } from "../../../provider/job/sql";

const failing = (err: unknown): SqlVersion => ({ check: () => Promise.reject(err) }) as unknown as SqlVersion;

describe("previewSql", () => {
    it("a plan that compiled but cannot be read is not blamed on the gateway: the line says up fails before touching the job, and the gateway stays usable", async () => {
        const url = "http://gateway-a:8083";
        const p = await previewSql(url, failing(new TypeError("x.trim is not a function")));
        expect(verdictClause(p).text).toBe(
            "state verdict: unknown: pulumi-flink could not judge the compiled plan (x.trim is not a function); up fails before touching the running job (a pulumi-flink bug: report it with the job's SQL)",
        );
        const next = await previewSql(url, {
            check: () => Promise.resolve({ verdict: undefined, decision: undefined, text: "new plan: every operator starts from its own state" }),
        } as unknown as SqlVersion);
        expect(next.compiled).toBe(true);
    });

    it("a gateway that cannot be reached makes this and every later job of it 'not compiled'", async () => {
        const url = "http://gateway-b:8083";
        const p = await previewSql(
            url,
            failing(new FlinkUnreachableError({ kind: "unreachable", method: "POST", path: "/sessions", baseUrl: url, retryable: true }, "ECONNREFUSED")),
        );
        expect(verdictClause(p).text).toMatch(/^state verdict: unknown: not compiled: the SQL Gateway at http:\/\/gateway-b:8083 did not answer/);
        expect((await previewSql(url, failing(new Error("never called")))).compiled).toBe(false);
    });
});
