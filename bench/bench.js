#!/usr/bin/env node
"use strict";
/**
 * pulumi-flink benchmarks (measurements, not tests). See bench/README.md.
 *
 *  1. downtime: downtime per savepoint-and-redeploy, `pulumi up` vs a minimal raw-REST script,
 *     interleaved, measured by one external observer polling GET /jobs/overview.
 *  2. fleet: wall time of one `pulumi up` changing 20 jobs, vs one changing a single job of the
 *     same stack, vs a sequential Flink CLI script (stop with savepoint, run -s) for 20 jobs.
 *
 * Environment: PULUMI_FLINK_TEST_LINES, PULUMI_BIN_DIR (source /tmp/testenv.sh or scripts/test.sh),
 * BENCH_WORKSPACE (prepared by bench/run.sh). Knobs: see CONFIG below.
 */
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execSync } = require("child_process");
const { Observer, downtime, spacing, transitions, sleep } = require("./lib/observer");
const { benchRescale } = require("./lib/rescale");
const { flinkLine, startCluster, Rest, rawRedeploy, FlinkCli } = require("./lib/flink");
const { Project } = require("./lib/pulumi");

const env = process.env;
const CONFIG = {
    flinkVersion: env.BENCH_FLINK_VERSION || "2.3.0",
    restPort: Number(env.BENCH_REST_PORT || 36081), // rpc = +1; both in 36000-36999
    parts: (env.BENCH_PARTS || "downtime,rescale,fleet").split(","),
    warmups: Number(env.BENCH_WARMUPS || 1), // per method, not counted
    redeploys: Number(env.BENCH_REDEPLOYS || 7), // per method, counted
    downtimePollMs: Number(env.BENCH_DOWNTIME_POLL_MS || 10),
    outputPollMs: Number(env.BENCH_OUTPUT_POLL_MS || 2), // part rescale: the watch of the jobs' output
    rescaleRate: env.BENCH_RESCALE_RATE || "200", // part rescale: records per second of its two jobs
    rawPollMs: Number(env.BENCH_RAW_POLL_MS || 10), // the raw-REST script's savepoint and RUNNING polls
    rescales: Number(env.BENCH_RESCALES || 5), // part rescale: changes per method, counted (plus 1 warm-up each)
    fleetSize: Number(env.BENCH_FLEET_SIZE || 20),
    fleetReps: Number(env.BENCH_FLEET_REPS || 3), // 20-job ups and single-job ups, interleaved
    wideReps: Number(env.BENCH_WIDE_REPS || 2), // 20-job ups with both concurrency limits raised
    oneLimitReps: Number(env.BENCH_ONE_LIMIT_REPS || 1), // 20-job ups with only one of them raised
    cliReps: Number(env.BENCH_CLI_REPS || 1),
    rawFleetReps: Number(env.BENCH_RAW_FLEET_REPS || 2), // 20 raw-REST redeploys at once (diagnostic floor)
    fleetPollMs: Number(env.BENCH_FLEET_POLL_MS || 100),
    rate: env.BENCH_RATE || "2",
    out: env.BENCH_OUT || fs.mkdtempSync(path.join(os.tmpdir(), "pf-bench-out-")),
};

const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 23)}]`, ...a);
const s = (ms) => (ms === undefined || ms === null || Number.isNaN(ms) ? "–" : (ms / 1000).toFixed(2));
function stats(xs) {
    const v = xs.filter((x) => typeof x === "number").sort((a, b) => a - b);
    if (!v.length) return { n: 0 };
    const mid = Math.floor(v.length / 2);
    const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    return { n: v.length, median, min: v[0], max: v[v.length - 1] };
}
const fmt = (st) => (st.n ? `${s(st.median)} s (${s(st.min)}–${s(st.max)}, n=${st.n})` : "–");

function readCounter(dir) {
    const f = path.join(dir, "count-0");
    if (!fs.existsSync(f)) return undefined;
    return Object.fromEntries(
        fs
            .readFileSync(f, "utf8")
            .trim()
            .split(/\s+/)
            .map((kv) => kv.split("=")),
    );
}

function outDir(name) {
    const d = path.join(CONFIG.out, "counter-out", name);
    fs.mkdirSync(d, { recursive: true });
    return d;
}

function jobArgs(name, tag) {
    return ["--out", outDir(name), "--rate", CONFIG.rate, "--name", name, "--tag", tag];
}

function pulumiJob(line, name, tag) {
    return { name, jar: { path: line.testJobJar }, args: jobArgs(name, tag), parallelism: 1, health: { stableSeconds: 0 }, onDelete: "cancel" };
}

async function runningJid(rest, name) {
    const j = (await rest.jobs()).find((x) => x.name === name && x.state === "RUNNING");
    if (!j) throw new Error(`no RUNNING job named ${name}`);
    return j.jid;
}

function machine() {
    const sh = (c) => {
        try {
            return execSync(c, { encoding: "utf8" }).trim();
        } catch {
            return "";
        }
    };
    return {
        cpus: os.cpus().length,
        load: os
            .loadavg()
            .map((x) => x.toFixed(2))
            .join(" "),
        memFreeGb: (os.freemem() / 2 ** 30).toFixed(1),
        memTotalGb: (os.totalmem() / 2 ** 30).toFixed(1),
        javaProcesses: sh("pgrep -c java || true"),
    };
}

/** Provider REST calls (PULUMI_FLINK_REST_LOG lines, timestamped by the observer) relative to `t0`. */
function providerTimeline(lines, oldJid, t0) {
    const at = (re) => lines.find((l) => re.test(l.line));
    const count = (re) => lines.filter((l) => re.test(l.line)).length;
    const stop = at(new RegExp(`^POST /jobs/${oldJid}/stop`));
    const spPolls = lines.filter((l) => new RegExp(`^GET /jobs/${oldJid}/savepoints/`).test(l.line));
    const run = at(/^POST \/jars\/.*\/run/);
    const probe = at(new RegExp(`^POST /jobs/${oldJid}/savepoints$`));
    return {
        probeSavepointPostedMs: probe ? probe.t - t0 : undefined,
        stopPostedMs: stop ? stop.t - t0 : undefined,
        lastSavepointPollMs: spPolls.length ? spPolls[spPolls.length - 1].t - t0 : undefined,
        runPostedMs: run ? run.t - t0 : undefined,
        savepointPolls: spPolls.length,
        jobStatePolls: count(new RegExp(`^GET /jobs/${oldJid}$`)),
        listJars: count(/^GET \/jars$/),
        overviewPolls: count(/^GET \/jobs\/overview$/),
        jmConfig: count(/^GET \/jobmanager\/config$/),
        total: lines.length,
    };
}

// ---------------------------------------------------------------------------------------------
// 1. Downtime per redeploy
// ---------------------------------------------------------------------------------------------
async function benchDowntime(ctx) {
    const { line, rest, cluster } = ctx;
    const observer = new Observer(cluster.restUrl, CONFIG.downtimePollMs);
    const rawName = "bench-raw";
    const pName = "bench-pulumi";
    const results = { pulumi: [], raw: [] };

    log("downtime: submitting the raw-REST job and creating the pulumi stack");
    const jarId = await ctx.rawJar();
    const rawSavepoints = `${await rest.savepointDir()}/bench-raw`;
    let rawJid = await rest.run(jarId, jobArgs(rawName, "v0"));
    const project = new Project(ctx.workspace, "downtime", ctx.pulumiBin);
    await project.init(cluster.restUrl);
    await project.setJobs({ job: pulumiJob(line, pName, "v0") });
    const created = await project.up();
    log(`downtime: pulumi stack created in ${s(created.ms)} s`);
    await rest.untilRunning([rawJid]);
    await sleep(3000);

    const stepPulumi = async (i, tag) => {
        await project.setJobs({ job: pulumiJob(line, pName, tag) });
        const oldJid = await runningJid(rest, pName);
        const restLog = path.join(CONFIG.out, `rest-downtime-${i}.log`);
        const rec = await observer.record(
            (j) => j.name === pName,
            () => project.up([], { PULUMI_FLINK_REST_LOG: restLog }),
            [restLog],
        );
        const d = downtime(rec.samples, pName, oldJid);
        if (!d.ok) throw new Error(`pulumi redeploy ${i}: the new job was not seen RUNNING (${JSON.stringify(d)})`);
        const tl = providerTimeline(rec.tails[0], oldJid, d.down);
        const r = {
            i,
            warmup: i < CONFIG.warmups,
            upMs: rec.result.ms,
            upStartToDownMs: d.down - rec.result.started,
            upEndAfterUpMs: rec.result.ended - d.up,
            ...d,
            provider: tl,
            samples: rec.samples.length,
            spacing: spacing(rec.samples),
            observerCpu: rec.cpuShare,
            transitions: transitions(rec.samples),
            restCalls: rec.tails[0].map((l) => ({ ms: l.t - d.down, call: l.line })),
        };
        results.pulumi.push(r);
        log(
            `downtime: pulumi #${i}${r.warmup ? " (warm-up)" : ""}: downtime ${s(d.downtimeMs)} s = ${s(d.gapToSubmitMs)} until the new job appears + ${s(d.startMs)} to RUNNING; up ${s(r.upMs)} s; provider: ${JSON.stringify(tl)}`,
        );
    };
    const stepRaw = async (i, tag) => {
        const oldJid = rawJid;
        const rec = await observer.record(
            (j) => j.name === rawName,
            () => rawRedeploy(rest, { jid: oldJid, jarId, args: jobArgs(rawName, tag), savepointDir: rawSavepoints, pollMs: CONFIG.rawPollMs }),
        );
        const d = downtime(rec.samples, rawName, oldJid);
        if (!d.ok) throw new Error(`raw redeploy ${i}: the new job was not seen RUNNING (${JSON.stringify(d)})`);
        rawJid = rec.result.newJid;
        const t = rec.result.t;
        const r = {
            i,
            warmup: i < CONFIG.warmups,
            scriptMs: t.running - t.start,
            savepointDoneMs: t.savepointDone - d.down,
            runReturnedMs: t.runReturned - d.down,
            ...d,
            samples: rec.samples.length,
            transitions: transitions(rec.samples),
            script: t,
            spacing: spacing(rec.samples),
            observerCpu: rec.cpuShare,
        };
        results.raw.push(r);
        log(
            `downtime: raw    #${i}${r.warmup ? " (warm-up)" : ""}: downtime ${s(d.downtimeMs)} s = ${s(d.gapToSubmitMs)} until the new job appears + ${s(d.startMs)} to RUNNING; script ${s(r.scriptMs)} s`,
        );
    };

    const total = CONFIG.warmups + CONFIG.redeploys;
    for (let i = 0; i < total; i++) {
        const tag = `v${i + 1}`;
        const order = i % 2 === 0 ? [stepPulumi, stepRaw] : [stepRaw, stepPulumi];
        for (const step of order) {
            await step(i, tag);
            await sleep(2000);
        }
    }

    // Sanity: both jobs restored their state every time (count == seq + 1) and run the last tag.
    await sleep(2000);
    const last = `v${total}`;
    const outs = await project.outputs();
    const sanity = {
        pulumi: readCounter(outDir(pName)),
        raw: readCounter(outDir(rawName)),
        pulumiRestoredFrom: outs.job && outs.job.restoredFrom,
        pulumiGeneration: outs.job && outs.job.generation,
    };
    sanity.ok =
        [sanity.pulumi, sanity.raw].every((c) => c && c.tag === last && Number(c.count) === Number(c.seq) + 1) &&
        /savepoint-/.test(sanity.pulumiRestoredFrom || "");
    log(`downtime: sanity ${JSON.stringify(sanity)}`);

    log("downtime: tearing down");
    await project.destroy();
    await rest.cancel(rawJid);
    return { results, sanity };
}

// ---------------------------------------------------------------------------------------------
// 2. 20 jobs in one pulumi up
// ---------------------------------------------------------------------------------------------
function fleetAnalysis(samples, names, oldJids, t0) {
    const per = names.map((n) => ({ name: n, ...downtime(samples, n, oldJids[n]) }));
    const ok = per.filter((p) => p.ok);
    const downs = ok.map((p) => p.down - t0).sort((a, b) => a - b);
    const ups = ok.map((p) => p.up - t0).sort((a, b) => a - b);
    return {
        redeployed: ok.length,
        firstDownMs: downs[0],
        lastDownMs: downs[downs.length - 1],
        firstUpMs: ups[0],
        lastUpMs: ups[ups.length - 1],
        downOffsetsMs: downs,
        downtime: stats(ok.map((p) => p.downtimeMs)),
    };
}

/** Group sorted offsets into waves separated by gaps > 1 s (shows concurrency limits). */
function waves(offsets) {
    const out = [];
    for (const o of offsets) {
        const w = out[out.length - 1];
        if (w && o - w.last <= 1000) {
            w.last = o;
            w.n++;
        } else out.push({ first: o, last: o, n: 1 });
    }
    return out.map((w) => `${w.n}@${s(w.first)}s`).join(" ");
}

async function benchFleet(ctx) {
    const { line, rest, cluster } = ctx;
    const observer = new Observer(cluster.restUrl, CONFIG.fleetPollMs);
    const n = CONFIG.fleetSize;
    const names = Array.from({ length: n }, (_, k) => `fleet-${String(k).padStart(2, "0")}`);
    const tags = Object.fromEntries(names.map((nm) => [nm, "v0"]));
    const jobsConfig = () => Object.fromEntries(names.map((nm, k) => [`job${String(k).padStart(2, "0")}`, pulumiJob(line, nm, tags[nm])]));
    const res = { all: [], single: [], wide: [], parallel64: [], provider64: [], rawFleet: [], cli: [] };

    const project = new Project(ctx.workspace, "fleet", ctx.pulumiBin);
    await project.init(cluster.restUrl);
    await project.setJobs(jobsConfig());
    log(`fleet: creating ${n} jobs`);
    const created = await project.up();
    res.createMs = created.ms;
    log(`fleet: created in ${s(created.ms)} s; machine ${JSON.stringify(machine())}`);
    const noop = await project.up();
    res.noopUpMs = noop.ms;
    log(`fleet: pulumi up without changes: ${s(noop.ms)} s`);

    const measure = async (kind, changed, upArgs = [], upEnv = {}) => {
        for (const nm of changed) tags[nm] = `${tags[nm].replace(/\d+$/, (d) => String(Number(d) + 1))}`;
        await project.setJobs(jobsConfig());
        const jobs = await rest.jobs();
        const oldJids = Object.fromEntries(changed.map((nm) => [nm, jobs.find((j) => j.name === nm && j.state === "RUNNING").jid]));
        const rec = await observer.record(
            (j) => changed.includes(j.name),
            () => project.up(upArgs, upEnv),
        );
        const a = fleetAnalysis(rec.samples, changed, oldJids, rec.result.started);
        if (a.redeployed !== changed.length) throw new Error(`${kind}: only ${a.redeployed} of ${changed.length} jobs were seen redeployed`);
        const r = { upMs: rec.result.ms, ...a };
        res[kind].push(r);
        log(
            `fleet: ${kind} (${changed.length} job(s)) up ${s(r.upMs)} s; first down at ${s(a.firstDownMs)} s, last up at ${s(a.lastUpMs)} s; stops in waves: ${waves(a.downOffsetsMs)}; per-job downtime ${fmt(a.downtime)}`,
        );
        await sleep(2000);
    };

    for (let r = 0; r < CONFIG.fleetReps; r++) {
        await measure("single", [names[(r * 7 + 3) % n]]);
        await measure("all", names);
    }
    for (let r = 0; r < CONFIG.wideReps; r++) {
        await measure("wide", names, ["--parallel", "64"], { PULUMI_FLINK_CLUSTER_CONCURRENCY: "64" });
    }
    // Which limit binds: raise only one of the two at a time.
    for (let r = 0; r < CONFIG.oneLimitReps; r++) {
        await measure("parallel64", names, ["--parallel", "64"]);
        await measure("provider64", names, [], { PULUMI_FLINK_CLUSTER_CONCURRENCY: "64" });
    }
    res.machineAtPeak = machine();
    log("fleet: tearing down the pulumi stack");
    const destroyed = await project.destroy();
    res.destroyMs = destroyed.ms;

    if (CONFIG.cliReps > 0 || CONFIG.rawFleetReps > 0) await benchCli(ctx, observer, names, res);
    return res;
}

/** Sequential Flink CLI on the same cluster, the same number of jobs. */
async function benchCli(ctx, observer, names, res) {
    const { line, rest, cluster } = ctx;
    const n = names.length;
    const jarId = await ctx.rawJar();
    const cli = new FlinkCli(line.home, cluster.confDir, cluster.restUrl.replace(/^https?:\/\//, ""), path.join(CONFIG.out, "flink-cli-log"));
    const sp = `${await rest.savepointDir()}/bench-cli`;
    const cliNames = names.map((nm) => nm.replace("fleet", "cli"));
    const cliTags = Object.fromEntries(cliNames.map((nm) => [nm, 0]));
    let jids = {};
    for (const nm of cliNames) jids[nm] = await rest.run(jarId, jobArgs(nm, "v0"));
    await rest.untilRunning(Object.values(jids));
    await sleep(3000);
    // Diagnostic floor: the same 20 redeploys by the raw-REST script, all at once (what Flink
    // itself needs on this machine when every job is redeployed concurrently).
    const rawSp = `${await rest.savepointDir()}/bench-raw-fleet`;
    for (let r = 0; r < CONFIG.rawFleetReps; r++) {
        const oldJids = { ...jids };
        const rec = await observer.record(
            (j) => cliNames.includes(j.name),
            async () => {
                const t0 = Date.now();
                await Promise.all(
                    cliNames.map(async (nm) => {
                        cliTags[nm]++;
                        jids[nm] = (await rawRedeploy(rest, { jid: jids[nm], jarId, args: jobArgs(nm, `v${cliTags[nm]}`), savepointDir: rawSp })).newJid;
                    }),
                );
                return { t0, ms: Date.now() - t0 };
            },
        );
        const a = fleetAnalysis(rec.samples, cliNames, oldJids, rec.result.t0);
        res.rawFleet.push({ ms: rec.result.ms, ...a });
        log(`fleet: raw REST, ${n} jobs concurrently: ${s(rec.result.ms)} s; per-job downtime ${fmt(a.downtime)}`);
        await sleep(2000);
    }
    for (let r = 0; r < CONFIG.cliReps; r++) {
        const per = [];
        const oldJids = { ...jids };
        const rec = await observer.record(
            (j) => cliNames.includes(j.name),
            async () => {
                const t0 = Date.now();
                for (const nm of cliNames) {
                    const a = Date.now();
                    const savepoint = await cli.stop(jids[nm], sp);
                    const b = Date.now();
                    cliTags[nm]++;
                    jids[nm] = await cli.run(line.testJobJar, jobArgs(nm, `v${cliTags[nm]}`), savepoint);
                    per.push({ name: nm, stopMs: b - a, runMs: Date.now() - b });
                }
                const t1 = Date.now();
                await rest.untilRunning(Object.values(jids));
                return { t0, scriptMs: t1 - t0, allRunningMs: Date.now() - t0 };
            },
        );
        const a = fleetAnalysis(rec.samples, cliNames, oldJids, rec.result.t0);
        const r2 = {
            scriptMs: rec.result.scriptMs,
            allRunningMs: rec.result.allRunningMs,
            stop: stats(per.map((p) => p.stopMs)),
            run: stats(per.map((p) => p.runMs)),
            downtime: a.downtime,
            redeployed: a.redeployed,
        };
        res.cli.push(r2);
        log(
            `fleet: Flink CLI, ${n} jobs sequentially: script ${s(r2.scriptMs)} s (all RUNNING after ${s(r2.allRunningMs)} s); flink stop ${fmt(r2.stop)}, flink run ${fmt(r2.run)}; per-job downtime ${fmt(r2.downtime)}`,
        );
    }
    for (const jid of Object.values(jids)) await rest.cancel(jid);
}

// ---------------------------------------------------------------------------------------------
function report(ctx, down, fleet, rescale) {
    const lines = [];
    const p = (x = "") => lines.push(x);
    const ok = (b) => (b ? "yes" : "**no**");
    p(
        `## pulumi-flink benchmarks (Flink ${CONFIG.flinkVersion}, ${ctx.machine.cpus} CPUs, load at start ${ctx.machine.load}, java processes at start: ${ctx.machine.javaProcesses})`,
    );
    p();
    p("| Measurement | pulumi-flink | Baseline | Ratio | Goal | Met |");
    p("|---|---|---|---|---|---|");
    let dp, dr;
    if (down) {
        dp = stats(down.results.pulumi.filter((r) => !r.warmup).map((r) => r.downtimeMs));
        dr = stats(down.results.raw.filter((r) => !r.warmup).map((r) => r.downtimeMs));
        const ratio = dp.median / dr.median;
        p(`| Downtime per redeploy (median, min–max) | ${fmt(dp)} | raw REST: ${fmt(dr)} | ${ratio.toFixed(2)}× | ≤ 1.10× | ${ok(ratio <= 1.1)} |`);
    }
    if (rescale) {
        const counted = (rs) => rs.filter((r) => !r.warmup).map((r) => r.gapMs);
        const rs = stats(counted(rescale.rescale));
        const rd = stats(counted(rescale.redeploy));
        const x = rd.median / rs.median;
        p(
            `| Service gap of a parallelism change (1↔2), in-place rescale vs savepoint-and-redeploy, adaptive scheduler | ${fmt(rs)} | redeploy: ${fmt(rd)} | ${x.toFixed(2)}× shorter | ≥ 5× shorter | ${ok(x >= 5)} |`,
        );
        for (const [key, what] of [
            ["stallMs", "Output stall (no record written) of the same changes"],
            ["progressMs", "No new progress (highest sequence number written does not rise) in the same changes"],
        ]) {
            const o = (rs) => stats(rs.filter((r) => !r.warmup).map((r) => r.output[key]));
            const [a, b] = [o(rescale.rescale), o(rescale.redeploy)];
            const y = b.median / a.median;
            p(`| ${what} | ${fmt(a)} | redeploy: ${fmt(b)} | ${y.toFixed(2)}× shorter | ≥ 5× shorter | ${ok(y >= 5)} |`);
        }
    }
    if (fleet) {
        const all = stats(fleet.all.map((r) => r.upMs));
        const single = stats(fleet.single.map((r) => r.upMs));
        const cli = stats(fleet.cli.map((r) => r.scriptMs));
        const r1 = all.median / single.max;
        p(
            `| ${CONFIG.fleetSize} jobs changed in one \`pulumi up\` vs slowest single-job \`pulumi up\` | ${fmt(all)} | single job: ${fmt(single)} | ${r1.toFixed(2)}× (vs median single: ${(all.median / single.median).toFixed(2)}×) | ≤ 1.5× | ${ok(r1 <= 1.5)} |`,
        );
        if (cli.n) {
            const r2 = cli.median / all.median;
            p(
                `| ${CONFIG.fleetSize} jobs: \`pulumi up\` vs sequential Flink CLI (stop -p; run -d -s) | ${fmt(all)} | CLI script: ${fmt(cli)} | ${r2.toFixed(2)}× faster | ≥ 5× faster | ${ok(r2 >= 5)} |`,
            );
        }
        if (fleet.wide.length) {
            const wide = stats(fleet.wide.map((r) => r.upMs));
            p(
                `| (diagnostic) ${CONFIG.fleetSize} jobs, \`--parallel 64\` + PULUMI_FLINK_CLUSTER_CONCURRENCY=64 | ${fmt(wide)} | single job: ${fmt(single)} | ${(wide.median / single.max).toFixed(2)}× | ≤ 1.5× | ${ok(wide.median / single.max <= 1.5)} |`,
            );
            if (cli.n)
                p(
                    `| (diagnostic) same, vs Flink CLI | ${fmt(wide)} | CLI script: ${fmt(cli)} | ${(cli.median / wide.median).toFixed(2)}× faster | ≥ 5× faster | ${ok(cli.median / wide.median >= 5)} |`,
                );
        }
        if (fleet.rawFleet.length) {
            const raw = stats(fleet.rawFleet.map((r) => r.ms));
            p(
                `| (diagnostic) ${CONFIG.fleetSize} jobs redeployed at once by the raw-REST script: Flink's own floor here | ${fmt(all)} | raw REST: ${fmt(raw)} | ${(all.median / raw.median).toFixed(2)}× | – | – |`,
            );
        }
    }
    p();
    if (down) {
        const P = down.results.pulumi.filter((r) => !r.warmup);
        const R = down.results.raw.filter((r) => !r.warmup);
        const all = [...P, ...R];
        p(
            `### Downtime breakdown (observer polls /jobs/overview every ${CONFIG.downtimePollMs} ms, measured spacing median ${stats(all.map((r) => r.spacing.median)).median} ms, p90 ${stats(all.map((r) => r.spacing.p90)).median} ms, observer CPU ${(100 * stats(all.map((r) => r.observerCpu)).median).toFixed(0)}% of one core; the raw script polls every ${CONFIG.rawPollMs} ms; medians over ${P.length} interleaved redeploys each, warm-ups excluded)`,
        );
        p();
        p("| | pulumi up | raw REST |");
        p("|---|---|---|");
        p(`| downtime: no job RUNNING → new job RUNNING, all tasks | ${fmt(dp)} | ${fmt(dr)} |`);
        p(
            `| downtime measured from the old job's last all-tasks-running sample | ${fmt(stats(P.map((r) => r.downtimeTasksMs)))} | ${fmt(stats(R.map((r) => r.downtimeTasksMs)))} |`,
        );
        p(
            `| old job down → new job visible in /jobs/overview (client: detect savepoint, wait, submit; includes the JM running main()) | ${fmt(stats(P.map((r) => r.gapToSubmitMs)))} | ${fmt(stats(R.map((r) => r.gapToSubmitMs)))} |`,
        );
        p(`| new job visible → RUNNING with all tasks (Flink) | ${fmt(stats(P.map((r) => r.startMs)))} | ${fmt(stats(R.map((r) => r.startMs)))} |`);
        p(
            `| old job down → POST /jars/:id/run sent (provider: from PULUMI_FLINK_REST_LOG, ±1 poll) | ${fmt(stats(P.map((r) => r.provider.runPostedMs)))} | ${fmt(stats(R.map((r) => r.savepointDoneMs)))} (savepoint seen complete) |`,
        );
        p(`| last savepoint-status poll relative to old job down (provider) | ${fmt(stats(P.map((r) => r.provider.lastSavepointPollMs)))} | |`);
        p(`| whole \`pulumi up\` / whole script | ${fmt(stats(P.map((r) => r.upMs)))} | ${fmt(stats(R.map((r) => r.scriptMs)))} |`);
        p(`| \`pulumi up\` start → old job down | ${fmt(stats(P.map((r) => r.upStartToDownMs)))} | |`);
        p(`| new job RUNNING → \`pulumi up\` exits | ${fmt(stats(P.map((r) => r.upEndAfterUpMs)))} | |`);
        p();
        p(
            `Raw downtimes (s): pulumi [${P.map((r) => s(r.downtimeMs)).join(", ")}], raw REST [${R.map((r) => s(r.downtimeMs)).join(", ")}]; warm-ups: pulumi [${down.results.pulumi
                .filter((r) => r.warmup)
                .map((r) => s(r.downtimeMs))
                .join(", ")}], raw [${down.results.raw
                .filter((r) => r.warmup)
                .map((r) => s(r.downtimeMs))
                .join(", ")}].`,
        );
        const ex = P[Math.floor(P.length / 2)];
        if (ex) p(`Provider REST calls in one redeploy (#${ex.i}): ${JSON.stringify(ex.provider)}.`);
        p(`State continuity check (count == seq + 1, last tag, restoredFrom): ${down.sanity.ok ? "ok" : `**FAILED** ${JSON.stringify(down.sanity)}`}.`);
        p();
    }
    if (rescale) {
        const list = (rs) => rs.map((r) => `${s(r.gapMs)}${r.warmup ? " (warm-up)" : ""}`).join(", ");
        const up = (rs) => fmt(stats(rs.filter((r) => !r.warmup).map((r) => r.upMs)));
        p(`### Parallelism change 1↔2 on an adaptive-scheduler cluster (same observer, every ${CONFIG.downtimePollMs} ms)`);
        p();
        const outs = (rs) =>
            rs
                .map((r) => {
                    const o = r.output;
                    return `${s(o.stallMs)}/${s(o.progressMs)}${o.replayed ? ` (${o.replayed} again)` : ""}${r.warmup ? " (warm-up)" : ""}`;
                })
                .join(", ");
        p("Service gap = first sample where the job does not run all its tasks → first sample where it runs all tasks at the new parallelism.");
        p(
            `Output: the jobs run at ${CONFIG.rescaleRate} records/s, their output file is read every ${CONFIG.outputPollMs} ms; stall = longest time without a record written, no progress = longest time the highest sequence number written does not rise ("again": records processed a second time after a restore from a checkpoint).`,
        );
        p(
            `In-place rescale gaps (s): [${list(rescale.rescale)}]; output stall/no progress (s): [${outs(rescale.rescale)}]; \`pulumi up\` ${up(rescale.rescale)}.`,
        );
        p(
            `Savepoint-and-redeploy gaps (s, parallelism and \`--tag\` changed): [${list(rescale.redeploy)}]; output stall/no progress (s): [${outs(rescale.redeploy)}]; \`pulumi up\` ${up(rescale.redeploy)}.`,
        );
        p();
    }
    if (fleet) {
        p(`### ${CONFIG.fleetSize} jobs (observer every ${CONFIG.fleetPollMs} ms; offsets from the start of \`pulumi up\`)`);
        p();
        p("| run | `pulumi up` wall | first job down | last job RUNNING | stop waves (jobs@offset) | per-job downtime median (max) |");
        p("|---|---|---|---|---|---|");
        for (const [kind, rs] of [
            ["single", fleet.single],
            ["all", fleet.all],
            ["wide: --parallel 64 + PULUMI_FLINK_CLUSTER_CONCURRENCY=64", fleet.wide],
            ["only --parallel 64", fleet.parallel64],
            ["only PULUMI_FLINK_CLUSTER_CONCURRENCY=64", fleet.provider64],
        ]) {
            rs.forEach((r, k) =>
                p(
                    `| ${kind} #${k + 1} | ${s(r.upMs)} s | ${s(r.firstDownMs)} s | ${s(r.lastUpMs)} s | ${waves(r.downOffsetsMs)} | ${s(r.downtime.median)} s (${s(r.downtime.max)}) |`,
                ),
            );
        }
        for (const [k, r] of fleet.rawFleet.entries())
            p(
                `| raw REST, all ${CONFIG.fleetSize} at once #${k + 1} (diagnostic floor) | ${s(r.ms)} s | ${s(r.firstDownMs)} s | ${s(r.lastUpMs)} s | ${waves(r.downOffsetsMs)} | ${s(r.downtime.median)} s (${s(r.downtime.max)}) |`,
            );
        for (const [k, r] of fleet.cli.entries())
            p(
                `| Flink CLI #${k + 1} | ${s(r.scriptMs)} s (all RUNNING ${s(r.allRunningMs)} s) | | | sequential; flink stop median ${s(r.stop.median)} s, flink run median ${s(r.run.median)} s | ${s(r.downtime.median)} s (${s(r.downtime.max)}) |`,
            );
        p();
        p(
            `Create ${CONFIG.fleetSize} jobs: ${s(fleet.createMs)} s; \`pulumi up\` with no change: ${s(fleet.noopUpMs)} s; destroy: ${s(fleet.destroyMs)} s. Machine at the end of the pulumi runs: ${JSON.stringify(fleet.machineAtPeak)}.`,
        );
    }
    return lines.join("\n");
}

async function main() {
    const line = flinkLine(CONFIG.flinkVersion);
    const workspace = env.BENCH_WORKSPACE || env.PULUMI_FLINK_E2E_WORKSPACE;
    if (!workspace || !fs.existsSync(path.join(workspace, "node_modules", "pulumi-flink")))
        throw new Error("BENCH_WORKSPACE (a prepared workspace) is not set: run bench/run.sh");
    const pulumiBin = env.PULUMI_BIN_DIR;
    if (!pulumiBin || !fs.existsSync(path.join(pulumiBin, "pulumi"))) throw new Error("PULUMI_BIN_DIR is not set");
    fs.mkdirSync(CONFIG.out, { recursive: true });
    log(`config ${JSON.stringify(CONFIG)}`);
    const machineAtStart = machine();
    log(`machine ${JSON.stringify(machineAtStart)}`);

    log(`starting a local Flink ${line.version} cluster on port ${CONFIG.restPort}`);
    const cluster = await startCluster(line, CONFIG.restPort, { taskManagers: 2, slotsPerTaskManager: 12, taskManagerMemory: "2g", jobManagerMemory: "1536m" });
    let stopping;
    const stop = () =>
        (stopping =
            stopping ||
            cluster.stop().then(
                () => log("cluster stopped"),
                (e) => log(`stopping the cluster failed: ${e.message}`),
            ));
    for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => stop().finally(() => process.exit(130)));
    log(`cluster at ${cluster.restUrl} (work dir ${cluster.workDir})`);
    const rest = new Rest(cluster.restUrl);
    let jarId;
    const ctx = {
        line,
        rest,
        cluster,
        workspace,
        pulumiBin,
        machine: machineAtStart,
        rawJar: async () => (jarId = jarId || (await rest.uploadJar(line.testJobJar))),
    };
    let down, fleet, rescale;
    try {
        if (CONFIG.parts.includes("downtime")) down = await benchDowntime(ctx);
        if (CONFIG.parts.includes("rescale"))
            rescale = await benchRescale(
                { line, workspace, pulumiBin, log, jobArgs },
                {
                    restPort: CONFIG.restPort + 10,
                    pollMs: CONFIG.downtimePollMs,
                    outputPollMs: CONFIG.outputPollMs,
                    rate: CONFIG.rescaleRate,
                    reps: CONFIG.rescales,
                    warmups: 1,
                },
            );
        if (CONFIG.parts.includes("fleet")) fleet = await benchFleet(ctx);
    } finally {
        fs.writeFileSync(path.join(CONFIG.out, "results.json"), JSON.stringify({ config: CONFIG, machine: machineAtStart, down, rescale, fleet }, null, 2));
        await stop();
    }
    const md = report(ctx, down, fleet, rescale);
    fs.writeFileSync(path.join(CONFIG.out, "report.md"), md + "\n");
    console.log(md);
    log(`raw results: ${path.join(CONFIG.out, "results.json")}; report: ${path.join(CONFIG.out, "report.md")}`);
}

main().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
});
