#!/usr/bin/env node
"use strict";
/**
 * Scale benchmark (measurements, not tests; see bench/README.md "Scale"): one stack of N
 * lightweight SQL jobs over C local clusters (bench/lib/scale.js), measuring
 *   (a) `pulumi preview` (no changes) vs the engine floor: N trivial dynamic resources, no-op provider;
 *   (b) `pulumi refresh`: REST calls per job, from the provider host's PULUMI_FLINK_REST_LOG;
 *   (c) `pulumi up` changing GROUP (50) jobs: wall time, and peak RSS of the provider host.
 * Environment: PULUMI_FLINK_TEST_LINES, PULUMI_BIN_DIR, BENCH_WORKSPACE (bench/scale.sh sets them).
 */
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const YAML = require("yaml");
const { NS, GROUP, scaleProgram, scaleConfig, floorProgram, writeProject } = require("./lib/scale");
const { flinkLine, Rest } = require("./lib/flink");
const { Observer, downtime } = require("./lib/observer");

const env = process.env;
const CONFIG = {
    jobs: Number(env.BENCH_SCALE_JOBS || 500),
    clusters: Number(env.BENCH_SCALE_CLUSTERS || 5),
    taskManagers: Number(env.BENCH_SCALE_TMS || 1),
    tmMemory: env.BENCH_SCALE_TM_MEMORY || "1536m",
    jmMemory: env.BENCH_SCALE_JM_MEMORY || "1280m",
    previewReps: Number(env.BENCH_SCALE_PREVIEW_REPS || 3),
    singleReps: Number(env.BENCH_SCALE_SINGLE_REPS || 3), // single-job redeploys (SOLO) before the 50-job change
    pulumiParallel: 8, // the CLI's default --parallel here (pulumi up --help); the provider allows 16 per cluster
    portBase: Number(env.BENCH_SCALE_PORT_BASE || 44000), // portBlock(1300) of worker 1: 44000-44990 are ours
    flinkVersion: env.BENCH_FLINK_VERSION || "2.3.0",
    out: env.BENCH_OUT || fs.mkdtempSync(path.join(os.tmpdir(), "pf-scale-out-")),
    profile: env.BENCH_SCALE_PROFILE === "1", // CPU profiles of every program run, under $out/profiles
};
const log = (...a) => console.error(`[scale ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sec = (ms) => (ms / 1000).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Processes in the tree under `root` (from /proc), with their command lines. */
function tree(root) {
    const parent = new Map();
    for (const d of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(d)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
            parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
        } catch {
            /* gone */
        }
    }
    const inTree = (pid) => {
        for (let p = pid, n = 0; p > 1 && n < 50; p = parent.get(p), n++) if (p === root) return true;
        return false;
    };
    return [...parent.keys()].filter(inTree).map((pid) => {
        let cmd = "";
        try {
            cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
        } catch {
            /* gone */
        }
        return { pid, cmd };
    });
}

/** The process's peak resident set so far (VmHWM: a high-water mark, so a peak between samples is not missed). */
function rssKb(pid) {
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) : 0;
    } catch {
        return 0;
    }
}

class Project {
    constructor(name, program, stack, config) {
        this.dir = path.join(env.BENCH_WORKSPACE, "projects", `scale-${name}-${process.pid}-${Date.now()}`);
        this.stack = stack;
        writeProject(this.dir, name, program, stack, config, CONFIG.profile ? path.join(CONFIG.out, "profiles") : undefined);
        const state = path.join(this.dir, ".state");
        fs.mkdirSync(state, { recursive: true });
        this.env = {
            ...env,
            PATH: `${env.PULUMI_BIN_DIR}${path.delimiter}${env.PATH}`,
            PULUMI_HOME: path.join(this.dir, ".pulumi-home"),
            PULUMI_BACKEND_URL: `file://${state}`,
            PULUMI_CONFIG_PASSPHRASE: "bench",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NO_COLOR: "1",
        };
        delete this.env.PULUMI_FLINK_REST_LOG;
    }

    /** Run the CLI, sampling the RSS of its process tree every 200 ms. */
    run(args, extraEnv = {}) {
        return new Promise((resolve, reject) => {
            const started = Date.now();
            const child = spawn("pulumi", [...args, "-s", this.stack, "--non-interactive"], {
                cwd: this.dir,
                env: { ...this.env, ...extraEnv },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let output = "";
            let stdout = "";
            child.stdout.on("data", (d) => ((output += d), (stdout += d)));
            child.stderr.on("data", (d) => (output += d));
            const peak = { providerKb: 0, programKb: 0, cliKb: 0 };
            const timer = setInterval(() => {
                let provider = 0;
                let program = 0;
                for (const p of tree(child.pid)) {
                    if (/dynamic-provider/.test(p.cmd)) provider += rssKb(p.pid);
                    else if (/node .*@pulumi\/pulumi\/cmd\/run|pulumi-language-nodejs/.test(p.cmd)) program += rssKb(p.pid);
                }
                peak.providerKb = Math.max(peak.providerKb, provider);
                peak.programKb = Math.max(peak.programKb, program);
                peak.cliKb = Math.max(peak.cliKb, rssKb(child.pid));
            }, 200);
            child.on("error", reject);
            child.on("close", (code) => {
                clearInterval(timer);
                resolve({ code: code ?? 1, output, stdout, ms: Date.now() - started, peak });
            });
        });
    }

    /** Edit the stack file as a user would (a string value, whatever it looks like). */
    setVariable(name, value) {
        const file = path.join(this.dir, `Pulumi.${this.stack}.yaml`);
        const doc = YAML.parse(fs.readFileSync(file, "utf8"));
        doc.config[`${NS}:variables`][name] = value;
        fs.writeFileSync(file, YAML.stringify(doc));
    }

    async ok(args, extraEnv) {
        const r = await this.run(args, extraEnv);
        if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.output.slice(-4000)}`);
        return r;
    }
}

/** Redeploy job 0 alone CONFIG.singleReps times; each: { upMs, redeployMs } (probe savepoint sent → new job running all tasks). */
async function singleRedeploys(scale) {
    const restUrl = `http://localhost:${CONFIG.portBase}`;
    const rest = new Rest(restUrl);
    const observer = new Observer(restUrl, 20);
    const out = [];
    for (let r = 0; r < CONFIG.singleReps; r++) {
        const jobs = JSON.parse((await scale.ok(["stack", "output", "--json", "summary"])).stdout).jobs;
        const oldJid = Object.values(jobs)[0].jobId;
        const name = (await rest.jobs()).find((j) => j.jid === oldJid).name;
        scale.setVariable("SOLO", String(r + 2));
        const restLog = path.join(CONFIG.out, `single-${r}-rest.log`);
        fs.writeFileSync(restLog, "");
        const rec = await observer.record(
            (j) => j.name === name,
            () => scale.ok(["up", "--yes", "--skip-preview"], { PULUMI_FLINK_REST_LOG: restLog }),
            [restLog],
        );
        const d = downtime(rec.samples, name, oldJid);
        const probe = rec.tails[0].find((l) => l.line.startsWith(`POST /jobs/${oldJid}/savepoints`));
        if (!d.ok || !probe) throw new Error(`single redeploy ${r}: ${d.ok ? "no probe savepoint in the REST log" : "the new job was not seen running"}`);
        out.push({ upMs: rec.result.ms, redeployMs: d.up - probe.t, downtimeMs: d.downtimeMs });
        log(
            `single redeploy ${r}: up ${sec(rec.result.ms)} s, redeploy (probe savepoint → new job running) ${sec(d.up - probe.t)} s, downtime ${sec(d.downtimeMs)} s`,
        );
    }
    return out;
}

/** REST log lines grouped by endpoint (ids replaced by :id). */
function endpoints(lines) {
    const counts = {};
    for (const l of lines) {
        const k = l.replace(/[0-9a-f]{32}/g, ":id").replace(/\?.*$/, "");
        counts[k] = (counts[k] || 0) + 1;
    }
    return counts;
}

/** Kill what is left of the local clusters (pid files under each work dir), if destroy failed. */
function killLeftovers(workRoot) {
    if (!fs.existsSync(workRoot)) return [];
    const killed = [];
    for (const c of fs.readdirSync(workRoot)) {
        const run = path.join(workRoot, c, "run");
        if (!fs.existsSync(run)) continue;
        for (const f of fs.readdirSync(run).filter((f) => f.endsWith(".pid"))) {
            for (const pid of fs.readFileSync(path.join(run, f), "utf8").split(/\s+/).filter(Boolean).map(Number)) {
                try {
                    process.kill(pid, "SIGKILL");
                    killed.push(pid);
                } catch {
                    /* already gone */
                }
            }
        }
    }
    return killed;
}

async function main() {
    const line = flinkLine(CONFIG.flinkVersion);
    const workRoot = path.join(CONFIG.out, "clusters");
    const results = { config: CONFIG, startedAt: new Date().toISOString() };
    const config = scaleConfig({ ...CONFIG, home: line.home, version: line.version, workRoot });
    const scale = new Project(NS, scaleProgram(), "scale", config);
    const floor = new Project(`${NS}-floor`, floorProgram(CONFIG.jobs + CONFIG.clusters + 2), "floor");
    const save = () => fs.writeFileSync(path.join(CONFIG.out, "results.json"), JSON.stringify(results, null, 2));
    const cleanup = async () => {
        log("destroying the scale stack (jobs are cancelled, clusters stopped)");
        const d = await scale.run(["destroy", "--yes", "--skip-preview"]);
        results.destroy = { code: d.code, ms: d.ms };
        if (d.code !== 0) log(d.output.slice(-3000));
        await floor.run(["destroy", "--yes", "--skip-preview"]);
        const killed = killLeftovers(workRoot);
        if (killed.length) log(`killed leftover processes ${killed.join(", ")}`);
        save();
    };
    process.on("SIGINT", () => cleanup().finally(() => process.exit(130)));
    try {
        await scale.ok(["stack", "init"]);
        await floor.ok(["stack", "init"]);
        // A first preview (every resource a create: check only, no Flink reached), both stacks.
        results.firstPreview = { scale: (await scale.ok(["preview"])).ms, floor: (await floor.ok(["preview"])).ms };
        log(`first preview: scale ${sec(results.firstPreview.scale)} s, floor ${sec(results.firstPreview.floor)} s`);
        log(`initial up: ${CONFIG.jobs} jobs over ${CONFIG.clusters} local clusters`);
        const up = await scale.ok(["up", "--yes", "--skip-preview"]);
        results.initialUp = { ms: up.ms, peak: up.peak };
        log(`initial up ${sec(up.ms)} s, provider host peak RSS ${(up.peak.providerKb / 1024).toFixed(0)} MiB`);
        await floor.ok(["up", "--yes", "--skip-preview"]);

        // (a) previews with no change, interleaved with the floor's.
        results.preview = { scale: [], floor: [] };
        for (let r = 0; r < CONFIG.previewReps; r++) {
            for (const [name, p] of [
                ["floor", floor],
                ["scale", scale],
            ]) {
                const pr = await p.ok(["preview"]);
                results.preview[name].push(pr.ms);
                log(`preview ${name}: ${sec(pr.ms)} s`);
            }
        }
        save();

        // (b) refresh: REST calls made inside the provider host.
        const restLog = path.join(CONFIG.out, "refresh-rest.log");
        fs.writeFileSync(restLog, "");
        const rf = await scale.ok(["refresh", "--yes", "--skip-preview"], { PULUMI_FLINK_REST_LOG: restLog });
        const calls = fs.readFileSync(restLog, "utf8").split("\n").filter(Boolean);
        results.refresh = { ms: rf.ms, calls: calls.length, perJob: calls.length / CONFIG.jobs, endpoints: endpoints(calls) };
        log(`refresh ${sec(rf.ms)} s: ${calls.length} REST calls (${(calls.length / CONFIG.jobs).toFixed(3)} per job)`);
        save();

        // (c) the baseline: one job redeployed alone (SOLO is used by job 0 only), timed from the
        // provider's first call for it (its probe savepoint, from the REST log) to the new job
        // running all tasks (observer on job 0's cluster, every 20 ms).
        results.single = await singleRedeploys(scale);
        save();

        // (c) up changing one variable used by GROUP jobs.
        const before = JSON.parse((await scale.ok(["stack", "output", "--json", "summary"])).stdout).jobs;
        scale.setVariable("REV_0", "2");
        const pv = await scale.ok(["preview"]);
        const planned = pv.output.split("\n").filter((l) => /preview: job-\d+: savepoint-and-redeploy/.test(l));
        results.changePreview = { ms: pv.ms, redeploysListed: new Set(planned.map((l) => /job-\d+/.exec(l)[0])).size };
        const upLog = path.join(CONFIG.out, "up-rest.log");
        fs.writeFileSync(upLog, "");
        const ch = await scale.ok(["up", "--yes", "--skip-preview"], { PULUMI_FLINK_REST_LOG: upLog });
        const after = JSON.parse((await scale.ok(["stack", "output", "--json", "summary"])).stdout).jobs;
        const changed = Object.keys(after).filter((k) => after[k].jobId !== before[k].jobId);
        const running = Object.values(after).filter((j) => j.state === "RUNNING").length;
        results.change = {
            ms: ch.ms,
            peak: ch.peak,
            changedJobs: changed.length,
            running,
            restCalls: fs.readFileSync(upLog, "utf8").split("\n").filter(Boolean).length,
        };
        log(
            `up changing ${GROUP}: ${sec(ch.ms)} s, ${changed.length} job ids changed, ${running} RUNNING, provider host peak RSS ${(ch.peak.providerKb / 1024).toFixed(0)} MiB`,
        );
        save();
    } finally {
        await cleanup();
    }
    report(results);
}

function report(r) {
    const p = r.preview || { scale: [], floor: [] };
    const ratio = p.scale.length ? median(p.scale) / median(p.floor) : NaN;
    const mib = (kb) => `${(kb / 1024).toFixed(0)} MiB`;
    const slowest = r.single && r.single.length ? Math.max(...r.single.map((x) => x.redeployMs)) : undefined;
    const ideal = slowest && (slowest * GROUP) / CONFIG.pulumiParallel;
    const lines = [
        `## Scale: ${CONFIG.jobs} SQL jobs over ${CONFIG.clusters} local clusters`,
        "",
        "| measure | value |",
        "|---|---|",
        `| initial up (${CONFIG.jobs} jobs + ${CONFIG.clusters} clusters) | ${r.initialUp ? `${sec(r.initialUp.ms)} s` : "–"} |`,
        `| (a) preview, no changes, scale stack | ${p.scale.length ? `${sec(median(p.scale))} s (runs: ${p.scale.map(sec).join(", ")})` : "–"} |`,
        `| (a) preview, no changes, floor (${CONFIG.jobs + CONFIG.clusters + 2} no-op dynamic resources) | ${p.floor.length ? `${sec(median(p.floor))} s (runs: ${p.floor.map(sec).join(", ")})` : "–"} |`,
        `| (a) ratio scale / floor (goal ≤ 1.3) | ${Number.isNaN(ratio) ? "–" : ratio.toFixed(2)} |`,
        `| first preview (all creates), scale / floor | ${r.firstPreview ? `${sec(r.firstPreview.scale)} s / ${sec(r.firstPreview.floor)} s = ${(r.firstPreview.scale / r.firstPreview.floor).toFixed(2)}` : "–"} |`,
        `| (b) refresh wall time | ${r.refresh ? `${sec(r.refresh.ms)} s` : "–"} |`,
        `| (b) refresh REST calls / job (by design ≤ 2: one overview per cluster, one checkpoint read per job for its restore point) | ${r.refresh ? `${r.refresh.calls} / ${CONFIG.jobs} = ${r.refresh.perJob.toFixed(3)}` : "–"} |`,
        `| (c) preview listing the change | ${r.changePreview ? `${sec(r.changePreview.ms)} s, ${r.changePreview.redeploysListed} jobs listed as savepoint-and-redeploy` : "–"} |`,
        `| (c) up changing ${GROUP} jobs: wall time | ${r.change ? `${sec(r.change.ms)} s (${r.change.changedJobs} job ids changed, ${r.change.running}/${CONFIG.jobs} RUNNING after)` : "–"} |`,
        `| (c) baseline: slowest single redeploy × ${GROUP} / ${CONFIG.pulumiParallel} (pulumi --parallel default; provider: 16 per cluster) | ${slowest ? `${sec(slowest)} s × ${GROUP} / ${CONFIG.pulumiParallel} = ${sec(ideal)} s (single redeploys: ${r.single.map((x) => sec(x.redeployMs)).join(", ")} s; their \`pulumi up\`: ${r.single.map((x) => sec(x.upMs)).join(", ")} s)` : "–"} |`,
        `| (c) up changing ${GROUP} jobs / baseline | ${slowest && r.change ? (r.change.ms / ideal).toFixed(2) : "–"} |`,
        `| (c) peak RSS, provider host (goal ≤ 256 MiB) | ${r.change ? mib(r.change.peak.providerKb) : "–"} |`,
        `| (c) peak RSS, program (language host + node) / CLI | ${r.change ? `${mib(r.change.peak.programKb)} / ${mib(r.change.peak.cliKb)}` : "–"} |`,
        "",
        `Refresh REST calls by endpoint: ${r.refresh ? JSON.stringify(r.refresh.endpoints) : "–"}`,
        `Raw numbers: ${path.join(CONFIG.out, "results.json")}`,
    ];
    const text = lines.join("\n");
    fs.writeFileSync(path.join(CONFIG.out, "report.md"), text + "\n");
    console.log(text);
}

main().catch((err) => {
    log(err.stack || String(err));
    process.exit(1);
});
