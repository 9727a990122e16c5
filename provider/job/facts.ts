/**
 * What a job's state records about the Flink job beside its inputs: its id and generation, its
 * restore points, the savepoints retention keeps. One type, so the paths that keep a job (no
 * action, an in-place rescale) carry exactly what a deploy writes.
 */
import type { SavepointRecord } from "../deploy/retention";
import type { PlanSummary } from "../sql/plan";

export interface JobFacts {
    jobId: string;
    state: string;
    generation: number;
    lastSavepoint: string;
    /** When lastSavepoint was taken (ISO 8601, "" when not known: state written before it existed). */
    lastSavepointAt?: string;
    /** The latest completed checkpoint refresh saw (path, "" when none), for a job whose JobManager is lost. */
    lastCheckpoint?: string;
    lastCheckpointAt?: string;
    /** The job FINISHED by itself (no stop savepoint): the next `up` leaves it alone until its definition changes. */
    finishedBySelf?: boolean;
    restoredFrom: string;
    /** Savepoints pulumi-flink took or recorded for the job and keeps (oldest first); absent in state written before retention. */
    savepoints?: SavepointRecord[];
    webUiUrl: string;
    deployedAt: string;
    jarId: string;
    /** Hash of the variable values the job uses (secret output). */
    variablesHash: string;
    /** SQL jobs deployed from a compiled plan: its state-bearing nodes and their ids (the next version keeps them). */
    sqlPlan?: PlanSummary;
}
