/** The FlinkJob dynamic provider (JAR jobs on session clusters). */
import { classifyJobChange, describeClassification } from "../deploy/classify";
import { parseJobId } from "../deploy/identity";
import { converge, DeployContext, DeployOutcome, DeployPolicy, jobsNamed, PriorDeployment } from "../deploy/redeploy";
import { DEFAULT_CLUSTER_CONCURRENCY, withClusterSlot } from "../deploy/watch";
import { stoppedWithSavepoint } from "../deploy/restore";
import { defaultSavepointDir } from "../deploy/stop";
import type { JobOverview } from "../flink";
import { DeployError, messageOf, parsedOrThrow } from "../core/errors";
import { plain } from "../core/diff";
import { progressFor } from "../core/log";
import { withoutPulumiKeys } from "../core/zod";
import { mergeVariables } from "../variables/merge";
import { usedVariablesHash, findReferences } from "../core/substitute";
import { withRedaction } from "../core/redact";
import { containsUnknown } from "../core/unknown";
import { normalizeSavepointDir } from "../core/flink-config";
import { checkJobArgs, JobArgs } from "./schema";
import { retained } from "./savepoints";
import type { SavepointRecord, TakenSavepoint } from "../deploy/retention";
import { context, Desired, sqlVerdict, texts, usedVariableSets, variablesOf, versionOf } from "./version";
import { nothingTouched } from "./sql";
import { isRefreshDiff, markRead, refreshKey } from "./refresh-diff";
import type { PlanSummary } from "../sql/plan";
import type { JobFacts } from "./facts";
import { isRunningOrRecovering } from "../flink/states";
import { type TypedProvider, unreadable } from "../core/providers";
import { keptOutputs, previewRescale, tryRescaleInPlace } from "./rescale";
import { checkMove, describeRestoreFrom, restoreFromSnapshot, usesRestoreFrom, withRestoreFrom } from "./restore-from";
import { moveJob } from "./move";
import type { Snapshot } from "../deploy/restore-point";

export { checkJobArgs } from "./schema";

export const JOB_STATE_VERSION = 1;

/** How old the shared job overview a refresh reads may be (one refresh reads hundreds of jobs). */
const REFRESH_OVERVIEW_MAX_AGE_MS = 5_000;

/** Stored outputs: validated inputs echoed (for diff), plus what Flink runs. */
export type JobState = JobArgs & JobFacts & { artifactDigest?: string; stateVersion: number };

/** Which used variables changed value (names only; for the preview line). */
function changedVariables(olds: JobArgs, news: JobArgs): string[] {
    const before = mergeVariables(olds.variables ?? []).vars;
    const after = mergeVariables(news.variables ?? []).vars;
    const used = [...new Set(texts(news).flatMap(findReferences))];
    return used.filter((n) => before[n] !== after[n]).sort();
}

function parse(inputs: Record<string, unknown>): Desired {
    const { args: parsed, failures, jarDigest } = checkJobArgs(inputs);
    const args = parsedOrThrow("FlinkJob", parsed, failures);
    return { ...args, artifactDigest: jarDigest, variablesHash: variablesOf(args).hash };
}

/** The job's savepoint directory: the user's, or the cluster's default plus a folder per job. */
async function savepointDir(ctx: DeployContext, args: JobArgs, deployedJobId: string | undefined): Promise<string> {
    if (args.upgrade.savepointDir) return normalizeSavepointDir(args.upgrade.savepointDir);
    const dir = await defaultSavepointDir(ctx.client, args.name);
    if (!dir) {
        if (args.upgrade.mode === "stateless") return "";
        throw new DeployError(
            `the cluster at ${args.cluster.restUrl} has no default savepoint directory`,
            `${nothingTouched(deployedJobId)}; set upgrade.savepointDir (or the cluster's execution.checkpointing.savepoint-dir)`,
        );
    }
    return dir;
}

async function policyOf(ctx: DeployContext, args: JobArgs, deployedJobId: string | undefined): Promise<DeployPolicy> {
    // A bounded job never rolls back (check refuses an explicit rollbackOnFailure: true with it).
    return {
        ...args.upgrade,
        savepointDir: await savepointDir(ctx, args, deployedJobId),
        health: args.health,
        rollbackOnFailure: args.rollbackOnFailure && !args.bounded,
        adopt: args.adopt,
        bounded: args.bounded,
    };
}

function jobWebUi(args: JobArgs, jobId: string): string {
    const base = (args.cluster.webUiUrl || args.cluster.restUrl).replace(/#.*$/, "").replace(/\/$/, "");
    return `${base}/#/job/running/${jobId}/overview`;
}

function stateOf(args: Desired, outcome: DeployOutcome, jarId: string, sqlPlan: PlanSummary | undefined, savepoints: SavepointRecord[]): JobState {
    const { action: _action, ...facts } = outcome;
    return plain({
        ...args,
        ...facts,
        savepoints,
        webUiUrl: jobWebUi(args, outcome.jobId),
        jarId,
        ...(sqlPlan ? { sqlPlan } : {}),
        stateVersion: JOB_STATE_VERSION,
    });
}

/** How a deploy starts the job when none runs, and whether it may roll back on its own cluster. */
interface DeployOptions {
    startFrom?: Snapshot;
    /** A move rolls back to the old cluster itself (provider/job/move.ts), not on the new one. */
    noRollback?: boolean;
}

/** What state records of the job's last deployment, with the handoff of `cluster` (the one it deploys to). */
function priorOf(olds: JobState, cluster: JobArgs["cluster"]): PriorDeployment {
    const { jobId, generation, lastSavepoint, lastSavepointAt, lastCheckpoint, lastCheckpointAt } = olds;
    return { jobId, generation, lastSavepoint, lastSavepointAt, lastCheckpoint, lastCheckpointAt, handoff: cluster.handoff?.[olds.name] };
}

/** A change of cluster: stopped with a savepoint on the old one, started from it on the new one, rolled back to the old one on failure. */
async function move(args: Desired, olds: JobState): Promise<JobState> {
    const old = { ...olds, variablesHash: olds.variablesHash ?? "" };
    const from = context(old);
    // The old cluster's errors may quote the old version's secrets, the new one's the new version's.
    const secrets = [...variablesOf(old).secretValues, ...variablesOf(args).secretValues];
    return withRedaction(secrets, async () =>
        moveJob({
            from: { ctx: from, policy: await policyOf(from, old, olds.jobId), prior: priorOf(olds, olds.cluster) },
            deployNew: (point) => deploy(args, olds, { startFrom: point, noRollback: true }),
            restartOld: (point) => deploy(old, olds, { startFrom: point, noRollback: true }),
            rollbackOnFailure: args.rollbackOnFailure && !args.bounded,
            to: args.cluster.restUrl,
        }),
    );
}

async function deploy(args: Desired, olds?: JobState, opts: DeployOptions = {}): Promise<JobState> {
    const ctx = context(args);
    const secrets = variablesOf(args).secretValues;
    return withRedaction(secrets, () =>
        withClusterSlot(args.cluster.restUrl, DEFAULT_CLUSTER_CONCURRENCY, async () => {
            const desired = versionOf(args, ctx, olds);
            // The rollback target recompiles its own SQL pinned to its own recorded ids.
            const previous = olds && !opts.noRollback ? versionOf({ ...olds, variablesHash: olds.variablesHash ?? "" }, ctx, olds, olds.jarId) : undefined;
            const prior = olds ? priorOf(olds, args.cluster) : undefined;
            const taken: TakenSavepoint[] = [];
            const policy = { ...(await policyOf(ctx, args, olds?.jobId)), startFrom: opts.startFrom };
            const outcome = await converge({ ...ctx, onSavepoint: (t) => taken.push(t) }, desired, previous, prior, policy);
            const savepoints = await retained(
                ctx,
                { name: args.name, keep: args.upgrade.keepSavepoints, handoff: args.cluster.handoff?.[args.name]?.path },
                olds,
                outcome,
                taken,
            );
            // Same job as in state: its recorded plan; a job another run submitted: the plan this version pins.
            const sameJob = olds?.jobId === outcome.jobId && outcome.action !== "submitted";
            const sqlPlan = outcome.action === "adopted" ? undefined : sameJob ? olds?.sqlPlan : await desired.sql?.deployedPlan();
            return stateOf(args, outcome, desired.jarId() ?? olds?.jarId ?? "", sqlPlan, savepoints);
        }),
    );
}

/**
 * The new inputs, parsed with their defaults, for classifying a change. While the job's cluster
 * is being updated its outputs are unknown in preview; parse with the stored cluster then, so
 * defaults apply and the preview names only inputs that really changed (not every defaulted
 * one). The cluster's identity stays "unknown" to the classifier, and Pulumi diffs again with
 * known values before it acts.
 */
function argsForDiff(olds: JobState, news: Record<string, unknown>): JobArgs | undefined {
    const { args } = checkJobArgs(news);
    if (args || !containsUnknown(news.cluster) || !olds?.cluster) return args;
    const parsed = checkJobArgs({ ...news, cluster: olds.cluster }).args;
    return parsed && { ...parsed, cluster: news.cluster as JobArgs["cluster"] };
}

/**
 * What refresh records of a job's checkpoints: one GET /jobs/:id/checkpoints per job (the overview
 * is shared per cluster), so a refresh costs a constant two calls per job at most. The latest
 * completed checkpoint is the restore point of a job whose JobManager is lost without HA.
 */
async function checkpointFacts(ctx: DeployContext, job: JobOverview, props: JobState): Promise<Partial<JobState>> {
    const stats = await ctx.client.checkpoints(job.jid).catch(() => undefined);
    const completed = stats?.latest.completed;
    const addressable = completed?.external_path && completed.external_path !== "<checkpoint-not-externally-addressable>";
    const at = completed?.latest_ack_timestamp ?? completed?.trigger_timestamp;
    const recorded = addressable
        ? { lastCheckpoint: completed.external_path, lastCheckpointAt: at ? new Date(at).toISOString() : "" }
        : { lastCheckpoint: props.lastCheckpoint ?? "", lastCheckpointAt: props.lastCheckpointAt ?? "" };
    // Unknown when the checkpoints could not be read: not claimed to be finished by itself.
    const finishedBySelf = job.state === "FINISHED" && stats !== undefined && !stoppedWithSavepoint(stats, job);
    return { ...recorded, finishedBySelf };
}

export const jobProvider: TypedProvider<JobState> = {
    async check(olds, news) {
        const { args: created, failures, jarDigest } = checkJobArgs(news);
        failures.push(...checkMove(olds ?? {}, news));
        // A create's preview line (diff runs only for updates): where a named savepoint restores from.
        if (Object.keys(olds ?? {}).length === 0 && failures.length === 0 && created?.restoreFrom)
            progressFor("FlinkJob")(`preview: ${created.name}: create - ${describeRestoreFrom(created.restoreFrom.savepointPath)}`);
        // Only the variables the job uses are kept (usedVariableSets says why).
        const variables = created && news.variables !== undefined ? { variables: usedVariableSets(created) } : {};
        const inputs = { ...news, ...(jarDigest ? { artifactDigest: jarDigest } : {}), ...variables };
        return { inputs, failures: failures.map((f) => ({ property: f.property, reason: f.reason })) };
    },

    async diff(_id, olds: JobState, news) {
        const args = argsForDiff(olds, news);
        const desired = (args ? { ...args, artifactDigest: news.artifactDigest, variablesHash: variablesOf(args).hash } : withoutPulumiKeys(news)) as Record<
            string,
            unknown
        >;
        // State written before variables existed has no hash: that is the hash of "uses none".
        const old = { ...olds, variablesHash: olds.variablesHash ?? usedVariablesHash([], {}) } as unknown as Record<string, unknown>;
        const c = withRestoreFrom(classifyJobChange(old, desired), olds as unknown as Record<string, unknown>, args ?? {});
        if (args && c.changed.includes("variablesHash"))
            c.changed = c.changed.map((k) => (k === "variablesHash" ? `variables (${changedVariables(olds, args).join(", ")})` : k));
        // A refresh's own diff says nothing: the update's diff that follows prints the line once.
        const quiet = isRefreshDiff(refreshKey(olds as Partial<JobState>));
        if (!quiet && args && c.action === "redeploy" && args.sql !== undefined && isRunningOrRecovering(String(olds.state ?? "RUNNING")))
            c.stateImpact = await sqlVerdict(args, olds);
        if (!quiet && (c.action !== "none" || c.policyChanged.length)) {
            const line = (args && (await previewRescale(c, olds, args))) ?? describeClassification(String(desired.name ?? olds.name), c);
            progressFor("FlinkJob")(`preview: ${line}`);
        }
        const replaces = c.action === "replace" ? [...new Set(c.changed.map((k) => k.split(".")[0]))] : [];
        return { changes: c.action !== "none" || c.policyChanged.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
    },

    async create(inputs) {
        const args = parse(inputs);
        const outs = await deploy(args, undefined, { startFrom: args.restoreFrom && restoreFromSnapshot(args.restoreFrom) });
        return { id: `job-${outs.jobId.slice(0, 12)}-${args.name}`.slice(0, 100), outs };
    },

    async update(_id, olds: JobState, news) {
        const args = { ...parse(news), artifactDigest: news.artifactDigest as string | undefined };
        const c = withRestoreFrom(
            classifyJobChange(olds as unknown as Record<string, unknown>, args as unknown as Record<string, unknown>),
            olds as unknown as Record<string, unknown>,
            args,
        );
        progressFor(`FlinkJob ${args.name}`)(describeClassification(args.name, c));
        if (c.action === "move") return { outs: await move(args, olds) };
        if (c.action === "none") return { outs: keptOutputs(args, olds, JOB_STATE_VERSION) };
        // A parallelism-only change: in place when the cluster can, else the redeploy below.
        const rescaled = await tryRescaleInPlace(context(args), c, olds, args, JOB_STATE_VERSION);
        if (rescaled) return { outs: rescaled };
        const restoreFrom = usesRestoreFrom(c, olds as unknown as Record<string, unknown>, args) ? args.restoreFrom : undefined;
        return { outs: await deploy(args, olds, { startFrom: restoreFrom && restoreFromSnapshot(restoreFrom) }) };
    },

    async read(id, props?: JobState) {
        if (!props?.name) return { id, props: unreadable(props) };
        markRead(refreshKey(props));
        const ctx = context(props);
        try {
            // Refresh reads every job of a stack at once: one /jobs/overview per cluster serves them all.
            const { active, ended } = await jobsNamed(ctx, REFRESH_OVERVIEW_MAX_AGE_MS);
            const running = active.find((j) => parseJobId(props.name, j.jid) || j.jid === props.jobId);
            if (running) {
                const generation = parseJobId(props.name, running.jid)?.generation ?? props.generation;
                const points = await checkpointFacts(ctx, running, props);
                return { id, props: { ...props, ...points, jobId: running.jid, state: running.state, generation, webUiUrl: jobWebUi(props, running.jid) } };
            }
            const last = ended.find((j) => j.jid === props.jobId) ?? ended[0];
            // A bounded job that finished stays finished when its JobManager forgets it (a restart without HA).
            if (!last) return { id, props: props.finishedBySelf ? { ...props, state: "FINISHED" } : { ...props, state: "MISSING", finishedBySelf: false } };
            return { id, props: { ...props, ...(await checkpointFacts(ctx, last, props)), state: last.state } };
        } catch (err) {
            ctx.progress(`refresh could not reach the cluster: ${messageOf(err)}`);
            // A finished bounded job cannot change while nobody runs it; any other job's state is unknown.
            return { id, props: props.finishedBySelf ? props : { ...props, state: "UNKNOWN" } };
        }
    },

    async delete(_id, props: JobState) {
        const ctx = context(props);
        if (props.onDelete === "leave-running") {
            ctx.progress(`left running (onDelete: leave-running): job ${props.jobId}`);
            return;
        }
        await withClusterSlot(props.cluster.restUrl, DEFAULT_CLUSTER_CONCURRENCY, async () => {
            const { active } = await jobsNamed(ctx);
            const job = active.find((j) => parseJobId(props.name, j.jid) || j.jid === props.jobId);
            if (!job) return ctx.progress("no running job to stop");
            if (props.onDelete === "cancel") {
                await ctx.client.cancelJob(job.jid);
                return ctx.progress(`cancelled job ${job.jid} (onDelete: cancel; state dropped)`);
            }
            const dir = await savepointDir(ctx, props, job.jid);
            const trigger = await ctx.client.stopWithSavepoint(job.jid, { targetDirectory: dir, drain: false, formatType: props.upgrade.formatType });
            const location = await ctx.client
                .waitForSavepoint(job.jid, trigger, { timeoutMs: props.upgrade.savepointTimeoutSeconds * 1000 })
                .catch((err: unknown) => {
                    throw new DeployError(
                        `the final savepoint of job ${job.jid} failed: ${messageOf(err)}`,
                        `the job RUNNING; retry, or set onDelete to "cancel" to drop its state`,
                    );
                });
            ctx.progress(`stopped job ${job.jid} with a final savepoint at ${location}`);
        });
    },
};
