/**
 * The state-compatibility verdict of a SQL edit, from the compiled plans of the running version
 * and the new one (pure). It claims only what Flink's serializers decide:
 *  - `incompatible` where Flink cannot restore: a state-bearing operator is gone (its state has
 *    no operator: "Cannot map checkpoint/savepoint state"), or its key or stored types changed
 *    (the serializer of the restored state is incompatible: StateMigrationException);
 *  - `compatible` where every state of the running version has a counterpart with the same key,
 *    value and accumulator types (names, nullability and string lengths do not change serializers);
 *  - `unknown`, with the reason, for everything else (a change this module does not model).
 */
import { atLeast, tryParseFlinkVersion } from "../core/version";
import { PlanSummary, StateNode } from "./plan";

export type VerdictKind = "compatible" | "incompatible" | "unknown";

export interface Verdict {
    verdict: VerdictKind;
    /** Why not compatible: one line per operator. */
    reasons: string[];
    /** True facts that do not decide the verdict (state that starts empty, changed semantics). */
    notes: string[];
    /** New node id → running node id, for the nodes that keep their state. */
    keep: Map<number, number>;
    /** New node ids whose state cannot be restored (incompatible): `drop-state` gives them fresh ids. */
    incompatibleNodes: number[];
    /** Running state with no operator in the new version: only `allowNonRestoredState` lets Flink skip it. */
    orphaned: boolean;
}

/**
 * Accumulator fields of one aggregate call, when pulumi-flink knows Flink's built-in layout
 * (streaming, no distinct, no retraction): undefined when it does not.
 */
function accumulatorOf(call: string): string[] | undefined {
    const m = /^\$(\w+?)\$\d+\((.*)\) -> (.+)$/.exec(call);
    if (!m) return undefined;
    const [, fn, , result] = m;
    if (fn === "COUNT") return ["BIGINT"];
    if (fn === "SUM" || fn === "MIN" || fn === "MAX" || fn === "SUM0") return [result];
    return undefined;
}

/** The aggregate state's field types, or undefined when not known for certain. */
function accumulators(node: StateNode): string[] | undefined {
    const noRetraction = node.retraction === JSON.stringify([node.calls.map(() => false), false]);
    if (!noRetraction) return undefined;
    const parts = node.calls.map(accumulatorOf);
    return parts.every((p): p is string[] => p !== undefined) ? parts.flat() : undefined;
}

const list = (xs: string[]) => `[${xs.join(", ")}]`;
const name = (n: StateNode) => `${n.label} (node ${n.id})`;

/** What happens to one running operator's state under its counterpart; undefined = restores. */
function compareNode(old: StateNode, next: StateNode, ttlMigrates: boolean): { kind: "incompatible" | "unknown"; why: string } | undefined {
    if (list(old.keys) !== list(next.keys)) return { kind: "incompatible", why: `its state key changes from ${list(old.keys)} to ${list(next.keys)}` };
    if (list(old.values) !== list(next.values))
        return { kind: "incompatible", why: `the rows its state keeps change from ${list(old.values)} to ${list(next.values)}` };
    if (list(old.calls) !== list(next.calls) || old.retraction !== next.retraction) {
        const before = accumulators(old);
        const after = accumulators(next);
        if (before && after && list(before) !== list(after))
            return {
                kind: "incompatible",
                why: `its accumulators change from ${list(before)} to ${list(after)} (${old.calls.length} → ${next.calls.length} aggregate calls)`,
            };
        if (list(old.calls) === list(next.calls))
            return {
                kind: "unknown",
                why: "it now has to retract (an operator upstream emits updates): its accumulators change in a way pulumi-flink does not model",
            };
        if (!before || !after || list(before) !== list(after))
            return { kind: "unknown", why: `its aggregate calls change (${list(old.calls)} → ${list(next.calls)}) in a way pulumi-flink does not model` };
    }
    const oldTtl = new Map(old.state.map((s) => [s.name, s.ttlMs]));
    for (const s of next.state) {
        const was = oldTtl.get(s.name);
        if (was === undefined) return { kind: "unknown", why: `its state "${s.name}" is new: pulumi-flink cannot tell whether Flink maps the old state to it` };
        if (Number.isNaN(was) || Number.isNaN(s.ttlMs)) return { kind: "unknown", why: `the TTL of its state "${s.name}" cannot be read from the plan` };
        if ((was === 0) !== (s.ttlMs === 0) && !ttlMigrates)
            return {
                kind: "incompatible",
                why: `state TTL is turned ${was === 0 ? "on" : "off"} for "${s.name}": Flink cannot restore state across that change on this version`,
            };
        if ((was === 0) !== (s.ttlMs === 0)) return { kind: "unknown", why: `state TTL is turned ${was === 0 ? "on" : "off"} for "${s.name}"` };
    }
    return undefined;
}

/**
 * Compare the running version's summary with the new version's (fresh ids). `ttlMigrates` says
 * whether the Flink version can restore state across a TTL switch (decided by facts, see README).
 */
export function compareSummaries(running: PlanSummary, next: PlanSummary, opts: { ttlMigrates?: boolean } = {}): Verdict {
    const reasons: string[] = [];
    const notes: string[] = [];
    const keep = new Map<number, number>();
    const incompatibleNodes: number[] = [];
    let unknown = false;
    let incompatible = false;
    let orphaned = false;
    if (running.flinkVersion !== next.flinkVersion) {
        unknown = true;
        reasons.push(
            `the running version was compiled by Flink ${running.flinkVersion}, the new one by ${next.flinkVersion}: ` +
                `Flink promises no SQL state compatibility across versions`,
        );
    }
    const pairs = pairNodes(running.nodes, next.nodes);
    const paired = new Set(pairs.values());
    for (const old of running.nodes) {
        const counterpart = pairs.get(old);
        if (!counterpart) {
            if (old.state.length) {
                incompatible = orphaned = true;
                reasons.push(`${name(old)} is gone: its state has no operator in the new version`);
            } else {
                unknown = orphaned = true;
                reasons.push(`${name(old)} is gone: Flink refuses the restore if it kept state (most sources and transactional sinks do)`);
            }
            continue;
        }
        const problem = compareNode(old, counterpart, opts.ttlMigrates ?? false);
        if (problem?.kind === "incompatible") {
            incompatible = true;
            incompatibleNodes.push(counterpart.id);
        } else if (problem) unknown = true;
        if (problem) reasons.push(`${name(old)}: ${problem.why}`);
        keep.set(counterpart.id, old.id);
        if (!problem && old.spec !== counterpart.spec)
            notes.push(`${name(old)} keeps its state, but its ${specChange(old, counterpart)} changed: restored state was built under the old definition`);
    }
    for (const added of next.nodes) if (!paired.has(added) && added.state.length) notes.push(`${added.label} is new: it starts from empty state`);
    const verdict: VerdictKind = incompatible ? "incompatible" : unknown ? "unknown" : "compatible";
    return { verdict, reasons, notes, keep, incompatibleNodes, orphaned };
}

/** What decides whether a node's state fits another: its types, calls and declared state. */
const shape = (n: StateNode) => JSON.stringify([n.kind, n.keys, n.values, n.calls, n.retraction, n.state.map((s) => s.name)]);

/**
 * Pair each running node with its counterpart in the new version. A node of the same kind and
 * the same state shape is its counterpart first (so an aggregate added upstream of another does not
 * take its place by position), then one of the same kind and key types, then the same match key
 * (table, or position among its kind).
 */
function pairNodes(running: StateNode[], next: StateNode[]): Map<StateNode, StateNode> {
    const pairs = new Map<StateNode, StateNode>();
    const free = new Set(next);
    const take = (old: StateNode, fits: (n: StateNode) => boolean) => {
        const found = [...free].find(fits);
        if (found && !pairs.has(old)) {
            pairs.set(old, found);
            free.delete(found);
        }
    };
    for (const old of running) take(old, (n) => n.match === old.match && shape(n) === shape(old));
    // Same shape elsewhere: only for kinds positioned by order (sources and sinks are paired by table).
    const byOrder = (old: StateNode) => old.match.includes(" #") && !old.match.includes("`");
    for (const old of running) if (byOrder(old)) take(old, (n) => n.kind === old.kind && shape(n) === shape(old));
    // Then the same key: the aggregate grouped as before, though its calls changed (retraction added upstream).
    for (const old of running) if (byOrder(old)) take(old, (n) => n.kind === old.kind && list(n.keys) === list(old.keys));
    for (const old of running) take(old, (n) => n.match === old.match);
    return pairs;
}

function specChange(a: StateNode, b: StateNode): string {
    const x = JSON.parse(a.spec) as Record<string, unknown>;
    const y = JSON.parse(b.spec) as Record<string, unknown>;
    return Object.keys({ ...x, ...y })
        .filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]))
        .map((k) => ({ window: "window", joinKeys: "join keys", grouping: "grouping columns", partition: "partition columns" })[k] ?? k)
        .join(" and ");
}

/**
 * Whether the Flink version may restore state across a TTL switch (the verdict is then "unknown",
 * not "incompatible"). Observed by the sql-state-edits e2e: turning TTL on fails the restore on
 * 1.20.3 (StateMigrationException) and restores on 2.3.0; versions between were not tried.
 */
export function ttlMigratesOn(flinkVersion: string): boolean {
    const v = tryParseFlinkVersion(flinkVersion);
    return v !== undefined && atLeast(v, 2, 3);
}

/** One line: `compatible`, `incompatible: …`, `unknown: …`, plus notes. */
export function describeVerdict(v: Verdict): string {
    const head = v.verdict === "compatible" ? "compatible" : `${v.verdict}: ${v.reasons.join("; ")}`;
    return v.notes.length ? `${head} (${v.notes.join("; ")})` : head;
}

/** What `up` does with a verdict, given the job's upgrade policy. */
export type PlanDecision =
    { action: "deploy"; keep: Map<number, number>; allowNonRestoredState: boolean; text: string } | { action: "refuse"; text: string; fix: string };

export function decide(v: Verdict, policy: { onIncompatible?: "fail" | "drop-state" | "try"; allowNonRestoredState: boolean }): PlanDecision {
    const deploy = (keep: Map<number, number>, allowNonRestoredState: boolean, text: string): PlanDecision => ({
        action: "deploy",
        keep,
        allowNonRestoredState,
        text,
    });
    if (v.verdict === "compatible") return deploy(v.keep, policy.allowNonRestoredState, "stopped with a savepoint, the new version restores from it");
    if (v.verdict === "unknown")
        return deploy(
            v.keep,
            policy.allowNonRestoredState,
            "stopped with a savepoint, the new version tries to restore from it and is rolled back if Flink cannot",
        );
    if (policy.onIncompatible === "try")
        return deploy(v.keep, policy.allowNonRestoredState, 'up deploys it anyway (upgrade.onIncompatible = "try") and rolls back if Flink cannot restore');
    if (policy.onIncompatible === "drop-state") {
        const keep = new Map([...v.keep].filter(([id]) => !v.incompatibleNodes.includes(id)));
        return deploy(keep, true, 'DROPS STATE of the incompatible operators (upgrade.onIncompatible = "drop-state"): they start empty, the others restore');
    }
    // Only state that lost its operator can be skipped; a changed serializer fails the restore anyway.
    if (policy.allowNonRestoredState && v.incompatibleNodes.length === 0)
        return deploy(v.keep, true, "the state without an operator is skipped (upgrade.allowNonRestoredState), the rest restores");
    return {
        action: "refuse",
        text: "up refuses this change before touching the running job",
        fix:
            v.incompatibleNodes.length && policy.allowNonRestoredState
                ? "allowNonRestoredState skips state without an operator, not state whose types changed: " +
                  'set upgrade.onIncompatible to "drop-state" to start those operators empty'
                : 'set upgrade.onIncompatible to "drop-state" (incompatible operators start empty, ' +
                  "the rest restores) or upgrade.allowNonRestoredState (for removed operators), or keep the old shape of the query",
    };
}
