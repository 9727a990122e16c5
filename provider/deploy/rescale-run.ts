/**
 * The I/O of an in-place rescale: read the facts `decideRescale` needs from the cluster, then set
 * the job's resource requirements and wait until every vertex runs at its target parallelism.
 */
import type { FlinkClient } from "../flink";
import { isFlinkNotFound } from "../flink/errors";
import type { ResourceRequirements } from "../flink/schemas";
import { clockOf } from "../core/clock";
import { DeployError, messageOf } from "../core/errors";
import type { DeployContext } from "./redeploy";
import type { RescaleFacts } from "./rescale";

/** How long an in-place rescale may take before the provider gives up (the adaptive scheduler waits for slots and for its cooldown). */
export const RESCALE_TIMEOUT_SECONDS = 300;

/** Checkpoint intervals at or above this mean "checkpointing disabled" (Flink reports Long.MAX_VALUE). */
const DISABLED_INTERVAL = 2 ** 53;

/** What the program (a JAR job) needs to compute its plan at the new parallelism. */
export interface PlanRequest {
    jarId: string;
    entryClass?: string;
    programArgsList: string[];
    parallelism: number;
    flinkConfiguration?: Record<string, string>;
}

/** Read the cluster's scheduler and version, the job's vertices and checkpointing, and the program's plan. Never throws. */
export async function readRescaleFacts(client: FlinkClient, jobId: string, plan: PlanRequest): Promise<RescaleFacts> {
    try {
        const [config, dashboard, job] = await Promise.all([client.jobManagerConfig(), client.config(), client.job(jobId)]);
        // A job without periodic checkpoints: interval Long.MAX_VALUE (seen on 1.20.3 and 2.3.0), or a 404 where Flink has no configuration for it.
        const interval = await client.checkpointConfig(jobId).then(
            (c) => c.interval,
            (err: unknown) => {
                if (isFlinkNotFound(err)) return 0;
                throw new Error(`its checkpoint configuration could not be read (${messageOf(err).split("\n")[0]})`);
            },
        );
        const { jarId, ...body } = plan;
        const planned = await client.jarPlan(jarId, body).catch((err: unknown) => {
            throw new Error(`the program's plan at parallelism ${plan.parallelism} could not be computed (${messageOf(err).split("\n")[0]})`);
        });
        return {
            flinkVersion: dashboard["flink-version"],
            scheduler: config["jobmanager.scheduler"] ?? "",
            checkpointing: interval > 0 && interval < DISABLED_INTERVAL,
            vertices: job.vertices.map((v) => ({ id: v.id, name: v.name, parallelism: v.parallelism, maxParallelism: v.maxParallelism })),
            planned,
        };
    } catch (err) {
        return { unknown: `the cluster at ${client.baseUrl} did not say (${messageOf(err).split("\n")[0]})` };
    }
}

/** Lower bound 1: the job keeps running at what the cluster can give while it waits for slots (no stall). */
function requirementsFor(targets: Record<string, number>): ResourceRequirements {
    return Object.fromEntries(Object.entries(targets).map(([id, p]) => [id, { parallelism: { lowerBound: 1, upperBound: p } }]));
}

export class RescaleRefused extends Error {}

/**
 * Set the job's resource requirements to `targets` and wait until it is RUNNING with every vertex
 * at its target. Throws RescaleRefused when Flink refuses the request (nothing changed: the caller
 * falls back to savepoint-and-redeploy); a DeployError when the job did not get there in time
 * (its previous requirements are put back first, so it keeps running as before).
 */
export async function rescaleInPlace(
    ctx: DeployContext,
    jobId: string,
    targets: Record<string, number>,
    timeoutSeconds = RESCALE_TIMEOUT_SECONDS,
): Promise<number> {
    const clock = clockOf(ctx);
    const previous = await ctx.client.resourceRequirements(jobId).catch((err: unknown) => {
        throw new RescaleRefused(`reading its resource requirements failed: ${messageOf(err).split("\n")[0]}`);
    });
    const start = clock.now();
    await ctx.client.setResourceRequirements(jobId, requirementsFor(targets)).catch((err: unknown) => {
        throw new RescaleRefused(`Flink refused the new resource requirements: ${messageOf(err).split("\n")[0]}`);
    });
    ctx.progress(`in-place rescale of job ${jobId}: resource requirements set, waiting until every vertex runs at its new parallelism`);
    let seen = "";
    while (clock.now() - start < timeoutSeconds * 1000) {
        const job = await ctx.client.job(jobId);
        seen = `${job.state}; ${job.vertices.map((v) => `${v.name} ${v.parallelism}/${targets[v.id] ?? "?"} ${v.status}`).join(", ")}`;
        if (job.state === "RUNNING" && job.vertices.every((v) => v.parallelism === targets[v.id] && v.status === "RUNNING")) return clock.now() - start;
        if (job.state !== "RUNNING" && job.state !== "RESTARTING" && job.state !== "CREATED")
            throw new DeployError(
                `job ${jobId} became ${job.state} during its in-place rescale`,
                `the job ${job.state}; the next up restores it from its latest savepoint or checkpoint`,
            );
        await clock.sleep(500);
    }
    await ctx.client.setResourceRequirements(jobId, previous).catch(() => undefined);
    throw new DeployError(
        `job ${jobId} did not run at its new parallelism within ${timeoutSeconds} s (last seen: ${seen})`,
        `the job RUNNING under the same id with its previous resource requirements put back; give the cluster enough free task slots, then run up again`,
    );
}
