/**
 * E2E harness for FlinkJob scenarios: a real local cluster per Flink line (started through the
 * SessionCluster provider), and Pulumi programs whose jobs come from stack config, so a test
 * changes a job with `pulumi config set` and runs the real CLI.
 */
import * as fs from "fs";
import * as path from "path";
import { createFlinkClient, FlinkClient, isActive, JobOverview } from "../../provider/flink";
import { readCounter, waitFor, CounterLine } from "./counter";
import { PulumiProject } from "./pulumi";
import { FlinkLine } from "./testbed";

export const JOBS_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const cluster = new flink.SessionCluster("cluster", { target: "remote", restUrl: cfg.require("restUrl") });
const jobs = JSON.parse(cfg.get("jobs") || "{}");
for (const [resource, args] of Object.entries(jobs)) {
    const job = new flink.FlinkJob(resource, { cluster, ...args });
    exports[resource] = { jobId: job.jobId, state: job.state, generation: job.generation, lastSavepoint: job.lastSavepoint, restoredFrom: job.restoredFrom, webUiUrl: job.webUiUrl, deployedAt: job.deployedAt };
}
`;

export type JobOutputs = {
    jobId: string;
    state: string;
    generation: number;
    lastSavepoint: string;
    restoredFrom: string;
    webUiUrl: string;
    deployedAt: string;
};

/** A stack of FlinkJobs on an existing cluster. */
export class JobStack {
    readonly project: PulumiProject;
    readonly client: FlinkClient;

    constructor(
        name: string,
        readonly restUrl: string,
        env: NodeJS.ProcessEnv = {},
        program = JOBS_PROGRAM,
    ) {
        this.project = new PulumiProject(name, program);
        Object.assign(this.project.env, env);
        this.client = createFlinkClient({ baseUrl: restUrl });
    }

    async init(): Promise<void> {
        await this.project.init();
        await this.project.ok(["config", "set", "restUrl", this.restUrl]);
    }

    async setJobs(jobs: Record<string, Record<string, unknown>>): Promise<void> {
        await this.project.ok(["config", "set", "jobs", JSON.stringify(jobs)]);
    }

    up(extra: string[] = []) {
        return this.project.run(["up", "--yes", "--skip-preview", ...extra]);
    }

    upOk(extra: string[] = []) {
        return this.project.ok(["up", "--yes", "--skip-preview", ...extra]);
    }

    async job(resource: string): Promise<JobOutputs> {
        return (await this.project.outputs())[resource] as JobOutputs;
    }

    /** Jobs in Flink with this name in a not-ended state. */
    async active(name: string): Promise<JobOverview[]> {
        return (await this.client.jobsOverview()).filter((j) => j.name === name && isActive(j.state));
    }

    async destroy(): Promise<void> {
        await this.project.run(["destroy", "--yes", "--skip-preview"]);
    }
}

/** FlinkJob args running the counter test job. */
export function counterJob(
    line: FlinkLine,
    name: string,
    outDir: string,
    extraArgs: string[] = [],
    more: Record<string, unknown> = {},
): Record<string, unknown> {
    return {
        name,
        jar: { path: line.testJobJar },
        args: ["--out", outDir, "--rate", "20", "--name", name, ...extraArgs],
        health: { stableSeconds: 2 },
        ...more,
    };
}

/** Wait until the counter has counted past `above` (optionally with a given tag). */
export function countAbove(outDir: string, above: number, tag?: string, timeoutMs = 60_000): Promise<CounterLine> {
    return waitFor(
        `count > ${above}${tag ? ` with tag ${tag}` : ""} in ${outDir}`,
        () => {
            const c = readCounter(outDir);
            return c && c.count > above && (!tag || c.tag === tag) ? c : undefined;
        },
        timeoutMs,
    );
}

export function outDirFor(workDir: string, name: string): string {
    const dir = path.join(workDir, "out", name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

/**
 * Like JOBS_PROGRAM, with a SQL Gateway on the cluster and one VariableSet passed to every job:
 * plain values from config `variables` (JSON), secrets from secret config `secret_<NAME>` for
 * each name listed in config `secretNames`; config `gatewayHere` sets the cluster's
 * `sqlGatewayOnThisMachine` (SQL jobs then run from compiled plans).
 */
export const SQL_JOBS_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const cluster = new flink.SessionCluster("cluster", { target: "remote", restUrl: cfg.require("restUrl"), sqlGatewayUrl: cfg.require("sqlGatewayUrl"), sqlGatewayOnThisMachine: cfg.getBoolean("gatewayHere") || false });
const secrets = {};
for (const name of JSON.parse(cfg.get("secretNames") || "[]")) secrets[name] = cfg.requireSecret("secret_" + name);
const vars = new flink.VariableSet("vars", { values: JSON.parse(cfg.get("variables") || "{}"), secrets });
const jobs = JSON.parse(cfg.get("jobs") || "{}");
for (const [resource, args] of Object.entries(jobs)) {
    const job = new flink.FlinkJob(resource, { cluster, variables: vars, ...args });
    exports[resource] = { jobId: job.jobId, state: job.state, generation: job.generation, lastSavepoint: job.lastSavepoint, restoredFrom: job.restoredFrom };
}
`;

/** A stateful SQL job: a keyed running count printed by the `print` connector as `<tag>> +U[0, N]`. */
export function countingSql(identifier: string, filter = ""): string {
    return [
        "CREATE TABLE src (k INT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10', 'fields.k.min' = '0', 'fields.k.max' = '0')",
        `CREATE TABLE snk (k INT, c BIGINT) WITH ('connector' = 'print', 'print-identifier' = '${identifier}')`,
        `INSERT INTO snk SELECT k, COUNT(*) FROM src ${filter} GROUP BY k`,
    ].join(";\n");
}

/** First and latest count printed under `identifier` in the cluster's TaskManager stdout files. */
export function printedCounts(workDir: string, identifier: string): { first: number; last: number } | undefined {
    const logDir = path.join(workDir, "log");
    const pattern = new RegExp(`^${identifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?::\\d+)?> \\+[IU]\\[0, (\\d+)\\]`);
    const counts: number[] = [];
    for (const file of fs.existsSync(logDir)
        ? fs
              .readdirSync(logDir)
              .filter((f) => f.endsWith(".out"))
              .sort()
        : []) {
        for (const line of fs.readFileSync(path.join(logDir, file), "utf8").split("\n")) {
            const m = pattern.exec(line);
            if (m) counts.push(Number(m[1]));
        }
    }
    return counts.length ? { first: counts[0], last: Math.max(...counts) } : undefined;
}
