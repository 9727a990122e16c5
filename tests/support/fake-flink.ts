/**
 * A scripted, in-memory Flink JobManager for the deploy state machine's unit tests: the
 * FlinkClient calls the deploy path makes (jobs overview and details, cancel, savepoint and stop
 * triggers and their status, checkpoint statistics, exception history), answered from jobs that
 * move through their states on a FakeClock as their script says. Not an HTTP server: the real
 * client's wire handling has its own tests (tests/unit/flink); this is for the decisions above it.
 * Calls the deploy path never makes throw, so a new one shows up as a failing test.
 */
import type { CheckpointStats, DisposalStatus, FlinkClient, JobDetails, JobOverview, SavepointStatus, WaitForSavepointOptions } from "../../provider/flink";
import { rootCause } from "../../provider/flink";
import type { ExceptionEntry } from "../../provider/flink/schemas";
import { pollSavepoint } from "../../provider/flink/savepoint-wait";
import { isActive } from "../../provider/flink/states";
import type { RestoreRequest } from "../../provider/deploy/redeploy";
import { FakeClock } from "./fake-clock";
import { type FakeJob, type JobScript, type SavepointScript, exceptionEntry, scheduleRun, snapshotEntry } from "./fake-flink-jobs";

export type { JobScript, SavepointScript } from "./fake-flink-jobs";
export { exceptionEntry } from "./fake-flink-jobs";

/** A job already on the cluster when the test starts. */
export interface SeedJob {
    jid: string;
    name: string;
    state: string;
    /** Epoch ms; defaults to an hour before the clock's start. */
    startedAt?: number;
    endedAt?: number;
    /** Retained checkpoint / savepoint as Flink's checkpoint statistics report them. */
    checkpoint?: { path: string; at: number };
    savepoint?: { path: string; at: number; type?: "SAVEPOINT" | "SYNC_SAVEPOINT" };
    history?: ExceptionEntry[];
    /** The snapshot it was submitted with (GET /jobs/:id/checkpoints `latest.restored`). */
    restoredFrom?: { path: string; savepoint: boolean };
    /** What happens to it from now on (e.g. it fails in 2 s). */
    script?: JobScript;
}

/** One submission Flink accepted (or refused), as the deploy made it. */
export interface Submission {
    jobId: string;
    at: number;
    restorePath?: string;
    allowNonRestoredState?: boolean;
}

interface Trigger {
    jid: string;
    result?: SavepointStatus;
}

let clusters = 0;
const unscripted = (what: string) => () => Promise.reject(new Error(`FakeFlink: ${what} is not part of the deploy path (not scripted)`));

export class FakeFlink implements FlinkClient {
    /** A URL of its own: the overview cache of provider/deploy/watch is keyed by it. */
    readonly baseUrl = `http://fake-flink-${++clusters}:8081`;
    readonly jobs = new Map<string, FakeJob>();
    readonly submissions: Submission[] = [];
    /** What a savepoint trigger (POST /jobs/:id/savepoints) does. */
    savepointScript: SavepointScript = { afterMs: 300 };
    /** What a stop-with-savepoint (POST /jobs/:id/stop) does. */
    stopScript: SavepointScript = { afterMs: 300 };
    /** What a job submitted with a definition hash does (by its first 12 characters); default: RUNNING after 1 s. */
    readonly submitScripts = new Map<string, JobScript>();
    /** The most copies of one name active at once, seen after each change (never 2, for a correct deploy). */
    readonly maxActive = new Map<string, number>();
    /** Savepoints Flink disposed (POST /savepoint-disposal that completed without a failure), in order. */
    readonly disposed: string[] = [];
    /** Paths whose disposal fails, with Flink's failure cause. */
    readonly disposalFailures = new Map<string, string>();
    private readonly disposals = new Map<string, { path: string; at: number }>();
    private readonly triggers = new Map<string, Trigger>();
    private triggerSeq = 0;
    private savepointSeq = 0;

    constructor(readonly clock = new FakeClock()) {}

    /** Put a job on the cluster as it is before the deploy. */
    seed(job: SeedJob): void {
        const t = this.clock.now();
        const ended = !isActive(job.state);
        const fake: FakeJob = {
            jid: job.jid,
            name: job.name,
            state: job.state,
            start: job.startedAt ?? t - 3_600_000,
            end: ended ? (job.endedAt ?? t - 60_000) : -1,
            tasks: { running: job.state === "RUNNING" ? 2 : 0, total: 2 },
            history: job.history ?? [],
            completed: job.checkpoint && snapshotEntry(job.checkpoint.path, job.checkpoint.at, "CHECKPOINT"),
            savepoint: job.savepoint && snapshotEntry(job.savepoint.path, job.savepoint.at, job.savepoint.type ?? "SAVEPOINT"),
            events: [],
        };
        if (job.restoredFrom)
            fake.restored = { id: 1, restore_timestamp: fake.start, is_savepoint: job.restoredFrom.savepoint, external_path: job.restoredFrom.path };
        this.jobs.set(job.jid, fake);
        if (job.script) scheduleRun(fake, job.script, t);
    }

    /** Script the jobs submitted with this definition. */
    scriptSubmit(definitionHash: string, script: JobScript): void {
        this.submitScripts.set(definitionHash.slice(0, 12), script);
    }

    /** POST /jars/:id/run (or the SQL Gateway's submit): what a JobVersion's submit does. */
    async submit(jobId: string, name: string, restore: RestoreRequest | undefined): Promise<void> {
        this.sync();
        const at = this.clock.now();
        const script = this.submitScripts.get(jobId.slice(20)) ?? {};
        this.submissions.push({ jobId, at, restorePath: restore?.path, allowNonRestoredState: restore?.allowNonRestoredState });
        // Flink refuses a job id it has seen (DuplicateJobSubmissionException) until the JobManager restarts.
        if (this.jobs.has(jobId)) throw new Error(`DuplicateJobSubmissionException: Job has already been submitted: ${jobId}`);
        if (script.refuse) throw new Error(script.refuse);
        const job: FakeJob = { jid: jobId, name, state: "INITIALIZING", start: at, end: -1, tasks: { running: 0, total: 2 }, history: [], events: [] };
        if (restore) job.restored = { id: 1, restore_timestamp: at, is_savepoint: !/\/chk-\d+\/?$/.test(restore.path), external_path: restore.path };
        this.jobs.set(jobId, job);
        scheduleRun(job, script, at);
        this.observe();
    }

    /** Job ids active now, with this name (e.g. to assert exactly one copy runs). */
    activeIds(name: string): string[] {
        this.sync();
        return [...this.jobs.values()].filter((j) => j.name === name && isActive(j.state)).map((j) => j.jid);
    }

    stateOf(jid: string): string | undefined {
        this.sync();
        return this.jobs.get(jid)?.state;
    }

    // ---- FlinkClient: the calls the deploy path makes ----

    async jobsOverview(): Promise<JobOverview[]> {
        this.sync();
        return [...this.jobs.values()]
            .sort((a, b) => b.start - a.start)
            .map(
                (j) =>
                    ({
                        jid: j.jid,
                        name: j.name,
                        state: j.state,
                        "start-time": j.start,
                        "end-time": j.end,
                        duration: 0,
                        "last-modification": j.start,
                        tasks: { ...j.tasks },
                    }) as JobOverview,
            );
    }

    async job(jobId: string): Promise<JobDetails> {
        const j = this.get(jobId);
        return {
            jid: j.jid,
            name: j.name,
            state: j.state,
            "start-time": j.start,
            "end-time": j.end,
            duration: 0,
            timestamps: {},
            vertices: [],
        } as unknown as JobDetails;
    }

    async cancelJob(jobId: string): Promise<void> {
        const j = this.get(jobId);
        if (!isActive(j.state)) throw new Error(`FakeFlink 409: job ${jobId} is ${j.state}`);
        j.state = "CANCELLING";
        j.events.push({ at: this.clock.now() + 100, apply: (job, at) => this.end(job, "CANCELED", at) });
    }

    async triggerSavepoint(jobId: string): Promise<string> {
        return this.trigger(jobId, this.savepointScript, false);
    }

    async stopWithSavepoint(jobId: string): Promise<string> {
        return this.trigger(jobId, this.stopScript, true);
    }

    async savepointStatus(jobId: string, triggerId: string): Promise<SavepointStatus> {
        this.sync();
        const trigger = this.triggers.get(triggerId);
        if (!trigger || trigger.jid !== jobId) throw new Error(`FakeFlink 404: no savepoint trigger ${triggerId} for job ${jobId}`);
        return trigger.result ?? { status: "IN_PROGRESS" };
    }

    waitForSavepoint(jobId: string, triggerId: string, options: WaitForSavepointOptions): Promise<string> {
        // The real client's polling loop, over the fake status.
        return pollSavepoint(() => this.savepointStatus(jobId, triggerId), { baseUrl: this.baseUrl, jobId, triggerId }, options);
    }

    async disposeSavepoint(path: string): Promise<string> {
        const triggerId = `d${(++this.triggerSeq).toString(16).padStart(31, "0")}`;
        this.disposals.set(triggerId, { path, at: this.clock.now() + 200 });
        return triggerId;
    }

    /** A disposal completes 200 ms after its trigger; it deletes the savepoint unless scripted to fail. */
    async disposalStatus(triggerId: string): Promise<DisposalStatus> {
        const d = this.disposals.get(triggerId);
        if (!d) throw new Error(`FakeFlink 404: no disposal trigger ${triggerId}`);
        if (this.clock.now() < d.at) return { status: "IN_PROGRESS" };
        const failureCause = this.disposalFailures.get(d.path);
        if (failureCause !== undefined) return { status: "COMPLETED", failureCause };
        if (!this.disposed.includes(d.path)) this.disposed.push(d.path);
        return { status: "COMPLETED" };
    }

    async checkpoints(jobId: string): Promise<CheckpointStats> {
        const j = this.get(jobId);
        const completed = j.completed ? 1 : 0;
        return {
            counts: { restored: j.restored ? 1 : 0, total: completed, in_progress: 0, completed, failed: 0 },
            latest: { completed: j.completed ?? null, savepoint: j.savepoint ?? null, failed: null, restored: j.restored ?? null },
        };
    }

    async exceptions(jobId: string): Promise<ExceptionEntry[]> {
        return [...this.get(jobId).history];
    }

    async rootException(jobId: string) {
        return rootCause(this.get(jobId).history);
    }

    config: FlinkClient["config"] = unscripted("GET /config");
    overview = unscripted("GET /overview");
    taskManagers = unscripted("GET /taskmanagers");
    uploadJar = unscripted("POST /jars/upload");
    listJars = unscripted("GET /jars");
    deleteJar = unscripted("DELETE /jars/:id");
    runJar = unscripted("POST /jars/:id/run (use FakeFlink.submit)");
    checkpointConfig: FlinkClient["checkpointConfig"] = unscripted("GET /jobs/:id/checkpoints/config");
    jobMetrics = unscripted("GET /jobs/:id/metrics");
    jobConfig = unscripted("GET /jobs/:id/config");
    jobManagerConfig: FlinkClient["jobManagerConfig"] = unscripted("GET /jobmanager/config");
    // Scripted by RescalableFakeFlink (fake-flink-rescale.ts).
    resourceRequirements: FlinkClient["resourceRequirements"] = unscripted("GET /jobs/:id/resource-requirements");
    setResourceRequirements: FlinkClient["setResourceRequirements"] = unscripted("PUT /jobs/:id/resource-requirements");
    jarPlan: FlinkClient["jarPlan"] = unscripted("POST /jars/:id/plan");
    close = async () => undefined;

    // ---- the script engine ----

    private get(jobId: string): FakeJob {
        this.sync();
        const j = this.jobs.get(jobId);
        if (!j) throw new Error(`FakeFlink 404: job ${jobId} not found`);
        return j;
    }

    private trigger(jobId: string, script: SavepointScript, stop: boolean): string {
        const j = this.get(jobId);
        if (j.state !== "RUNNING") throw new Error(`FakeFlink 409: job ${jobId} is ${j.state}, not RUNNING`);
        const triggerId = (++this.triggerSeq).toString(16).padStart(32, "0");
        const trigger: Trigger = { jid: jobId };
        this.triggers.set(triggerId, trigger);
        if (script.never) return triggerId;
        j.events.push({
            at: this.clock.now() + (script.afterMs ?? 300),
            apply: (job, at) => {
                if (script.fail) {
                    trigger.result = { status: "COMPLETED", failureCause: script.fail };
                    // A stop whose barriers went out fails the whole job (no restart strategy).
                    if (stop && script.failsJob) this.end(job, "FAILED", at, exceptionEntry(`java.lang.Exception: ${script.fail}`, at));
                    return;
                }
                const path = `${script.dir ?? "s3://savepoints/orders"}/savepoint-${jobId.slice(0, 6)}-${(++this.savepointSeq).toString(16).padStart(12, "0")}`;
                job.savepoint = snapshotEntry(path, at, stop ? "SYNC_SAVEPOINT" : "SAVEPOINT");
                trigger.result = { status: "COMPLETED", location: path };
                // The savepoint completes a moment before the job reports FINISHED.
                if (stop) job.events.push({ at: at + 50, apply: (k, t) => this.end(k, "FINISHED", t) });
            },
        });
        return triggerId;
    }

    private end(job: FakeJob, state: string, at: number, entry?: ExceptionEntry): void {
        if (!isActive(job.state)) return;
        job.state = state;
        job.end = at;
        job.tasks = { running: 0, total: job.tasks.total };
        job.events = []; // an ended job does nothing more
        if (entry) job.history.unshift(entry);
    }

    /** Apply every scripted event due by now, in time order across jobs. */
    private sync(): void {
        const now = this.clock.now();
        for (;;) {
            let next: { job: FakeJob; index: number } | undefined;
            for (const job of this.jobs.values())
                job.events.forEach((e, index) => {
                    if (e.at <= now && (!next || e.at < next.job.events[next.index].at)) next = { job, index };
                });
            if (!next) break;
            const [event] = next.job.events.splice(next.index, 1);
            event.apply(next.job, event.at);
            this.observe();
        }
    }

    private observe(): void {
        const counts = new Map<string, number>();
        for (const j of this.jobs.values()) if (isActive(j.state)) counts.set(j.name, (counts.get(j.name) ?? 0) + 1);
        for (const [name, n] of counts) this.maxActive.set(name, Math.max(this.maxActive.get(name) ?? 0, n));
    }
}
