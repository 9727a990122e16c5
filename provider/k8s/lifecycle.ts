/**
 * What a FlinkDeployment's status says about the spec we applied, as the Flink Kubernetes
 * Operator writes it. Pure: the application provider polls the object and asks
 * {@link interpret} whether to keep waiting, succeed, or fail with the Operator's message.
 *
 * The Operator's rules this follows (its CommonStatus / ReconciliationStatus):
 * - a spec is picked up when `status.observedGeneration` reaches `metadata.generation` (set
 *   together with `reconciliationStatus.lastReconciledSpec`, whose `resource_metadata`
 *   carries the generation too, for Operators that do not set `observedGeneration`);
 * - `lifecycleState`: CREATED (before the first deployment), DEPLOYED (running, not yet
 *   stable), UPGRADING / ROLLING_BACK (in progress), STABLE (the reconciled spec is the last
 *   stable one), ROLLED_BACK (the spec failed and the previous one runs again), SUSPENDED,
 *   FAILED (error before the first deployment, or the job FAILED);
 * - `status.error` holds a JSON `FlinkResourceException` {type, message, throwableList}.
 */
import { redactSecrets } from "../core/redact";

/** The parts of a FlinkDeployment this module reads (all optional: status fills in over time). */
export interface FlinkDeploymentObject {
    metadata?: { name?: string; namespace?: string; generation?: number };
    spec?: { flinkVersion?: string; job?: { state?: string; upgradeMode?: string }; flinkConfiguration?: Record<string, unknown> };
    status?: FlinkDeploymentStatus;
}

export interface FlinkDeploymentStatus {
    lifecycleState?: string;
    observedGeneration?: number;
    error?: string | null;
    jobManagerDeploymentStatus?: string;
    reconciliationStatus?: { state?: string; lastReconciledSpec?: string | null; lastStableSpec?: string | null; reconciliationTimestamp?: number };
    jobStatus?: {
        jobId?: string;
        jobName?: string;
        state?: string;
        startTime?: string;
        updateTime?: string;
        upgradeSavepointPath?: string;
        savepointInfo?: { lastSavepoint?: { location?: string; timeStamp?: number } | null };
    };
    clusterInfo?: Record<string, string>;
}

/** The verdict on one observed status. */
export interface Verdict {
    /** Stop waiting. */
    done: boolean;
    /** With `done`: the spec is deployed and stable. */
    ok: boolean;
    /** One line for the user: why it failed, or what it settled on. */
    message: string;
    /** One progress line (what the Operator is doing now). */
    progress: string;
}

/** Options of {@link interpret}. */
export interface InterpretOptions {
    /** Values to redact from messages (e.g. secrets in the rendered configuration). */
    secretValues?: readonly string[];
    /** Longest message kept from the Operator's error. @default 400 */
    maxMessage?: number;
    /**
     * The spec enables the Operator's rollback (`kubernetes.operator.deployment.rollback.enabled`):
     * a failing JobManager is then waited out, since the Operator will roll back and the
     * outcome to report is ROLLED_BACK. Without rollback it fails at once. @default false
     */
    rollbackEnabled?: boolean;
}

/** The generation the Operator reconciled last (observedGeneration, else from lastReconciledSpec). */
export function reconciledGeneration(status: FlinkDeploymentStatus | undefined): number | undefined {
    if (!status) return undefined;
    if (typeof status.observedGeneration === "number") return status.observedGeneration;
    const meta = parseJson(status.reconciliationStatus?.lastReconciledSpec)?.resource_metadata as { metadata?: { generation?: unknown } } | undefined;
    const generation = meta?.metadata?.generation;
    return typeof generation === "number" ? generation : undefined;
}

// Configuration keys and URL credentials that may sit in an Operator error echoing the spec.
const SECRET_PATTERNS: readonly [RegExp, string][] = [
    [/((?:password|passwd|secret|token|access[-.]?key|secret[-.]?key|credentials?)[\w.-]*["']?\s*[:=]\s*["']?)[^\s"',;})\]]+/gi, "$1***"],
    [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, "$1***@"],
];

/**
 * The Operator's error as one short, secret-free line: the message of its JSON
 * FlinkResourceException plus the deepest cause when it adds something, else the raw text.
 */
export function operatorMessage(error: string | null | undefined, opts: InterpretOptions = {}): string {
    if (!error) return "";
    const parsed = parseJson(error) as { type?: unknown; message?: unknown; throwableList?: { type?: unknown; message?: unknown }[] } | undefined;
    let text = error;
    if (parsed && typeof parsed.message === "string") {
        text = parsed.message;
        const causes = (parsed.throwableList ?? []).map((t) => (typeof t.message === "string" ? t.message : "")).filter(Boolean);
        const deepest = causes[causes.length - 1];
        if (deepest && !text.includes(deepest)) text = `${text}: ${deepest}`;
    }
    text = text
        .replace(/\s*\n\s*at [\s\S]*$/, "")
        .replace(/\s+/g, " ")
        .trim();
    text = SECRET_PATTERNS.reduce((t, [re, by]) => t.replace(re, by), text);
    text = redactSecrets(text, opts.secretValues ?? [], "whole");
    const max = opts.maxMessage ?? 400;
    return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** Where the Operator is, in one line. */
export function describe(status: FlinkDeploymentStatus | undefined): string {
    if (!status) return "waiting for the Operator to pick up the FlinkDeployment (no status yet)";
    const parts = [
        `lifecycle ${status.lifecycleState ?? "unknown"}`,
        status.reconciliationStatus?.state ? `reconciliation ${status.reconciliationStatus.state}` : "",
        status.jobManagerDeploymentStatus ? `JobManager ${status.jobManagerDeploymentStatus}` : "",
        status.jobStatus?.state ? `job ${status.jobStatus.state}` : "",
    ];
    return parts.filter(Boolean).join(", ");
}

/**
 * Whether the Operator has settled on generation `metadata.generation` of `object`, and how.
 * Not reconciled yet: keep waiting, unless the Operator already reports a validation error
 * (a spec it rejects is never reconciled) or a failed first deployment.
 */
export function interpret(object: FlinkDeploymentObject, opts: InterpretOptions = {}): Verdict {
    const status = object.status;
    const generation = object.metadata?.generation;
    const progress = describe(status);
    const error = operatorMessage(status?.error, opts);
    const wait = (line = progress): Verdict => ({ done: false, ok: false, message: "", progress: line });
    const fail = (message: string): Verdict => ({ done: true, ok: false, message, progress });
    if (!status) return wait();
    const seen = reconciledGeneration(status);
    if (generation !== undefined && (seen === undefined || seen < generation)) {
        if (status.error && /ValidationException|validation/i.test(status.error)) return fail(`the Operator rejected the spec: ${error}`);
        if (status.lifecycleState === "FAILED" && !status.reconciliationStatus?.lastReconciledSpec && status.error)
            return fail(`the Operator could not deploy: ${error}`);
        const said = error ? `; Operator error: ${error}` : "";
        return wait(`waiting for the Operator to reconcile generation ${generation} (observed ${seen ?? "none"}); ${progress}${said}`);
    }
    const lifecycle = status.lifecycleState ?? "";
    const jobState = status.jobStatus?.state;
    const because = error ? `: ${error}` : "";
    if (lifecycle === "ROLLED_BACK")
        return fail(`the Operator rolled back to the last stable spec${because || " (the new spec did not become stable in time)"}`);
    if (lifecycle === "FAILED" || jobState === "FAILED")
        return fail(`the deployment failed (lifecycle ${lifecycle || "unknown"}, job ${jobState ?? "unknown"})${because}`);
    if (status.jobManagerDeploymentStatus === "ERROR" && !opts.rollbackEnabled) return fail(`the JobManager deployment failed${because}`);
    if (lifecycle === "STABLE") return { done: true, ok: true, message: `STABLE${jobState ? `, job ${jobState}` : ""}`, progress };
    if (lifecycle === "SUSPENDED" && object.spec?.job?.state === "suspended") return { done: true, ok: true, message: "SUSPENDED as the spec asks", progress };
    return wait(error ? `${progress}; Operator error: ${error}` : progress);
}

/** Facts for the k8sApplication outputs. */
export interface DeploymentFacts {
    jobId: string;
    state: string;
    lifecycleState: string;
    lastSavepoint: string;
    deployedAt: string;
}

export function factsOf(object: FlinkDeploymentObject): DeploymentFacts {
    const s = object.status;
    const start = s?.jobStatus?.startTime;
    const startMs = start && /^\d+$/.test(start) ? Number(start) : start ? Date.parse(start) : NaN;
    return {
        jobId: s?.jobStatus?.jobId ?? "",
        state: s?.jobStatus?.state ?? "",
        lifecycleState: s?.lifecycleState ?? "",
        lastSavepoint: s?.jobStatus?.savepointInfo?.lastSavepoint?.location ?? s?.jobStatus?.upgradeSavepointPath ?? "",
        deployedAt: Number.isFinite(startMs) ? new Date(startMs).toISOString() : "",
    };
}

/** The Operator setting our `onDelete` renders: "savepoint" -> true, "cancel" -> false (its default). */
export const SAVEPOINT_ON_DELETION = "kubernetes.operator.job.savepoint-on-deletion";

/** What deleting an application job's FlinkDeployment needs first, read off the live object. */
export type DeletionPlan =
    /** onDelete "cancel": the Operator cancels the job when the object goes. */
    | { action: "delete"; says: string }
    /** Suspended already (an interrupted destroy): its savepoint is known. */
    | { action: "suspended"; savepoint: string }
    /** Running: suspend it with a savepoint, wait, then let the object go. */
    | { action: "suspend"; upgradeMode: string }
    /** No savepoint can be taken now: keep the object, say why. */
    | { action: "refuse"; why: string };

/**
 * Why suspend first: with `savepoint-on-deletion`, Operator 1.7.0's cleanup stops the job with a
 * savepoint itself, and it throws "Unexpected non-terminal status" on every retry whenever the job
 * state it last recorded is neither RUNNING nor terminal (RECONCILING: seen after the application
 * cluster exited), leaving the object Terminating. So the package takes the savepoint by
 * suspending the job, and the same patch turns `savepoint-on-deletion` off (see suspensionPatch).
 *
 * `declared` is the job's onDelete as the program declares it; states written before it was
 * recorded fall back to the flag rendered into the live object. A job already suspended (or
 * being suspended) is reported or waited for whatever was declared: the flag then reads false.
 */
export function deletionPlan(object: FlinkDeploymentObject, declared?: "savepoint" | "cancel"): DeletionPlan {
    const lifecycle = object.status?.lifecycleState;
    const job = object.status?.jobStatus?.state;
    const suspended = object.spec?.job?.state === "suspended";
    if (suspended && lifecycle === "SUSPENDED") return { action: "suspended", savepoint: factsOf(object).lastSavepoint };
    const onDelete = declared ?? (String(object.spec?.flinkConfiguration?.[SAVEPOINT_ON_DELETION]) === "true" ? "savepoint" : "cancel");
    if (onDelete === "cancel" && !suspended) return { action: "delete", says: `onDelete "cancel": the Operator cancels the job without a savepoint` };
    if (suspended || job === "RUNNING") return { action: "suspend", upgradeMode: object.spec?.job?.upgradeMode ?? "savepoint" };
    return { action: "refuse", why: `the job is ${job ?? "not reported"} (lifecycle ${lifecycle ?? "unknown"}), not RUNNING: no savepoint can be taken now` };
}

/**
 * The merge patch that suspends the job with a savepoint, or asks it to run again. Suspending
 * also turns the Operator's own savepoint-on-deletion off: the Operator records the whole spec
 * when it suspends, so its cleanup later cancels nothing and cannot hang (see deletionPlan).
 * Running again puts back the flag the program declared.
 */
export function suspensionPatch(state: "suspended" | "running", upgradeMode: string, onDelete: "savepoint" | "cancel"): Record<string, unknown> {
    const flag = state === "suspended" ? "false" : String(onDelete === "savepoint");
    return { spec: { job: { state, upgradeMode }, flinkConfiguration: { [SAVEPOINT_ON_DELETION]: flag } } };
}

function parseJson(text: string | null | undefined): Record<string, unknown> | undefined {
    if (!text || !text.trimStart().startsWith("{")) return undefined;
    try {
        const value: unknown = JSON.parse(text);
        return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}
