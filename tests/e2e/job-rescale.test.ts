/**
 * In-place rescale through the real pulumi CLI on real Flink (the newest line of the test bed, 2.3.0
 * in the suite; 1.20.3 passed the same file when it was written, but the suite's time goes elsewhere): a
 * parallelism-only change on a cluster with the adaptive scheduler keeps the job id and its state;
 * on a cluster with the default scheduler the preview says why not and up does savepoint-and-redeploy.
 * Both measure the longest pause of the counter's output during the up (the processing gap).
 */
import { readCounter } from "../support/counter";
import { RunningCluster, startCluster } from "../support/cluster";
import { counterJob, countAbove, JobStack, outDirFor } from "../support/jobs";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

/** The job checkpoints every second: the adaptive scheduler restarts a rescaled job from its latest checkpoint. */
const CHECKPOINTING = { configuration: { "execution.checkpointing.interval": "1s" } };

/** Samples the counter every 100 ms; the longest time its count did not move. */
function gapMeter(out: string) {
    let last = readCounter(out)?.count;
    let lastMove = Date.now();
    let longest = 0;
    const timer = setInterval(() => {
        const now = readCounter(out)?.count;
        if (now !== last) {
            longest = Math.max(longest, Date.now() - lastMove);
            last = now;
            lastMove = Date.now();
        }
    }, 100);
    return { stop: () => (clearInterval(timer), longest) };
}

const counterVertex = async (stack: JobStack, jobId: string) => (await stack.client.job(jobId)).vertices.find((v) => v.name.includes("counter"));

describe.each(
    flinkLines()
        .map((l, i) => [l.version, l, i] as const)
        .slice(-1),
)("FlinkJob parallelism change on Flink %s (real pulumi CLI)", (version, line, index) => {
    const tag = version.replace(/\./g, "-");
    let adaptive: RunningCluster | undefined;
    let plain: RunningCluster | undefined;
    afterAll(async () => {
        await adaptive?.stop();
        await plain?.stop();
    });

    test("adaptive scheduler: preview says in-place rescale; up keeps the job id, the counter vertex runs at 2, the count continues", async () => {
        adaptive = await startCluster(line, portBlock(2080 + index), { slotsPerTaskManager: 4, configuration: { "jobmanager.scheduler": "adaptive" } });
        const stack = new JobStack(`rescale-a-${tag}`, adaptive.restUrl);
        const out = outDirFor(adaptive.workDir, "a");
        await stack.init();
        await stack.setJobs({ counter: counterJob(line, "counter-ra", out, [], { parallelism: 1, ...CHECKPOINTING }) });
        await stack.upOk();
        const v1 = await stack.job("counter");
        const before = await countAbove(out, 40);

        await stack.setJobs({ counter: counterJob(line, "counter-ra", out, [], { parallelism: 2, ...CHECKPOINTING }) });
        const preview = await stack.project.ok(["preview"]);
        expect(preview.output).toContain("counter-ra: in-place rescale (changed: parallelism 1 -> 2) - keeps state and job id");
        const meter = gapMeter(out);
        const started = Date.now();
        const up = await stack.upOk();
        const upMs = Date.now() - started;
        const after = await countAbove(out, before.count + 40);
        const gap = meter.stop();
        console.log(`Flink ${version} in-place rescale: up took ${upMs} ms, longest pause of the count ${gap} ms`);
        expect(up.output).toMatch(/rescaled in place to parallelism 2 in [\d.]+ s: same job/);
        const v2 = await stack.job("counter");
        expect(v2.jobId).toBe(v1.jobId);
        expect(v2.generation).toBe(v1.generation);
        expect((await counterVertex(stack, v2.jobId))?.parallelism).toBe(2);
        // The source is pinned to 1 in the program: the plan keeps it there, as a redeploy would.
        expect((await stack.client.job(v2.jobId)).vertices.find((v) => v.name.includes("sequence"))?.parallelism).toBe(1);
        expect(after.count).toBe(after.seq + 1); // restored from the checkpoint: nothing lost, nothing counted twice
        expect(await stack.active("counter-ra")).toHaveLength(1);
        await stack.destroy();
    });

    test('adaptive scheduler, upgrade.rescale "redeploy": preview says why not in place; up is a savepoint-and-redeploy at parallelism 2 and the count continues', async () => {
        if (!adaptive) throw new Error("the adaptive cluster of the first test did not start");
        const stack = new JobStack(`rescale-r-${tag}`, adaptive.restUrl);
        const out = outDirFor(adaptive.workDir, "r");
        const job = (parallelism: number) =>
            counterJob(line, "counter-rr", out, [], { parallelism, upgrade: { mode: "savepoint", rescale: "redeploy" }, ...CHECKPOINTING });
        await stack.init();
        await stack.setJobs({ counter: job(1) });
        await stack.upOk();
        const v1 = await stack.job("counter");
        const before = await countAbove(out, 40);

        await stack.setJobs({ counter: job(2) });
        const preview = await stack.project.ok(["preview"]);
        expect(preview.output).toContain(
            'counter-rr: savepoint-and-redeploy (changed: parallelism) - keeps state: stopped with a savepoint, the new version restores from it; not an in-place rescale: upgrade.rescale is "redeploy"',
        );
        const up = await stack.upOk();
        expect(up.output).not.toContain("rescaled in place");
        const after = await countAbove(out, before.count + 40);
        const v2 = await stack.job("counter");
        expect(v2.jobId).not.toBe(v1.jobId);
        expect(v2.restoredFrom).toMatch(/savepoint-/);
        expect((await counterVertex(stack, v2.jobId))?.parallelism).toBe(2);
        expect(after.count).toBe(after.seq + 1);
        expect(await stack.active("counter-rr")).toHaveLength(1);
        await stack.destroy();
    });

    test("adaptive scheduler, a job that takes no checkpoints: the preview says an in-place rescale would drop its state", async () => {
        if (!adaptive) throw new Error("the adaptive cluster of the previous test did not start");
        const stack = new JobStack(`rescale-n-${tag}`, adaptive.restUrl);
        const out = outDirFor(adaptive.workDir, "n");
        await stack.init();
        await stack.setJobs({ counter: counterJob(line, "counter-rn", out, [], { parallelism: 1 }) });
        await stack.upOk();
        await stack.setJobs({ counter: counterJob(line, "counter-rn", out, [], { parallelism: 2 }) });
        const preview = await stack.project.ok(["preview"]);
        expect(preview.output).toContain(
            "counter-rn: savepoint-and-redeploy (changed: parallelism) - keeps state: stopped with a savepoint, the new version restores from it; not an in-place rescale: the job takes no checkpoints",
        );
        await stack.destroy();
    });

    test("default scheduler: preview says why not; up does savepoint-and-redeploy and the count continues", async () => {
        plain = await startCluster(line, portBlock(2084 + index), { slotsPerTaskManager: 4 });
        const stack = new JobStack(`rescale-d-${tag}`, plain.restUrl);
        const out = outDirFor(plain.workDir, "d");
        await stack.init();
        await stack.setJobs({ counter: counterJob(line, "counter-rd", out, [], { parallelism: 1, ...CHECKPOINTING }) });
        await stack.upOk();
        const v1 = await stack.job("counter");
        const before = await countAbove(out, 40);

        await stack.setJobs({ counter: counterJob(line, "counter-rd", out, [], { parallelism: 2, ...CHECKPOINTING }) });
        const preview = await stack.project.ok(["preview"]);
        expect(preview.output).toContain(
            "counter-rd: savepoint-and-redeploy (changed: parallelism) - keeps state: stopped with a savepoint, the new version restores from it; not an in-place rescale: the cluster runs the default scheduler",
        );
        const meter = gapMeter(out);
        const started = Date.now();
        await stack.upOk();
        const upMs = Date.now() - started;
        const after = await countAbove(out, before.count + 40);
        const gap = meter.stop();
        console.log(`Flink ${version} savepoint-and-redeploy: up took ${upMs} ms, longest pause of the count ${gap} ms`);
        const v2 = await stack.job("counter");
        expect(v2.jobId).not.toBe(v1.jobId);
        expect(v2.restoredFrom).toMatch(/savepoint-/);
        expect((await counterVertex(stack, v2.jobId))?.parallelism).toBe(2);
        expect(after.count).toBe(after.seq + 1);
        expect(await stack.active("counter-rd")).toHaveLength(1);
        await stack.destroy();
    });
});
