/**
 * E2E harness for FlinkJob scenarios: a real local cluster per Flink line (started through the
 * SessionCluster provider), and Pulumi programs whose jobs come from stack config, so a test
 * changes a job with `pulumi config set` and runs the real CLI.
 */
import * as fs from "fs";
import * as path from "path";
import { createFlinkClient, FlinkClient, JobOverview } from "../../provider/flink";
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

export type JobOutputs = { jobId: string; state: string; generation: number; lastSavepoint: string; restoredFrom: string; webUiUrl: string; deployedAt: string };

/** A stack of FlinkJobs on an existing cluster. */
export class JobStack {
    readonly project: PulumiProject;
    readonly client: FlinkClient;

    constructor(name: string, readonly restUrl: string, env: NodeJS.ProcessEnv = {}) {
        this.project = new PulumiProject(name, JOBS_PROGRAM);
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
        const ended = ["FINISHED", "CANCELED", "FAILED"];
        return (await this.client.jobsOverview()).filter((j) => j.name === name && !ended.includes(j.state));
    }

    async destroy(): Promise<void> {
        await this.project.run(["destroy", "--yes", "--skip-preview"]);
    }
}

/** FlinkJob args running the counter test job. */
export function counterJob(line: FlinkLine, name: string, outDir: string, extraArgs: string[] = [], more: Record<string, unknown> = {}): Record<string, unknown> {
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
    return waitFor(`count > ${above}${tag ? ` with tag ${tag}` : ""} in ${outDir}`, () => {
        const c = readCounter(outDir);
        return c && c.count > above && (!tag || c.tag === tag) ? c : undefined;
    }, timeoutMs);
}

export function outDirFor(workDir: string, name: string): string {
    const dir = path.join(workDir, "out", name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}
