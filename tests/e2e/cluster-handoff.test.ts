/**
 * Adding a library to a running local SessionCluster through the real pulumi CLI on real Flink
 * (every line of the test bed): the preview says the job restarts with its state kept and which
 * job the cluster stops with a savepoint; `up` stops it with a savepoint, restarts the cluster
 * with the jar on its classpath, and the job restores from that savepoint (one copy, the count
 * continues). The library is a real connector resolved from the Maven repository.
 */
import * as fs from "fs";
import { javaProcessesOf } from "../support/cluster";
import * as os from "os";
import * as path from "path";
import { localLayout } from "../../provider/local/layout";
import { clusterProcesses } from "../../provider/local/processes";
import { readCounter } from "../support/counter";
import { counterJob, countAbove, JobOutputs, JobStack, outDirFor } from "../support/jobs";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(20 * 60_000);

/** A small real library per Flink major: the JDBC connector built for it. */
const JDBC: Record<string, { maven: string; jar: RegExp }> = {
    "1": { maven: "org.apache.flink:flink-connector-jdbc:3.3.0-1.20", jar: /^flink-connector-jdbc-3\.3\.0-1\.20\.jar$/ },
    "2": { maven: "org.apache.flink:flink-connector-jdbc-postgres:4.0.0-2.0", jar: /^flink-connector-jdbc-postgres-4\.0\.0-2\.0\.jar$/ },
};

const program = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const home = new flink.FlinkHome("home", { version: cfg.require("flinkVersion"), defaultConfig: { "parallelism.default": 1 } });
const cluster = new flink.SessionCluster("cluster", {
    target: "local",
    home,
    workDir: cfg.require("workDir"),
    restPort: cfg.requireNumber("restPort"),
    rpcPort: cfg.requireNumber("rpcPort"),
    taskManagerMemory: "1024m",
    slotsPerTaskManager: 4,
    libraries: JSON.parse(cfg.get("libraries") || "[]"),
});
const job = new flink.FlinkJob("counter", { cluster, ...JSON.parse(cfg.require("job")) });
exports.counter = { jobId: job.jobId, state: job.state, generation: job.generation, lastSavepoint: job.lastSavepoint, restoredFrom: job.restoredFrom };
exports.handoff = cluster.handoff;
`;

const javaProcesses = javaProcessesOf;

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))(
    "a library added to a running local cluster on Flink %s (real pulumi CLI)",
    (version, line, index) => {
        const rest = portBlock(1850 + index * 10);
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pf-e2e-handoff-${version}-`));
        const name = `handoff-${version.replace(/\./g, "-")}`;
        const library = JDBC[version.split(".")[0]];
        const stack = new JobStack(name, `http://localhost:${rest}`, {}, program);

        afterAll(async () => {
            await stack.destroy();
            for (const pid of javaProcesses(workDir)) process.kill(Number(pid), "SIGKILL");
        });

        test("preview says the job restarts keeping its state; up hands it over and it counts on from its savepoint", async () => {
            const out = outDirFor(workDir, "counter");
            await stack.project.init();
            for (const [k, v] of Object.entries({
                flinkVersion: version,
                workDir,
                restPort: String(rest),
                rpcPort: String(rest + 1),
                libraries: "[]",
                job: JSON.stringify(counterJob(line, name, out)),
            }))
                await stack.project.ok(["config", "set", k, v]);
            await stack.upOk();
            const v1 = (await stack.project.outputs()).counter as JobOutputs;
            expect(v1).toMatchObject({ state: "RUNNING", generation: 1, restoredFrom: "" });
            const pidsBefore = javaProcesses(workDir);
            expect(pidsBefore).toHaveLength(2);
            // Far enough that a job started again from empty state could not reach it in the few seconds `up` takes.
            await countAbove(out, 150, undefined, 90_000);

            await stack.project.ok(["config", "set", "libraries", JSON.stringify([{ maven: library.maven }])]);
            const preview = await stack.project.ok(["preview"]);
            expect(preview.output).toContain(`${name}: savepoint-and-redeploy (changed: cluster libraries) - keeps state`);
            expect(preview.output).toContain(
                `stops 1 job(s) with a savepoint, then restarts the local cluster; the jobs restore from those savepoints: ${name} (RUNNING)`,
            );

            const before = readCounter(out)!;
            const started = Date.now();
            const up = await stack.upOk();
            const first = readCounter(out)!; // the restored job's first counts (the gate waited 2 s)
            console.log(`[${version}] up with the new library took ${Math.round((Date.now() - started) / 1000)} s`);
            expect(up.output).toMatch(/stopped 1 job\(s\) with a savepoint for the restart/);
            expect(up.output).toMatch(/restoring from savepoint savepoint-[0-9a-f-]+ taken by the cluster restart for libraries, \d+ s ago/);

            const outs = await stack.project.outputs();
            const v2 = outs.counter as JobOutputs;
            const handoff = (outs.handoff as Record<string, { path: string; jobId: string; reason: string }>)[name];
            expect(handoff).toMatchObject({ jobId: v1.jobId, reason: "libraries" });
            expect(handoff.path).toContain(`${localLayout(workDir).savepointDir}/${name}-`);
            expect(v2).toMatchObject({ state: "RUNNING", generation: 2, restoredFrom: handoff.path, lastSavepoint: handoff.path });

            // Flink itself says the new job restored from the handoff savepoint.
            const restored = (await stack.client.checkpoints(v2.jobId)).latest.restored;
            expect(restored?.is_savepoint).toBe(true);
            expect(restored?.external_path.replace(/^file:(\/\/)?/, "")).toBe(handoff.path.replace(/^file:(\/\/)?/, ""));
            // The count continues from the savepoint: nothing lost, nothing counted twice, exactly one copy.
            const after = await countAbove(out, first.count + 20);
            console.log(
                `[${version}] count read before up ${before.count}, first read after up ${first.count} (seq ${first.seq}), later ${after.count} (seq ${after.seq})`,
            );
            expect(first.count).toBeGreaterThan(before.count);
            expect(first.count).toBe(first.seq + 1);
            expect(after.count).toBe(after.seq + 1);
            expect((await stack.active(name)).map((j) => j.jid)).toEqual([v2.jobId]);

            // New processes, all with the library on their classpath (from the cluster's own lib folder).
            const pidsAfter = javaProcesses(workDir);
            expect(pidsAfter).toHaveLength(2);
            expect(pidsAfter.some((p) => pidsBefore.includes(p))).toBe(false);
            const jar = fs.readdirSync(localLayout(workDir).libDir).find((f) => library.jar.test(f));
            expect(jar).toBeDefined();
            for (const p of clusterProcesses(localLayout(workDir)))
                expect(fs.readFileSync(`/proc/${p.pid}/cmdline`, "utf8")).toContain(path.join(localLayout(workDir).libDir, jar!));

            // Nothing left to do: the handoff output is no change of the job.
            const again = await stack.project.run(["preview", "--expect-no-changes"]);
            expect(again.code).toBe(0);
        });
    },
);
