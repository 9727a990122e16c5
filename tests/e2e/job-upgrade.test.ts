/**
 * FlinkJob upgrades through the real pulumi CLI on real Flink (every line of the test bed):
 * A. state continuity across savepoint-and-redeploy; G. stateless upgrades drop state, visibly;
 * I. an `up` without changes makes no REST call. The older line (PULUMI_FLINK_OLDER_LINE, 1.19.3,
 * whose home has no SQL Gateway) runs A only.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readCounter } from "../support/counter";
import { RunningCluster, startCluster } from "../support/cluster";
import { counterJob, countAbove, JobStack, outDirFor } from "../support/jobs";
import { type FlinkLine, flinkLines, olderLine, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

/** A: args and parallelism change -> restored from the savepoint, count continues, one job. */
async function keepsStateAcrossUpgrade(line: FlinkLine, cluster: RunningCluster): Promise<void> {
    const stack = new JobStack(`upgrade-a-${line.version.replace(/\./g, "-")}`, cluster.restUrl);
    const out = outDirFor(cluster.workDir, "a");
    await stack.init();
    await stack.setJobs({ counter: counterJob(line, "counter-a", out) });
    await stack.upOk();
    const v1 = await stack.job("counter");
    expect(v1).toMatchObject({ state: "RUNNING", generation: 1, restoredFrom: "" });
    expect(v1.webUiUrl).toBe(`${cluster.restUrl}/#/job/running/${v1.jobId}/overview`);
    const before = await countAbove(out, 40);

    await stack.setJobs({ counter: counterJob(line, "counter-a", out, ["--tag", "v2"], { parallelism: 2 }) });
    const preview = await stack.project.ok(["preview"]);
    expect(preview.output).toContain("counter-a: savepoint-and-redeploy (changed: args, parallelism) - keeps state");
    const up = await stack.upOk();
    expect(up.output).toMatch(/savepoint at file:/);
    const v2 = await stack.job("counter");
    expect(v2.generation).toBe(2);
    expect(v2.jobId).not.toBe(v1.jobId);
    expect(v2.restoredFrom).toMatch(/savepoint-/);
    expect(v2.lastSavepoint).toBe(v2.restoredFrom);

    const after = await countAbove(out, before.count, "v2");
    expect(after.count).toBe(after.seq + 1); // restored: nothing lost, nothing counted twice
    expect(await stack.active("counter-a")).toHaveLength(1);
    expect((await stack.client.job(v2.jobId)).vertices.find((v) => v.name.includes("counter"))?.parallelism).toBe(2);
    await stack.destroy();
}

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("FlinkJob upgrades on Flink %s (real pulumi CLI)", (version, line, index) => {
    let cluster: RunningCluster;
    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(500 + index * 10), { taskManagers: 1, slotsPerTaskManager: 8 });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("A: args and parallelism change -> restored from the savepoint, count continues, one job", () => keepsStateAcrossUpgrade(line, cluster));

    test("G: stateless mode -> preview says state is dropped, the job starts from empty state", async () => {
        const stack = new JobStack(`upgrade-g-${version.replace(/\./g, "-")}`, cluster.restUrl);
        const out = outDirFor(cluster.workDir, "g");
        await stack.init();
        const stateless = { upgrade: { mode: "stateless" } };
        await stack.setJobs({ counter: counterJob(line, "counter-g", out, [], stateless) });
        await stack.upOk();
        const before = await countAbove(out, 60);

        await stack.setJobs({ counter: counterJob(line, "counter-g", out, ["--tag", "v2"], stateless) });
        const preview = await stack.project.ok(["preview"]);
        expect(preview.output).toContain("counter-g: stateless restart (changed: args) - DROPS STATE");
        const up = await stack.upOk();
        expect(up.output).toContain("stateless upgrade: its state is dropped");
        const fresh = await countAbove(out, 0, "v2");
        expect(fresh.count).toBeLessThan(before.count); // started again from zero
        expect((await stack.job("counter")).restoredFrom).toBe("");
        expect(await stack.active("counter-g")).toHaveLength(1);
        await stack.destroy();
    });

    test("I: up without changes makes no REST call; refresh reads the shared overview once and the job's checkpoints once", async () => {
        const restLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pf-rest-")), "calls.log");
        const stack = new JobStack(`upgrade-i-${version.replace(/\./g, "-")}`, cluster.restUrl, { PULUMI_FLINK_REST_LOG: restLog });
        const out = outDirFor(cluster.workDir, "i");
        await stack.init();
        await stack.setJobs({ counter: counterJob(line, "counter-i", out) });
        await stack.upOk();
        const calls = () => (fs.existsSync(restLog) ? fs.readFileSync(restLog, "utf8").split("\n").filter(Boolean) : []);
        expect(calls().length).toBeGreaterThan(0); // the log works: the create made calls

        fs.writeFileSync(restLog, "");
        const up = await stack.upOk();
        expect(up.output).toMatch(/unchanged/);
        expect(calls()).toEqual([]);

        await stack.project.ok(["refresh", "--yes", "--skip-preview"]);
        const refreshCalls = calls();
        expect(refreshCalls.filter((c) => c.includes("/jobs/overview")).length).toBe(1);
        // The job's latest completed checkpoint is recorded on refresh (its restore point if the JobManager is lost).
        expect(refreshCalls.filter((c) => /\/jobs\/[0-9a-f]{32}\/checkpoints/.test(c)).length).toBe(1);
        expect(refreshCalls.length).toBeLessThanOrEqual(3); // jobs overview (shared) + its checkpoints + cluster overview
        expect(readCounter(out)).toBeDefined();
        await stack.destroy();
    });
});

// The older line runs this one upgrade only, not every suite (the test command's time budget):
// enough to prove a job keeps its state across an upgrade on a line older than the test bed's.
// (1.19, not 1.18: the counter job uses OpenContext, which Flink 1.19 introduced.)
describe(`FlinkJob upgrade on the older line Flink ${olderLine().version} (real pulumi CLI)`, () => {
    const line = olderLine();
    let cluster: RunningCluster;
    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(1390), { taskManagers: 1, slotsPerTaskManager: 8 });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("A: args and parallelism change -> restored from the savepoint, count continues, one job", () => keepsStateAcrossUpgrade(line, cluster));
});
