"use strict";
/**
 * Part "rescale": the service gap of a parallelism-only change done in place (Flink's adaptive
 * scheduler, same job id) against a savepoint-and-redeploy of the same change, on one cluster
 * with `jobmanager.scheduler: adaptive` (as tests/e2e/job-rescale.test.ts). Two counter jobs in
 * one stack, both checkpointing every second (the adaptive scheduler restarts a rescaled job
 * from its latest checkpoint): `bench-rescale` changes only `parallelism` (the provider rescales
 * it in place); `bench-redeploy` changes `parallelism` and its `--tag` argument, which makes the
 * same parallelism change a savepoint-and-redeploy. Parallelism alternates 1 -> 2 -> 1 ...; the
 * two runs alternate in order. Both are measured by the same observer (serviceGap).
 */
const { Observer, serviceGap, spacing, sleep } = require("./observer");
const { startCluster, Rest } = require("./flink");
const { Project } = require("./pulumi");

const CHECKPOINTING = { "execution.checkpointing.interval": "1s" };

/**
 * @param ctx { line, workspace, pulumiBin, log, jobArgs(name, tag) }
 * @param cfg { restPort, pollMs, reps, warmups }
 */
async function benchRescale(ctx, cfg) {
    const { line, log } = ctx;
    log(`rescale: starting a local Flink ${line.version} cluster with the adaptive scheduler on port ${cfg.restPort}`);
    const cluster = await startCluster(line, cfg.restPort, {
        taskManagers: 1,
        slotsPerTaskManager: 6,
        taskManagerMemory: "1536m",
        jobManagerMemory: "1280m",
        configuration: { "jobmanager.scheduler": "adaptive" },
    });
    const observer = new Observer(cluster.restUrl, cfg.pollMs);
    const rest = new Rest(cluster.restUrl);
    const project = new Project(ctx.workspace, "rescale", ctx.pulumiBin);
    const job = (name, parallelism, tag) => ({
        name,
        jar: { path: line.testJobJar },
        args: ctx.jobArgs(name, tag),
        parallelism,
        configuration: CHECKPOINTING,
        health: { stableSeconds: 0 },
        onDelete: "cancel",
    });
    const res = { rescale: [], redeploy: [] };
    try {
        await project.init(cluster.restUrl);
        const jobs = { inplace: job("bench-rescale", 1, "v0"), redeploy: job("bench-redeploy", 1, "v0") };
        await project.setJobs(jobs);
        await project.up();
        await sleep(4000); // a first checkpoint, which the adaptive scheduler restarts from
        const total = cfg.warmups + cfg.reps;
        for (let i = 0; i < total; i++) {
            const p = i % 2 === 0 ? 2 : 1;
            const steps = [
                ["rescale", "inplace", (j) => ({ ...j, parallelism: p })],
                ["redeploy", "redeploy", (j) => ({ ...j, parallelism: p, args: ctx.jobArgs(j.name, `v${i + 1}`) })],
            ];
            for (const [kind, key, change] of i % 2 === 0 ? steps : steps.reverse()) {
                const name = jobs[key].name;
                const old = (await rest.jobs()).find((j) => j.name === name && j.state === "RUNNING");
                if (!old) throw new Error(`rescale: no RUNNING job named ${name}`);
                jobs[key] = change(jobs[key]);
                await project.setJobs(jobs);
                const rec = await observer.record(
                    (j) => j.name === name,
                    () => project.up(),
                );
                const g = serviceGap(rec.samples, name, old.tasks.total);
                if (!g.ok) throw new Error(`rescale: ${kind} #${i} to parallelism ${p}: the job was not seen running all tasks at the new parallelism`);
                const sameJob = g.jid === old.jid;
                if ((kind === "rescale") !== sameJob) throw new Error(`rescale: ${kind} #${i}: ${sameJob ? "same" : "new"} job id, not what a ${kind} does`);
                res[kind].push({
                    i,
                    warmup: i < cfg.warmups,
                    to: p,
                    gapMs: g.gapMs,
                    upMs: rec.result.ms,
                    spacing: spacing(rec.samples),
                    cpuShare: rec.cpuShare,
                });
                log(
                    `rescale: ${kind} #${i}${i < cfg.warmups ? " (warm-up)" : ""} to ${p}: gap ${(g.gapMs / 1000).toFixed(2)} s, up ${(rec.result.ms / 1000).toFixed(2)} s`,
                );
                await sleep(3000); // a checkpoint at the new parallelism before the next change
            }
        }
        await project.destroy();
    } finally {
        await cluster.stop();
    }
    return res;
}

module.exports = { benchRescale };
