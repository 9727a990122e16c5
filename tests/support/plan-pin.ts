/**
 * TEST-SIDE COPY OF THE PINNING RULE; the product's is provider/sql/plan.ts. Kept here so the
 * committed plan facts (tests/fixtures/sql-plans) record exactly which plan was run; the product's
 * `pinPlan` is tested against these fixtures, not the other way round.
 *
 * A compiled plan's node id is its operators' state identity (uid `<id>_<transformation>`), so a
 * new plan keeps the previous plan's id for every state-bearing node that is "the same" node:
 * - state-bearing: a non-empty `state` array, or a source scan / sink node;
 * - the same: sources and sinks by type base (type without `_N`) + table identifier, the others
 *   by type base + ordinal among the plan's nodes of that type base (both in node order).
 * Every other new node gets a fresh id above all ids of both plans; edges follow the ids.
 */

export interface PlanNode {
    id: number;
    type: string;
    state?: unknown[];
    [field: string]: unknown;
}
export interface PlanEdge {
    source: number;
    target: number;
    [field: string]: unknown;
}
export interface CompiledPlan {
    nodes: PlanNode[];
    edges: PlanEdge[];
    [field: string]: unknown;
}

const SOURCE = "stream-exec-table-source-scan";
const SINK = "stream-exec-sink";

/** `stream-exec-group-aggregate_1` -> `stream-exec-group-aggregate`. */
export function typeBase(type: string): string {
    return type.replace(/_\d+$/, "");
}

/** The table a source scan or sink node reads or writes (`default_catalog`.`default_database`.`src`). */
export function tableOf(node: PlanNode): string | undefined {
    const holder = (node.scanTableSource ?? node.dynamicTableSink) as { table?: { identifier?: string } } | undefined;
    return holder?.table?.identifier;
}

function stateBearing(node: PlanNode): boolean {
    const base = typeBase(node.type);
    return (Array.isArray(node.state) && node.state.length > 0) || base === SOURCE || base === SINK;
}

/** Matching key of a state-bearing node, without its ordinal. */
function keyOf(node: PlanNode): string {
    const base = typeBase(node.type);
    return base === SOURCE || base === SINK ? `${base} ${tableOf(node) ?? "?"}` : base;
}

/** State-bearing nodes of a plan, keyed `<key>#<ordinal among nodes of that key>`. */
function keyed(plan: CompiledPlan): Map<string, PlanNode> {
    const seen = new Map<string, number>();
    const out = new Map<string, PlanNode>();
    for (const node of plan.nodes.filter(stateBearing)) {
        const key = keyOf(node);
        const ordinal = seen.get(key) ?? 0;
        seen.set(key, ordinal + 1);
        out.set(`${key}#${ordinal}`, node);
    }
    return out;
}

/** `v2` with the ids of `v1`'s matching state-bearing nodes; the id map is old v2 id -> new id. */
export function pinPlan(v1: CompiledPlan, v2: CompiledPlan): { plan: CompiledPlan; ids: Map<number, number> } {
    const previous = keyed(v1);
    const ids = new Map<number, number>();
    for (const [key, node] of keyed(v2)) {
        const match = previous.get(key);
        if (match) ids.set(node.id, match.id);
    }
    let next = Math.max(...v1.nodes.map((n) => n.id), ...v2.nodes.map((n) => n.id));
    for (const node of v2.nodes) if (!ids.has(node.id)) ids.set(node.id, ++next);
    const id = (old: number) => ids.get(old)!;
    const plan: CompiledPlan = {
        ...v2,
        nodes: v2.nodes.map((n) => ({ ...n, id: id(n.id) })),
        edges: v2.edges.map((e) => ({ ...e, source: id(e.source), target: id(e.target) })),
    };
    return { plan, ids };
}
