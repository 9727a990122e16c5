/**
 * Flink's job states (`JobStatus`, 1.16–2.3) and what they mean to pulumi-flink: the one place
 * that decides it. Everything else asks these predicates instead of keeping its own set.
 *
 * SUSPENDED is what a job reports when its JobManager lost leadership or shut down with HA: the
 * job is not running, but it is not over either — a JobManager with HA recovers it from its last
 * checkpoint. So it is not globally terminal, and it counts as an instance of the job (never
 * submit a second copy next to a suspended one). Only FAILED, CANCELED and FINISHED are ends.
 */

/** Every job status known to Flink 1.16–2.3. */
export const JOB_STATES = [
    "INITIALIZING",
    "CREATED",
    "RUNNING",
    "FAILING",
    "FAILED",
    "CANCELLING",
    "CANCELED",
    "FINISHED",
    "RESTARTING",
    "SUSPENDED",
    "RECONCILING",
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States a job never leaves. */
export const GLOBALLY_TERMINAL_STATES: readonly JobState[] = ["FAILED", "CANCELED", "FINISHED"];

/** States of a job that runs, or is about to run again by itself (restarts, failover). */
const RUNNING_OR_RECOVERING: readonly JobState[] = ["INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "RECONCILING"];

const has = (set: readonly JobState[], state: string): boolean => (set as readonly string[]).includes(state);

/** Whether `state` is one of Flink's job states (refresh also records MISSING and UNKNOWN). */
export function isJobState(state: string): state is JobState {
    return has(JOB_STATES, state);
}

/** The job has ended for good (FAILED, CANCELED, FINISHED): only a new submission runs it again. */
export function isGloballyTerminal(state: string): boolean {
    return has(GLOBALLY_TERMINAL_STATES, state);
}

/**
 * The job is an instance Flink still holds (not globally terminal, including SUSPENDED, FAILING and
 * CANCELLING): a second copy must not be started next to it.
 */
export function isActive(state: string): boolean {
    return isJobState(state) && !isGloballyTerminal(state);
}

/**
 * The job runs or recovers by itself (restarting, reconciling after a failover): no restore is
 * needed. FAILING, CANCELLING and SUSPENDED are on their way out or waiting for a JobManager.
 */
export function isRunningOrRecovering(state: string): boolean {
    return has(RUNNING_OR_RECOVERING, state);
}

/** The health gate's "running": RUNNING itself (every task running is checked separately). */
export function isRunning(state: string): boolean {
    return state === "RUNNING";
}

/** Ends the health gate's wait: the job will not become RUNNING (ended, or waiting for a JobManager). */
export function endsGateWait(state: string): boolean {
    return isGloballyTerminal(state) || state === "SUSPENDED";
}
