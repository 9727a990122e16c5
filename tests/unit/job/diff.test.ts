import { jobProvider, JobState } from "../../../provider/job";
import { checkJobArgs } from "../../../provider/job/schema";
import { UNKNOWN } from "../../../provider/core/unknown";
import { usedVariablesHash } from "../../../provider/core/substitute";

const cluster = { restUrl: "http://localhost:8081", flinkVersion: "1.20.3", webUiUrl: "http://localhost:8081" };
const sql = "CREATE TABLE s (x INT) WITH ('connector' = 'datagen');\nCREATE TABLE k (x INT) WITH ('connector' = 'blackhole');\nINSERT INTO k SELECT x FROM s;";
const given = { name: "orders", cluster, sql };

/** What update stores: the inputs with defaults, plus what Flink runs. */
function stored(): JobState {
    const { args } = checkJobArgs(given);
    if (!args) throw new Error("fixture must be valid");
    const runtime = { jobId: "a".repeat(32), state: "RUNNING", generation: 1, lastSavepoint: "", restoredFrom: "", webUiUrl: "", deployedAt: "", jarId: "" };
    return { ...args, ...runtime, variablesHash: usedVariablesHash([], {}), stateVersion: 1 };
}

/** The diff result and the preview line the provider prints. */
async function diff(news: Record<string, unknown>) {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
        const result = await jobProvider.diff!("id", stored(), news);
        return { result, printed: lines.join("") };
    } finally {
        spy.mockRestore();
    }
}

describe("FlinkJob diff while its cluster is being updated (cluster outputs unknown in preview)", () => {
    it("no change when nothing but the cluster is unknown (not every defaulted input)", async () => {
        const { result, printed } = await diff({ ...given, cluster: { ...cluster, restUrl: UNKNOWN, flinkVersion: UNKNOWN } });
        expect(result.changes).toBe(false);
        expect(printed).not.toContain("savepoint-and-redeploy");
    });

    it("names only the input that really changed", async () => {
        const { result, printed } = await diff({ ...given, parallelism: 3, cluster: UNKNOWN });
        expect(result.changes).toBe(true);
        expect(result.replaces).toEqual([]);
        expect(printed).toContain("orders: savepoint-and-redeploy (changed: parallelism)");
    });

    it("with a known cluster, unchanged inputs are no change (control)", async () => {
        const { result } = await diff(given);
        expect(result.changes).toBe(false);
    });
});
