/**
 * What an update to a job means for Flink, decided from old and new inputs alone (pure, no
 * network), so `pulumi preview` can say it. The same function drives `update`.
 */
import { isRunningOrRecovering } from "../flink/states";
import { stableJson } from "../core/hash";
import { containsUnknown } from "../core/unknown";
import { previewRestore, RecordedPoints, RestoreMode } from "./restore-point";
import { DEFAULT_FINISH_TIMEOUT_SECONDS } from "./health";
import { DEFAULT_KEEP_SAVEPOINTS } from "../core/retention-policy";

export type JobAction = "none" | "redeploy" | "stateless-restart" | "restore" | "replace" | "move";

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
export const POLICY_KEYS = ["upgrade", "health", "rollbackOnFailure", "onDelete", "adopt", "labels", "bounded", "restoreFrom"] as const;

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

/** How a change of the cluster's `libraries` is named in `changed`: the job's classpath changed, so it is redeployed. */
export const CLUSTER_LIBRARIES = "cluster libraries";

/**
 * The cluster's library list changed (its `librariesHash`, known at preview even while the
 * cluster's other outputs are unknown because the change restarts it). Missing (state from
 * before libraries existed) is the same as "" (no libraries); unknown is not a change.
 */
function librariesChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
    const n = get(news, "cluster.librariesHash");
    if (n === undefined || containsUnknown(n)) return false;
    return String(get(olds, "cluster.librariesHash") ?? "") !== String(n);
}

function modeOf(inputs: Record<string, unknown>): string {
    return String((inputs.upgrade as Record<string, unknown> | undefined)?.mode ?? "savepoint");
}

/**
 * State (or unparsed inputs) written before `bounded`, `health.finishTimeoutSeconds` and `upgrade.keepSavepoints` existed holds their defaults
 * implicitly: not a policy change. (The changed default of upgrade.restore is stored explicitly
 * in old state as "latest-savepoint", so that one shows, truthfully, as a policy change.)
 */
function withLaterDefaults(olds: Record<string, unknown>): Record<string, unknown> {
    const health = olds.health as Record<string, unknown> | undefined;
    const upgrade = olds.upgrade as Record<string, unknown> | undefined;
    return {
        ...olds,
        bounded: olds.bounded ?? false,
        ...(upgrade && typeof upgrade === "object" ? { upgrade: { keepSavepoints: DEFAULT_KEEP_SAVEPOINTS, ...upgrade } } : {}),
        ...(health && typeof health === "object" ? { health: { finishTimeoutSeconds: DEFAULT_FINISH_TIMEOUT_SECONDS, ...health } } : {}),
    };
}

function restoreOf(inputs: Record<string, unknown>): RestoreMode {
    return String((inputs.upgrade as Record<string, unknown> | undefined)?.restore ?? "latest-state") as RestoreMode;
}

/**
 * Classify an update. `olds` are the stored outputs (inputs echoed plus `state` and the restore
 * points state records), `news` the new inputs with defaults applied; `now` dates those points.
 */
export function classifyJobChange(storedOlds: Record<string, unknown>, givenNews: Record<string, unknown>, now = Date.now()): Classification {
    const olds = withLaterDefaults(storedOlds);
    const news = withLaterDefaults(givenNews);
    const identity = IDENTITY_KEYS.filter((k) => identityDiffers(olds, news, k));
    const definition: string[] = DEFINITION_KEYS.filter((k) => differs(olds, news, k));
    if (librariesChanged(olds, news)) definition.push(CLUSTER_LIBRARIES);
    const policyChanged = POLICY_KEYS.filter((k) => differs(olds, news, k));
    const stateless = modeOf(news) === "stateless";
    if (identity.length === 1 && identity[0] === "cluster.restUrl") return moveOf(olds, news, definition, policyChanged);
    if (identity.length) {
        return {
            action: "replace",
            changed: identity,
            policyChanged,
            stateImpact:
                "a new job replaces this one: it starts from empty state unless a savepoint of its name is found; " +
                "the old job is deleted per its onDelete policy",
        };
    }
    const oldState = String(olds.state ?? "RUNNING");
    // Refresh (or the up that waited for it) saw it end by itself: a bounded job that is done.
    const finishedBySelf = oldState === "FINISHED" && olds.finishedBySelf === true;
    const restore = previewRestore(restoreOf(news), olds as RecordedPoints, now);
    if (definition.length) {
        if (stateless)
            return {
                action: "stateless-restart",
                changed: definition,
                policyChanged,
                stateImpact: "DROPS STATE: cancelled and started from empty state (upgrade.mode is stateless)",
            };
        const impact = isRunningOrRecovering(oldState)
            ? "keeps state: stopped with a savepoint, the new version restores from it"
            : finishedBySelf
              ? "the job FINISHED by itself: the new version runs from empty state (a finished job's state is not restored)"
              : `the job is ${oldState}; the new version ${restore}`;
        return { action: "redeploy", changed: definition, policyChanged, stateImpact: impact };
    }
    if (finishedBySelf)
        return { action: "none", changed: [], policyChanged, stateImpact: "the job FINISHED by itself; left alone until its definition changes" };
    if (!isRunningOrRecovering(oldState)) {
        const impact = stateless ? "DROPS STATE: restarted from empty state (upgrade.mode is stateless)" : restore;
        return { action: "restore", changed: ["state"], policyChanged, stateImpact: `the job is ${oldState}; it is started again and ${impact}` };
    }
    return { action: "none", changed: [], policyChanged, stateImpact: "untouched" };
}

/**
 * Another cluster under the same name: a move that carries the job's state (provider/job/move.ts):
 * stopped with a savepoint on the old cluster first, then started on the new one from it.
 */
function moveOf(olds: Record<string, unknown>, news: Record<string, unknown>, definition: string[], policyChanged: string[]): Classification {
    const from = String(get(olds, "cluster.restUrl"));
    const to = String(get(news, "cluster.restUrl"));
    const changed = ["cluster.restUrl", ...definition];
    if (modeOf(news) === "stateless")
        return {
            action: "move",
            changed,
            policyChanged,
            stateImpact: `DROPS STATE: cancelled on ${from}, started on ${to} from empty state (upgrade.mode is stateless)`,
        };
    const oldState = String(olds.state ?? "RUNNING");
    const how = isRunningOrRecovering(oldState)
        ? `stopped with a savepoint on ${from}, then started on ${to} from it`
        : `the job is ${oldState} on ${from}; it starts on ${to} from its newest savepoint or retained checkpoint there`;
    return {
        action: "move",
        changed,
        policyChanged,
        stateImpact: `moves from ${from} to ${to} with its state: ${how} (never two running copies; both clusters must read the savepoint directory)`,
    };
}

/** The line the provider prints during preview and update. */
export function describeClassification(name: string, c: Classification): string {
    if (c.action === "none") {
        const note = c.policyChanged.includes("restoreFrom") ? ` - ${c.stateImpact}` : "";
        return c.policyChanged.length ? `${name}: no Flink action (policy changed: ${c.policyChanged.join(", ")})${note}` : `${name}: no change`;
    }
    const verb = { redeploy: "savepoint-and-redeploy", "stateless-restart": "stateless restart", restore: "restart", replace: "replace", move: "move" }[
        c.action
    ];
    return `${name}: ${verb} (changed: ${c.changed.join(", ")}) - ${c.stateImpact}`;
}
