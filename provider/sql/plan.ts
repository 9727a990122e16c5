/**
 * Flink's compiled plans (`COMPILE PLAN … FOR …`, FLIP-190) as pulumi-flink reads them: the
 * state-bearing nodes of a plan, summarized for state, and the plan rewritten so those nodes keep
 * the ids of the running version (pure, no I/O).
 *
 * Why ids: a compiled plan's node id is the prefix of its operators' uids (`<id>_<transformation>`,
 * `table.exec.uid.format`), and uids are how a savepoint's state finds its operator. Ids come from
 * a counter in plan order, so an edit that adds any node upstream shifts every id after it and the
 * new job can no longer map the old state ("Cannot map checkpoint/savepoint state"). Giving the new
 * plan's state-bearing nodes the ids of their counterparts in the running version keeps the mapping.
 */

/** The parts of a compiled plan's node pulumi-flink reads; everything else is carried as is. */
export interface PlanNode {
    id: number;
    type: string;
    description?: string;
    /** A string, or an object for types without a serializable string (see {@link typeText}). */
    outputType?: unknown;
    state?: { index: number; ttl: string; name: string }[];
    [key: string]: unknown;
}

export interface PlanEdge {
    source: number;
    target: number;
    [key: string]: unknown;
}

export interface CompiledPlan {
    flinkVersion: string;
    nodes: PlanNode[];
    edges: PlanEdge[];
    [key: string]: unknown;
}

/** A state-bearing node as recorded in the job's state (small: types and names, no literals). */
export interface StateNode {
    /** Node id in the deployed plan: its operators' uid prefix. */
    id: number;
    /** Node type without its version suffix, e.g. `stream-exec-group-aggregate`. */
    kind: string;
    /** What pairs it with a node of another version: kind plus table or ordinal. */
    match: string;
    /** Flink's one-line description of the node, trimmed (for messages). */
    label: string;
    /** Declared state: name and TTL in milliseconds (0 = no TTL). */
    state: { name: string; ttlMs: number }[];
    /** Types of the state's key (normalized to what decides the serializer). */
    keys: string[];
    /** Types of the rows the state keeps (inputs of joins, ranks, materializers). */
    values: string[];
    /** One entry per aggregate call: name, argument types, flags, result type. */
    calls: string[];
    /** Aggregate calls' retraction flags and the node's own: they change accumulators. */
    retraction: string;
    /** Other specs that change what the state means but not its types (windows, join keys), for notes. */
    spec: string;
}

export interface PlanSummary {
    flinkVersion: string;
    /** Highest node id used by the deployed plan: new nodes get ids above it. */
    maxId: number;
    nodes: StateNode[];
}

/** Read a compiled plan's JSON; throws when it is not one. */
export function parsePlan(text: string): CompiledPlan {
    const doc = JSON.parse(text) as Partial<CompiledPlan>;
    if (!doc || !Array.isArray(doc.nodes) || !Array.isArray(doc.edges) || doc.nodes.some((n) => typeof n?.id !== "number" || typeof n?.type !== "string"))
        throw new Error("not a Flink compiled plan (expected nodes with numeric ids and types, and edges)");
    return { ...doc, flinkVersion: String(doc.flinkVersion ?? "unknown") } as CompiledPlan;
}

/** `stream-exec-group-aggregate_1` → `stream-exec-group-aggregate`. */
export const kindOf = (type: string): string => type.replace(/_\d+$/, "");

const SOURCE = "stream-exec-table-source-scan";
const SINK = "stream-exec-sink";

/** Split at top-level commas (outside <>, () and backticks). */
function splitTop(text: string): string[] {
    const out: string[] = [];
    let depth = 0;
    let quoted = false;
    let cur = "";
    for (const ch of text) {
        if (ch === "`") quoted = !quoted;
        else if (!quoted && (ch === "<" || ch === "(")) depth++;
        else if (!quoted && (ch === ">" || ch === ")")) depth--;
        if (ch === "," && depth === 0 && !quoted) {
            out.push(cur.trim());
            cur = "";
        } else cur += ch;
    }
    if (cur.trim()) out.push(cur.trim());
    return out;
}

/**
 * A logical type as its state serializer sees it: field names and nullability do not change a
 * serializer; a string's or binary's length does not either (one serializer for all lengths).
 */
export function serializerType(type: string): string {
    const t = type.replace(/\s+NOT NULL$/i, "").trim();
    if (/^(VARCHAR|CHAR|STRING)\b/i.test(t)) return "STRING";
    if (/^(VARBINARY|BINARY|BYTES)\b/i.test(t)) return "BYTES";
    const row = /^ROW<(.*)>$/is.exec(t);
    if (row) return `ROW<${rowFields(t).join(", ")}>`;
    const nested = /^(ARRAY|MULTISET|MAP)<(.*)>$/is.exec(t);
    if (nested) return `${nested[1].toUpperCase()}<${splitTop(nested[2]).map(serializerType).join(", ")}>`;
    return t.replace(/\s+/g, " ").toUpperCase();
}

/**
 * A logical type as text. Plans write most types as strings, but a type without a serializable
 * string (a time attribute such as PROCTIME, a ROW holding one) as an object:
 * `{"type": "TIMESTAMP_WITH_LOCAL_TIME_ZONE", "precision": 3, "kind": "PROCTIME"}`,
 * `{"type": "ROW", "fields": [{"name": …, "fieldType": …}]}`. A time attribute's kind does not
 * change its serializer, so it is left out.
 */
export function typeText(type: unknown): string {
    if (typeof type === "string") return type;
    if (!type || typeof type !== "object") return String(type);
    const t = type as Record<string, unknown>;
    const p = t.precision !== undefined ? `(${String(t.precision)})` : "";
    switch (t.type) {
        case "ROW": {
            const fields = Array.isArray(t.fields) ? (t.fields as Record<string, unknown>[]) : [];
            return `ROW<${fields.map((f) => `\`${String(f.name)}\` ${typeText(f.fieldType)}`).join(", ")}>`;
        }
        case "TIMESTAMP_WITHOUT_TIME_ZONE":
            return `TIMESTAMP${p}`;
        case "TIMESTAMP_WITH_LOCAL_TIME_ZONE":
            return `TIMESTAMP${p} WITH LOCAL TIME ZONE`;
        case "TIMESTAMP_WITH_TIME_ZONE":
            return `TIMESTAMP${p} WITH TIME ZONE`;
        case "ARRAY":
        case "MULTISET":
            return `${t.type}<${typeText(t.elementType)}>`;
        case "MAP":
            return `MAP<${typeText(t.keyType)}, ${typeText(t.valueType)}>`;
        default: {
            const { nullable: _n, kind: _k, ...rest } = t;
            return JSON.stringify(rest);
        }
    }
}

/** Field types of `ROW<`a` INT, `b` VARCHAR(3) NOT NULL>` (or a plan's ROW object), normalized. */
export function rowFields(rowType: unknown): string[] {
    const m = /^ROW<(.*)>(\s+NOT NULL)?$/is.exec(typeText(rowType ?? "").trim());
    if (!m) return [];
    return splitTop(m[1]).map((f) => serializerType(f.replace(/^`(?:[^`]|``)*`\s+|^\w+\s+/, "").replace(/\s+'(?:[^']|'')*'$/, "")));
}

/** Milliseconds per unit label of Flink's duration format (a plan writes a TTL with its highest whole unit: "0 ms", "1 h"). */
const UNIT_MS: Record<string, number> = {
    ns: 1e-6,
    nano: 1e-6,
    µs: 1e-3,
    us: 1e-3,
    micro: 1e-3,
    ms: 1,
    milli: 1,
    millisecond: 1,
    s: 1000,
    sec: 1000,
    second: 1000,
    m: 60_000,
    min: 60_000,
    minute: 60_000,
    h: 3_600_000,
    hour: 3_600_000,
    d: 86_400_000,
    day: 86_400_000,
};

function ttlMs(ttl: string): number {
    const m = /^(\d+)\s*([a-zµ]+)$/i.exec(String(ttl).trim());
    const label = m?.[2].toLowerCase() ?? "";
    const unit = UNIT_MS[label] ?? (label.endsWith("s") ? UNIT_MS[label.slice(0, -1)] : undefined); // "hours", "secs"
    return m && unit !== undefined ? Number(m[1]) * unit : Number.NaN;
}

const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === "number") : []);

/** Node ids feeding `id`, in edge order (a join's left input first). */
function inputsOf(plan: CompiledPlan, id: number): PlanNode[] {
    return plan.edges
        .filter((e) => e.target === id)
        .map((e) => plan.nodes.find((n) => n.id === e.source))
        .filter((n): n is PlanNode => n !== undefined);
}

function tableOf(node: PlanNode): string {
    const spec = (node.scanTableSource ?? node.dynamicTableSink ?? node.lookupTableSource) as { table?: { identifier?: string } } | undefined;
    return spec?.table?.identifier ?? "?";
}

function callSignature(call: Record<string, unknown>, input: string[]): string {
    const args = numbers(call.argList).map((i) => input[i] ?? "?");
    const flags = [call.distinct ? "distinct" : "", Number(call.filterArg ?? -1) >= 0 ? "filtered" : ""].filter(Boolean).join(" ");
    return `${String(call.internalName ?? call.name)}(${args.join(", ")})${flags ? ` ${flags}` : ""} -> ${serializerType(typeText(call.type ?? "?"))}`;
}

/** Which input columns key a node's state, by node kind (indices into the first input). */
function keyIndices(node: PlanNode): number[] {
    if (Array.isArray(node.grouping)) return numbers(node.grouping);
    const partition = (node.partitionSpec as { fields?: unknown } | undefined)?.fields;
    if (partition) return numbers(partition);
    if (Array.isArray(node.uniqueKeys)) return numbers(node.uniqueKeys);
    return [];
}

function summarizeNode(plan: CompiledPlan, node: PlanNode, ordinal: number): StateNode {
    const kind = kindOf(node.type);
    const inputs = inputsOf(plan, node.id).map((n) => rowFields(n.outputType));
    const first = inputs[0] ?? [];
    const join = node.joinSpec as { leftKeys?: unknown; rightKeys?: unknown } | undefined;
    const keys = join ? numbers(join.leftKeys).map((i) => first[i] ?? "?") : keyIndices(node).map((i) => first[i] ?? "?");
    const calls = Array.isArray(node.aggCalls) ? (node.aggCalls as Record<string, unknown>[]).map((c) => callSignature(c, first)) : [];
    // Only declared state has rows to serialize; a source's or sink's own state is the connector's.
    const holdsRows = !calls.length && (node.state?.length ?? 0) > 0;
    const spec = {
        window: node.windowing ?? node.window,
        joinKeys: join ? [numbers(join.leftKeys), numbers(join.rightKeys)] : undefined,
        grouping: node.grouping,
        partition: (node.partitionSpec as { fields?: unknown } | undefined)?.fields,
    };
    return {
        id: node.id,
        kind,
        match: kind === SOURCE || kind === SINK ? `${kind} ${tableOf(node)}` : `${kind} #${ordinal}`,
        label: String(node.description ?? node.type)
            .replace(/\s+/g, " ")
            .slice(0, 160),
        state: (node.state ?? []).map((s) => ({ name: s.name, ttlMs: ttlMs(s.ttl) })),
        keys,
        values: holdsRows ? inputs.map((row) => `ROW<${row.join(", ")}>`) : [],
        calls,
        retraction: JSON.stringify([node.aggCallNeedRetractions ?? null, node.needRetraction ?? null]),
        spec: JSON.stringify(spec),
    };
}

/**
 * Operators that keep keyed state although their plan node declares none (no `state` entry: Flink
 * declares state only where a TTL can be set per operator): window aggregates, joins, ranks and
 * deduplications, interval and temporal joins, over aggregates, MATCH_RECOGNIZE, sorts. Left out,
 * such a node would get a fresh id on every edit and its state could no longer be mapped.
 */
const UNDECLARED_STATE =
    /^stream-exec-((global-)?window-(aggregate|join|rank|deduplicate)|window-table-function|(python-)?group-window-aggregate|interval-join|(python-)?over-aggregate|temporal-join|temporal-sort|match|sort|(python-)?group-table-aggregate|python-group-aggregate)$/;

/** Sources and sinks keep state outside the plan's declarations (Kafka offsets, CDC positions, sink transactions). */
export const isStateBearing = (node: PlanNode): boolean =>
    (node.state?.length ?? 0) > 0 || [SOURCE, SINK].includes(kindOf(node.type)) || UNDECLARED_STATE.test(kindOf(node.type));

/** The plan's state-bearing nodes, in plan order; `clean` takes secrets out of labels. */
export function summarizePlan(plan: CompiledPlan, clean: (text: string) => string = (t) => t): PlanSummary {
    const seen = new Map<string, number>();
    const count = (key: string) => {
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        return n;
    };
    const nodes = plan.nodes.filter(isStateBearing).map((node) => {
        const summary = summarizeNode(plan, node, count(kindOf(node.type)));
        // A table read twice (a self-join) has two sources: the second is told apart by its position.
        const repeat = summary.match.includes(" #") ? 1 : count(summary.match);
        return { ...summary, match: repeat > 1 ? `${summary.match} #${repeat}` : summary.match, label: clean(summary.label) };
    });
    return { flinkVersion: plan.flinkVersion, maxId: Math.max(0, ...plan.nodes.map((n) => n.id)), nodes };
}

/**
 * Renumber `plan` so that each node in `keep` (new id → id to keep) takes that id, and every other
 * node an id above `floor` and above every id in the plan, so no new node can inherit state that was
 * not its own.
 */
export function pinPlan(plan: CompiledPlan, keep: ReadonlyMap<number, number>, floor: number): CompiledPlan {
    let next = Math.max(floor, ...plan.nodes.map((n) => n.id), ...keep.values()) + 1;
    const ids = new Map<number, number>();
    for (const node of plan.nodes) ids.set(node.id, keep.get(node.id) ?? next++);
    return {
        ...plan,
        nodes: plan.nodes.map((n) => ({ ...n, id: ids.get(n.id) as number })),
        edges: plan.edges.map((e) => ({ ...e, source: ids.get(e.source) as number, target: ids.get(e.target) as number })),
    };
}
