/**
 * Savepoint retention (issue 14, acceptance A) through the real pulumi CLI on real Flink, newest
 * line only: ten upgrades of one job with `upgrade.keepSavepoints: 3`. On disk afterwards: exactly
 * the kept savepoints (and the one the job restored from), every disposed one gone, a savepoint
 * pulumi-flink did not take untouched, one removed by hand dropped without a warning; the outputs
 * list the kept ones; the count continued.
 */
import * as fs from "fs";
import * as path from "path";
import { RunningCluster, startCluster } from "../support/cluster";
import { counterJob, countAbove, JOBS_PROGRAM, JobStack, outDirFor } from "../support/jobs";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(10 * 60_000);

/** JOBS_PROGRAM that also exports each job's `savepoints` output. */
const PROGRAM = JOBS_PROGRAM.replace("deployedAt: job.deployedAt }", "deployedAt: job.deployedAt, savepoints: job.savepoints }");

interface Listed {
    generation: number;
    path: string;
    takenAt: string;
    kind: string;
}

const line = flinkLines().at(-1)!;

describe(`savepoint retention on Flink ${line.version} (real pulumi CLI)`, () => {
    let cluster: RunningCluster;
    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(2100), { taskManagers: 1, slotsPerTaskManager: 4 });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("A: ten upgrades with keepSavepoints 3 leave exactly the kept savepoints on disk and in the outputs; delete keeps its final one", async () => {
        expect(PROGRAM).not.toBe(JOBS_PROGRAM);
        const dir = path.join(cluster.workDir, "sp-retention");
        // A savepoint of someone else in the same directory: never touched.
        const foreign = path.join(dir, "savepoint-000000-f0f0f0f0f0f0");
        fs.mkdirSync(foreign, { recursive: true });
        fs.writeFileSync(path.join(foreign, "_metadata"), "not ours");
        const onDisk = () =>
            fs
                .readdirSync(dir)
                .filter((e) => e.startsWith("savepoint-") && path.join(dir, e) !== foreign)
                .sort();
        const base = (p: string) => path.basename(p.replace(/^file:/, ""));

        const stack = new JobStack(`retention-${line.version.replace(/\./g, "-")}`, cluster.restUrl, {}, PROGRAM);
        const out = outDirFor(cluster.workDir, "retention");
        const job = (tag: string) =>
            counterJob(line, "counter-r", out, ["--tag", tag], { upgrade: { savepointDir: `file://${dir}`, keepSavepoints: 3 }, health: { stableSeconds: 0 } });
        await stack.init();
        await stack.setJobs({ counter: job("v0") });
        await stack.upOk();
        const disposed = new Set<string>(); // pulumi prints each progress line twice (live and in the summary)
        for (let i = 1; i <= 10; i++) {
            await countAbove(out, 0, `v${i - 1}`);
            if (i === 10) {
                // Someone removed the oldest listed savepoint by hand: its disposal finds nothing, no warning.
                const listed = ((await stack.project.outputs()).counter as { savepoints: Listed[] }).savepoints;
                fs.rmSync(listed[0].path.replace(/^file:/, ""), { recursive: true });
            }
            await stack.setJobs({ counter: job(`v${i}`) });
            const up = await stack.upOk();
            for (const m of up.output.matchAll(/disposed savepoint (\S+)/g)) disposed.add(m[1]);
            expect(up.output).not.toMatch(/could not dispose/);
        }
        const v10 = (await stack.project.outputs()).counter as { generation: number; restoredFrom: string; lastSavepoint: string; savepoints: Listed[] };
        expect(v10.generation).toBe(11);
        expect(v10.savepoints).toHaveLength(3);
        expect(v10.savepoints.map((s) => [s.generation, s.kind])).toEqual([
            [9, "stop"],
            [10, "probe"],
            [10, "stop"],
        ]);
        expect(v10.savepoints.map((s) => s.path)).toContain(v10.restoredFrom);
        // Ten upgrades took 20 savepoints; 17 were disposed through Flink and are gone from disk.
        expect(disposed.size).toBe(17);
        expect(onDisk()).toEqual(v10.savepoints.map((s) => base(s.path)).sort());
        expect(onDisk().filter((e) => [...disposed].some((d) => base(d) === e))).toEqual([]);
        expect(fs.readFileSync(path.join(foreign, "_metadata"), "utf8")).toBe("not ours");

        // The count continued through ten restores: nothing lost, nothing counted twice.
        const before = await countAbove(out, 0, "v10");
        const after = await countAbove(out, before.count, "v10");
        expect(after.count).toBe(after.seq + 1);
        expect(await stack.active("counter-r")).toHaveLength(1);

        // onDelete: savepoint (the default) stops with a final savepoint, which retention never disposes.
        await stack.destroy();
        const left = onDisk();
        expect(left).toHaveLength(4);
        expect(left).toEqual(expect.arrayContaining(v10.savepoints.map((s) => base(s.path))));
        expect(await stack.active("counter-r")).toHaveLength(0);
    });
});
