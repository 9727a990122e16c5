/**
 * What an update to a job means for Flink, decided from old and new inputs alone (pure, no
 * network), so `pulumi preview` can say it. The same function drives `update`.
 */
import { isRunningOrRecovering } from "../flink/states";
import { stableJson } from "../util/hash";
import { containsUnknown } from "../util/unknown";

export type JobAction = "none" | "redeploy" | "stateless-restart" | "restore" | "replace";

export interface Classification {
    action: JobAction;
    /** Inputs that caused the action (definition inputs, identity inputs, or `state`). */
    changed: string[];
    /** Inputs that changed without any Flink action (policies, labels). */
    policyChanged: string[];
    /** One line for humans: what happens to the job's state. */
    stateImpact: string;
}

/** Inputs that define what runs: a change means savepoint-and-redeploy. */
export const DEFINITION_KEYS = ["jar", "artifactDigest", "entryClass", "args", "parallelism", "configuration", "sql", "dependencies", "variablesHash"] as const;
/** Inputs that are the job's identity: a change means a different job. */
export const IDENTITY_KEYS = ["name", "cluster.restUrl"] as const;
/** Inputs that change how we act, never what runs. */
export const POLICY_KEYS = ["upgrade", "health", "rollbackOnFailure", "onDelete", "adopt", "labels"] as const;

function get(obj: Record<string, unknown>, path: string): unknown {
    return path.split(".").reduce<unknown>((cur, key) => (cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined), obj);
}

function differs(olds: Record<string, unknown>, news: Record<string, unknown>, key: string): boolean {
    const n = get(news, key);
    return containsUnknown(n) || stableJson(get(olds, key) ?? null) !== stableJson(n ?? null);
}

/**
 * Identity changes only when the new value is known and different. While a cluster is being
 * updated its outputs are unknown in preview; calling every job on it "replace" would be a
 * false alarm. Pulumi diffs again with the real values before it acts.
 */
function identityDiffers(olds: Record<string, unknown>, news: Record<string, unknown>, key: string): boolean {
    const n = get(news, key);
    const parentUnknown = key.includes(".") && containsUnknown(get(news, key.split(".")[0]));
    return !parentUnknown && !containsUnknown(n) && stableJson(get(olds, key) ?? null) !== stableJson(n ?? null);
}

function modeOf(inputs: Record<string, unknown>): string {
    return String((inputs.upgrade as Record<string, unknown> | undefined)?.mode ?? "savepoint");
}

/**
 * Classify an update. `olds` are the stored outputs (inputs echoed plus `state`), `news` the new
 * inputs with defaults applied.
 */
export function classifyJobChange(olds: Record<string, unknown>, news: Record<string, unknown>): Classification {
    const identity = IDENTITY_KEYS.filter((k) => identityDiffers(olds, news, k));
    const definition = DEFINITION_KEYS.filter((k) => differs(olds, news, k));
    const policyChanged = POLICY_KEYS.filter((k) => differs(olds, news, k));
    const stateless = modeOf(news) === "stateless";
    if (identity.length) {
        return { action: "replace", changed: identity, policyChanged, stateImpact: "a new job replaces this one: it starts from empty state unless a savepoint of its name is found; the old job is deleted per its onDelete policy" };
    }
    const oldState = String(olds.state ?? "RUNNING");
    if (definition.length) {
        return stateless
            ? { action: "stateless-restart", changed: definition, policyChanged, stateImpact: "DROPS STATE: cancelled and started from empty state (upgrade.mode is stateless)" }
            : { action: "redeploy", changed: definition, policyChanged, stateImpact: isRunningOrRecovering(oldState) ? "keeps state: stopped with a savepoint, the new version restores from it" : `keeps state: the job is ${oldState}, the new version restores from its latest savepoint` };
    }
    if (!isRunningOrRecovering(oldState)) {
        const restore = String((news.upgrade as Record<string, unknown> | undefined)?.restore ?? "latest-savepoint");
        const impact = stateless || restore === "none" ? "DROPS STATE: restarted from empty state" : `restores from the ${restore === "latest-state" ? "latest savepoint or retained checkpoint" : "latest savepoint"}`;
        return { action: "restore", changed: ["state"], policyChanged, stateImpact: `the job is ${oldState}; it is started again and ${impact}` };
    }
    return { action: "none", changed: [], policyChanged, stateImpact: "untouched" };
}

/** The line the provider prints during preview and update. */
export function describeClassification(name: string, c: Classification): string {
    if (c.action === "none") return c.policyChanged.length ? `${name}: no Flink action (policy changed: ${c.policyChanged.join(", ")})` : `${name}: no change`;
    const verb = { redeploy: "savepoint-and-redeploy", "stateless-restart": "stateless restart", restore: "restart", replace: "replace" }[c.action];
    return `${name}: ${verb} (changed: ${c.changed.join(", ")}) - ${c.stateImpact}`;
}
