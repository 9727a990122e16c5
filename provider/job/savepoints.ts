/**
 * The job's `savepoints` output: what state listed plus what this deploy took, with the retention
 * policy of provider/deploy/retention applied after a successful upgrade.
 */
import { applyRetention, recordSavepoints, type SavepointRecord, type TakenSavepoint } from "../deploy/retention";
import type { DeployContext, DeployOutcome } from "../deploy/redeploy";

/** What state recorded of the job before this deploy (its generation and savepoint list). */
export interface PriorSavepoints {
    generation: number;
    savepoints?: SavepointRecord[];
}

/**
 * The job's savepoint list after a deploy, with the retention policy applied when this deploy
 * submitted a generation that passed its gate (converge throws otherwise): never before. The
 * protected savepoints: the one the new generation restored from, the rollback point state
 * names (lastSavepoint), and the one the cluster took of the job when it restarted (handoff).
 */
export async function retained(
    ctx: DeployContext,
    job: { name: string; keep: number; handoff?: string },
    olds: PriorSavepoints | undefined,
    outcome: DeployOutcome,
    taken: TakenSavepoint[],
): Promise<SavepointRecord[]> {
    const last = {
        path: outcome.lastSavepoint,
        at: outcome.lastSavepointAt,
        generation: olds?.generation ?? outcome.generation,
    };
    const records = recordSavepoints(job.name, olds?.savepoints ?? [], taken, last);
    if (outcome.action !== "submitted") return records;
    const keep = [outcome.restoredFrom, outcome.lastSavepoint, job.handoff ?? ""].filter((p) => p !== "");
    return applyRetention(ctx, records, job.keep, keep);
}
