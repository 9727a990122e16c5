/**
 * Restoring from a chosen savepoint, and moving a job between clusters with its state, through the
 * real pulumi CLI on two real local clusters of the newest Flink line (the feature is not per line):
 * (1) a job created on cluster B with `restoreFrom` = a savepoint taken of an earlier job on A
 * resumes the count at that savepoint; (2) changing the job's cluster from B to A stops it with a
 * savepoint on B and starts it on A from there: both clusters are polled every ~50 ms through the
 * move, never two copies run, and the count continues on A.
 */
import { createFlinkClient, FlinkClient, isActive } from "../../provider/flink";
import { startCluster, RunningCluster } from "../support/cluster";
import { CounterLine, readCounter, waitFor } from "../support/counter";
import { counterJob, countAbove, JobStack, outDirFor } from "../support/jobs";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

const line = flinkLines().at(-1)!;
const NAME = "move-counter";
const RATE = 20;
/** Stops of the watchers a test started: run after each test, so a failed one leaves no poll loop behind. */
const watchers: (() => unknown)[] = [];
afterEach(async () => {
    for (const stop of watchers.splice(0)) await stop();
});

/** Two remote SessionClusters (the local clusters started below); config `on` picks the job's. */
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const clusters = {
    a: new flink.SessionCluster("a", { target: "remote", restUrl: cfg.require("restA") }),
    b: new flink.SessionCluster("b", { target: "remote", restUrl: cfg.require("restB") }),
};
const jobs = JSON.parse(cfg.get("jobs") || "{}");
for (const [resource, { on, ...args }] of Object.entries(jobs)) {
    const job = new flink.FlinkJob(resource, { cluster: clusters[on], ...args });
    exports[resource] = { jobId: job.jobId, state: job.state, generation: job.generation, lastSavepoint: job.lastSavepoint, restoredFrom: job.restoredFrom };
}
`;

/**
 * The first counter line a new job writes (polled every 20 ms; at 20 records/s its first or second
 * record): the count it resumed at; with `tag`, the first line of that tag, and the last line before it.
 */
function watchFirstCount(outDir: string, stale: CounterLine | undefined, tag?: string): { stop(): { first?: CounterLine; lastBefore?: CounterLine } } {
    let first: CounterLine | undefined;
    let lastBefore: CounterLine | undefined;
    const timer = setInterval(() => {
        const c = readCounter(outDir);
        if (first || !c) return;
        const isNew = tag ? c.tag === tag : !stale || c.seq !== stale.seq || c.attempt !== stale.attempt;
        if (isNew) first = c;
        else lastBefore = c;
    }, 20);
    watchers.push(() => clearInterval(timer));
    return { stop: () => (clearInterval(timer), { first, lastBefore }) };
}

/**
 * Poll both clusters every ~50 ms: the destination first, then the source. Read in that order, a
 * copy seen on both means two ran at once (the destination's copy starts only after the source's ended).
 */
function watchCopies(to: FlinkClient, from: FlinkClient): { stop(): Promise<{ polls: number; maxAtOnce: number; sawOn: Set<string> }> } {
    let polls = 0;
    let maxAtOnce = 0;
    const sawOn = new Set<string>();
    let running = true;
    const count = async (c: FlinkClient) => (await c.jobsOverview()).filter((j) => j.name === NAME && isActive(j.state)).length;
    const loop = (async () => {
        while (running) {
            const onTo = await count(to).catch(() => 0);
            const onFrom = await count(from).catch(() => 0);
            polls++;
            if (onTo) sawOn.add("to");
            if (onFrom) sawOn.add("from");
            maxAtOnce = Math.max(maxAtOnce, onTo + onFrom);
            await new Promise((r) => setTimeout(r, 50));
        }
    })();
    watchers.push(() => ((running = false), loop));
    return {
        stop: async () => {
            running = false;
            await loop;
            return { polls, maxAtOnce, sawOn };
        },
    };
}

describe(`FlinkJob restoreFrom and moves between clusters on Flink ${line.version} (real pulumi CLI, two local clusters)`, () => {
    let a: RunningCluster;
    let b: RunningCluster;
    let stack: JobStack;
    let out: string;
    beforeAll(async () => {
        a = await startCluster(line, portBlock(1320), { taskManagers: 1, slotsPerTaskManager: 2 });
        b = await startCluster(line, portBlock(1330), { taskManagers: 1, slotsPerTaskManager: 2 });
        out = outDirFor(a.workDir, "move");
        stack = new JobStack("job-move", a.restUrl, {}, PROGRAM);
        await stack.project.init();
        await stack.project.ok(["config", "set", "restA", a.restUrl]);
        await stack.project.ok(["config", "set", "restB", b.restUrl]);
    });
    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
        await a?.stop();
        await b?.stop();
    });

    test("(1) a job created with restoreFrom = an earlier job's savepoint resumes that savepoint's count", async () => {
        const job = (more: Record<string, unknown>) => ({ on: "a", ...counterJob(line, NAME, out), ...more });
        await stack.setJobs({ counter: job({ onDelete: "cancel" }) });
        await stack.upOk();
        const earlier = await stack.job("counter");
        const clientA = createFlinkClient({ baseUrl: a.restUrl });
        const before = await countAbove(out, 2 * RATE);
        const trigger = await clientA.triggerSavepoint(earlier.jobId, { targetDirectory: `file://${a.workDir}/chosen` });
        const savepoint = await clientA.waitForSavepoint(earlier.jobId, trigger, { timeoutMs: 60_000 });
        const after = readCounter(out)!;
        // The earlier job runs on past its savepoint, then is deleted (cancelled: no newer savepoint).
        const stale = await countAbove(out, after.count + 3 * RATE);
        await stack.setJobs({});
        const deleted = await stack.upOk();
        expect(deleted.output).toContain(`cancelled job ${earlier.jobId} (onDelete: cancel; state dropped)`);
        await waitFor("the earlier job to end", async () => ((await stack.active(NAME)).length === 0 ? true : undefined), 30_000);

        await stack.setJobs({ counter: job({ on: "b", restoreFrom: { savepointPath: savepoint } }) });
        const preview = await stack.project.ok(["preview"]);
        expect(preview.output).toMatch(new RegExp(`${NAME}: create - restores from ${savepoint.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, taken \\d+ s ago`));
        const watch = watchFirstCount(out, readCounter(out));
        await stack.upOk();
        const created = await stack.job("counter");
        expect(created.restoredFrom).toBe(savepoint);
        expect((await createFlinkClient({ baseUrl: b.restUrl }).checkpoints(created.jobId)).latest.restored?.external_path).toBe(savepoint);
        await countAbove(out, after.count + RATE);
        const first = watch.stop().first!;
        console.log(
            `[job-move 1] savepoint taken between counts ${before.count} and ${after.count}; the earlier job counted on to ${stale.count}; the new job's first count seen ${first.count}`,
        );
        // Resumes at the chosen savepoint: above its count before the trigger, below the earlier job's last count.
        expect(first.count).toBeGreaterThan(before.count);
        expect(first.count).toBeLessThanOrEqual(after.count + RATE / 2);
        expect(first.count).toBeLessThan(stale.count);
    });

    test("(2) moving the job from cluster B to cluster A keeps its count, and never two copies run", async () => {
        const current = await stack.job("counter");
        // The moved job writes tag "moved" (a changed argument: the move also redeploys a new version).
        const job = (on: string, tag: string[]) => ({
            on,
            ...counterJob(line, NAME, out, tag),
            onDelete: "cancel",
            restoreFrom: { savepointPath: current.restoredFrom },
        });
        await countAbove(out, readCounter(out)!.count + RATE);
        await stack.setJobs({ counter: job("a", ["--tag", "moved"]) });
        const preview = await stack.project.ok(["preview"]);
        expect(preview.output).toContain(`${NAME}: move (changed: cluster.restUrl, args) - moves from ${b.restUrl} to ${a.restUrl} with its state`);

        const copies = watchCopies(createFlinkClient({ baseUrl: a.restUrl }), createFlinkClient({ baseUrl: b.restUrl }));
        const beforeMove = readCounter(out)!;
        const watch = watchFirstCount(out, beforeMove, "moved");
        const t0 = Date.now();
        const up = await stack.upOk();
        const moved = await stack.job("counter");
        await countAbove(out, beforeMove.count + RATE, "moved");
        const seen = await copies.stop();
        const { first, lastBefore } = watch.stop();
        console.log(
            `[job-move 2] move took ${Date.now() - t0} ms; ${seen.polls} polls of both clusters, at most ${seen.maxAtOnce} copies at once; count before ${beforeMove.count}, last seen on B ${lastBefore?.count}, first on A ${first?.count}`,
        );
        expect(up.output).toMatch(/taking a savepoint of job [0-9a-f]{32} into /);
        expect(seen.maxAtOnce).toBe(1);
        expect([...seen.sawOn].sort()).toEqual(["from", "to"]);
        expect(seen.polls).toBeGreaterThan(20);
        expect(moved.restoredFrom).toMatch(/savepoint-/);
        expect(moved.restoredFrom).not.toBe(current.restoredFrom); // the move's own stop savepoint, not restoreFrom
        expect((await createFlinkClient({ baseUrl: a.restUrl }).checkpoints(moved.jobId)).latest.restored?.external_path).toBe(moved.restoredFrom);
        expect((await stack.active(NAME)).map((j) => j.jid)).toEqual([moved.jobId]);
        expect((await createFlinkClient({ baseUrl: b.restUrl }).jobsOverview()).filter((j) => j.name === NAME && isActive(j.state))).toEqual([]);
        // The count continues: the first count seen on A follows the last one seen on B (stopped with a savepoint: no reset,
        // no replay), within the half second of lines a 20 ms poll of the file can miss on a busy machine.
        expect(first!.count).toBeGreaterThan(lastBefore!.count);
        expect(first!.count).toBeLessThanOrEqual(lastBefore!.count + RATE / 2);
        await waitFor("the counter to move on", () => (readCounter(out)!.count > first!.count ? true : undefined));
    });

    test("(3) the CLI killed (kill -9) right after the stop on the old cluster: the next up finishes the move from that savepoint", async () => {
        const before = await stack.job("counter");
        await stack.setJobs({ counter: { on: "b", ...counterJob(line, NAME, out, ["--tag", "back"]), onDelete: "cancel" } });
        const onB = async () => (await createFlinkClient({ baseUrl: b.restUrl }).jobsOverview()).filter((j) => j.name === NAME && isActive(j.state));
        const copies = watchCopies(createFlinkClient({ baseUrl: b.restUrl }), createFlinkClient({ baseUrl: a.restUrl }));
        const watch = watchFirstCount(out, readCounter(out), "back");
        stack.project.env.PULUMI_FLINK_FAULT = "after-stop";
        const killed = await stack.up();
        delete stack.project.env.PULUMI_FLINK_FAULT;
        expect(killed.code).not.toBe(0);
        expect(killed.output).toContain("fault injection: killing the pulumi CLI and the provider host at after-stop");
        // Killed between the stop on A and the submit on B: nothing of the job runs anywhere.
        expect(await stack.active(NAME)).toEqual([]);
        expect(await onB()).toEqual([]);
        // Flink caches checkpoint statistics (3 s by default): just after the stop they may not list it yet.
        const stop = await waitFor(
            "the stop savepoint in A's checkpoint statistics",
            async () => (await createFlinkClient({ baseUrl: a.restUrl }).checkpoints(before.jobId)).latest.savepoint?.external_path || undefined,
            15_000,
        );
        expect(stop).toMatch(/savepoint-/);

        await stack.project.run(["cancel", "--yes"]); // a killed CLI may leave the stack locked
        const next = await stack.upOk();
        const moved = await stack.job("counter");
        await countAbove(out, 0, "back");
        const seen = await copies.stop();
        const { first, lastBefore } = watch.stop();
        console.log(
            `[job-move 3] killed after the stop on A; the next up restored ${moved.restoredFrom} on B; ${seen.polls} polls, at most ${seen.maxAtOnce} copies at once; last on A ${lastBefore?.count}, first on B ${first?.count}`,
        );
        expect(next.output).toContain(`was stopped with a savepoint; restoring from savepoint`);
        expect(moved.restoredFrom).toBe(stop);
        expect(seen.maxAtOnce).toBe(1);
        expect((await onB()).map((j) => j.jid)).toEqual([moved.jobId]);
        expect(first!.count).toBeGreaterThan(lastBefore!.count);
        expect(first!.count).toBeLessThanOrEqual(lastBefore!.count + RATE / 2);
    });
});
