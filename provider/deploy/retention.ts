/**
 * Savepoint retention (README: FlinkJob, "Savepoint retention"): every upgrade takes two savepoints
 * (a plain one, then stop-with-savepoint) and nothing else ever removes them. After a successful
 * upgrade the newest `keep` savepoints of the job are kept and older ones are disposed through
 * Flink's own disposal call, so it works on any filesystem the cluster reads (file, S3, HDFS).
 *
 * "A savepoint of this job" is only one pulumi-flink took or recorded for it, listed in the job's
 * state: the savepoint directory is never listed, since another job's or a user's savepoints may
 * live in the same directory.
 */
import type { FlinkClient } from "../flink";
import { messageOf } from "../core/errors";
import type { Progress } from "../core/log";
import { type Clock, clockOf } from "../core/clock";
import { parseJobId } from "./identity";

/** How a recorded savepoint came to be. */
export type SavepointKind = "probe" | "stop" | "recorded";

/** One savepoint of the job, as the job's `savepoints` output lists it (oldest first). */
export interface SavepointRecord {
    /** The generation the savepoint was taken of. */
    generation: number;
    path: string;
    /** ISO 8601; "" when not known. */
    takenAt: string;
    /** probe: the plain savepoint before a stop; stop: stop-with-savepoint; recorded: found by a deploy (e.g. of a run that was killed). */
    kind: SavepointKind;
}

/** A savepoint the deploy path took (reported by the stop through the deploy context). */
export interface TakenSavepoint {
    jobId: string;
    path: string;
    kind: "probe" | "stop";
    /** Epoch milliseconds. */
    at: number;
}

/**
 * The job's list after a deploy: what state listed, plus what this deploy took, plus the savepoint
 * state now names as the last one when it is not listed yet (state written before the list existed,
 * or a savepoint of a run that was killed). Oldest first, one entry per path.
 */
export function recordSavepoints(
    name: string,
    listed: readonly SavepointRecord[],
    taken: readonly TakenSavepoint[],
    last: { path: string; at: string; generation: number },
): SavepointRecord[] {
    const out = [...listed];
    const has = (path: string) => out.some((r) => r.path === path);
    if (last.path && !has(last.path) && !taken.some((t) => t.path === last.path))
        out.push({
            generation: last.generation,
            path: last.path,
            takenAt: last.at,
            kind: "recorded",
        });
    for (const t of taken) {
        if (has(t.path)) continue;
        const generation = parseJobId(name, t.jobId)?.generation ?? last.generation;
        out.push({
            generation,
            path: t.path,
            takenAt: new Date(t.at).toISOString(),
            kind: t.kind,
        });
    }
    return out;
}

/**
 * Which savepoints to keep and which to dispose: the newest `keep`, plus every protected one (the
 * one the running generation restored from, the rollback point state names) wherever it is.
 */
export function retentionPlan(
    records: readonly SavepointRecord[],
    keep: number,
    protectedPaths: readonly string[],
): { kept: SavepointRecord[]; dispose: SavepointRecord[] } {
    const newest = new Set(records.slice(Math.max(0, records.length - keep)).map((r) => r.path));
    const isKept = (r: SavepointRecord) => newest.has(r.path) || protectedPaths.includes(r.path);
    return {
        kept: records.filter(isKept),
        dispose: records.filter((r) => !isKept(r)),
    };
}

/** Flink's cause when the savepoint is no longer there (removed by hand; seen on 1.20.3 and 2.3.0): nothing is left to dispose. */
const GONE = /FileNotFoundException/;

/** How long one disposal may take before it is given up (it is retried after the next upgrade). */
const DISPOSAL_TIMEOUT_MS = 60_000;

/** Dispose one savepoint and wait for Flink's answer; "" when it is gone, else why it is not. */
async function dispose(client: FlinkClient, path: string, clock: Clock): Promise<string> {
    try {
        const trigger = await client.disposeSavepoint(path);
        const started = clock.now();
        let pollMs = 50;
        for (;;) {
            const status = await client.disposalStatus(trigger);
            if (status.status === "COMPLETED") return status.failureCause === undefined || GONE.test(status.failureCause) ? "" : status.failureCause;
            if (clock.now() - started + pollMs > DISPOSAL_TIMEOUT_MS) return `still in progress after ${Math.round(DISPOSAL_TIMEOUT_MS / 1000)} s`;
            await clock.sleep(pollMs);
            pollMs = Math.min(1_000, Math.ceil(pollMs * 1.5));
        }
    } catch (err) {
        return messageOf(err);
    }
}

/** What the retention step needs from a deploy. */
export interface RetentionContext {
    client: FlinkClient;
    progress: Progress;
    clock?: Clock;
}

/**
 * Apply the policy after a successful upgrade (the new generation passed its health gate). A
 * savepoint Flink could not dispose stays listed, so the next upgrade tries again; that is a
 * warning line, never a failed update: the job is healthy.
 */
export async function applyRetention(
    ctx: RetentionContext,
    records: readonly SavepointRecord[],
    keep: number,
    protectedPaths: readonly string[],
): Promise<SavepointRecord[]> {
    const plan = retentionPlan(records, keep, protectedPaths);
    if (plan.dispose.length === 0) return plan.kept;
    const failed = new Set<string>();
    for (const r of plan.dispose) {
        const problem = await dispose(ctx.client, r.path, clockOf(ctx));
        if (problem) {
            failed.add(r.path);
            ctx.progress(
                `warning: could not dispose savepoint ${r.path} (generation ${r.generation}): ${problem}; ` +
                    `it stays listed and is tried again after the next upgrade`,
            );
        } else ctx.progress(`disposed savepoint ${r.path} (generation ${r.generation}, ${r.kind}; keeping the newest ${keep})`);
    }
    return records.filter((r) => plan.kept.includes(r) || failed.has(r.path));
}
