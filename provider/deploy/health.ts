/**
 * The health gate: a freshly (re)deployed job must reach RUNNING with every task running, then
 * stay up for a window with at most N restarts, and optionally complete a checkpoint.
 */
import { rootCause, type FlinkClient, type JobOverview } from "../flink";
import type { ExceptionEntry } from "../flink/schemas";
import { endsGateWait } from "../flink/states";
import { Progress } from "../core/log";
import { clusterJobs } from "./watch";
import { faultPoint } from "./fault";
import { restoreFailureIn } from "./restore-failure";
import { type Clock, realClock } from "../core/clock";

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

// Time as the gates see it (moved to util/clock: the whole deploy path shares the context's clock).
export { type Clock, realClock } from "../core/clock";

/** How often a job that is not running with all tasks has its exception history read, at most. */
const HISTORY_PROBE_MS = 1000;
/** How often, and how far apart, an ended job's cause is read again while Flink has not recorded it yet. */
const CAUSE_ATTEMPTS = 8;
const CAUSE_RETRY_MS = 500;
const NO_EXCEPTION = "no exception recorded";

/** The root cause of the newest entry, one line, or why there is none. */
function causeIn(entries: readonly ExceptionEntry[] | undefined): string {
    if (!entries) return "its exception history could not be read";
    return rootCause(entries)?.message ?? NO_EXCEPTION;
}

async function historyOf(client: FlinkClient, jobId: string): Promise<ExceptionEntry[] | undefined> {
    try {
        return await client.exceptions(jobId);
    } catch {
        return undefined;
    }
}

/**
 * The job's root cause, one line, or a fallback. A job that failed without restarting can have an
 * empty exception history while Flink already reports its root exception: that is asked next.
 */
export async function rootCauseOf(client: FlinkClient, jobId: string, entries?: readonly ExceptionEntry[]): Promise<string> {
    const history = entries ?? (await historyOf(client, jobId));
    const fromHistory = history && rootCause(history)?.message;
    if (fromHistory) return fromHistory;
    const root = await client.rootException(jobId).catch(() => undefined);
    return root?.message ?? causeIn(history);
}

const restoreReason = (jobId: string, failure: string) => `job ${jobId} cannot restore its state: ${failure.replace(/\.$/, "")}: restarting does not help`;

/**
 * Watches a job that is not running with all tasks through its exception history, so that a
 * failure restarting cannot cure ends the gate at once instead of at its timeout. The history is
 * read at most once per HISTORY_PROBE_MS and judged only when it changed (a new failure), so a
 * healthy job that takes a few seconds to start costs a few reads. An unreadable history never
 * fails the gate by itself: the gate's timeout still bounds the wait.
 */
function failureWatch(client: FlinkClient, jobId: string, maxRestarts: number, clock: Clock) {
    let readAt = -Infinity;
    let judged = "";
    return {
        /**
         * A reason to fail the gate now, or undefined: a deterministic restore failure, or more
         * failures than health.maxRestarts `when` (the phase, for the reason).
         */
        async verdict(when: string, force = false): Promise<string | undefined> {
            if (!force && clock.now() - readAt < HISTORY_PROBE_MS) return undefined;
            readAt = clock.now();
            const entries = await historyOf(client, jobId);
            const key = entries ? `${entries.length}:${entries[0]?.timestamp ?? 0}` : judged;
            if (!entries || key === judged) return undefined;
            judged = key;
            // The history holds at most web.exception-history-size (16) entries: a lower bound beyond.
            const failures = entries.length;
            const restore = restoreFailureIn(entries);
            if (restore) return restoreReason(jobId, restore);
            if (failures > maxRestarts) return `job ${jobId} failed ${failures} time(s) ${when} (allowed: ${maxRestarts}): ${causeIn(entries)}`;
            return undefined;
        },
        /** Why a job that ended (or never ran) failed: a restore failure if there is one, else the root cause. */
        async ended(what: string): Promise<string> {
            // Flink shows a job FAILED a moment before it records why: read again for a few seconds.
            for (let attempt = 1; ; attempt++) {
                const entries = await historyOf(client, jobId);
                const restore = entries && restoreFailureIn(entries);
                if (restore) return restoreReason(jobId, restore);
                const cause = await rootCauseOf(client, jobId, entries);
                if (cause !== NO_EXCEPTION || attempt >= CAUSE_ATTEMPTS) return `job ${jobId} ${what}: ${cause}`;
                await clock.sleep(CAUSE_RETRY_MS);
            }
        },
    };
}
type FailureWatch = ReturnType<typeof failureWatch>;

function runsAllTasks(job: JobOverview): boolean {
    const tasks = job.tasks as { running?: number; total?: number } | undefined;
    return job.state === "RUNNING" && tasks !== undefined && tasks.total !== undefined && tasks.running === tasks.total;
}

const overviewOf = async (client: FlinkClient, restUrl: string, jobId: string, clock: Clock) =>
    (await clusterJobs(restUrl, client, undefined, () => clock.now())).find((j) => j.jid === jobId);

/** Wait until the job runs with all tasks, or fails in a way that ends the gate, or the timeout passes. */
async function untilRunning(
    client: FlinkClient,
    restUrl: string,
    jobId: string,
    timeoutMs: number,
    watch: FailureWatch,
    clock: Clock,
): Promise<{ ok: true } | { ok: false; reason: string }> {
    const deadline = clock.now() + timeoutMs;
    let state = "NOT_FOUND";
    while (clock.now() < deadline) {
        const job = await overviewOf(client, restUrl, jobId, clock);
        state = job?.state ?? "NOT_FOUND";
        if (job && endsGateWait(job.state)) return { ok: false, reason: await watch.ended(`did not reach RUNNING with all tasks running (${state})`) };
        if (job && runsAllTasks(job)) return { ok: true };
        const reason = job && (await watch.verdict("before it ever ran with all tasks"));
        if (reason) return { ok: false, reason };
        await clock.sleep(200);
    }
    return { ok: false, reason: await watch.ended(`did not reach RUNNING with all tasks running (${state} after ${Math.round(timeoutMs / 1000)} s)`) };
}

/**
 * The gate of a new job: RUNNING with all tasks within health.runningTimeoutSeconds, then at most
 * health.maxRestarts failures over health.stableSeconds, then (if required) a checkpoint. A job
 * that cannot restore its state, or fails more than maxRestarts times before it ever ran, fails
 * it at once: its downtime is then the rollback's, not the timeout's.
 */
export async function healthGate(
    client: FlinkClient,
    restUrl: string,
    jobId: string,
    policy: HealthPolicy,
    progress: Progress,
    clock: Clock = realClock,
): Promise<HealthResult> {
    const start = clock.now();
    const watch = failureWatch(client, jobId, policy.maxRestarts, clock);
    const running = await untilRunning(client, restUrl, jobId, policy.runningTimeoutSeconds * 1000, watch, clock);
    if (!running.ok) return running;
    progress(`job ${jobId} is RUNNING with all tasks; watching it for ${policy.stableSeconds} s`);
    faultPoint("during-gate");
    const within = `within ${policy.stableSeconds} s`;
    const windowEnd = clock.now() + policy.stableSeconds * 1000;
    while (clock.now() < windowEnd) {
        const job = await overviewOf(client, restUrl, jobId, clock);
        if (!job || endsGateWait(job.state)) return { ok: false, reason: await watch.ended(`became ${job?.state ?? "unknown"} ${within}`) };
        const reason = !runsAllTasks(job) && (await watch.verdict(within));
        if (reason) return { ok: false, reason };
        await clock.sleep(1000);
    }
    // Restarts between two polls leave the job RUNNING at both: count them once more.
    const reason = await watch.verdict(within, true);
    if (reason) return { ok: false, reason };
    if (policy.requireCheckpoint) {
        const deadline = clock.now() + policy.runningTimeoutSeconds * 1000;
        for (;;) {
            const stats = await client.checkpoints(jobId);
            if ((stats.counts?.completed ?? 0) > 0) break;
            if (clock.now() > deadline)
                return { ok: false, reason: `job ${jobId} completed no checkpoint within ${policy.runningTimeoutSeconds} s (is checkpointing enabled?)` };
            await clock.sleep(1000);
        }
    }
    return { ok: true, afterMs: clock.now() - start };
}

/** How a bounded job's run ended: FINISHED, another end (with Flink's root cause), or still running at the deadline. */
export type FinishResult = { ok: true; afterMs: number } | { ok: false; stillRunning: boolean; state: string; reason: string };

/**
 * A bounded job's gate: it must FINISH within the deadline. It may finish before it was ever
 * seen RUNNING with every task, so only the end counts. SUSPENDED (JobManager failover) ends the
 * wait too: the job is not going to finish under this JobManager.
 */
export async function finishGate(
    client: FlinkClient,
    restUrl: string,
    jobId: string,
    timeoutSeconds: number,
    progress: Progress,
    clock: Clock = realClock,
): Promise<FinishResult> {
    const start = clock.now();
    const deadline = start + timeoutSeconds * 1000;
    progress(`job ${jobId} is bounded: waiting up to ${timeoutSeconds} s for it to finish`);
    let state = "NOT_FOUND";
    while (clock.now() < deadline) {
        state = (await overviewOf(client, restUrl, jobId, clock))?.state ?? "NOT_FOUND";
        if (state === "FINISHED") return { ok: true, afterMs: clock.now() - start };
        if (endsGateWait(state)) return { ok: false, stillRunning: false, state, reason: `job ${jobId} ended ${state}: ${await rootCauseOf(client, jobId)}` };
        await clock.sleep(500);
    }
    return {
        ok: false,
        stillRunning: true,
        state,
        reason: `job ${jobId} did not finish within health.finishTimeoutSeconds = ${timeoutSeconds} s (it is ${state})`,
    };
}
