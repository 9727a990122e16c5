"use strict";
/**
 * Plain Flink access for the baselines, deliberately independent of the provider: raw REST calls
 * with fetch, the Flink CLI, and the local cluster (started through the SessionCluster provider's
 * own code path from the built package, like tests/support/cluster.ts).
 */
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const { sleep, allTasks } = require("./observer");

function repoRoot() {
    return path.resolve(__dirname, "..", "..");
}

/** The Flink line to use from PULUMI_FLINK_TEST_LINES ("version=home=jar;..."). */
function flinkLine(version) {
    const lines = (process.env.PULUMI_FLINK_TEST_LINES || "")
        .split(";")
        .filter(Boolean)
        .map((e) => {
            const [v, home, testJobJar] = e.split("=");
            return { version: v, home, testJobJar };
        });
    const line = lines.find((l) => l.version === version);
    if (!line)
        throw new Error(
            `Flink ${version} is not in PULUMI_FLINK_TEST_LINES (${lines.map((l) => l.version).join(", ") || "unset"}); source /tmp/testenv.sh or run scripts/test.sh once`,
        );
    for (const f of [line.home, line.testJobJar]) if (!fs.existsSync(f)) throw new Error(`${f} does not exist`);
    return line;
}

async function startCluster(line, restPort, extra) {
    const { clusterProvider } = require(path.join(repoRoot(), "bin", "provider", "cluster"));
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pf-bench-${line.version}-`));
    const inputs = {
        target: "local",
        home: { homePath: line.home, flinkVersion: line.version },
        workDir,
        restPort,
        rpcPort: restPort + 1,
        ...extra,
    };
    const check = await clusterProvider.check({}, inputs);
    if (check.failures && check.failures.length) throw new Error(JSON.stringify(check.failures));
    const created = await clusterProvider.create(inputs);
    const state = created.outs;
    return {
        restUrl: state.restUrl,
        connection: state.connection,
        workDir,
        confDir: path.join(workDir, "conf"),
        stop: () => clusterProvider.delete(created.id, state),
    };
}

/** A minimal REST client (fetch), the "raw REST script" of the comparison. */
class Rest {
    constructor(restUrl) {
        this.base = restUrl.replace(/\/$/, "");
    }
    async call(method, p, body) {
        const init = { method };
        if (body !== undefined) {
            init.body = JSON.stringify(body);
            init.headers = { "content-type": "application/json" };
        }
        const res = await fetch(this.base + p, init);
        const text = await res.text();
        if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${text.slice(0, 500)}`);
        return text ? JSON.parse(text) : {};
    }
    async uploadJar(file) {
        const form = new FormData();
        form.append("jarfile", new Blob([fs.readFileSync(file)], { type: "application/x-java-archive" }), path.basename(file));
        const res = await fetch(`${this.base}/jars/upload`, { method: "POST", body: form });
        const body = await res.json();
        if (body.status !== "success") throw new Error(`upload failed: ${JSON.stringify(body)}`);
        return path.basename(body.filename);
    }
    async jobs() {
        return (await this.call("GET", "/jobs/overview")).jobs;
    }
    async savepointDir() {
        const conf = await this.call("GET", "/jobmanager/config");
        const e = conf.find((c) => c.key === "execution.checkpointing.savepoint-dir") || conf.find((c) => c.key === "state.savepoints.dir");
        return e.value.replace(/\/$/, "");
    }
    run(jarId, programArgsList, savepointPath) {
        const body = { programArgsList, parallelism: 1 };
        if (savepointPath) Object.assign(body, { savepointPath, allowNonRestoredState: false });
        return this.call("POST", `/jars/${encodeURIComponent(jarId)}/run`, body).then((r) => r.jobid);
    }
    cancel(jid) {
        return this.call("PATCH", `/jobs/${jid}?mode=cancel`).catch(() => undefined);
    }
    /** Wait until every listed job id is RUNNING with all tasks running. */
    async untilRunning(jids, pollMs = 100, timeoutMs = 180_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const jobs = await this.jobs();
            const missing = jids.filter(
                (id) => !jobs.some((j) => j.jid === id && allTasks({ state: j.state, running: j.tasks?.running, total: j.tasks?.total })),
            );
            if (!missing.length) return;
            const dead = jobs.filter((j) => missing.includes(j.jid) && ["FAILED", "CANCELED", "FINISHED"].includes(j.state));
            if (dead.length) throw new Error(`jobs ended: ${dead.map((j) => `${j.jid} ${j.state}`).join(", ")}`);
            if (Date.now() > deadline) throw new Error(`jobs not RUNNING within ${timeoutMs} ms: ${missing.join(", ")}`);
            await sleep(pollMs);
        }
    }
}

/**
 * The raw-REST redeploy: stop-with-savepoint, poll the trigger, run the jar from the savepoint,
 * poll /jobs/overview until RUNNING with all tasks. Returns its own timestamps.
 */
async function rawRedeploy(rest, { jid, jarId, args, savepointDir, pollMs = 50 }) {
    const t = { start: Date.now() };
    const trigger = (await rest.call("POST", `/jobs/${jid}/stop`, { targetDirectory: savepointDir, drain: false, formatType: "CANONICAL" }))["request-id"];
    t.stopPosted = Date.now();
    let location;
    for (;;) {
        const s = await rest.call("GET", `/jobs/${jid}/savepoints/${trigger}`);
        if (s.status.id === "COMPLETED") {
            if (!s.operation || !s.operation.location) throw new Error(`savepoint failed: ${JSON.stringify(s.operation).slice(0, 500)}`);
            location = s.operation.location;
            break;
        }
        await sleep(pollMs);
    }
    t.savepointDone = Date.now();
    const newJid = await rest.run(jarId, args, location);
    t.runReturned = Date.now();
    await rest.untilRunning([newJid], pollMs);
    t.running = Date.now();
    return { newJid, location, t };
}

function runCmd(cmd, args, env, cwd) {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, out }));
    });
}

/** `bin/flink` against the cluster (its own conf dir, logs into a scratch dir). */
class FlinkCli {
    constructor(home, confDir, address, logDir) {
        this.bin = path.join(home, "bin", "flink");
        this.address = address;
        fs.mkdirSync(logDir, { recursive: true });
        this.env = { ...process.env, FLINK_CONF_DIR: confDir, FLINK_LOG_DIR: logDir };
    }
    async stop(jid, savepointDir) {
        const r = await runCmd(this.bin, ["stop", "--savepointPath", savepointDir, "-m", this.address, jid], this.env);
        const m = /Savepoint completed\. Path: (\S+)/.exec(r.out);
        if (r.code !== 0 || !m) throw new Error(`flink stop ${jid} failed (exit ${r.code}):\n${r.out.slice(-2000)}`);
        return m[1];
    }
    async run(jar, args, savepoint) {
        const r = await runCmd(this.bin, ["run", "-d", "-m", this.address, "-p", "1", ...(savepoint ? ["-s", savepoint] : []), jar, ...args], this.env);
        const m = /JobID ([0-9a-f]{32})/.exec(r.out);
        if (r.code !== 0 || !m) throw new Error(`flink run failed (exit ${r.code}):\n${r.out.slice(-2000)}`);
        return m[1];
    }
}

module.exports = { flinkLine, startCluster, Rest, rawRedeploy, FlinkCli, repoRoot };
