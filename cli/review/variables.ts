/**
 * Which variables a job uses changed, from the VariableSet steps of a preview. A job's
 * `variables` input is one secret (`[secret]` in the JSON), so the provider's hash cannot be
 * recomputed here: plain values are compared by name, and a secret that changed is only
 * visible as an update of its set with no plain change, or by name in the provider's own
 * preview line (which carries names, never values).
 */
import { findReferences, stringsIn } from "../../provider/core/substitute";
import { stableJson } from "../../provider/core/hash";
import { containsUnknown } from "../../provider/core/unknown";
import { PreviewDiagnostic, PreviewStep } from "./preview";

export interface SetChange {
    /** Plain names whose value changed (or appeared, or went away). */
    plain: string[];
    /** Secret names of the set (from its `names` output minus plain values). */
    secretNames: string[];
    /** The set is updated but no plain value changed: some secret did. */
    secretChanged: boolean;
    /** The set's new values are not known yet (it depends on something being created). */
    unknown: boolean;
}

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** What changed in one VariableSet step. */
export function setChange(step: PreviewStep): SetChange {
    const before = obj(step.oldState?.outputs?.values ?? step.oldState?.inputs?.values);
    const afterRaw = step.newState?.inputs?.values;
    const after = obj(afterRaw);
    const unknown = containsUnknown(afterRaw);
    const plain = [...new Set([...Object.keys(before), ...Object.keys(after)])]
        .filter((n) => stableJson(before[n] ?? null) !== stableJson(after[n] ?? null))
        .sort();
    const names = Array.isArray(step.oldState?.outputs?.names) ? (step.oldState!.outputs!.names as unknown[]).map(String) : [];
    const secretNames = names.filter((n) => !(n in before));
    const updated = step.op === "update" || step.op === "replace" || step.op === "create-replacement";
    return { plain, secretNames, secretChanged: updated && plain.length === 0 && !unknown, unknown };
}

/** Variable names a job's texts (sql, args, configuration) reference. */
export function usedNames(inputs: Record<string, unknown>): string[] {
    return [...new Set(stringsIn([inputs.sql ?? [], inputs.args ?? [], inputs.configuration ?? {}]).flatMap(findReferences))].sort();
}

/** Names in the provider's own preview line for a job: "preview: <name>: ... (changed: ..., variables (A, B)) - ...". */
export function namesFromProviderLine(diagnostics: readonly PreviewDiagnostic[], jobName: string): string[] | undefined {
    const prefix = `preview: ${jobName}: `;
    for (const d of diagnostics) {
        const at = d.message.indexOf(prefix);
        if (at < 0) continue;
        const m = /variables \(([^)]*)\)/.exec(d.message.slice(at + prefix.length).split(" - ")[0]);
        if (m)
            return m[1]
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean);
    }
    return undefined;
}

/** The state clause of the provider's preview line for a SQL job ("state verdict: <kind>…"), if any. */
export function verdictFromProviderLine(
    diagnostics: readonly PreviewDiagnostic[],
    jobName: string,
): { verdict: "compatible" | "incompatible" | "unknown"; text: string } | undefined {
    const prefix = `preview: ${jobName}: `;
    for (const d of diagnostics) {
        const at = d.message.indexOf(prefix);
        if (at < 0) continue;
        const m = / - (state verdict: (compatible|incompatible|unknown)\b.*)$/s.exec(d.message.slice(at + prefix.length).split("\n")[0]);
        if (m) return { verdict: m[2] as "compatible" | "incompatible" | "unknown", text: m[1] };
    }
    return undefined;
}

/** The provider's line says a parallelism-only change is rescaled in place: its state clause; else undefined. */
export function rescaleFromProviderLine(diagnostics: readonly PreviewDiagnostic[], jobName: string): string | undefined {
    const prefix = `preview: ${jobName}: in-place rescale (`;
    for (const d of diagnostics) {
        const at = d.message.indexOf(prefix);
        const m = at < 0 ? null : / - (.*)$/.exec(d.message.slice(at + prefix.length).split("\n")[0]);
        if (m) return m[1];
    }
    return undefined;
}

/**
 * Changed variables a job uses: names, with "(secret)" for secrets whose change is inferred,
 * "(not yet known)" when a set's new values are unknown.
 */
export function changedVariablesOf(jobName: string, used: readonly string[], sets: readonly SetChange[], diagnostics: readonly PreviewDiagnostic[]): string[] {
    if (used.length === 0) return [];
    const fromProvider = namesFromProviderLine(diagnostics, jobName);
    if (fromProvider) return fromProvider.filter((n) => used.includes(n));
    const changed = new Set<string>();
    for (const set of sets) {
        for (const n of set.plain) if (used.includes(n)) changed.add(n);
        for (const n of set.secretNames) if (used.includes(n) && set.secretChanged) changed.add(`${n} (secret)`);
        if (set.unknown) for (const n of used) if (!set.secretNames.includes(n)) changed.add(`${n} (not yet known)`);
    }
    return [...changed].sort();
}

/** The VariableSet URNs a job step depends on for `variables`. */
export function setUrnsOf(step: PreviewStep): string[] {
    const deps = step.newState?.propertyDependencies?.variables ?? step.oldState?.propertyDependencies?.variables ?? [];
    return deps.filter((u) => u.includes("flink:VariableSet::"));
}
