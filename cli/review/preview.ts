/**
 * The shape of `pulumi preview --json` (Pulumi 3.x engine events flattened by the CLI) that the
 * review needs, and a plain verdict for anything else: malformed JSON, `pulumi stack export`
 * output, or JSON from another tool.
 */
export interface ResourceState {
    urn?: string;
    type?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    propertyDependencies?: Record<string, string[]>;
}

export interface PreviewStep {
    op: string;
    urn: string;
    oldState?: ResourceState;
    newState?: ResourceState;
}

export interface PreviewDiagnostic {
    message: string;
    severity?: string;
    urn?: string;
}

export interface Preview {
    steps: PreviewStep[];
    diagnostics: PreviewDiagnostic[];
    changeSummary?: Record<string, number>;
}

export type ParsedPreview = { ok: true; preview: Preview } | { ok: false; problem: string };

const HOW = "pipe the output of `pulumi preview --json` (e.g. `pulumi preview --json | npx pulumi-flink review`)";

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Parse the text of `pulumi preview --json`; anything else gets a plain message naming what it looks like. */
export function parsePreview(text: string, source = "the input"): ParsedPreview {
    if (text.trim() === "") return { ok: false, problem: `${source} is empty: ${HOW}` };
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return { ok: false, problem: `${source} is not valid JSON (${why}): ${HOW}; without --json, pulumi prints text, not JSON` };
    }
    if (!isObject(doc))
        return {
            ok: false,
            problem:
                `${source} is JSON, but not the output of \`pulumi preview --json\` ` +
                `(it is ${Array.isArray(doc) ? "an array" : `a ${doc === null ? "null" : typeof doc}`}): ${HOW}`,
        };
    if (isObject(doc.deployment) && "version" in doc) {
        return { ok: false, problem: `${source} looks like \`pulumi stack export\` output (a checkpoint), not a preview: ${HOW}` };
    }
    const looksLikePreview = Array.isArray(doc.steps) || isObject(doc.changeSummary);
    if (!looksLikePreview) {
        const keys = Object.keys(doc)
            .slice(0, 5)
            .map((k) => JSON.stringify(k))
            .join(", ");
        return {
            ok: false,
            problem: `${source} is JSON, but not the output of \`pulumi preview --json\` (no "steps" or "changeSummary"; its keys: ${keys || "none"}): ${HOW}`,
        };
    }
    const steps = Array.isArray(doc.steps) ? doc.steps : [];
    const bad = steps.findIndex((s) => !isObject(s) || typeof s.op !== "string" || typeof s.urn !== "string");
    if (bad >= 0) return { ok: false, problem: `${source}: steps[${bad}] has no "op" and "urn": this is not \`pulumi preview --json\` output from Pulumi 3.x` };
    const diagnostics = (Array.isArray(doc.diagnostics) ? doc.diagnostics : []).filter(isObject).map((d) => ({
        message: String(d.message ?? ""),
        severity: typeof d.severity === "string" ? d.severity : undefined,
        urn: typeof d.urn === "string" ? d.urn : undefined,
    }));
    return {
        ok: true,
        preview: {
            steps: steps as PreviewStep[],
            diagnostics,
            changeSummary: isObject(doc.changeSummary) ? (doc.changeSummary as Record<string, number>) : undefined,
        },
    };
}

/** The last `::`-separated part of a URN: the resource's name. */
export function nameOfUrn(urn: string): string {
    const parts = urn.split("::");
    return parts[parts.length - 1] ?? urn;
}

/** The stack a URN belongs to (`urn:pulumi:<stack>::<project>::...`). */
export function stackOfUrn(urn: string): string | undefined {
    return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/** `pulumi-nodejs:dynamic/flink:Job` -> `Job`, for flink dynamic resources only. */
export function flinkKind(type: string | undefined): string | undefined {
    return type?.startsWith("pulumi-nodejs:dynamic/flink:") ? type.slice("pulumi-nodejs:dynamic/flink:".length) : undefined;
}

/** The type of a URN (`...::<type>::<name>`). */
export function typeOfUrn(urn: string): string | undefined {
    const parts = urn.split("::");
    return parts.length >= 4 ? parts[parts.length - 2].split("$").pop() : undefined;
}
