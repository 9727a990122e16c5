/**
 * The restore point a job would use if it were started again now: the deploy's own choice
 * (provider/deploy/restore.ts, findRestorePoint) run against what Flink and state hold, with its
 * progress lines dropped. A redeploy of a running job takes a new savepoint first; this is what a
 * restart after a crash, a cancel or a lost JobManager would take.
 */
import type { CheckpointStats, FlinkClient, JobOverview } from "../../provider/flink";
import { messageOf } from "../../provider/core/errors";
import { findRestorePoint } from "../../provider/deploy/restore";
import { parseJobId } from "../../provider/deploy/identity";
import { DeclaredJob } from "./stack";

export interface RestoreNow {
    /** "savepoint", "checkpoint", "empty" (starts from empty state), "refused" (the deploy would stop), "stateless", "unknown". */
    kind: "savepoint" | "checkpoint" | "empty" | "refused" | "stateless" | "unknown";
    path?: string;
    /** Completion time, epoch ms (0 when not known). */
    at?: number;
    /** Why, for empty, refused and unknown. */
    why?: string;
}

/** The job's generations on the cluster (ids the deploy gave it, or the id state records), newest first. */
export function generationsOf(job: DeclaredJob, overview: readonly JobOverview[]): JobOverview[] {
    return overview
        .filter((j) => j.name === job.name && (parseJobId(job.name, j.jid) !== undefined || j.jid === job.jobId))
        .sort((a, b) => b["start-time"] - a["start-time"]);
}

/** Ask the deploy's restore choice; `known` checkpoint statistics are reused, not asked again. */
export async function restoreNow(
    client: Pick<FlinkClient, "checkpoints">,
    job: DeclaredJob,
    overview: readonly JobOverview[],
    known: Record<string, CheckpointStats | undefined>,
    now: number,
): Promise<{ point: RestoreNow; requests: number }> {
    if (job.stateless) return { point: { kind: "stateless", why: "upgrade.mode is stateless: a restart starts from empty state" }, requests: 0 };
    let requests = 0;
    const cached: Pick<FlinkClient, "checkpoints"> = {
        checkpoints: (jid: string) => (known[jid] ? Promise.resolve(known[jid]!) : (requests++, client.checkpoints(jid))),
    };
    try {
        const decision = await findRestorePoint(
            cached,
            job.name,
            generationsOf(job, overview),
            job.prior,
            { restore: job.restore },
            () => undefined,
            now,
            async () => undefined,
        );
        if (decision.kind === "snapshot") return { point: { kind: decision.snapshot.kind, path: decision.snapshot.path, at: decision.snapshot.at }, requests };
        if (decision.kind === "finished")
            return { point: { kind: "empty", why: `job ${decision.jobId} FINISHED by itself: the next version starts over` }, requests };
        return { point: { kind: "empty", why: job.restore === "none" ? "upgrade.restore is none" : "no savepoint or retained checkpoint found" }, requests };
    } catch (err) {
        // The deploy refuses to start a job whose state it cannot find (it says so in its message).
        const text = messageOf(err).split("\n")[0];
        return { point: { kind: /would lose its state/.test(text) ? "refused" : "unknown", why: text }, requests };
    }
}
