/**
 * The product's pinning (provider/sql/plan.ts + compat.ts) in the shape the plan-facts generator
 * uses: v2 pinned to v1 exactly as `up` pins a new version to the running one (v1's summary is
 * what state records; matched state-bearing nodes keep v1's ids, all others go above every id).
 */
import { CompiledPlan, parsePlan, pinPlan as pinToSummary, summarizePlan } from "../../provider/sql/plan";
import { compareSummaries, ttlMigratesOn, Verdict } from "../../provider/sql/compat";

export type { CompiledPlan };

/** v2 renumbered as `up` would deploy it after v1; `ids` maps each v2 id to its pinned id. */
export function pinPlan(v1: CompiledPlan, v2: CompiledPlan): { plan: CompiledPlan; ids: Map<number, number>; verdict: Verdict } {
    const running = summarizePlan(parsePlan(JSON.stringify(v1)));
    const next = summarizePlan(parsePlan(JSON.stringify(v2)));
    const verdict = compareSummaries(running, next, { ttlMigrates: ttlMigratesOn(next.flinkVersion) });
    const plan = pinToSummary(v2, verdict.keep, running.maxId);
    const ids = new Map(v2.nodes.map((n, i) => [n.id, plan.nodes[i].id]));
    return { plan, ids, verdict };
}
