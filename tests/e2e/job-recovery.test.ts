/**
 * FlinkJob failure handling through the real pulumi CLI on real Flink (every line of the test bed):
 * D. crash safety: the CLI killed at each step of a redeploy, the next `up` converges without
 *    losing state; E. drift: a job cancelled out of band is shown by refresh and restored per its
 *    restore policy; F. adopting a job started by hand; H. the three delete policies.
 */
import * as fs from "fs";
import { FlinkClient } from "../../provider/flink";
import { RunningCluster, startCluster } from "../support/cluster";
import { CounterLine, readCounter, waitFor } from "../support/counter";
import { counterJob, countAbove, JobOutputs, JobStack, outDirFor } from "../support/jobs";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

const FAULTS = ["after-stop", "after-submit", "during-gate"] as const;
const slug = (version: string) => version.replace(/\./g, "-");
/** `file:/a/b` or `file:///a/b` -> `/a/b`. */
const localPath = (uri: string) => uri.replace(/^file:(\/\/)?/, "");

/** Kill the language hosts of a project that a killed CLI left orphaned (fault.ts kills only the CLI and the provider host). */
function killOrphanedHosts(projectDir: string): void {
    const pids = fs
        .readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .filter((pid) => {
            try {
                const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
                return cmd.includes("pulumi-language-nodejs") && cmd.includes(`-root=${projectDir}`);
            } catch {
                return false;
            }
        });
    for (const pid of pids) process.kill(Number(pid), "SIGTERM");
}

async function waitForState(client: FlinkClient, jobId: string, state: string): Promise<void> {
    await waitFor(`job ${jobId} ${state}`, async () => (await client.job(jobId)).state === state, 60_000);
}

/** What Flink says the job restored from ("" when it started empty). */
async function flinkRestoredFrom(client: FlinkClient, jobId: string): Promise<string> {
    return (await client.checkpoints(jobId)).latest.restored?.external_path ?? "";
}

/** Exactly one active job under `name`, RUNNING, and it is the one the stack outputs. */
async function onlyRunningJob(stack: JobStack, resource: string, name: string): Promise<JobOutputs> {
    const active = await stack.active(name);
    expect(active.map((j) => j.state)).toEqual(["RUNNING"]);
    const outputs = await stack.job(resource);
    expect(outputs.jobId).toBe(active[0].jid);
    expect(outputs.state).toBe("RUNNING");
    return outputs;
}

/** The first count written after `stale` (the last line of a job that has ended). */
function nextCount(outDir: string, stale: CounterLine): Promise<CounterLine> {
    return waitFor(`a new count in ${outDir}`, () => {
        const c = readCounter(outDir);
        return c && c.seq !== stale.seq ? c : undefined;
    });
}

/** Cancel out of band and return the job's last count line. */
async function cancelByHand(stack: JobStack, jobId: string, outDir: string): Promise<CounterLine> {
    await stack.client.cancelJob(jobId);
    await waitForState(stack.client, jobId, "CANCELED");
    return readCounter(outDir)!;
}

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("FlinkJob recovery on Flink %s (real pulumi CLI)", (version, line, index) => {
    let cluster: RunningCluster;
    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(700 + index * 10), { taskManagers: 1, slotsPerTaskManager: 8 });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    describe("D: crash safety", () => {
        const name = "crash-d";
        let stack: JobStack;
        let out: string;
        beforeAll(async () => {
            stack = new JobStack(`recovery-d-${slug(version)}`, cluster.restUrl);
            out = outDirFor(cluster.workDir, "d");
            await stack.init();
            await stack.setJobs({ counter: counterJob(line, name, out) });
            await stack.upOk();
        });
        afterAll(async () => {
            await stack?.destroy();
            if (stack) killOrphanedHosts(stack.project.dir);
        });

        test.each(FAULTS)("CLI killed %s -> the next up converges: one job, new definition, state kept, outputs true", async (fault) => {
            const old = await stack.job("counter");
            const before = await countAbove(out, 40);
            await stack.setJobs({ counter: counterJob(line, name, out, ["--tag", fault]) });
            stack.project.env.PULUMI_FLINK_FAULT = fault;
            const crashed = await stack.up();
            delete stack.project.env.PULUMI_FLINK_FAULT;
            expect(crashed.code).not.toBe(0);

            // Every fault point comes after the stop: the old generation ended with a savepoint.
            await waitForState(stack.client, old.jobId, "FINISHED");
            // Flink caches checkpoint statistics (3 s by default): just after the stop they may not list it yet.
            const savepoint = await waitFor(
                "the stop savepoint in the old job's checkpoint statistics",
                async () => (await stack.client.checkpoints(old.jobId)).latest.savepoint?.external_path || undefined,
                15_000,
            );
            expect(savepoint).toMatch(/savepoint-/);

            // A killed CLI leaves the stack locked; `pulumi cancel` (as the lock error says) removes the lock.
            await stack.project.ok(["cancel", "--yes"]);
            await stack.upOk(); // warns about the interrupted update's pending operation, converges, clears it
            expect(await stack.project.exportState()).not.toContain("pending_operations");
            const job = await onlyRunningJob(stack, "counter", name);
            expect(job.jobId).not.toBe(old.jobId);
            expect(await flinkRestoredFrom(stack.client, job.jobId)).toBe(savepoint);
            const after = await countAbove(out, before.count, fault);
            expect(after.count).toBe(after.seq + 1);
            // The outputs tell the truth about the running generation.
            expect({ restoredFrom: job.restoredFrom, lastSavepoint: job.lastSavepoint }).toEqual({ restoredFrom: savepoint, lastSavepoint: savepoint });
            expect(crashed.output).toContain("fault injection"); // the user sees why the CLI died
        });
    });

    test("E1: cancelled out of band -> refresh shows it, up --refresh restores the latest savepoint", async () => {
        const stack = new JobStack(`recovery-e1-${slug(version)}`, cluster.restUrl);
        const out = outDirFor(cluster.workDir, "e1");
        await stack.init();
        await stack.setJobs({ counter: counterJob(line, "drift-e1", out) });
        await stack.upOk();
        const beforeSavepoint = await countAbove(out, 40);
        await stack.setJobs({ counter: counterJob(line, "drift-e1", out, ["--tag", "v2"]) });
        await stack.upOk();
        const v2 = await stack.job("counter");
        expect(v2.lastSavepoint).toMatch(/savepoint-/);
        await countAbove(out, 0, "v2");

        const stale = await cancelByHand(stack, v2.jobId, out);
        const preview = await stack.project.ok(["preview", "--refresh"]);
        expect(preview.output).toContain("is CANCELED");
        expect(preview.output).toContain(
            "restores from the newest retained checkpoint or savepoint Flink has at that time; last recorded: savepoint savepoint-",
        );
        await stack.upOk(["--refresh"]);

        const job = await onlyRunningJob(stack, "counter", "drift-e1");
        expect(await flinkRestoredFrom(stack.client, job.jobId)).toBe(v2.lastSavepoint);
        expect(job.restoredFrom).toBe(v2.lastSavepoint);
        const restored = await nextCount(out, stale);
        expect(restored.tag).toBe("v2");
        expect(restored.count).toBe(restored.seq + 1);
        expect(restored.count).toBeGreaterThan(beforeSavepoint.count);
        await stack.destroy();
    });

    test("E2: restore latest-state, no savepoint -> up --refresh restores the retained checkpoint", async () => {
        const stack = new JobStack(`recovery-e2-${slug(version)}`, cluster.restUrl);
        const out = outDirFor(cluster.workDir, "e2");
        const configuration = {
            "execution.checkpointing.interval": "1 s",
            "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
        };
        await stack.init();
        await stack.setJobs({ counter: counterJob(line, "drift-e2", out, [], { configuration, upgrade: { restore: "latest-state" } }) });
        await stack.upOk();
        const v1 = await stack.job("counter");
        expect((await stack.client.checkpointConfig(v1.jobId)).externalization).toMatchObject({ enabled: true, delete_on_cancellation: false });

        const before = await countAbove(out, 40);
        const completed = async () => (await stack.client.checkpoints(v1.jobId)).counts.completed;
        const seen = await completed();
        await waitFor("two more completed checkpoints", async () => (await completed()) >= seen + 2);
        const stale = await cancelByHand(stack, v1.jobId, out);
        const checkpoint = (await stack.client.checkpoints(v1.jobId)).latest.completed?.external_path ?? "";
        expect(checkpoint).toMatch(/chk-\d+/);
        expect(fs.existsSync(localPath(checkpoint))).toBe(true);

        const preview = await stack.project.ok(["preview", "--refresh"]);
        expect(preview.output).toContain("is CANCELED");
        expect(preview.output).toContain("restores from the newest retained checkpoint or savepoint Flink has at that time");
        await stack.upOk(["--refresh"]);

        const job = await onlyRunningJob(stack, "counter", "drift-e2");
        expect(await flinkRestoredFrom(stack.client, job.jobId)).toBe(checkpoint);
        expect(job.restoredFrom).toBe(checkpoint);
        const restored = await nextCount(out, stale);
        expect(restored.count).toBe(restored.seq + 1);
        expect(restored.count).toBeGreaterThan(before.count);
        await stack.destroy();
    });

    test("F: a job started by hand is refused without adopt, taken over without a restart with adopt", async () => {
        const stack = new JobStack(`recovery-f-${slug(version)}`, cluster.restUrl);
        const out = outDirFor(cluster.workDir, "f");
        const name = "by-hand-f";
        const jarId = await stack.client.uploadJar(line.testJobJar);
        const handId = await stack.client.runJar(jarId, { programArgsList: ["--out", out, "--rate", "20", "--name", name] });
        await waitForState(stack.client, handId, "RUNNING");
        const started = (await stack.client.job(handId))["start-time"];
        await countAbove(out, 20);
        await stack.init();

        await stack.setJobs({ counter: counterJob(line, name, out) });
        const refused = await stack.up();
        expect(refused.code).not.toBe(0);
        expect(refused.output).toContain("were not started by pulumi-flink");
        expect((await stack.active(name)).map((j) => [j.jid, j.state])).toEqual([[handId, "RUNNING"]]);

        await stack.setJobs({ counter: counterJob(line, name, out, [], { adopt: true }) });
        const beforeAdopt = readCounter(out)!;
        await stack.upOk();
        const job = await onlyRunningJob(stack, "counter", name);
        expect(job.jobId).toBe(handId);
        expect((await stack.client.job(handId))["start-time"]).toBe(started); // not restarted
        const after = await countAbove(out, beforeAdopt.count);
        expect(after).toMatchObject({ tag: "v1", attempt: 0, count: after.seq + 1 });
        await stack.destroy();
    });

    test("H: destroy honours onDelete: savepoint -> FINISHED with a savepoint on disk, cancel -> CANCELED, leave-running", async () => {
        const stack = new JobStack(`recovery-h-${slug(version)}`, cluster.restUrl);
        const names = { keep: "delete-savepoint", drop: "delete-cancel", leave: "delete-leave" };
        const policies = { keep: "savepoint", drop: "cancel", leave: "leave-running" } as const;
        await stack.init();
        await stack.setJobs(
            Object.fromEntries(
                Object.entries(names).map(([r, n]) => [
                    r,
                    counterJob(line, n, outDirFor(cluster.workDir, n), [], { onDelete: policies[r as keyof typeof names] }),
                ]),
            ),
        );
        await stack.upOk();
        const ids = Object.fromEntries(await Promise.all(Object.keys(names).map(async (r) => [r, (await stack.job(r)).jobId] as const)));

        const destroyed = await stack.project.ok(["destroy", "--yes", "--skip-preview"]);
        const final = destroyed.output.match(/stopped job ([0-9a-f]{32}) with a final savepoint at (\S+)/);
        expect(final?.[1]).toBe(ids.keep);
        expect(fs.existsSync(localPath(final?.[2] ?? ""))).toBe(true);
        await waitForState(stack.client, ids.keep, "FINISHED");
        await waitForState(stack.client, ids.drop, "CANCELED");
        expect((await stack.client.job(ids.leave)).state).toBe("RUNNING");
        await cancelByHand(stack, ids.leave, outDirFor(cluster.workDir, names.leave));
    });
});
