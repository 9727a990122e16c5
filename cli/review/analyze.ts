/**
 * From a preview to a review: per job what Flink will do and what happens to its state, per
 * cluster totals, and the warnings a reviewer must not miss. Job updates are classified by the
 * provider's own `classifyJobChange` on the old outputs and new inputs found in the steps.
 */
import { ownerOf } from "../../provider/job/labels";
import { classifyJobChange } from "../../provider/deploy/classify";
import { jobArgsSchema } from "../../provider/job/schema";
import { containsUnknown } from "../../provider/core/unknown";
import { tryParseFlinkVersion } from "../../provider/core/version";
import { Preview, PreviewStep, flinkKind, nameOfUrn, stackOfUrn, typeOfUrn } from "./preview";
import { changedVariablesOf, setChange, SetChange, setUrnsOf, usedNames, rescaleFromProviderLine, verdictFromProviderLine } from "./variables";

export type ReviewAction = "none" | "in-place" | "savepoint-and-redeploy" | "stateless restart" | "restart" | "move" | "replace" | "delete" | "create";

export const ACTIONS: readonly ReviewAction[] = [
    "savepoint-and-redeploy",
    "stateless restart",
    "restart",
    "move",
    "replace",
    "delete",
    "create",
    "in-place",
    "none",
];

export interface JobReview {
    /** The Pulumi resource name. */
    resource: string;
    /** The job's name in Flink. */
    name: string;
    action: ReviewAction;
    /** Inputs that caused the action (names only, never values). */
    causes: string[];
    stateImpact: string;
    dropsState: boolean;
    /** SQL jobs: the provider's state verdict of the change ("-" when there is none). */
    verdict: Verdict;
    warnings: string[];
    /** From the job's `owner` label, else `team` (the new labels, else the deployed ones). */
    owner?: string;
}

export type Verdict = "compatible" | "incompatible" | "unknown" | "-";

export interface ClusterReview {
    /** The SessionCluster resource name, or the REST URL when the job names no cluster resource. */
    label: string;
    restUrl?: string;
    jobs: JobReview[];
    /** A Flink major version change of the cluster's home, e.g. "1.20.3 → 2.3.0". */
    majorVersionChange?: string;
    /**
     * A Kubernetes session cluster whose spec change restarts it: the restart guard's preview line
     * (which jobs it would kill, so up refuses; or that this is unknown).
     */
    sessionRestart?: { refused: boolean; unknown: boolean; line: string; running: string[] };
}

export interface Review {
    stack?: string;
    clusters: ClusterReview[];
    /** Error diagnostics of the preview itself (it did not complete). */
    errors: string[];
    /** Resources Pulumi left unchanged (from the change summary). */
    unchanged?: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const SECRET = "[secret]";
const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "discard-replaced", "import-replacement"]);

function withoutProvider(v: Obj | undefined): Obj {
    const { __provider: _p, ...rest } = v ?? {};
    return rest;
}

/** New inputs with the job schema's defaults, field by field so an unknown field keeps its sentinel. */
export function withJobDefaults(inputs: Obj): Obj {
    const shape = jobArgsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>;
    const out: Obj = { ...inputs };
    for (const [key, schema] of Object.entries(shape)) {
        if (inputs[key] === SECRET || containsUnknown(inputs[key])) continue;
        const parsed = schema.safeParse(inputs[key]);
        if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
    }
    return out;
}

function majorOf(v: unknown): number | undefined {
    return typeof v === "string" ? tryParseFlinkVersion(v)?.major : undefined;
}

/** "1.20.3 → 2.3.0" when both versions are known and their major differs. */
export function majorChange(from: unknown, to: unknown): string | undefined {
    const a = majorOf(from);
    const b = majorOf(to);
    return a !== undefined && b !== undefined && a !== b ? `${from} → ${to}` : undefined;
}

function impactOfDelete(outputs: Obj): { impact: string; drops: boolean } {
    const onDelete = String(outputs.onDelete ?? "savepoint");
    if (onDelete === "cancel") return { impact: "DROPS STATE: cancelled without a savepoint (onDelete: cancel)", drops: true };
    if (onDelete === "leave-running") return { impact: "left running untouched, no longer managed (onDelete: leave-running)", drops: false };
    return { impact: "keeps state: stopped with a final savepoint (onDelete: savepoint)", drops: false };
}

/** Classify one job resource from its steps (several steps per URN on a replacement). */
function reviewJob(steps: PreviewStep[], sets: Map<string, SetChange>, preview: Preview): JobReview {
    const ops = new Set(steps.map((s) => s.op));
    const oldState = steps.find((s) => s.oldState)?.oldState;
    const newState = steps.find((s) => s.newState?.inputs)?.newState;
    const olds = withoutProvider(oldState?.outputs);
    const resource = nameOfUrn(steps[0].urn);
    const news = newState ? withJobDefaults(withoutProvider(newState.inputs)) : {};
    const name = String((typeof news.name === "string" ? news.name : undefined) ?? olds.name ?? resource);
    const labelsOf = (v: unknown) => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, string>) : undefined);
    const owner = ownerOf(labelsOf(news.labels)) ?? ownerOf(labelsOf(olds.labels));
    const base = { resource, name, warnings: [] as string[], verdict: "-" as Verdict, ...(owner ? { owner } : {}) };

    if (ops.has("delete") && !ops.has("create")) {
        const { impact, drops } = impactOfDelete(olds);
        return { ...base, action: "delete", causes: ["removed from the program"], stateImpact: impact, dropsState: drops };
    }
    if (ops.has("create") && !oldState) {
        return {
            ...base,
            action: "create",
            causes: ["new job"],
            stateImpact: "new job: starts from empty state (or adopts a running job of its name if adopt is set)",
            dropsState: false,
        };
    }
    if (!ops.has("update") && ![...ops].some((o) => REPLACE_OPS.has(o))) {
        return { ...base, action: "none", causes: [], stateImpact: "untouched", dropsState: false };
    }

    const setsOfJob = setUrnsOf(steps.find((s) => s.newState) ?? steps[0])
        .map((u) => sets.get(u))
        .filter((s): s is SetChange => s !== undefined);
    const vars = changedVariablesOf(name, usedNames(news), setsOfJob, preview.diagnostics);
    const old = { ...olds, variablesHash: "unchanged" };
    const c = classifyJobChange(old, { ...news, variablesHash: vars.length ? "changed" : "unchanged" });
    const causes = c.changed.map((k) => (k === "variablesHash" ? `variables (${vars.join(", ")})` : k));
    const warnings: string[] = [];
    const upgrade = obj(news.upgrade);
    if (upgrade.allowNonRestoredState === true && (c.action === "redeploy" || c.action === "restore")) {
        warnings.push("allowNonRestoredState is on: state of operators missing from the new version is dropped without an error");
    }
    const version = majorChange(obj(olds.cluster).flinkVersion, obj(news.cluster).flinkVersion);
    if (version) warnings.push(`Flink major version change ${version}: savepoints of 1.x are not guaranteed to restore on 2.x`);

    if ([...ops].some((o) => REPLACE_OPS.has(o)) || c.action === "replace") {
        return {
            ...base,
            warnings,
            action: "replace",
            causes: causes.length ? causes : ["replaced by Pulumi"],
            stateImpact:
                "DROPS STATE: a new job replaces this one and starts from empty state unless a savepoint of its name is found; " +
                "the old job is stopped per its onDelete policy",
            dropsState: true,
        };
    }
    const drops = c.stateImpact.includes("DROPS STATE");
    switch (c.action) {
        case "none":
            return c.policyChanged.length
                ? {
                      ...base,
                      warnings,
                      action: "in-place",
                      causes: c.policyChanged,
                      stateImpact: "keeps state: no Flink action, only the stored policy changes",
                      dropsState: false,
                  }
                : {
                      ...base,
                      warnings,
                      action: "none",
                      causes: [],
                      stateImpact: containsUnknown(news.cluster)
                          ? "no change of its own; its cluster is updated first, and Pulumi classifies the job again once the cluster's outputs are known"
                          : "untouched",
                      dropsState: false,
                  };
        case "redeploy": {
            // The provider asked the cluster: a parallelism-only change it rescales in place.
            const rescale = rescaleFromProviderLine(preview.diagnostics, name);
            if (rescale) return { ...base, warnings, action: "in-place", causes, stateImpact: rescale, dropsState: false };
            // A SQL job's line from the provider carries its compiled state verdict.
            const tail = verdictFromProviderLine(preview.diagnostics, name);
            if (!tail) return { ...base, warnings, action: "savepoint-and-redeploy", causes, stateImpact: c.stateImpact, dropsState: drops };
            return {
                ...base,
                warnings,
                verdict: tail.verdict,
                action: "savepoint-and-redeploy",
                causes,
                stateImpact: tail.text,
                dropsState: tail.text.includes("DROPS STATE"),
            };
        }
        case "move":
            // To another cluster under the same name: carries its state unless stateless (the line says which).
            return { ...base, warnings, action: "move", causes, stateImpact: c.stateImpact, dropsState: drops };
        case "stateless-restart":
            return { ...base, warnings, action: "stateless restart", causes, stateImpact: c.stateImpact, dropsState: true };
        default:
            // The classification names the newest restore point state records, with its age.
            return { ...base, warnings, action: "restart", causes, stateImpact: c.stateImpact, dropsState: drops };
    }
}

/** The cluster a job step runs on: the SessionCluster resource it depends on, and its REST URL. */
function clusterOf(steps: PreviewStep[]): { key: string; label: string; restUrl?: string } {
    const deps = steps.flatMap((s) => [...(s.newState?.propertyDependencies?.cluster ?? []), ...(s.oldState?.propertyDependencies?.cluster ?? [])]);
    const urls = steps
        .flatMap((s) => [obj(s.newState?.inputs?.cluster).restUrl, obj(s.oldState?.outputs?.cluster).restUrl])
        .filter((u): u is string => typeof u === "string" && !containsUnknown(u) && u !== SECRET);
    const restUrl = urls[0];
    if (deps[0]) return { key: deps[0], label: nameOfUrn(deps[0]), restUrl };
    return { key: restUrl ?? "?", label: restUrl ?? "an unknown cluster", restUrl };
}

/** The version a cluster step moves to: its home input, or the FlinkHome step it depends on. */
function clusterVersionChange(step: PreviewStep, byUrn: Map<string, PreviewStep[]>): string | undefined {
    const from = step.oldState?.outputs?.flinkVersion ?? obj(step.oldState?.outputs?.home).flinkVersion;
    let to = obj(step.newState?.inputs?.home).flinkVersion;
    if (to === undefined || containsUnknown(to)) {
        const homeUrn = step.newState?.propertyDependencies?.home?.[0];
        const home = homeUrn ? byUrn.get(homeUrn)?.find((s) => s.newState?.inputs) : undefined;
        to = home?.newState?.inputs?.version;
    }
    return majorChange(from, to);
}

/**
 * The restart guard's preview line for one guard step (provider/k8s/session-guard.ts words it). It
 * is found by the FlinkDeployment it names: Pulumi attributes a dynamic provider's log lines to
 * the stack, not to the resource.
 */
function sessionRestartOf(preview: Preview, step: PreviewStep): ClusterReview["sessionRestart"] {
    const inputs = obj(step.newState?.inputs);
    const prefix = `preview: the FlinkDeployment spec of session cluster ${String(inputs.namespace)}/${String(inputs.name)} changed`;
    for (const d of preview.diagnostics) {
        const at = d.message.indexOf(prefix);
        if (at < 0) continue;
        const line = d.message
            .slice(at + "preview: ".length)
            .split("\n")[0]!
            .trim();
        const killed = /without a savepoint: (.*)$/.exec(line)?.[1];
        const running = killed ? killed.split(", ").map((j) => j.replace(/ \([A-Z_]+\)$/, "")) : [];
        return { refused: line.includes("REFUSED at up"), unknown: line.includes("is unknown"), line, running };
    }
    return undefined;
}

export function analyzePreview(preview: Preview): Review {
    const byUrn = new Map<string, PreviewStep[]>();
    for (const step of preview.steps) byUrn.set(step.urn, [...(byUrn.get(step.urn) ?? []), step]);
    const kindOf = (steps: PreviewStep[]) => flinkKind(steps.map((s) => s.newState?.type ?? s.oldState?.type).find(Boolean) ?? typeOfUrn(steps[0].urn));
    const sets = new Map<string, SetChange>();
    for (const [urn, steps] of byUrn) if (kindOf(steps) === "VariableSet") sets.set(urn, setChange(steps[0]));

    const clusters = new Map<string, ClusterReview>();
    const clusterFor = (key: string, label: string, restUrl?: string) => {
        const found = clusters.get(key) ?? { label, restUrl, jobs: [] };
        found.restUrl ??= restUrl;
        clusters.set(key, found);
        return found;
    };
    for (const [urn, steps] of byUrn) {
        const kind = kindOf(steps);
        if (kind === "Job") {
            const where = clusterOf(steps);
            clusterFor(where.key, where.label, where.restUrl).jobs.push(reviewJob(steps, sets, preview));
        } else if (kind === "SessionCluster") {
            const change = clusterVersionChange(steps.find((s) => s.newState) ?? steps[0], byUrn);
            if (change) clusterFor(urn, nameOfUrn(urn), (steps[0].oldState?.outputs?.restUrl as string | undefined) ?? undefined).majorVersionChange = change;
        }
    }
    for (const [urn, steps] of byUrn) {
        if (kindOf(steps) !== "SessionRestartGuard" || !steps.some((s) => s.op === "update")) continue;
        const restart = sessionRestartOf(
            preview,
            steps.find((s) => s.op === "update")!,
        );
        const label = nameOfUrn(urn).replace(/-restart-guard$/, "");
        const cluster = [...clusters.values()].find((c) => c.label === label) ?? clusterFor(label, label);
        if (restart) cluster.sessionRestart = restart;
    }
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    for (const c of clusters.values()) c.jobs.sort((a, b) => ACTIONS.indexOf(a.action) - ACTIONS.indexOf(b.action) || byName(a.name, b.name));
    const errors = preview.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim());
    const stack = preview.steps.map((s) => stackOfUrn(s.urn)).find(Boolean);
    return { stack, clusters: [...clusters.values()].sort((a, b) => byName(a.label, b.label)), errors, unchanged: preview.changeSummary?.same };
}

/** SQL jobs whose change the provider judged incompatible (up refuses them unless told what to do). */
export function incompatibleJobs(review: Review): JobReview[] {
    return review.clusters.flatMap((c) => c.jobs.filter((j) => j.verdict === "incompatible"));
}

/** Jobs whose state would be lost. */
export function stateLosses(review: Review): JobReview[] {
    return review.clusters.flatMap((c) => c.jobs.filter((j) => j.dropsState));
}
