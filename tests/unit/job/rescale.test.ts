/** In-place rescale against the scripted fake Flink: the run, the fallback to savepoint-and-redeploy, and a rescale that does not finish. */
import { classifyJobChange } from "../../../provider/deploy/classify";
import type { DeployContext } from "../../../provider/deploy/redeploy";
import type { JobFacts } from "../../../provider/job/facts";
import { previewRescale, tryRescaleInPlace } from "../../../provider/job/rescale";
import { UNKNOWN } from "../../../provider/core/unknown";
import type { JobArgs } from "../../../provider/job/schema";
import { DeployError } from "../../../provider/core/errors";
import { RescalableFakeFlink } from "../../support/fake-flink-rescale";

const JOB = "0123456789abcdef0123456789abcdef";
const SOURCE = "e5a72f353fc1e6bbf3bd96a41384998c";
const COUNTER = "0da08f51eaa85fc298e176a139b3649a";

function testbed() {
    const flink = new RescalableFakeFlink();
    flink.seed({ jid: JOB, name: "orders", state: "RUNNING" });
    flink.vertices.set(JOB, [
        { id: SOURCE, name: "Source: sequence", parallelism: 1, maxParallelism: 128 },
        { id: COUNTER, name: "counter", parallelism: 1, maxParallelism: 128 },
    ]);
    flink.checkpointIntervals.set(JOB, 1000);
    flink.planned = { [SOURCE]: 1, [COUNTER]: 2 };
    const lines: string[] = [];
    const ctx: DeployContext = { client: flink, restUrl: flink.baseUrl, name: "orders", progress: (l) => lines.push(l), clock: flink.clock };
    const base = {
        name: "orders",
        cluster: { restUrl: flink.baseUrl },
        jar: { path: "/jobs/a.jar" },
        args: ["--x", "1"],
        configuration: {},
        upgrade: { mode: "savepoint" },
    };
    const olds = {
        ...base,
        parallelism: 1,
        state: "RUNNING",
        jobId: JOB,
        generation: 3,
        lastSavepoint: "s3://sp/1",
        restoredFrom: "s3://sp/1",
        webUiUrl: "",
        deployedAt: "",
        jarId: "pf-a.jar",
        variablesHash: "h",
    } as unknown as JobFacts & JobArgs;
    const news = { ...base, parallelism: 2, variablesHash: "h" } as unknown as JobArgs;
    const c = classifyJobChange(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>);
    const run = (n: JobArgs = news) =>
        tryRescaleInPlace(ctx, classifyJobChange(olds as unknown as Record<string, unknown>, n as unknown as Record<string, unknown>), olds, n, 1);
    return { flink, lines, olds, news, c, run };
}

describe("tryRescaleInPlace (fake Flink, fake clock)", () => {
    test("adaptive cluster: sets the plan's per-vertex bounds, waits for the new parallelism, keeps job id and generation", async () => {
        const { flink, lines, run } = testbed();
        const outs = await run();
        expect(outs).toMatchObject({ jobId: JOB, generation: 3, parallelism: 2, lastSavepoint: "s3://sp/1", stateVersion: 1 });
        expect(flink.puts.map((p) => p.requirements)).toEqual([
            { [SOURCE]: { parallelism: { lowerBound: 1, upperBound: 1 } }, [COUNTER]: { parallelism: { lowerBound: 1, upperBound: 2 } } },
        ]);
        expect(flink.clock.elapsed()).toBeGreaterThanOrEqual(flink.rescaleAfterMs);
        expect(lines.join("\n")).toMatch(
            /orders: in-place rescale \(changed: parallelism 1 -> 2\)[\s\S]*rescaled in place to parallelism 2 in 25\.\d s: same job 0123/,
        );
        expect(flink.activeIds("orders")).toEqual([JOB]);
        expect(flink.submissions).toEqual([]);
    });

    test("default scheduler: no PUT, returns nothing (the caller redeploys), the line says why", async () => {
        const { flink, lines, run } = testbed();
        flink.jobManagerSettings = {};
        expect(await run()).toBeUndefined();
        expect(flink.puts).toEqual([]);
        expect(lines[0]).toContain(
            "savepoint-and-redeploy (changed: parallelism) - keeps state: stopped with a savepoint, the new version restores from it; not an in-place rescale: the cluster runs the default scheduler",
        );
    });

    test('upgrade.rescale "redeploy" on an adaptive cluster: no PUT, returns nothing (the caller redeploys), the line says why', async () => {
        const { flink, lines, news, run } = testbed();
        const redeploy = { ...news, upgrade: { mode: "savepoint", rescale: "redeploy" } } as unknown as JobArgs;
        expect(await run(redeploy)).toBeUndefined();
        expect(flink.puts).toEqual([]);
        expect(lines[0]).toContain('; not an in-place rescale: upgrade.rescale is "redeploy"');
    });

    test("the cluster does not answer: unknown, returns nothing (the caller redeploys), no PUT", async () => {
        const { flink, lines, run } = testbed();
        flink.jobManagerConfig = () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.1:8081"));
        expect(await run()).toBeUndefined();
        expect(flink.puts).toEqual([]);
        expect(lines[0]).toContain(`not an in-place rescale: unknown: the cluster at ${flink.baseUrl} did not say (connect ECONNREFUSED 10.0.0.1:8081)`);
    });

    test("a job without periodic checkpoints (interval Long.MAX_VALUE): no PUT, the line says its state would be lost", async () => {
        const { flink, lines, run } = testbed();
        flink.checkpointIntervals.delete(JOB);
        expect(await run()).toBeUndefined();
        expect(flink.puts).toEqual([]);
        expect(lines[0]).toContain("not an in-place rescale: the job takes no checkpoints: the adaptive scheduler would restart it from empty state");
    });

    test("the checkpoint configuration cannot be read: unknown (not claimed to be off), no PUT", async () => {
        const { flink, lines, run } = testbed();
        flink.checkpointConfig = () => Promise.reject(new Error("Flink 503: busy"));
        expect(await run()).toBeUndefined();
        expect(flink.puts).toEqual([]);
        expect(lines[0]).toContain("not an in-place rescale: unknown: the cluster at");
        expect(lines[0]).toContain("its checkpoint configuration could not be read (Flink 503: busy)");
    });

    test("Flink refuses the requirements: returns nothing (the caller redeploys), says so", async () => {
        const { flink, lines, run } = testbed();
        flink.refuseRescale = "Flink 400: The newly requested parallelism 2 exceeds its maximum parallelism 1";
        expect(await run()).toBeUndefined();
        expect(lines.at(-1)).toBe(
            "in-place rescale not possible (Flink refused the new resource requirements: Flink 400: The newly requested parallelism 2 exceeds its maximum parallelism 1): savepoint-and-redeploy instead",
        );
    });

    test("never reaches the new parallelism (no free slots): previous requirements put back, fails saying the job runs on under the same id", async () => {
        const { flink, run } = testbed();
        flink.rescaleAfterMs = Number.POSITIVE_INFINITY;
        const err = await run().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DeployError);
        expect((err as DeployError).message).toContain(
            `job ${JOB} did not run at its new parallelism within 300 s (last seen: RUNNING; Source: sequence 1/1 RUNNING, counter 1/2 RUNNING)`,
        );
        expect((err as DeployError).leftBehind).toContain("the job RUNNING under the same id with its previous resource requirements put back");
        expect(flink.puts.at(-1)?.requirements[COUNTER].parallelism.upperBound).toBe(1);
        expect(flink.stateOf(JOB)).toBe("RUNNING");
    });

    test("not a parallelism-only change: nothing asked of the cluster", async () => {
        const { flink, news, run } = testbed();
        expect(await run({ ...news, args: ["--x", "2"] } as JobArgs)).toBeUndefined();
        expect(flink.puts).toEqual([]);
    });
});

describe("previewRescale: what the preview says without asking a cluster", () => {
    test("the cluster is being updated (its address unknown): unknown, up decides", async () => {
        const { olds, news, c } = testbed();
        expect(await previewRescale(c, olds, { ...news, cluster: UNKNOWN } as unknown as JobArgs)).toBe(
            "orders: savepoint-and-redeploy (changed: parallelism) - keeps state: stopped with a savepoint, the new version restores from it; not an in-place rescale: unknown: the cluster's outputs are not known in this preview (it is being updated); up decides",
        );
    });

    test("asking clusters at preview is switched off: unknown, up decides", async () => {
        const { olds, news, c } = testbed();
        process.env.PULUMI_FLINK_PREVIEW_COMPILE = "0";
        try {
            expect(await previewRescale(c, olds, news)).toContain(
                "not an in-place rescale: unknown: asking the cluster at preview is off (PULUMI_FLINK_PREVIEW_COMPILE=0); up decides",
            );
        } finally {
            delete process.env.PULUMI_FLINK_PREVIEW_COMPILE;
        }
    });

    test("a SQL job: says so before asking anything (its cluster address is not even read)", async () => {
        const { olds, news, c } = testbed();
        const sql = { sql: "INSERT INTO a SELECT * FROM b", cluster: UNKNOWN };
        expect(await previewRescale(c, { ...olds, ...sql } as unknown as JobFacts & JobArgs, { ...news, ...sql } as unknown as JobArgs)).toContain(
            "not an in-place rescale: not done for SQL jobs yet",
        );
    });

    test("any other change: no line of its own", async () => {
        const { olds, news } = testbed();
        const other = { ...news, args: ["--x", "2"] } as JobArgs;
        expect(
            await previewRescale(classifyJobChange(olds as unknown as Record<string, unknown>, other as unknown as Record<string, unknown>), olds, other),
        ).toBeUndefined();
    });
});
