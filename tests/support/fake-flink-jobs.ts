/**
 * The jobs of the scripted FakeFlink: their shape, and the scripts that move them through Flink's
 * states on the fake clock (start, run, restart, fail, suspend, finish, checkpoint).
 */
import type { CheckpointStats } from "../../provider/flink";
import type { ExceptionEntry } from "../../provider/flink/schemas";

type Completed = NonNullable<CheckpointStats["latest"]["completed"]>;
type Restored = NonNullable<CheckpointStats["latest"]["restored"]>;

export interface FakeEvent {
    at: number;
    apply(job: FakeJob, at: number): void;
}

export interface FakeJob {
    jid: string;
    name: string;
    state: string;
    start: number;
    end: number;
    tasks: { running: number; total: number };
    /** Exception history, newest first. */
    history: ExceptionEntry[];
    completed?: Completed;
    savepoint?: Completed;
    restored?: Restored;
    /** Scripted changes still to come. */
    events: FakeEvent[];
}

/** What a job does after it is submitted (or from the test's start, for a seeded job). Times are after that start. */
export interface JobScript {
    /** RUNNING with all tasks this long after start. @default 1000 */
    runAfterMs?: number;
    /** Stays RUNNING with 1 of 2 tasks (e.g. too few slots) instead. */
    neverAllTasks?: boolean;
    /** FAILED (no restart left) this long after start, with this exception (`java.lang.X: message`). */
    fail?: { afterMs: number; exception: string };
    /** `times` failures, `everyMs` apart from `firstAtMs`: each RESTARTING, then RUNNING with all tasks 300 ms later. */
    restarts?: { firstAtMs: number; everyMs: number; times: number; exception: string };
    /** SUSPENDED (its JobManager lost leadership) this long after start. */
    suspendAfterMs?: number;
    /** A bounded job: FINISHED this long after start. */
    finishAfterMs?: number;
    /** Its first checkpoint completes this long after start (s3://checkpoints/<job id>/chk-1). */
    checkpointAfterMs?: number;
    /** The submission is refused with this message: nothing starts. */
    refuse?: string;
}

/** What a savepoint or stop-with-savepoint trigger does. */
export interface SavepointScript {
    /** It completes this long after the trigger. @default 300 */
    afterMs?: number;
    /** It completes with this failure cause instead of a location. */
    fail?: string;
    /** A failed stop also fails the job (its barriers went out; no restart strategy). */
    failsJob?: boolean;
    /** It never completes (stays IN_PROGRESS). */
    never?: boolean;
    /** Where savepoints are written. @default s3://savepoints/orders */
    dir?: string;
}

export function snapshotEntry(path: string, at: number, type: "CHECKPOINT" | "SAVEPOINT" | "SYNC_SAVEPOINT"): Completed {
    return {
        id: 1,
        is_savepoint: type !== "CHECKPOINT",
        trigger_timestamp: at - 100,
        latest_ack_timestamp: at,
        checkpoint_type: type,
        external_path: path,
        discarded: false,
    };
}

/** An exception history entry as Flink records it (`java.lang.X: message` plus a stack line). */
export function exceptionEntry(exception: string, at: number): ExceptionEntry {
    return { exceptionName: exception.split(":")[0], stacktrace: `${exception}\n\tat org.example.Job.run(Job.java:42)\n`, timestamp: at };
}

const set = (state: string, running: number) => (job: FakeJob) => {
    job.state = state;
    job.tasks = { running, total: job.tasks.total };
};

/** Queue the script's events for a job started at `start`. */
export function scheduleRun(job: FakeJob, script: JobScript, start: number): void {
    const at = (ms: number, apply: FakeEvent["apply"]) => job.events.push({ at: start + ms, apply });
    const total = job.tasks.total;
    if (job.state === "INITIALIZING") at(script.runAfterMs ?? 1000, set("RUNNING", script.neverAllTasks ? 1 : total));
    const r = script.restarts;
    for (let i = 0; r && i < r.times; i++) {
        const t = r.firstAtMs + i * r.everyMs;
        at(t, (j, when) => {
            set("RESTARTING", 0)(j);
            j.history.unshift(exceptionEntry(r.exception, when));
        });
        at(t + 300, set("RUNNING", script.neverAllTasks ? 1 : total));
    }
    const ending = (state: string, exception?: string) => (j: FakeJob, when: number) => {
        j.state = state;
        j.end = state === "SUSPENDED" ? -1 : when;
        j.tasks = { running: 0, total };
        if (exception) j.history.unshift(exceptionEntry(exception, when));
        j.events = [];
    };
    if (script.fail) at(script.fail.afterMs, ending("FAILED", script.fail.exception));
    if (script.suspendAfterMs !== undefined) at(script.suspendAfterMs, ending("SUSPENDED"));
    if (script.finishAfterMs !== undefined) at(script.finishAfterMs, ending("FINISHED"));
    if (script.checkpointAfterMs !== undefined)
        at(script.checkpointAfterMs, (j, when) => void (j.completed = snapshotEntry(`s3://checkpoints/${j.jid}/chk-1`, when, "CHECKPOINT")));
}
