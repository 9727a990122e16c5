/**
 * Handing a local cluster's jobs over a restart (a changed `libraries` list).
 *
 * A local JobManager runs without HA: once restarted it forgets every job, ended ones included,
 * so the savepoint a job was stopped with can no longer be found in Flink. So the cluster stops
 * pulumi-flink's jobs with a savepoint first (the deploy code's own routine), restarts only when
 * all of them succeeded, and records each savepoint twice: in its work dir (`run/handoff.json`,
 * written after each stop, so a run killed half-way keeps what it took) and in its `handoff`
 * output, which each job gets in its cluster reference and restores from (restore.ts).
 * A job that pulumi-flink did not start is never stopped: the restart is refused as before.
 * An explicit record, not a scan of each job's savepoint folder: the cluster does not know a job's
 * own upgrade.savepointDir, and a record is found on any file system and names exactly one savepoint.
 */
import * as fs from "fs";
import * as path from "path";
import { createFlinkClient, type FlinkClient, type JobOverview } from "../flink";
import type { Connection } from "../core/connection";
import { connect } from "../flink/connect";
import { isActive } from "../flink/states";
import { parseJobId } from "../deploy/identity";
import { stoppedWithSavepoint } from "../deploy/restore";
import type { HandoffPoint } from "../deploy/restore-point";
import { defaultSavepointDir, stopWithSavepoint } from "../deploy/stop";
import { invalidate } from "../deploy/watch";
import { DeployError, messageOf } from "../core/errors";
import { stableJson } from "../core/hash";
import { progressFor, type Progress } from "../core/log";

/** Savepoints taken for a restart, by job name. */
export type Handoff = Record<string, HandoffPoint>;

/** How long the cluster waits for each savepoint: the job's own default (upgrade.savepointTimeoutSeconds). */
const SAVEPOINT_TIMEOUT_SECONDS = 600;

export interface HandoffPlan {
    /** pulumi-flink's active jobs: stopped with a savepoint before the restart. */
    ours: JobOverview[];
    /** Active jobs pulumi-flink did not start (their id does not encode their name): the restart is refused. */
    foreign: JobOverview[];
    /** pulumi-flink's jobs whose newest generation FINISHED and none runs: maybe stopped with a savepoint by an earlier run. */
    ended: JobOverview[];
}

/** Split the cluster's jobs (pure). */
export function planHandoff(jobs: readonly JobOverview[]): HandoffPlan {
    const ours = (j: JobOverview) => parseJobId(j.name, j.jid) !== undefined;
    const active = jobs.filter((j) => isActive(j.state));
    const activeNames = new Set(active.map((j) => j.name));
    const newest = new Map<string, JobOverview>();
    for (const j of jobs.filter((j) => ours(j) && !activeNames.has(j.name))) {
        const seen = newest.get(j.name);
        if (!seen || j["end-time"] > seen["end-time"]) newest.set(j.name, j);
    }
    return { ours: active.filter(ours), foreign: active.filter((j) => !ours(j)), ended: [...newest.values()].filter((j) => j.state === "FINISHED") };
}

/** The preview's words for a restart of a cluster running these jobs (pure). */
export function describeHandoff(plan: HandoffPlan, why: string, handsOver: boolean): string {
    const names = (js: JobOverview[]) => js.map((j) => `${j.name} (${j.state})`).join(", ");
    if (!plan.ours.length && !plan.foreign.length) return `${why}: restarts the local cluster (no job runs on it)`;
    if (plan.foreign.length)
        return (
            `${why}: REFUSED at up: ` +
            `restarting would kill ${plan.foreign.length} job(s) pulumi-flink did not start without a savepoint: ${names(plan.foreign)}`
        );
    if (!handsOver)
        return (
            `${why}: REFUSED at up: restarting would kill ${plan.ours.length} job(s) without a savepoint: ${names(plan.ours)}; ` +
            `only a change of libraries hands jobs over`
        );
    return (
        `${why}: stops ${plan.ours.length} job(s) with a savepoint, then restarts the local cluster; ` +
        `the jobs restore from those savepoints: ${names(plan.ours)}`
    );
}

function handoffFile(runDir: string): string {
    return path.join(runDir, "handoff.json");
}

/** The handoff recorded in the work dir ({} when none). */
export function readHandoff(runDir: string): Handoff {
    try {
        return JSON.parse(fs.readFileSync(handoffFile(runDir), "utf8")) as Handoff;
    } catch {
        return {};
    }
}

function writeHandoff(runDir: string, handoff: Handoff): void {
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(handoffFile(runDir), stableJson(handoff));
}

/**
 * What is still to hand over: recorded entries of jobs that do not run again yet (a job that runs
 * was restored, or redeployed, and takes its own savepoints from then on). Pure.
 */
export function pendingHandoff(recorded: Handoff, jobs: readonly JobOverview[]): Handoff {
    const running = new Set(jobs.filter((j) => isActive(j.state)).map((j) => j.name));
    return Object.fromEntries(Object.entries(recorded).filter(([name]) => !running.has(name)));
}

/** Record what is pending now (the work dir and the next outputs agree). */
export function settleHandoff(runDir: string, jobs: readonly JobOverview[]): Handoff {
    const pending = pendingHandoff(readHandoff(runDir), jobs);
    writeHandoff(runDir, pending);
    return pending;
}

function lines(h: Handoff): string {
    return Object.entries(h)
        .map(([name, p]) => `${name} (job ${p.jobId}) at ${p.path}`)
        .join("; ");
}

/** The savepoint an earlier run stopped the job with, when Flink still knows it. */
async function stopSavepointOf(client: FlinkClient, job: JobOverview, reason: string): Promise<HandoffPoint | undefined> {
    const stats = await client.checkpoints(job.jid).catch(() => undefined);
    const sp = stats?.latest.savepoint;
    if (!stats || !sp?.external_path || !stoppedWithSavepoint(stats, job)) return undefined;
    const at = sp.latest_ack_timestamp ?? sp.trigger_timestamp ?? job["end-time"];
    return { path: sp.external_path, at: new Date(at).toISOString(), jobId: job.jid, reason };
}

/**
 * Stop every job of the plan with a savepoint, one after the other, recording each one as it
 * completes. Throws (and the caller restarts nothing) at the first failure, saying which jobs
 * were stopped, where their savepoints are, and that the others still run.
 */
export async function handOver(conn: Connection, runDir: string, plan: HandoffPlan, reason: string, progress: Progress): Promise<Handoff> {
    if (plan.foreign.length) throw new Error("handOver: jobs pulumi-flink did not start are never stopped"); // the caller refuses first
    const client = connect(conn);
    try {
        const handoff: Handoff = { ...readHandoff(runDir) };
        for (const job of plan.ended) {
            const point = handoff[job.name]?.jobId === job.jid ? undefined : await stopSavepointOf(client, job, reason);
            if (point) handoff[job.name] = point;
        }
        writeHandoff(runDir, handoff);
        const stopped: Handoff = {};
        for (const [i, job] of plan.ours.entries()) {
            const rest = plan.ours.slice(i + 1).map((j) => j.name);
            try {
                const dir = await defaultSavepointDir(client, job.name);
                if (!dir) throw new DeployError("the cluster has no default savepoint directory", `the job ${job.jid} RUNNING, untouched`);
                const ctx = { client, restUrl: conn.restUrl, name: job.name, progress: (l: string) => progress(`${job.name}: ${l}`) };
                const location = await stopWithSavepoint(ctx, job, {
                    savepointDir: dir,
                    savepointTimeoutSeconds: SAVEPOINT_TIMEOUT_SECONDS,
                    formatType: "CANONICAL",
                });
                stopped[job.name] = handoff[job.name] = { path: location, at: new Date().toISOString(), jobId: job.jid, reason };
                writeHandoff(runDir, handoff);
            } catch (err) {
                const left = err instanceof DeployError ? err.leftBehind : "unknown (see the error)";
                const problem = err instanceof DeployError ? err.message.split("\n  left behind: ")[0] : messageOf(err);
                const done = Object.keys(stopped).length
                    ? `; already stopped with a savepoint (the next \`pulumi up\` restores them from there): ${lines(stopped)}`
                    : "";
                throw new DeployError(
                    `the cluster was not restarted: the savepoint of job ${job.name} (${job.jid}) failed: ${problem}`,
                    `the cluster and its processes as they were; ` +
                        `${job.name}: ${left}${rest.length ? `; still running, untouched: ${rest.join(", ")}` : ""}${done}`,
                );
            }
        }
        invalidate(conn.restUrl);
        if (plan.ours.length) progress(`stopped ${plan.ours.length} job(s) with a savepoint for the restart: ${lines(stopped)}`);
        return handoff;
    } finally {
        await client.close();
    }
}

/**
 * The jobs of a local cluster, or undefined when it cannot be reached (nothing runs there that a
 * restart could lose). `quick` (the preview): one attempt of at most 3 s, so a stopped cluster
 * does not slow the preview down.
 */
export async function clusterJobList(conn: Connection, quick = false): Promise<JobOverview[] | undefined> {
    const client = quick ? createFlinkClient({ baseUrl: conn.restUrl, timeoutMs: 3_000, retries: 0 }) : connect(conn);
    try {
        return await client.jobsOverview();
    } catch {
        return undefined;
    } finally {
        await client.close();
    }
}

/** Refuse a restart that would kill these jobs without a savepoint (the error says what is left: everything as it was). */
export function refuseRestart(why: string, running: { name: string; state: string }[], note = ""): never {
    const names = running.map((j) => `${j.name} (${j.state})`).join(", ");
    throw new DeployError(
        `${why} restarts the local cluster, which would kill ${running.length} job(s) without a savepoint: ${names}${note}`,
        "the cluster unchanged and its jobs running; " +
            "stop the jobs with a savepoint first (remove them from the program, or `flink stop`), then run `pulumi up` again",
    );
}

/** Inputs whose change alone lets the cluster hand its jobs over a restart (the jobs' previews say "cluster libraries"). */
const LIBRARY_KEYS = ["libraries", "mavenRepository"];

/**
 * Before a restart of a running local cluster: a change of its libraries alone stops
 * pulumi-flink's jobs with a savepoint and hands them over ({@link handOver}). Any other change, or a
 * job pulumi-flink did not start, is refused as before: those jobs' previews promise no restart.
 */
export async function prepareRestart(conn: Connection, runDir: string, changed: string[], progress: Progress): Promise<Handoff> {
    const jobs = await clusterJobList(conn);
    if (!jobs) return readHandoff(runDir); // not reachable: nothing runs there that a restart could lose
    const plan = planHandoff(jobs);
    const librariesOnly = changed.length > 0 && changed.every((k) => LIBRARY_KEYS.includes(k));
    const why = librariesOnly ? "changing the cluster's libraries" : "changing the cluster's configuration";
    if (plan.foreign.length) refuseRestart(why, plan.foreign, " (pulumi-flink did not start them, so it does not stop them)");
    if (plan.ours.length && !librariesOnly)
        refuseRestart(why, plan.ours, ` (changed: ${changed.join(", ")}; only a change of libraries alone stops jobs with a savepoint and restores them)`);
    return handOver(conn, runDir, plan, librariesOnly ? "libraries" : "configuration", progress);
}

/** The preview line of a restart of a running local cluster: which jobs it stops with savepoints, or that `up` will refuse. */
export async function previewRestart(conn: Connection, updates: string[], label: string): Promise<void> {
    const progress = progressFor(label);
    const jobs = await clusterJobList(conn, true);
    const why = `restart (changed: ${updates.join(", ")})`;
    if (!jobs) return progress(`preview: ${why}: which jobs run is unknown (the cluster at ${conn.restUrl} did not answer)`);
    const librariesOnly = updates.every((k) => LIBRARY_KEYS.includes(k));
    progress(`preview: ${describeHandoff(planHandoff(jobs), why, librariesOnly)}`);
}
