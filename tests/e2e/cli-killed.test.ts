/**
 * Only the pulumi CLI is killed (kill -9, not its plugin hosts) at random moments of an upgrade,
 * through the real CLI and provider host on real Flink (the newest line of the test bed):
 * within 10 s no provider host of that run is alive, no job appears afterwards that the next `up`
 * did not submit, and the next `up` converges to one job with the count continued.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import { descendantsOf as descendants } from "../../provider/deploy/fault";
import { RunningCluster, startCluster } from "../support/cluster";
import { readCounter, waitFor } from "../support/counter";
import { counterJob, countAbove, JobStack, outDirFor } from "../support/jobs";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(30 * 60_000);

/** Moments of an upgrade, by the provider's own progress lines; each kill lands a random 0-400 ms after one. */
const MOMENTS = ["taking a savepoint of job", "stopping job", "submitting generation", "watching it for"];
/** Ten kills (issue 16's acceptance), cycling through the moments so each is hit two or three times. */
const ROUNDS = Array.from({ length: 10 }, (_, i) => [i + 1, MOMENTS[i % MOMENTS.length]] as const);

function cmdline(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    } catch {
        return "";
    }
}

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`) && !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const line = flinkLines()[flinkLines().length - 1];

describe(`the pulumi CLI killed mid-upgrade, ${ROUNDS.length} times at random moments (Flink ${line.version}, real CLI and provider host)`, () => {
    let cluster: RunningCluster;
    let stack: JobStack;
    let out: string;
    const name = "cli-killed";

    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(1960), { taskManagers: 1, slotsPerTaskManager: 8 });
        stack = new JobStack(`cli-killed-${line.version.replace(/\./g, "-")}`, cluster.restUrl);
        out = outDirFor(cluster.workDir, "k");
        await stack.init();
        await stack.setJobs({ counter: counterJob(line, name, out) });
        await stack.upOk();
    });
    afterAll(async () => {
        await stack?.destroy();
        await cluster?.stop();
    });

    test.each(ROUNDS)(
        "kill %i (just after %s): hosts gone within 10 s, no stray job, the next up converges with the count continued",
        async (round, moment) => {
            const before = await countAbove(out, 0);
            await stack.setJobs({ counter: counterJob(line, name, out, ["--tag", `r${round}`]) });
            const cli = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
                cwd: stack.project.dir,
                env: stack.project.env,
                stdio: ["ignore", "pipe", "pipe"],
            });
            const ended = new Promise<void>((resolve) => cli.on("close", () => resolve()));
            let output = "";
            cli.stdout.on("data", (d: Buffer) => (output += d));
            cli.stderr.on("data", (d: Buffer) => (output += d));
            await waitFor(`"${moment}" in the provider's progress`, () => output.includes(moment) || undefined, 120_000, 20);
            await sleep(Math.floor(Math.random() * 400));
            const hosts = descendants(cli.pid!).filter((pid) => /dynamic-provider/.test(cmdline(pid)));
            expect(hosts.length).toBeGreaterThan(0);
            process.kill(cli.pid!, "SIGKILL");
            await ended;
            const killedAt = Date.now();
            await waitFor("every provider host of the killed run to exit", () => hosts.every((pid) => !alive(pid)) || undefined, 10_000, 100);
            const exitedAfterMs = Date.now() - killedAt;
            expect(exitedAfterMs).toBeLessThanOrEqual(10_000);

            // Whatever the killed run did is done now: remember the jobs Flink has, and wait a little.
            const seen = new Set((await stack.client.jobsOverview()).map((j) => j.jid));
            await sleep(3_000);
            const stray = (await stack.client.jobsOverview()).filter((j) => !seen.has(j.jid));
            expect(stray).toEqual([]);

            await stack.project.run(["cancel", "--yes"]); // a killed CLI may leave the stack locked
            const next = await stack.upOk();
            const submittedByNext = (await stack.client.jobsOverview()).filter((j) => !seen.has(j.jid)).map((j) => j.jid);
            const active = await stack.active(name);
            expect(active.map((j) => j.state)).toEqual(["RUNNING"]);
            const outputs = await stack.job("counter");
            expect(outputs.jobId).toBe(active[0].jid);
            // A new job after the kill is only ever the next up's own submission.
            for (const jid of submittedByNext) expect(next.output).toContain(jid);
            const after = await countAbove(out, before.count, `r${round}`);
            expect(after.count).toBe(after.seq + 1); // the count continued: state kept across the kill
            process.stdout.write(`kill ${round}: provider hosts gone ${exitedAfterMs} ms after the kill; count ${before.count} -> ${after.count}\n`);
            expect(readCounter(out)?.tag).toBe(`r${round}`);
        },
    );
});
