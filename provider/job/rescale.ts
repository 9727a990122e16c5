/**
 * A parallelism-only change of a running JAR job, in preview and in update: ask the cluster
 * (scheduler, version, the job's vertices and checkpointing, the program's plan at the new
 * parallelism), decide with `decideRescale`, and rescale in place or say why not. Update falls
 * back to savepoint-and-redeploy whenever the decision or Flink says no.
 */
import type { Classification } from "../deploy/classify";
import { decideRescale, describeRescale, isParallelismOnly, type RescaleDecision } from "../deploy/rescale";
import { readRescaleFacts, rescaleInPlace, RescaleRefused } from "../deploy/rescale-run";
import { DEFAULT_CLUSTER_CONCURRENCY, withClusterSlot } from "../deploy/watch";
import type { DeployContext } from "../deploy/redeploy";
import { plain } from "../core/diff";
import { withRedaction } from "../core/redact";
import { containsUnknown } from "../core/unknown";
import { resolveAll } from "../core/substitute";
import type { JobFacts } from "./facts";
import type { JobArgs } from "./schema";
import { context, variablesOf } from "./version";

/** Inputs with a job's facts: what a deploy would have written, for the same Flink job. */
export type Kept<A> = A & JobFacts & { stateVersion: number };

/** New inputs with the job facts of `olds` (Flink's job is the same one). */
export function keptOutputs<A extends object>(args: A, olds: JobFacts, stateVersion: number): Kept<A> {
    const { jobId, state, generation, lastSavepoint, restoredFrom, webUiUrl, deployedAt, jarId, variablesHash, sqlPlan } = olds;
    return plain({
        ...args,
        jobId,
        state,
        generation,
        lastSavepoint,
        lastSavepointAt: olds.lastSavepointAt ?? "",
        lastCheckpoint: olds.lastCheckpoint ?? "",
        lastCheckpointAt: olds.lastCheckpointAt ?? "",
        finishedBySelf: olds.finishedBySelf ?? false,
        restoredFrom,
        savepoints: olds.savepoints ?? [],
        webUiUrl,
        deployedAt,
        jarId,
        variablesHash,
        ...(sqlPlan ? { sqlPlan } : {}),
        stateVersion,
    });
}

const NOT_ASKED = "not asked";

/** The decision from inputs alone when they rule an in-place rescale out (then the cluster is not asked). */
function fromInputs(c: Classification, olds: JobFacts & JobArgs, args: JobArgs): RescaleDecision | undefined {
    const d = decideRescale(c, olds as unknown as Record<string, unknown>, args as unknown as Record<string, unknown>, { unknown: NOT_ASKED });
    return !d.inPlace && d.why !== `unknown: ${NOT_ASKED}` ? d : undefined;
}

/** Decide for a parallelism-only change (reads the cluster; never throws). */
async function decide(ctx: DeployContext, c: Classification, olds: JobFacts & JobArgs, args: JobArgs): Promise<RescaleDecision> {
    const o = olds as unknown as Record<string, unknown>;
    const n = args as unknown as Record<string, unknown>;
    const early = fromInputs(c, olds, args);
    if (early) return early;
    if (!olds.jarId) return decideRescale(c, o, n, { unknown: "the state records no uploaded jar of the running job" });
    const { vars } = variablesOf(args);
    const config = resolveAll(Object.fromEntries(Object.entries(args.configuration ?? {}).map(([k, v]) => [k, String(v)])), vars, "configuration");
    const facts = await readRescaleFacts(ctx.client, olds.jobId, {
        jarId: olds.jarId,
        entryClass: args.entryClass,
        programArgsList: resolveAll(args.args ?? [], vars, "args"),
        parallelism: args.parallelism as number,
        ...(Object.keys(config).length ? { flinkConfiguration: config } : {}),
    });
    return decideRescale(c, o, n, facts);
}

/** The preview line of a parallelism-only change, or undefined for any other change. */
export async function previewRescale(c: Classification, olds: JobFacts & JobArgs, args: JobArgs): Promise<string | undefined> {
    if (!isParallelismOnly(c)) return undefined;
    const early = fromInputs(c, olds, args);
    if (early) return describeRescale(args.name, c, early);
    const notAsked = (why: string) => describeRescale(args.name, c, { inPlace: false, why: `unknown: ${why}; up decides` });
    if (process.env.PULUMI_FLINK_PREVIEW_COMPILE === "0") return notAsked("asking the cluster at preview is off (PULUMI_FLINK_PREVIEW_COMPILE=0)");
    // The cluster is being updated in this preview: its address is not known yet.
    if (containsUnknown(args.cluster) || typeof args.cluster?.restUrl !== "string")
        return notAsked("the cluster's outputs are not known in this preview (it is being updated)");
    const ctx = context(args);
    try {
        return describeRescale(args.name, c, await withRedaction(variablesOf(args).secretValues, () => decide(ctx, c, olds, args)));
    } finally {
        await ctx.client.close();
    }
}

/**
 * Rescale in place when the decision allows it; the new outputs, or undefined when the caller must
 * savepoint-and-redeploy instead (the progress says why). Throws only when the rescale started and
 * did not finish (see rescaleInPlace).
 */
export async function tryRescaleInPlace(
    ctx: DeployContext,
    c: Classification,
    olds: JobFacts & JobArgs,
    args: JobArgs,
    stateVersion: number,
): Promise<Kept<JobArgs> | undefined> {
    if (!isParallelismOnly(c)) return undefined;
    return withRedaction(variablesOf(args).secretValues, () =>
        withClusterSlot(args.cluster.restUrl, DEFAULT_CLUSTER_CONCURRENCY, async () => {
            const d = await decide(ctx, c, olds, args);
            ctx.progress(describeRescale(args.name, c, d));
            if (!d.inPlace) return undefined;
            try {
                const ms = await rescaleInPlace(ctx, olds.jobId, d.targets);
                ctx.progress(`rescaled in place to parallelism ${d.to} in ${(ms / 1000).toFixed(1)} s: same job ${olds.jobId}`);
                return keptOutputs(args, olds, stateVersion);
            } catch (err) {
                if (!(err instanceof RescaleRefused)) throw err;
                ctx.progress(`in-place rescale not possible (${err.message}): savepoint-and-redeploy instead`);
                return undefined;
            }
        }),
    );
}
