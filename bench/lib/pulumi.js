"use strict";
/**
 * The real pulumi CLI against a throwaway project in the bench workspace (a folder whose
 * node_modules has the packed pulumi-flink). Same set-up as tests/support/pulumi.ts: isolated
 * PULUMI_HOME, file backend, non-interactive; the program is tests/support/jobs.ts JOBS_PROGRAM.
 */
const fs = require("fs");
const path = require("path");
const { spawn } = require("child_process");

const JOBS_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const cluster = new flink.SessionCluster("cluster", { target: "remote", restUrl: cfg.require("restUrl") });
const jobs = JSON.parse(cfg.get("jobs") || "{}");
for (const [resource, args] of Object.entries(jobs)) {
    const job = new flink.FlinkJob(resource, { cluster, ...args });
    exports[resource] = { jobId: job.jobId, state: job.state, generation: job.generation, lastSavepoint: job.lastSavepoint, restoredFrom: job.restoredFrom };
}
`;

class Project {
    constructor(workspace, name, pulumiBinDir) {
        this.dir = path.join(workspace, "projects", `bench-${name}-${process.pid}-${Date.now()}`);
        fs.mkdirSync(this.dir, { recursive: true });
        fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
        fs.writeFileSync(path.join(this.dir, "index.js"), JOBS_PROGRAM);
        const state = path.join(this.dir, ".state");
        fs.mkdirSync(state, { recursive: true });
        this.env = {
            ...process.env,
            PATH: `${pulumiBinDir}${path.delimiter}${process.env.PATH}`,
            PULUMI_HOME: path.join(this.dir, ".pulumi-home"),
            PULUMI_BACKEND_URL: `file://${state}`,
            PULUMI_CONFIG_PASSPHRASE: "bench-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NO_COLOR: "1",
        };
        delete this.env.PULUMI_FLINK_REST_LOG;
        delete this.env.PULUMI_FLINK_CLUSTER_CONCURRENCY;
    }

    /** Run the CLI; returns { code, output, ms } (ms = wall time of the CLI process). */
    run(args, extraEnv = {}, timeoutMs = 900_000) {
        return new Promise((resolve, reject) => {
            const started = Date.now();
            const child = spawn("pulumi", [...args, "--non-interactive"], {
                cwd: this.dir,
                env: { ...this.env, ...extraEnv },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let output = "";
            let stdout = "";
            child.stdout.on("data", (d) => ((output += d), (stdout += d)));
            child.stderr.on("data", (d) => (output += d));
            const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ code: code ?? 1, output, stdout, ms: Date.now() - started, started, ended: Date.now() });
            });
        });
    }

    async ok(args, extraEnv) {
        const r = await this.run(args, extraEnv);
        if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.output.slice(-4000)}`);
        return r;
    }

    async init(restUrl) {
        await this.ok(["stack", "init", "bench"]);
        await this.ok(["config", "set", "restUrl", restUrl]);
    }

    setJobs(jobs) {
        return this.ok(["config", "set", "jobs", JSON.stringify(jobs)]);
    }

    /** `pulumi up` (no preview), timed. */
    up(extraArgs = [], extraEnv = {}) {
        return this.ok(["up", "--yes", "--skip-preview", ...extraArgs], extraEnv);
    }

    async outputs() {
        return JSON.parse((await this.ok(["stack", "output", "--json"])).stdout);
    }

    /** Destroy the stack; on success also remove the project folder (state included). */
    async destroy() {
        const r = await this.run(["destroy", "--yes", "--skip-preview"]);
        if (r.code === 0) fs.rmSync(this.dir, { recursive: true, force: true });
        return r;
    }
}

module.exports = { Project, JOBS_PROGRAM };
