/**
 * In-place rescale: whether a parallelism-only change of a running job can be applied by
 * Flink's adaptive scheduler (`PUT /jobs/:id/resource-requirements`, Flink 1.18+) instead of a
 * savepoint-and-redeploy. Pure: the facts are read from the cluster elsewhere (rescale-facts.ts),
 * so preview and update decide with the same function, and the tests feed it facts directly.
 *
 * The adaptive scheduler rescales by restarting the job's tasks from its latest completed
 * checkpoint, under the same job id. So it keeps state only when the job checkpoints; and it must
 * give every vertex the parallelism a redeploy would give it (a vertex the program pins with
 * `setParallelism` keeps its own), which is why the targets come from the program's plan.
 */
import { isRunning } from "../flink/states";
import { atLeast, tryParseFlinkVersion } from "../core/version";
import type { Classification } from "./classify";

/** What the cluster and the running job tell about a rescale; any field may be missing when not known. */
export interface RescaleFacts {
    /** Why the facts could not be read (the cluster did not answer, the jar is gone): the decision is "unknown". */
    unknown?: string;
    /** The cluster's Flink version, e.g. "2.3.0". */
    flinkVersion?: string;
    /** The cluster's `jobmanager.scheduler` ("" or undefined: Flink's default scheduler). */
    scheduler?: string;
    /** The job takes periodic checkpoints (its checkpoint configuration has an interval). */
    checkpointing?: boolean;
    /** The running job's vertices. */
    vertices?: { id: string; name: string; parallelism: number; maxParallelism?: number }[];
    /** Vertex id -> parallelism the new definition runs it at (the program's plan at the new parallelism). */
    planned?: Record<string, number>;
}

export type RescaleDecision = { inPlace: true; from: number; to: number; targets: Record<string, number> } | { inPlace: false; why: string };

/** The change is a savepoint-and-redeploy whose only cause is `parallelism`. */
export function isParallelismOnly(c: Classification): boolean {
    return c.action === "redeploy" && c.changed.length === 1 && c.changed[0] === "parallelism";
}

const no = (why: string): RescaleDecision => ({ inPlace: false, why });

/** The first reason the job's definition rules an in-place rescale out, from inputs alone. */
function inputsRuleOut(olds: Record<string, unknown>, news: Record<string, unknown>): string | undefined {
    if (news.sql !== undefined) return "not done for SQL jobs yet (their per-operator parallelism is only known by compiling them again)";
    if ((news.upgrade as Record<string, unknown> | undefined)?.rescale === "redeploy") return 'upgrade.rescale is "redeploy"';
    const state = String(olds.state ?? "RUNNING");
    if (!isRunning(state)) return `the job is ${state}, not RUNNING`;
    if (typeof olds.parallelism !== "number") return "the running job's parallelism is the cluster's default (parallelism was unset)";
    if (typeof news.parallelism !== "number") return "the new parallelism is the cluster's default (parallelism unset)";
    return undefined;
}

/** The first reason the cluster or the running job rules an in-place rescale out. */
function factsRuleOut(f: RescaleFacts): string | undefined {
    if (f.unknown) return `unknown: ${f.unknown}`;
    const v = f.flinkVersion ? tryParseFlinkVersion(f.flinkVersion) : undefined;
    if (!v) return `unknown: the cluster's Flink version ${f.flinkVersion ? `"${f.flinkVersion}" ` : ""}could not be read`;
    if (!atLeast(v, 1, 18)) return `Flink ${f.flinkVersion} cannot set a job's resource requirements (Flink 1.18+)`;
    if (f.scheduler !== "adaptive") return `the cluster runs the ${f.scheduler || "default"} scheduler, not the adaptive one (jobmanager.scheduler: adaptive)`;
    if (f.checkpointing === undefined) return "unknown: the job's checkpoint configuration could not be read";
    if (!f.checkpointing) return "the job takes no checkpoints: the adaptive scheduler would restart it from empty state";
    return undefined;
}

/** Per vertex, the parallelism the new definition gives it; or why the plan does not fit the running job. */
function targetsOf(f: RescaleFacts): Record<string, number> | string {
    const vertices = f.vertices ?? [];
    const planned = f.planned ?? {};
    const ids = Object.keys(planned).sort();
    if (
        !vertices.length ||
        ids.join() !==
            vertices
                .map((x) => x.id)
                .sort()
                .join()
    )
        return "the program's plan at the new parallelism does not have the running job's vertices (the program builds a different graph)";
    for (const x of vertices) {
        const max = x.maxParallelism;
        if (max !== undefined && max > 0 && planned[x.id] > max)
            return `vertex "${x.name}" has max parallelism ${max}, below the target ${planned[x.id]} (the max parallelism is fixed in the job's state)`;
    }
    return planned;
}

/**
 * Decide between an in-place rescale and a savepoint-and-redeploy for a change `c` from `olds`
 * (stored outputs) to `news` (new inputs), given what the cluster said.
 */
export function decideRescale(c: Classification, olds: Record<string, unknown>, news: Record<string, unknown>, facts: RescaleFacts): RescaleDecision {
    if (!isParallelismOnly(c)) return no(`not a parallelism-only change (changed: ${c.changed.join(", ")})`);
    const why = inputsRuleOut(olds, news) ?? factsRuleOut(facts);
    if (why) return no(why);
    const targets = targetsOf(facts);
    if (typeof targets === "string") return no(targets);
    return { inPlace: true, from: olds.parallelism as number, to: news.parallelism as number, targets };
}

/** The preview/progress line of a parallelism-only change. */
export function describeRescale(name: string, c: Classification, d: RescaleDecision): string {
    if (d.inPlace)
        return (
            `${name}: in-place rescale (changed: parallelism ${d.from} -> ${d.to}) - keeps state and job id: ` +
            `Flink's adaptive scheduler restarts its tasks from the latest checkpoint`
        );
    return `${name}: savepoint-and-redeploy (changed: ${c.changed.join(", ")}) - ${c.stateImpact}; not an in-place rescale: ${d.why}`;
}
