/**
 * The savepoint-and-redeploy state machine, shared by JAR and SQL jobs (README: FlinkJob, "What a change does").
 *
 * It is written as "converge": look at what Flink runs under the job's name, then do what is
 * missing. So a run that was killed at any step is finished by the next run, from the truth
 * in Flink: a running job (whose id says which definition it runs), or the ended job's savepoint.
 */
import type { FlinkClient, JobOverview } from "../flink";
import { isActive, isGloballyTerminal } from "../flink/states";
import { cancel, stopWithSavepoint } from "./stop";
import { DeployError, messageOf } from "../core/errors";
import { Progress } from "../core/log";
import { finishGate, healthGate, HealthPolicy } from "./health";
import { jobIdFor, parseJobId, runsDefinition } from "./identity";
import { clusterJobs, invalidate } from "./watch";
import { findRestorePoint, RestorePolicy, stoppedWithSavepoint } from "./restore";
import { describeSnapshot, HandoffPoint, RecordedPoints, Snapshot } from "./restore-point";
import { faultPoint } from "./fault";
import { assertEngineAlive } from "../core/lifeline";
import { type Clock, clockOf } from "../core/clock";
import type { TakenSavepoint } from "./retention";

/** One version of a job: how to check it and how to submit it. */
export interface JobVersion {
    definitionHash: string;
    /** Everything that can fail before the running job is touched (upload, validation). */
    preflight(): Promise<void>;
    /** Submit with the given job id, restoring from `restore` when set. */
    submit(jobId: string, restore: RestoreRequest | undefined): Promise<void>;
}

export interface RestoreRequest {
    path: string;
    allowNonRestoredState: boolean;
    /** What it is, for progress lines ("retained checkpoint chk-42 taken 3 s ago"). */
    snapshot?: Snapshot;
}

export interface DeployPolicy extends RestorePolicy {
    mode: "savepoint" | "stateless";
    allowNonRestoredState: boolean;
    /** Savepoint directory of this job (URI). */
    savepointDir: string;
    savepointTimeoutSeconds: number;
    formatType: "CANONICAL" | "NATIVE";
    health: HealthPolicy;
    rollbackOnFailure: boolean;
    adopt: boolean;
    /** The job ends by itself: `up` waits for FINISHED instead of a stable window, and never rolls back. */
    bounded: boolean;
    /**
     * Start from this snapshot when no instance of the job runs (a `restoreFrom` the user named, or
     * the savepoint a move took on the old cluster), instead of searching for one.
     */
    startFrom?: Snapshot;
}

/** What state says about the job before this run. */
export interface PriorDeployment extends RecordedPoints {
    jobId: string;
    generation: number;
    lastSavepoint: string;
    /** The savepoint the job's cluster took of it when it restarted (a library change). */
    handoff?: HandoffPoint;
}

export interface DeployOutcome {
    jobId: string;
    generation: number;
    state: string;
    restoredFrom: string;
    lastSavepoint: string;
    lastSavepointAt: string;
    /** The retained checkpoint state records for the JobManager-lost case ("" when none yet). */
    lastCheckpoint: string;
    lastCheckpointAt: string;
    /** The job FINISHED by itself (bounded), so the next `up` leaves it alone. */
    finishedBySelf: boolean;
    deployedAt: string;
    /** What was done, for progress and tests: adopted | unchanged | submitted. */
    action: "adopted" | "unchanged" | "submitted";
}

export interface DeployContext {
    client: FlinkClient;
    restUrl: string;
    name: string;
    progress: Progress;
    /**
     * Time of every wait and timestamp of the deploy (gates, savepoint polls, stop waits, restore
     * point ages); tests pass a fake one.
     * @default realClock
     */
    clock?: Clock;
    /** Told of every savepoint the deploy takes (the job's savepoint list, see ./retention). */
    onSavepoint?: (taken: TakenSavepoint) => void;
}

/** Jobs with this name, fresh from Flink: active ones and ended ones (newest first). */
export async function jobsNamed(ctx: DeployContext, maxAgeMs?: number): Promise<{ active: JobOverview[]; ended: JobOverview[] }> {
    // Deploy decisions read fresh; a refresh (maxAgeMs set) shares one overview per cluster.
    if (maxAgeMs === undefined) invalidate(ctx.restUrl);
    const clock = clockOf(ctx);
    const jobs = (await clusterJobs(ctx.restUrl, ctx.client, maxAgeMs, () => clock.now())).filter((j) => j.name === ctx.name);
    return {
        active: jobs.filter((j) => isActive(j.state)),
        ended: jobs.filter((j) => isGloballyTerminal(j.state)).sort((a, b) => b["end-time"] - a["end-time"]),
    };
}

/** Smallest generation above every one in use, so the new job id was never seen by Flink. */
function nextGeneration(name: string, prior: number, jobs: JobOverview[]): number {
    const used = jobs.map((j) => parseJobId(name, j.jid)?.generation ?? 0);
    return Math.max(prior, ...used) + 1;
}

/** What a running job restored from when it was submitted, per Flink (not its own failover checkpoints). */
async function restoredAtSubmit(ctx: DeployContext, jobId: string): Promise<{ path: string; kind: "savepoint" | "checkpoint" } | undefined> {
    const restored = await ctx.client.checkpoints(jobId).then(
        (s) => s.latest.restored,
        () => null,
    );
    if (!restored || restored.external_path.includes(jobId)) return undefined;
    return { path: restored.external_path, kind: restored.is_savepoint ? "savepoint" : "checkpoint" };
}

/** What is left when no job of this name runs (a step was not taken). */
function leftWithout(ctx: DeployContext, restore: RestoreRequest | undefined): string {
    return `no job running under "${ctx.name}"${restore ? `; its state is in ${restore.path}` : ""}`;
}

function fromText(ctx: DeployContext, restore: RestoreRequest | undefined): string {
    if (!restore) return "from empty state";
    return restore.snapshot ? `from ${describeSnapshot(restore.snapshot, clockOf(ctx).now())} (${restore.path})` : `from ${restore.path}`;
}

async function submitAndGate(ctx: DeployContext, version: JobVersion, jobId: string, restore: RestoreRequest | undefined, policy: DeployPolicy) {
    assertEngineAlive(`submitting job ${jobId}`, leftWithout(ctx, restore));
    ctx.progress(`submitting generation ${parseJobId(ctx.name, jobId)?.generation} as job ${jobId} ${fromText(ctx, restore)}`);
    await version.submit(jobId, restore);
    faultPoint("after-submit");
    invalidate(ctx.restUrl);
    return healthGate(ctx.client, ctx.restUrl, jobId, policy.health, ctx.progress, clockOf(ctx));
}

/**
 * Converge the job to `desired`. `previous` is the version in state (for rollback), absent on
 * create. Throws DeployError saying what is left running when it cannot.
 */
export async function converge(
    ctx: DeployContext,
    desired: JobVersion,
    previous: JobVersion | undefined,
    prior: PriorDeployment | undefined,
    policy: DeployPolicy,
): Promise<DeployOutcome> {
    const { active, ended } = await jobsNamed(ctx);
    const isOurs = (j: JobOverview) => parseJobId(ctx.name, j.jid) !== undefined || j.jid === prior?.jobId;
    const foreign = active.filter((j) => !isOurs(j));
    const ours = active.filter(isOurs);
    const clock = clockOf(ctx);
    const now = () => new Date(clock.now()).toISOString();
    const recorded = {
        lastSavepointAt: prior?.lastSavepointAt ?? "",
        lastCheckpoint: prior?.lastCheckpoint ?? "",
        lastCheckpointAt: prior?.lastCheckpointAt ?? "",
    };
    const base = { restoredFrom: "", lastSavepoint: prior?.lastSavepoint ?? "", ...recorded, finishedBySelf: false };

    if (foreign.length && !(policy.adopt && ours.length === 0 && foreign.length === 1)) {
        throw new DeployError(
            `job(s) ${foreign.map((j) => `${j.jid} (${j.state})`).join(", ")} already run under the name "${ctx.name}" and were not started by pulumi-flink`,
            `those jobs, untouched; set adopt: true to take a single one over without a restart, or choose another name`,
        );
    }
    if (foreign.length) {
        ctx.progress(`adopting job ${foreign[0].jid} already running under this name, without a restart`);
        return { ...base, jobId: foreign[0].jid, generation: prior?.generation ?? 0, state: foreign[0].state, deployedAt: now(), action: "adopted" };
    }
    if (ours.length > 1) {
        throw new DeployError(
            `${ours.length} copies of "${ctx.name}" are running: ${ours.map((j) => j.jid).join(", ")}`,
            "all of them; stop all but one with a savepoint (flink stop), then run pulumi up again",
        );
    }
    const current = ours[0];
    if (current && runsDefinition(ctx.name, current.jid, desired.definitionHash)) {
        // Already runs what is desired: a run killed after its submit, or nothing to do.
        ctx.progress(`job ${current.jid} already runs this definition; checking its health`);
        // A job state does not know yet was submitted by a run that died: give it the full gate.
        const health = current.jid === prior?.jobId ? { ...policy.health, stableSeconds: 0 } : policy.health;
        const generation = parseJobId(ctx.name, current.jid)?.generation ?? prior?.generation ?? 0;
        // The run that submitted it may have died before saving its outcome: ask Flink what it restored.
        const restored = await restoredAtSubmit(ctx, current.jid);
        const lastSavepoint = restored?.kind === "savepoint" ? restored.path : base.lastSavepoint;
        const outcome = {
            ...base,
            restoredFrom: restored?.path ?? "",
            lastSavepoint,
            jobId: current.jid,
            generation,
            deployedAt: now(),
            action: "unchanged" as const,
        };
        if (policy.bounded) return finishBounded(ctx, outcome, policy);
        const gate = await healthGate(ctx.client, ctx.restUrl, current.jid, health, ctx.progress, clock);
        if (!gate.ok) throw new DeployError(gate.reason, `job ${current.jid} as it is`);
        return { ...outcome, state: "RUNNING" };
    }
    const finished = !current ? await finishedBySelf(ctx, ended.filter(isOurs)[0], desired) : undefined;
    if (finished) {
        ctx.progress(`job ${finished.jid} already ran this definition and FINISHED by itself; left alone until the definition changes`);
        const generation = parseJobId(ctx.name, finished.jid)?.generation ?? prior?.generation ?? 0;
        return { ...base, jobId: finished.jid, generation, state: "FINISHED", finishedBySelf: true, deployedAt: now(), action: "unchanged" };
    }

    await desired.preflight();
    let restore: RestoreRequest | undefined;
    let lastSavepoint = prior?.lastSavepoint ?? "";
    let lastSavepointAt = recorded.lastSavepointAt;
    if (current) assertEngineAlive(`stopping job ${current.jid}`, `job ${current.jid} ${current.state}, untouched`);
    if (current && policy.mode === "savepoint") {
        const path = await stopWithSavepoint(ctx, current, policy);
        restore = { path, allowNonRestoredState: policy.allowNonRestoredState };
        lastSavepoint = path;
        lastSavepointAt = now();
        faultPoint("after-stop");
    } else if (current) {
        ctx.progress(`cancelling job ${current.jid} (stateless upgrade: its state is dropped)`);
        await cancel(ctx, current.jid);
    } else if (policy.startFrom) {
        const point = policy.startFrom;
        ctx.progress(`restoring from ${describeSnapshot(point, clock.now())} (${point.path})`);
        restore = { path: point.path, allowNonRestoredState: policy.allowNonRestoredState, snapshot: point };
        lastSavepoint = point.path;
        lastSavepointAt = point.at ? new Date(point.at).toISOString() : "";
    } else if (policy.mode === "savepoint") {
        const decision = await findRestorePoint(ctx.client, ctx.name, ended.filter(isOurs), prior, policy, ctx.progress, clock.now(), (ms) => clock.sleep(ms));
        if (decision.kind === "snapshot") {
            const point = decision.snapshot;
            restore = { path: point.path, allowNonRestoredState: policy.allowNonRestoredState, snapshot: point };
            // e.g. taken by a run killed after its stop
            if (point.kind === "savepoint") {
                lastSavepoint = point.path;
                lastSavepointAt = point.at ? new Date(point.at).toISOString() : "";
            }
        }
    }

    const generation = nextGeneration(ctx.name, prior?.generation ?? 0, [...active, ...ended]);
    const jobId = jobIdFor(ctx.name, generation, desired.definitionHash);
    const saved = { ...base, lastSavepoint, lastSavepointAt, restoredFrom: restore?.path ?? "" };
    if (policy.bounded) {
        assertEngineAlive(`submitting job ${jobId}`, leftWithout(ctx, restore));
        ctx.progress(`submitting generation ${generation} as job ${jobId} ${fromText(ctx, restore)}`);
        await desired.submit(jobId, restore);
        invalidate(ctx.restUrl);
        return finishBounded(ctx, { ...saved, jobId, generation, deployedAt: now(), action: "submitted" }, policy);
    }
    let gate;
    try {
        gate = await submitAndGate(ctx, desired, jobId, restore, policy);
    } catch (err) {
        gate = { ok: false as const, reason: `submission failed: ${messageOf(err)}` };
    }
    if (gate.ok) {
        ctx.progress(`healthy after ${Math.round(gate.afterMs / 1000)} s`);
        return { ...saved, jobId, generation, state: "RUNNING", deployedAt: now(), action: "submitted" };
    }
    await cancel(ctx, jobId).catch(() => undefined);
    const stateNote = restore ? `its state is in savepoint ${restore.path}` : "it had no state to keep";
    if (!previous || !policy.rollbackOnFailure) {
        throw new DeployError(
            `the new version failed: ${gate.reason}`,
            `no job running under "${ctx.name}"; ${stateNote}; fix the job and run pulumi up again (it restores from there)`,
        );
    }
    ctx.progress(`rolling back: starting the previous version again${restore ? ` from ${restore.path}` : ""}`);
    const rollbackGen = generation + 1;
    const rollbackId = jobIdFor(ctx.name, rollbackGen, previous.definitionHash);
    const back = await submitAndGate(ctx, previous, rollbackId, restore, {
        ...policy,
        health: { ...policy.health, stableSeconds: 0, requireCheckpoint: false },
    }).catch((err: unknown) => ({ ok: false as const, reason: messageOf(err) }));
    throw new DeployError(
        `the new version failed its health gate and was rolled back: ${gate.reason}`,
        back.ok
            ? `the previous version RUNNING again as job ${rollbackId} (generation ${rollbackGen}), restored from ${restore?.path ?? "empty state"}`
            : `no job running: the rollback failed too (${back.reason}); ${stateNote}`,
    );
}

/** The newest ended generation, when it runs `desired` and FINISHED by itself (no stop savepoint). */
async function finishedBySelf(ctx: DeployContext, newest: JobOverview | undefined, desired: JobVersion): Promise<JobOverview | undefined> {
    if (newest?.state !== "FINISHED" || !runsDefinition(ctx.name, newest.jid, desired.definitionHash)) return undefined;
    const stats = await ctx.client.checkpoints(newest.jid).catch(() => undefined);
    return stats && !stoppedWithSavepoint(stats, newest) ? newest : undefined;
}

/** Wait for a bounded job to finish; its failure fails the update with Flink's root cause (no rollback: a rerun would redo its output). */
async function finishBounded(ctx: DeployContext, outcome: Omit<DeployOutcome, "state">, policy: DeployPolicy): Promise<DeployOutcome> {
    const result = await finishGate(ctx.client, ctx.restUrl, outcome.jobId, policy.health.finishTimeoutSeconds, ctx.progress, clockOf(ctx));
    if (result.ok) {
        ctx.progress(`job ${outcome.jobId} FINISHED after ${Math.round(result.afterMs / 1000)} s`);
        return { ...outcome, state: "FINISHED", finishedBySelf: true };
    }
    if (result.stillRunning) {
        throw new DeployError(
            result.reason,
            `job ${outcome.jobId} ${result.state}, left running; the next \`pulumi up\` waits for it again (raise health.finishTimeoutSeconds for longer runs)`,
        );
    }
    throw new DeployError(
        `the bounded job failed: ${result.reason}`,
        `no job running under "${ctx.name}" (job ${outcome.jobId} is ${result.state}); fix the job and run pulumi up again`,
    );
}
