"use strict";
/**
 * Part "rescale": the service gap of a parallelism-only change done in place (Flink's adaptive
 * scheduler, same job id) against a savepoint-and-redeploy of the same change, on one cluster
 * with `jobmanager.scheduler: adaptive` (as tests/e2e/job-rescale.test.ts). Two counter jobs in
 * one stack, both checkpointing every second (the adaptive scheduler restarts a rescaled job
 * from its latest checkpoint): `bench-rescale` changes only `parallelism` (the provider rescales
 * it in place); `bench-redeploy` changes `parallelism` and its `--tag` argument, which makes the
 * same parallelism change a savepoint-and-redeploy. Parallelism alternates 1 -> 2 -> 1 ...; the
 * two runs alternate in order. Both are measured by the same observer (serviceGap) and by the
 * same watch of their output (outputGaps): the jobs run at `cfg.rate` records per second, so a
 * gap in what they write shows within a few milliseconds.
 */
const path = require("path");
const { Observer, OutputWatch, outputGaps, serviceGap, spacing, sleep } = require("./observer");
const { startCluster, Rest } = require("./flink");
const { Project } = require("./pulumi");

// Checkpoints every second (the adaptive scheduler restarts a rescaled job from its latest one);
// network buffers flushed after every record (Flink's default waits up to 100 ms), so the output
// watch sees each record when it is processed.
const CHECKPOINTING = { "execution.checkpointing.interval": "1s", "execution.buffer-timeout.interval": "0 ms" };

/**
 * @param ctx { line, workspace, pulumiBin, log, jobArgs(name, tag) }
 * @param cfg { restPort, pollMs, outputPollMs, rate, reps, warmups }
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
    // The bench's args with this part's record rate; the counter writes OUT/count-0 per record.
    const args = (name, tag) => {
        const a = [...ctx.jobArgs(name, tag)];
        a[a.indexOf("--rate") + 1] = String(cfg.rate);
        return a;
    };
    const outputFile = (j) => path.join(j.args[j.args.indexOf("--out") + 1], "count-0");
    const job = (name, parallelism, tag) => ({
        name,
        jar: { path: line.testJobJar },
        args: args(name, tag),
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
                ["redeploy", "redeploy", (j) => ({ ...j, parallelism: p, args: args(j.name, `v${i + 1}`) })],
            ];
            for (const [kind, key, change] of i % 2 === 0 ? steps : steps.reverse()) {
                const name = jobs[key].name;
                const old = (await rest.jobs()).find((j) => j.name === name && j.state === "RUNNING");
                if (!old) throw new Error(`rescale: no RUNNING job named ${name}`);
                jobs[key] = change(jobs[key]);
                await project.setJobs(jobs);
                const watch = new OutputWatch(outputFile(jobs[key]), cfg.outputPollMs).start();
                let rec, g;
                try {
                    rec = await observer.record(
                        (j) => j.name === name,
                        () => project.up(),
                    );
                    g = serviceGap(rec.samples, name, old.tasks.total);
                    if (!g.ok) throw new Error(`rescale: ${kind} #${i} to parallelism ${p}: the job was not seen running all tasks at the new parallelism`);
                    await resumed(watch, g.up, `rescale: ${kind} #${i}`);
                } finally {
                    await watch.stop();
                }
                const out = outputGaps(watch.events);
                const sameJob = g.jid === old.jid;
                if ((kind === "rescale") !== sameJob) throw new Error(`rescale: ${kind} #${i}: ${sameJob ? "same" : "new"} job id, not what a ${kind} does`);
                res[kind].push({
                    i,
                    warmup: i < cfg.warmups,
                    to: p,
                    gapMs: g.gapMs,
                    output: out,
                    upMs: rec.result.ms,
                    spacing: spacing(rec.samples),
                    cpuShare: rec.cpuShare,
                });
                log(
                    `rescale: ${kind} #${i}${i < cfg.warmups ? " (warm-up)" : ""} to ${p}: gap ${(g.gapMs / 1000).toFixed(2)} s, output stalled ${(out.stallMs / 1000).toFixed(3)} s, no progress ${(out.progressMs / 1000).toFixed(3)} s (${out.replayed} records again), up ${(rec.result.ms / 1000).toFixed(2)} s`,
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

/**
 * Waits until the watched output shows progress after `upT` (a sequence number above every one
 * written before it), so the output gap around the change is closed inside the watch.
 */
async function resumed(watch, upT, what) {
    const deadline = Date.now() + 15000;
    for (;;) {
        const before = watch.events.filter((e) => e.t <= upT).reduce((m, e) => Math.max(m, e.seq), -1);
        if (watch.events.some((e) => e.t > upT && e.seq > before)) return;
        if (Date.now() > deadline) throw new Error(`${what}: the job wrote no new record within 15 s after it ran all tasks again`);
        await sleep(20);
    }
}

module.exports = { benchRescale };
