/**
 * The health gate: a freshly (re)deployed job must reach RUNNING with every task running, then
 * stay up for a window with at most N restarts, and optionally complete a checkpoint.
 */
import type { FlinkClient } from "../flink";
import { endsGateWait } from "../flink/states";
import { Progress } from "../util/log";
import { clusterJobs } from "./watch";
import { faultPoint } from "./fault";

export interface HealthPolicy {
    runningTimeoutSeconds: number;
    stableSeconds: number;
    requireCheckpoint: boolean;
    maxRestarts: number;
    /** Bounded jobs only: how long `up` waits for the job to finish. */
    finishTimeoutSeconds: number;
}

/** Default of health.finishTimeoutSeconds (bounded jobs). */
export const DEFAULT_FINISH_TIMEOUT_SECONDS = 3600;

export type HealthResult = { ok: true; afterMs: number } | { ok: false; reason: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The job's root cause, one line, or a fallback. */
export async function rootCauseOf(client: FlinkClient, jobId: string): Promise<string> {
    try {
        const root = await client.rootException(jobId);
        return root ? root.message : "no exception recorded";
    } catch {
        return "its exception history could not be read";
    }
}

async function failures(client: FlinkClient, jobId: string): Promise<number> {
    try {
        return (await client.exceptions(jobId)).length;
    } catch {
        return 0;
    }
}

/** Wait until the job runs with all tasks, or fails, or the timeout passes. */
async function untilRunning(client: FlinkClient, restUrl: string, jobId: string, timeoutMs: number): Promise<{ ok: true } | { ok: false; state: string }> {
    const deadline = Date.now() + timeoutMs;
    let state = "NOT_FOUND";
    while (Date.now() < deadline) {
        const job = (await clusterJobs(restUrl, client)).find((j) => j.jid === jobId);
        state = job?.state ?? "NOT_FOUND";
        if (job && endsGateWait(job.state)) return { ok: false, state };
        const tasks = job?.tasks as { running?: number; total?: number } | undefined;
        if (job?.state === "RUNNING" && tasks && tasks.total !== undefined && tasks.running === tasks.total) return { ok: true };
        await sleep(200);
    }
    return { ok: false, state: `${state} after ${Math.round(timeoutMs / 1000)} s` };
}

export async function healthGate(client: FlinkClient, restUrl: string, jobId: string, policy: HealthPolicy, progress: Progress): Promise<HealthResult> {
    const start = Date.now();
    const running = await untilRunning(client, restUrl, jobId, policy.runningTimeoutSeconds * 1000);
    if (!running.ok) {
        return { ok: false, reason: `job ${jobId} did not reach RUNNING with all tasks running (${running.state}): ${await rootCauseOf(client, jobId)}` };
    }
    progress(`job ${jobId} is RUNNING with all tasks; watching it for ${policy.stableSeconds} s`);
    faultPoint("during-gate");
    const windowEnd = Date.now() + policy.stableSeconds * 1000;
    while (Date.now() < windowEnd) {
        const job = (await clusterJobs(restUrl, client)).find((j) => j.jid === jobId);
        if (!job || endsGateWait(job.state)) {
            return {
                ok: false,
                reason: `job ${jobId} became ${job?.state ?? "unknown"} within ${policy.stableSeconds} s: ${await rootCauseOf(client, jobId)}`,
            };
        }
        if (job.state !== "RUNNING" && (await failures(client, jobId)) > policy.maxRestarts) break;
        await sleep(1000);
    }
    const restarts = await failures(client, jobId);
    if (restarts > policy.maxRestarts) {
        return {
            ok: false,
            reason: `job ${jobId} failed ${restarts} time(s) within ${policy.stableSeconds} s (allowed: ${policy.maxRestarts}): ${await rootCauseOf(client, jobId)}`,
        };
    }
    if (policy.requireCheckpoint) {
        const deadline = Date.now() + policy.runningTimeoutSeconds * 1000;
        for (;;) {
            const stats = await client.checkpoints(jobId);
            if ((stats.counts?.completed ?? 0) > 0) break;
            if (Date.now() > deadline)
                return { ok: false, reason: `job ${jobId} completed no checkpoint within ${policy.runningTimeoutSeconds} s (is checkpointing enabled?)` };
            await sleep(1000);
        }
    }
    return { ok: true, afterMs: Date.now() - start };
}

/** How a bounded job's run ended: FINISHED, another end (with Flink's root cause), or still running at the deadline. */
export type FinishResult = { ok: true; afterMs: number } | { ok: false; stillRunning: boolean; state: string; reason: string };

/**
 * A bounded job's gate: it must FINISH within the deadline. It may finish before it was ever
 * seen RUNNING with every task, so only the end counts. SUSPENDED (JobManager failover) ends the
 * wait too: the job is not going to finish under this JobManager.
 */
export async function finishGate(client: FlinkClient, restUrl: string, jobId: string, timeoutSeconds: number, progress: Progress): Promise<FinishResult> {
    const start = Date.now();
    const deadline = start + timeoutSeconds * 1000;
    progress(`job ${jobId} is bounded: waiting up to ${timeoutSeconds} s for it to finish`);
    let state = "NOT_FOUND";
    while (Date.now() < deadline) {
        const job = (await clusterJobs(restUrl, client)).find((j) => j.jid === jobId);
        state = job?.state ?? "NOT_FOUND";
        if (state === "FINISHED") return { ok: true, afterMs: Date.now() - start };
        if (endsGateWait(state)) return { ok: false, stillRunning: false, state, reason: `job ${jobId} ended ${state}: ${await rootCauseOf(client, jobId)}` };
        await sleep(500);
    }
    return {
        ok: false,
        stillRunning: true,
        state,
        reason: `job ${jobId} did not finish within health.finishTimeoutSeconds = ${timeoutSeconds} s (it is ${state})`,
    };
}
