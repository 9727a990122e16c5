/**
 * The REST client against real Flink, every release line of the test bed: upload and run the
 * stateful counter job, savepoint, stop with savepoint, resume and see the count continue,
 * checkpoints, exceptions, cancel.
 */
import * as fs from "fs";
import * as path from "path";
import { createFlinkClient, FlinkApiError, FlinkClient, newTriggerId } from "../../provider/flink";
import { readCounter, waitFor } from "../support/counter";
import { RunningCluster, startCluster } from "../support/cluster";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(10 * 60_000);

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("Flink REST client on real Flink %s", (version, line, index) => {
    let cluster: RunningCluster;
    let client: FlinkClient;
    let jarId: string;
    let jobId: string;
    let savepoint: string;
    const out = () => path.join(cluster.workDir, "out");
    const running = (id: string) => async () => {
        const job = await client.job(id);
        return job.state === "RUNNING" && job.vertices.every((v) => v.status === "RUNNING") ? job : undefined;
    };

    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(index * 10 + 200));
        client = createFlinkClient({ baseUrl: cluster.restUrl });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("overview and config report the version", async () => {
        expect((await client.overview())["flink-version"]).toBe(version);
        expect((await client.config())["flink-version"]).toBe(version);
    });

    test("upload and run the counter job; the count grows", async () => {
        jarId = await client.uploadJar(line.testJobJar);
        expect(jarId).toMatch(/counter-job\.jar$/);
        expect((await client.listJars()).files.some((f) => f.id === jarId)).toBe(true);
        jobId = await client.runJar(jarId, { programArgsList: ["--out", out(), "--rate", "50", "--name", "it-counter"], parallelism: 1 });
        await waitFor("job running", running(jobId));
        const first = await waitFor("first count", () => readCounter(out()));
        const later = await waitFor("count grows", () => {
            const c = readCounter(out());
            return c && c.count > first.count + 20 ? c : undefined;
        });
        expect(later.count).toBe(later.seq + 1);
        expect((await client.jobsOverview()).find((j) => j.jid === jobId)?.name).toBe("it-counter");
    });

    test("trigger a savepoint and poll it to completion; checkpoints show it", async () => {
        const trigger = await client.triggerSavepoint(jobId, { targetDirectory: path.join(cluster.workDir, "manual-sp") });
        const location = await client.waitForSavepoint(jobId, trigger, { timeoutMs: 60_000 });
        expect(location).toContain("manual-sp");
        expect(fs.existsSync(location.replace(/^file:/, ""))).toBe(true);
        const stats = await client.checkpoints(jobId);
        expect(stats.latest?.savepoint?.external_path).toBe(location);
    });

    test("stop with savepoint, resume from it with a new parallelism: the count continues", async () => {
        const trigger = newTriggerId();
        await client.stopWithSavepoint(jobId, { triggerId: trigger, drain: false });
        // Same trigger id again: Flink deduplicates, so a retried call is harmless.
        await client.stopWithSavepoint(jobId, { triggerId: trigger, drain: false }).catch(() => undefined);
        savepoint = await client.waitForSavepoint(jobId, trigger, { timeoutMs: 60_000 });
        await waitFor("old job finished", async () => ((await client.job(jobId)).state === "FINISHED" ? true : undefined));
        const atStop = readCounter(out())!;

        const resumed = await client.runJar(jarId, {
            programArgsList: ["--out", out(), "--rate", "50", "--tag", "v2", "--name", "it-counter"],
            parallelism: 2,
            savepointPath: savepoint,
        });
        await waitFor("resumed job running", running(resumed));
        const after = await waitFor("count from v2", () => {
            const c = readCounter(out());
            return c && c.tag === "v2" ? c : undefined;
        });
        expect(after.count).toBeGreaterThan(atStop.count); // not reset
        expect(after.count).toBe(after.seq + 1); // nothing lost, nothing counted twice
        const stats = await client.checkpoints(resumed);
        expect(stats.latest?.restored?.external_path).toBe(savepoint);
        jobId = resumed;
    });

    test("exceptions carry the root cause of a failing job, trimmed", async () => {
        const failing = await client.runJar(jarId, {
            programArgsList: ["--out", path.join(cluster.workDir, "out-fail"), "--fail-after", "5", "--name", "it-failing"],
            flinkConfiguration: {
                "restart-strategy.type": "fixed-delay",
                "restart-strategy.fixed-delay.attempts": "1000",
                "restart-strategy.fixed-delay.delay": "1 s",
            },
        });
        const root = await waitFor("an exception", () => client.rootException(failing), 60_000, 500);
        expect(root.message).toContain("failing after");
        expect(root.message.length).toBeLessThan(600);
        await client.cancelJob(failing);
        await waitFor("failing job canceled", async () => ((await client.job(failing)).state === "CANCELED" ? true : undefined));
    });

    test("cancel; unknown jobs give a typed 404", async () => {
        await client.cancelJob(jobId);
        await waitFor("canceled", async () => ((await client.job(jobId)).state === "CANCELED" ? true : undefined));
        const err = await client.job("0123456789abcdef0123456789abcdef").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(FlinkApiError);
        expect((err as FlinkApiError).status).toBe(404);
        await client.deleteJar(jarId);
        expect((await client.listJars()).files.some((f) => f.id === jarId)).toBe(false);
    });
});
