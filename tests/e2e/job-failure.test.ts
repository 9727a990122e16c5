/**
 * FlinkJob upgrades that fail, through the real pulumi CLI on real Flink (every line of the test bed):
 * B. the savepoint fails or times out -> `up` fails, the old job keeps running untouched;
 * C. the new version is bad -> `up` fails with its root cause, the previous version runs again
 *    from the same savepoint, and a later `up` with the good version converges.
 */
import * as fs from "fs";
import * as path from "path";
import { CliResult } from "../support/pulumi";
import { RunningCluster, startCluster } from "../support/cluster";
import { counterJob, countAbove, JobOutputs, JobStack, outDirFor } from "../support/jobs";
import { FlinkLine, flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

interface Deployed {
    stack: JobStack;
    out: string;
    v1: JobOutputs;
    before: { count: number; seq: number };
}

/** A stack running `counter` (tag v1) as job `name`, counted past 20. */
async function deployV1(
    cluster: RunningCluster,
    line: FlinkLine,
    name: string,
    more: Record<string, unknown> = {},
    extraArgs: string[] = [],
): Promise<Deployed> {
    const stack = new JobStack(`${name}-${line.version.replace(/\./g, "-")}`, cluster.restUrl);
    const out = outDirFor(cluster.workDir, name);
    await stack.init();
    await stack.setJobs({ counter: counterJob(line, name, out, extraArgs, more) });
    await stack.upOk();
    const v1 = await stack.job("counter");
    expect(v1.state).toBe("RUNNING");
    return { stack, out, v1, before: await countAbove(out, 20, "v1") };
}

/** The FlinkJob's outputs as stored in the stack's state (refresh updates these, not the stack outputs). */
async function jobInState(stack: JobStack): Promise<Record<string, unknown>> {
    const resources = JSON.parse(await stack.project.exportState()).deployment.resources as { type: string; outputs: Record<string, unknown> }[];
    return resources.find((r) => r.type.endsWith("flink:Job"))!.outputs;
}

/** `up` must fail; returns its output. */
async function upFails(stack: JobStack): Promise<string> {
    const up: CliResult = await stack.up();
    expect(up.code).not.toBe(0);
    return up.output;
}

/** The old job is the only active one under `name`, RUNNING with the same id, still counting with tag v1. */
async function expectOldJobUntouched(d: Deployed, name: string, timeoutMs = 60_000): Promise<void> {
    const active = await d.stack.active(name);
    expect(active.map((j) => [j.jid, j.state])).toEqual([[d.v1.jobId, "RUNNING"]]);
    const after = await countAbove(d.out, d.before.count + 20, "v1", timeoutMs);
    expect(after.count).toBe(after.seq + 1);
    expect((await d.stack.active(name)).map((j) => j.jid)).toEqual([d.v1.jobId]);
}

/**
 * The bad version was rolled back: the output names the root cause and the rollback job, which is
 * the only active job, runs the v1 definition, restored from a savepoint, and counts on from it.
 */
async function expectRolledBack(d: Deployed, name: string, output: string, rootCause: string): Promise<number> {
    expect(output).toContain("rolled back");
    expect(output).toContain(rootCause);
    const m = /the previous version RUNNING again as job ([0-9a-f]{32}) \(generation \d+\), restored from (\S+)/.exec(output);
    expect(m).not.toBeNull();
    const [, rollbackId, savepoint] = m!;
    expect(savepoint).toMatch(/savepoint-/);
    expect(rollbackId.slice(20)).toBe(d.v1.jobId.slice(20)); // same definition as v1
    expect((await d.stack.active(name)).map((j) => [j.jid, j.state])).toEqual([[rollbackId, "RUNNING"]]);
    const restored = (await d.stack.client.checkpoints(rollbackId)).latest.restored;
    expect(restored).toMatchObject({ is_savepoint: true, external_path: savepoint });
    const after = await countAbove(d.out, d.before.count, "v1");
    expect(after.count).toBe(after.seq + 1); // consistent restore: nothing lost, nothing counted twice
    return after.count;
}

/** Back to the good definition: `up` succeeds, one job, still counting on. */
async function expectConvergesBack(d: Deployed, name: string, line: FlinkLine, countNow: number): Promise<void> {
    await d.stack.setJobs({ counter: counterJob(line, name, d.out) });
    await d.stack.upOk();
    const active = await d.stack.active(name);
    expect(active).toHaveLength(1);
    expect(active[0].state).toBe("RUNNING");
    const after = await countAbove(d.out, countNow, "v1");
    expect(after.count).toBe(after.seq + 1);
    // The failed up kept the old job id in state; a refresh must point it at the job that runs.
    await d.stack.project.ok(["refresh", "--yes", "--skip-preview"]);
    expect(await jobInState(d.stack)).toMatchObject({ jobId: active[0].jid, state: "RUNNING" });
}

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("FlinkJob failed upgrades on Flink %s (real pulumi CLI)", (version, line, index) => {
    let cluster: RunningCluster;
    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(600 + index * 10), { taskManagers: 1, slotsPerTaskManager: 8 });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("B1: unwritable savepoint directory -> up fails, the old job runs untouched", async () => {
        const d = await deployV1(cluster, line, "counter-b1");
        const aFile = path.join(cluster.workDir, "a-file");
        fs.writeFileSync(aFile, "not a directory\n");
        await d.stack.setJobs({ counter: counterJob(line, "counter-b1", d.out, ["--tag", "v2"], { upgrade: { savepointDir: `file://${aFile}/savepoints` } }) });
        const output = await upFails(d.stack);
        expect(output).toContain(`the savepoint of job ${d.v1.jobId} failed`);
        expect(output).toContain(`left behind: the old job ${d.v1.jobId} RUNNING, untouched`);
        await expectOldJobUntouched(d, "counter-b1");
        await d.stack.destroy();
    });

    test("B2: Flink's checkpoint timeout aborts the savepoint -> up fails, the old job runs untouched", async () => {
        const slow = { configuration: { "execution.checkpointing.timeout": "5 s" }, onDelete: "cancel" };
        const d = await deployV1(cluster, line, "counter-b2", slow, ["--snapshot-delay-ms", "30000"]);
        await d.stack.setJobs({ counter: counterJob(line, "counter-b2", d.out, ["--snapshot-delay-ms", "30000", "--tag", "v2"], slow) });
        const output = await upFails(d.stack);
        expect(output).toContain(`the savepoint of job ${d.v1.jobId} failed`);
        expect(output).toContain(`left behind: the old job ${d.v1.jobId} RUNNING, untouched`);
        await expectOldJobUntouched(d, "counter-b2", 90_000); // the aborted snapshot still blocks the task for 30 s
        await d.stack.destroy();
    });

    test("B2': our savepoint timeout passes first -> up fails, the old job RUNNING and untouched (no stop was started)", async () => {
        const bounded = { upgrade: { savepointTimeoutSeconds: 10 }, onDelete: "cancel" };
        const d = await deployV1(cluster, line, "counter-b2t", bounded, ["--snapshot-delay-ms", "30000"]);
        const v2 = counterJob(line, "counter-b2t", d.out, ["--snapshot-delay-ms", "30000", "--tag", "v2"], bounded);
        await d.stack.setJobs({ counter: v2 });
        const output = await upFails(d.stack);
        expect(output).toMatch(/did not complete in time/);
        expect(output).toContain(`left behind: the old job ${d.v1.jobId} RUNNING, untouched`);
        await expectOldJobUntouched(d, "counter-b2t", 90_000);
        await d.stack.destroy();
    });

    test("C1: missing entry class -> rolled back to the previous version from the same savepoint", async () => {
        const d = await deployV1(cluster, line, "counter-c1");
        await d.stack.setJobs({ counter: counterJob(line, "counter-c1", d.out, ["--tag", "v2"], { entryClass: "pulumiflink.testjob.DoesNotExist" }) });
        const output = await upFails(d.stack);
        const count = await expectRolledBack(d, "counter-c1", output, "DoesNotExist");
        await expectConvergesBack(d, "counter-c1", line, count);
        await d.stack.destroy();
    });

    test("C2: the new version throws at start -> rolled back with its root cause", async () => {
        const d = await deployV1(cluster, line, "counter-c2");
        await d.stack.setJobs({ counter: counterJob(line, "counter-c2", d.out, ["--tag", "v2", "--fail-in-open"]) });
        const output = await upFails(d.stack);
        const count = await expectRolledBack(d, "counter-c2", output, "failing in open");
        await expectConvergesBack(d, "counter-c2", line, count);
        await d.stack.destroy();
    });

    test("C3: restart loop inside the health window -> rolled back with its root cause", async () => {
        const d = await deployV1(cluster, line, "counter-c3");
        const restarts = {
            "restart-strategy.type": "fixed-delay",
            "restart-strategy.fixed-delay.attempts": "1000",
            "restart-strategy.fixed-delay.delay": "1 s",
        };
        await d.stack.setJobs({
            counter: counterJob(line, "counter-c3", d.out, ["--tag", "v2", "--fail-after", "30"], {
                configuration: restarts,
                health: { stableSeconds: 8, maxRestarts: 0 },
            }),
        });
        const output = await upFails(d.stack);
        expect(output).toMatch(/failed \d+ time\(s\) within 8 s \(allowed: 0\)/);
        const count = await expectRolledBack(d, "counter-c3", output, "failing after");
        await expectConvergesBack(d, "counter-c3", line, count);
        await d.stack.destroy();
    });
});
