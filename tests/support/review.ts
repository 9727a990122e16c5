/**
 * E2E harness for `pulumi-flink review` and `status`: one stack (FlinkHome + local cluster with a
 * SQL Gateway + a VariableSet + jobs from config) whose config a test changes before a
 * `pulumi preview --json`, and the packed CLI as users run it.
 */
import { spawn } from "child_process";
import * as path from "path";
import { countingSql } from "./jobs";
import { e2eWorkspace } from "./testbed";

export const REVIEW_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const port = cfg.requireNumber("restPort");
const home = new flink.FlinkHome("home", { version: cfg.require("flinkVersion"), defaultConfig: { "parallelism.default": 1 } });
const cluster = new flink.SessionCluster("cluster", {
    target: "local", home, workDir: cfg.require("workDir"), restPort: port, rpcPort: port + 1,
    slotsPerTaskManager: 8, taskManagerMemory: "1536m", sqlGateway: { enabled: true, port: port + 5 },
});
const secrets = {};
for (const name of JSON.parse(cfg.get("secretNames") || "[]")) secrets[name] = cfg.requireSecret("secret_" + name);
const vars = new flink.VariableSet("vars", { values: JSON.parse(cfg.get("variables") || "{}"), secrets });
for (const [resource, args] of Object.entries(JSON.parse(cfg.get("jobs") || "{}"))) {
    new flink.FlinkJob(resource, { cluster, variables: vars, ...args });
}
exports.restUrl = cluster.restUrl;
`;

/** Five jobs; version 2 changes four of them (SQL, parallelism, stateless args) and removes one. */
export function reviewJobs(jar: string, outDir: string, version: 1 | 2): Record<string, Record<string, unknown>> {
    const quick = { health: { stableSeconds: 2 } };
    const counter = (name: string, more: Record<string, unknown> = {}, rate = "20") => ({
        name,
        jar: { path: jar },
        args: ["--out", path.join(outDir, name), "--rate", rate, "--name", name],
        ...quick,
        ...more,
    });
    const jobs: Record<string, Record<string, unknown>> = {
        orders: { name: "orders-agg", sql: countingSql("orders"), ...quick },
        counter: counter("counter-par"),
        // A secret may only stand inside a string literal (it is escaped there); outside one it is refused at check.
        enrich: { name: "enrich", sql: countingSql("enrich-${SINK}", "WHERE CAST(v AS STRING) <> '${FILTER_SEED}'"), ...quick },
        scratch: counter("scratch-stateless", { upgrade: { mode: "stateless" } }),
        legacy: counter("legacy-counter"),
    };
    if (version === 2) {
        jobs.orders = { name: "orders-agg", sql: countingSql("orders", "WHERE v IS NOT NULL"), upgrade: { allowNonRestoredState: true }, ...quick };
        jobs.counter = counter("counter-par", { parallelism: 2 });
        jobs.scratch = counter("scratch-stateless", { upgrade: { mode: "stateless" } }, "30");
        delete jobs.legacy;
    }
    return jobs;
}

export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** Run the `pulumi-flink` bin installed in the e2e workspace (from the packed package), like `npx pulumi-flink`. */
export function runCli(args: string[], options: { stdin?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
    const bin = path.join(e2eWorkspace(), "node_modules", ".bin", "pulumi-flink");
    return new Promise((resolve, reject) => {
        const child = spawn(bin, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d));
        child.stderr.on("data", (d: Buffer) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
        child.stdin.end(options.stdin ?? "");
    });
}
