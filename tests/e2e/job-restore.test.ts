/**
 * Restore from the newest state, through the real pulumi CLI on real Flink (every line of the test
 * bed): (a) a job cancelled out of band restores from its retained checkpoint, not an old savepoint;
 * (b) a job lost with its JobManager (kill -9, no HA) restores from the checkpoint refresh recorded;
 * (c) a bounded job runs to FINISHED, is left alone by the next refresh + up, and a failed run
 * fails the update with Flink's root cause.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createFlinkClient } from "../../provider/flink";
import { RunningCluster, startCluster } from "../support/cluster";
import { PulumiProject } from "../support/pulumi";
import { CounterLine, counterLogFrom, counterLogSize, readCounter, waitFor } from "../support/counter";
import { counterJob, countAbove, JobStack, outDirFor } from "../support/jobs";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

const slug = (version: string) => version.replace(/\./g, "-");
const CHECKPOINTS = { "execution.checkpointing.interval": "1 s" };
/** At 20 records per second with a checkpoint every second, a restore from the newest checkpoint loses at most ~2 s of counts. */
const RATE = 20;
const GAP_BOUND = 3 * RATE;

/** A stack that owns its local cluster (so `up --refresh` restarts it after a crash) and one counter job. */
const LOCAL_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const home = new flink.FlinkHome("home", { path: cfg.require("flinkHome") });
const cluster = new flink.SessionCluster("cluster", {
    target: "local", home, workDir: cfg.require("workDir"),
    restPort: cfg.requireNumber("restPort"), rpcPort: cfg.requireNumber("rpcPort"),
    slotsPerTaskManager: 4, taskManagerMemory: "1280m",
});
const job = new flink.FlinkJob("counter", { cluster, ...JSON.parse(cfg.require("job")) });
exports.counter = { jobId: job.jobId, state: job.state, generation: job.generation, lastSavepoint: job.lastSavepoint, restoredFrom: job.restoredFrom, lastCheckpoint: job.lastCheckpoint };
exports.restUrl = cluster.restUrl;
`;

/** Java processes of a local cluster (started with its configuration folder). */
function clusterPids(workDir: string): number[] {
    try {
        return execFileSync("pgrep", ["-f", "--", `--configDir ${path.join(workDir, "conf")}`], { encoding: "utf8" })
            .split("\n")
            .filter(Boolean)
            .map(Number);
    } catch {
        return [];
    }
}

/**
 * What the restored job wrote: the records its counter appended to the log (`--log`) after `offset`,
 * the log's size once the old job had stopped. Read back whole, not sampled while `up` runs: a
 * sampler misses records when the machine is busy, and a missed first record looks like a skip.
 */
function restoredRecords(outDir: string, offset: number): CounterLine[] {
    const records = counterLogFrom(outDir, offset);
    expect(records.length).toBeGreaterThan(0);
    return records;
}

/** No record skipped and the state consistent: every count is seq + 1, and seq never jumps ahead (a replay may go back). */
function expectNoSkip(records: CounterLine[]): void {
    const bad = records.filter((r, i) => r.count !== r.seq + 1 || (i > 0 && r.seq > records[i - 1].seq + 1));
    expect(bad).toEqual([]);
}

/** The progress line that says what the job restored from. */
function restoreLine(output: string): string {
    return output.split("\n").find((l) => /restoring from /.test(l)) ?? "(no restore line)";
}

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("FlinkJob restore on Flink %s (real pulumi CLI)", (version, line, index) => {
    let cluster: RunningCluster;
    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(1700 + index * 20), { taskManagers: 1, slotsPerTaskManager: 8 });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("(a) cancelled out of band: up --refresh restores the retained checkpoint, not the old savepoint", async () => {
        const stack = new JobStack(`restore-a-${slug(version)}`, cluster.restUrl);
        const out = outDirFor(cluster.workDir, "a");
        const job = (extra: string[]) => counterJob(line, "restore-a", out, ["--log", ...extra], { configuration: CHECKPOINTS });
        await stack.init();
        await stack.setJobs({ counter: job([]) });
        await stack.upOk();
        const v1 = await stack.job("counter");
        // Every job keeps its checkpoints on cancel, without the user asking.
        expect((await stack.client.checkpointConfig(v1.jobId)).externalization).toMatchObject({ enabled: true, delete_on_cancellation: false });
        await countAbove(out, 20);
        await stack.setJobs({ counter: job(["--tag", "v2"]) });
        await stack.upOk(); // savepoint-and-redeploy: the last savepoint pulumi-flink took
        const v2 = await stack.job("counter");
        expect(v2.lastSavepoint).toMatch(/savepoint-/);
        const atSavepoint = await countAbove(out, 0, "v2");

        // The job runs on well past its savepoint, then is cancelled by hand.
        const moved = await countAbove(out, atSavepoint.count + 5 * RATE, "v2");
        const completed = async () => (await stack.client.checkpoints(v2.jobId)).counts.completed;
        const seen = await completed();
        await waitFor("two more completed checkpoints", async () => (await completed()) >= seen + 2);
        await stack.client.cancelJob(v2.jobId);
        await waitFor("cancelled", async () => (await stack.client.job(v2.jobId)).state === "CANCELED" || undefined);
        const stale = readCounter(out)!;
        const logged = counterLogSize(out);
        const checkpoint = (await stack.client.checkpoints(v2.jobId)).latest.completed?.external_path ?? "";
        expect(checkpoint).toMatch(/chk-\d+$/);
        expect(fs.existsSync(checkpoint.replace(/^file:(\/\/)?/, "/"))).toBe(true); // retained after the cancel

        const preview = await stack.project.ok(["preview", "--refresh"]);
        // The preview's refresh recorded the cancelled job's retained checkpoint: it names it, with its age.
        expect(preview.output).toMatch(
            new RegExp(
                `is CANCELED; it is started again and restores from the newest retained checkpoint or savepoint Flink has at that time; last recorded: retained checkpoint ${path.basename(checkpoint)} taken \\d+ s ago`,
            ),
        );
        const up = await stack.upOk(["--refresh"]);
        const line0 = restoreLine(up.output);
        expect(line0).toMatch(new RegExp(`restoring from retained checkpoint ${path.basename(checkpoint)} taken \\d+ (s|min) ago of job ${v2.jobId}`));

        const job3 = await stack.job("counter");
        expect(job3.restoredFrom).toBe(checkpoint);
        expect((await stack.client.checkpoints(job3.jobId)).latest.restored?.external_path).toBe(checkpoint);
        await countAbove(out, stale.count);
        const records = restoredRecords(out, logged);
        const restored = records[0];
        // Continues from (almost) where it was cancelled, far above the savepoint's count.
        const gap = stale.count - restored.count;
        console.log(
            `[restore-a ${version}] savepoint at count ${atSavepoint.count}, moved to ${moved.count}, cancelled at ${stale.count}, restored job's first count ${restored.count} (gap ${gap}); ${line0.trim()}`,
        );
        expectNoSkip(records);
        // No record skipped: the first count after the restore is at most one past the last one
        // written (exactly one past when the checkpoint caught the very last record: gap -1).
        expect(gap).toBeGreaterThanOrEqual(-1);
        expect(gap).toBeLessThanOrEqual(GAP_BOUND);
        expect(restored.count).toBeGreaterThan(atSavepoint.count + 4 * RATE);
        await stack.destroy();
    });

    test("(c) bounded: runs to FINISHED, left alone by refresh + up, a change reruns from empty state, a failure fails the update", async () => {
        const stack = new JobStack(`restore-c-${slug(version)}`, cluster.restUrl);
        const out = outDirFor(cluster.workDir, "c");
        const bounded = (extra: string[]) => ({
            ...counterJob(line, "restore-c", out, ["--records", "100", "--rate", "50", ...extra]),
            bounded: true,
            health: { finishTimeoutSeconds: 120 },
        });
        await stack.init();
        await stack.setJobs({ counter: bounded([]) });
        const first = await stack.upOk();
        expect(first.output).toMatch(/FINISHED after \d+ s/);
        const done = await stack.job("counter");
        expect(done.state).toBe("FINISHED");
        expect(readCounter(out)).toMatchObject({ count: 100, seq: 99, tag: "v1" });

        const again = await stack.upOk(["--refresh"]);
        expect(again.output).not.toContain("submitting");
        const after = await stack.job("counter");
        expect(after.jobId).toBe(done.jobId);
        expect(after.state).toBe("FINISHED");
        expect((await stack.client.jobsOverview()).filter((j) => j.name === "restore-c").map((j) => j.jid)).toEqual([done.jobId]);

        await stack.setJobs({ counter: bounded(["--tag", "v2"]) });
        const rerun = await stack.upOk(["--refresh"]);
        expect(rerun.output).toContain("FINISHED by itself: the new version runs from empty state");
        expect(rerun.output).toContain("from empty state");
        expect(readCounter(out)).toMatchObject({ count: 100, tag: "v2" }); // not 200: a finished run's state is not restored

        await stack.setJobs({ counter: bounded(["--tag", "v3", "--fail-after", "10"]) });
        const failed = await stack.up();
        expect(failed.code).not.toBe(0);
        expect(failed.output).toContain("the bounded job failed");
        expect(failed.output).toContain("failing after 10 records because --fail-after was given");
        expect(failed.output).not.toContain("rolling back");
        await stack.destroy();
    });

    test("(b) JobManager and TaskManager killed (-9): up --refresh restarts the cluster and restores the recorded checkpoint", async () => {
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pf-e2e-restore-b-${version}-`));
        const rest = portBlock(1710 + index * 20);
        const project = new PulumiProject(`restore-b-${slug(version)}`, LOCAL_PROGRAM);
        const client = createFlinkClient({ baseUrl: `http://localhost:${rest}` });
        const out = path.join(workDir, "out");
        try {
            await project.init();
            for (const [k, v] of Object.entries({
                flinkHome: line.home,
                workDir,
                restPort: String(rest),
                rpcPort: String(rest + 1),
                job: JSON.stringify(counterJob(line, "restore-b", out, ["--log"], { configuration: CHECKPOINTS })),
            })) {
                await project.ok(["config", "set", k, v]);
            }
            await project.ok(["up", "--yes", "--skip-preview"]);
            const v1 = (await project.outputs()).counter as { jobId: string };
            await countAbove(out, 2 * RATE);
            await waitFor("a completed checkpoint", async () => (await client.checkpoints(v1.jobId)).counts.completed >= 2 || undefined);
            // Refresh records the latest checkpoint (up --refresh: stack outputs are only rewritten by an up).
            await project.ok(["up", "--yes", "--skip-preview", "--refresh"]);
            const recorded = ((await project.outputs()).counter as { lastCheckpoint: string }).lastCheckpoint;
            expect(recorded).toMatch(new RegExp(`${v1.jobId}/chk-\\d+$`));

            // Run on (the recorded chk-N is subsumed by newer ones), then kill both processes hard.
            const before = readCounter(out)!;
            await countAbove(out, before.count + 3 * RATE);
            const pids = clusterPids(workDir);
            expect(pids.length).toBe(2);
            for (const pid of pids) process.kill(pid, "SIGKILL");
            await waitFor("cluster processes gone", () => clusterPids(workDir).length === 0 || undefined);
            const stale = readCounter(out)!;
            const logged = counterLogSize(out);

            const up = await project.ok(["up", "--yes", "--skip-preview", "--refresh"]);
            const line0 = restoreLine(up.output);
            const newest = /chk-(\d+)/.exec(line0)?.[1];
            console.log(`[restore-b ${version}] recorded ${path.basename(recorded)}, killed at count ${stale.count}; ${line0.trim()}`);
            expect(line0).toMatch(new RegExp(`restoring from retained checkpoint chk-\\d+ taken \\d+ (s|min) ago of job ${v1.jobId}`));
            expect(Number(newest)).toBeGreaterThan(Number(/chk-(\d+)/.exec(recorded)![1])); // the newest on disk, not the stale record
            const v2 = (await project.outputs()).counter as { jobId: string; restoredFrom: string };
            expect(v2.jobId).not.toBe(v1.jobId);
            expect(v2.restoredFrom).toMatch(new RegExp(`${v1.jobId}/chk-${newest}$`));
            await countAbove(out, stale.count);
            const records = restoredRecords(out, logged);
            const restored = records[0];
            console.log(`[restore-b ${version}] the restored job's first count ${restored.count} (gap ${stale.count - restored.count})`);
            expectNoSkip(records);
            expect(stale.count - restored.count).toBeGreaterThanOrEqual(-1); // as in (a): no record skipped
            expect(stale.count - restored.count).toBeLessThanOrEqual(GAP_BOUND);
        } finally {
            await project.run(["destroy", "--yes", "--skip-preview"]);
            for (const pid of clusterPids(workDir)) process.kill(pid, "SIGKILL");
        }
    });
});
