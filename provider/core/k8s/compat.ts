/**
 * Which FlinkDeployment the installed Operator accepts: facts from the live CRD (read from the
 * cluster at preview and up) or from a declared `operatorVersion` (offline previews), and the
 * check of a rendered FlinkDeployment against them. Pure: the CRD read is in provider/k8s/crd.ts.
 */
import { InputFailure, invalid } from "../errors";
import { acceptedLines, compareLines, FIELD_SINCE, minimumOperatorFor, OPERATOR_FLINK_VERSIONS, operatorLine } from "./operator";
import type { Manifest } from "./render/types";

/** What one Operator's FlinkDeployment CRD accepts. */
export interface OperatorFacts {
    /** Where the facts come from, for messages: `the cluster's CRD` or `operatorVersion 1.15`. */
    readonly source: string;
    /** The `spec.flinkVersion` enum. */
    readonly flinkVersions: readonly string[];
    /** Whether the CRD declares the spec field at this dotted path (e.g. "jobManager.resource.ephemeralStorage"). */
    hasField(path: string): boolean;
}

/** The facts, or why they are not known (no kubeconfig, CRD unreadable, ...). */
export type Compatibility = { facts: OperatorFacts } | { unknown: string };

/** Facts of a declared Operator release; undefined when the table does not know the line. */
export function factsOfOperatorVersion(version: string): OperatorFacts | undefined {
    const line = operatorLine(version);
    const flinkVersions = line ? OPERATOR_FLINK_VERSIONS[line] : undefined;
    if (!line || !flinkVersions) return undefined;
    return {
        source: `Operator ${line} (operatorVersion)`,
        flinkVersions,
        hasField: (path) => FIELD_SINCE[path] === undefined || compareLines(line, FIELD_SINCE[path]!) >= 0,
    };
}

/** Failures of an `operatorVersion` input the table cannot answer for. */
export function checkOperatorVersion(value: string | undefined, property: string): InputFailure[] {
    if (value === undefined || factsOfOperatorVersion(value)) return [];
    const known = Object.keys(OPERATOR_FLINK_VERSIONS).sort(compareLines).join(", ");
    return [
        invalid(
            property,
            value,
            `is not an Operator release line the package knows (${known})`,
            "use one of those, or omit it so the CRD installed in the cluster is read at preview and up",
        ),
    ];
}

/** client-node's typed read renames `enum` to `_enum`; a raw JSON read keeps `enum`. */
type Schema = { properties?: Record<string, Schema>; enum?: unknown[]; _enum?: unknown[] };
type CrdObject = { spec?: { versions?: { name?: string; schema?: { openAPIV3Schema?: Schema } }[] } };

/** Facts of a FlinkDeployment CRD object as the apiserver returns it; undefined when it has no v1beta1 spec schema. */
export function factsOfCrd(crd: unknown, source: string): OperatorFacts | undefined {
    const version = (crd as CrdObject).spec?.versions?.find((v) => v.name === "v1beta1");
    const spec = version?.schema?.openAPIV3Schema?.properties?.spec;
    const flinkVersions = spec?.properties?.flinkVersion?.enum ?? spec?.properties?.flinkVersion?._enum;
    if (!spec || !Array.isArray(flinkVersions)) return undefined;
    return {
        source,
        flinkVersions: flinkVersions.map(String),
        hasField: (path) => {
            let node: Schema | undefined = spec;
            for (const part of path.split(".")) node = node?.properties?.[part];
            return node !== undefined;
        },
    };
}

/** Free-form maps and objects the CRD types as a whole (their keys are not CRD fields). */
const OPAQUE = new Set(["flinkConfiguration", "podTemplate", "logConfiguration", "job.args", "ingress.annotations", "ingress.labels"]);

/** Dotted paths of the leaves of a rendered spec, stopping at opaque maps. */
export function specPaths(spec: Record<string, unknown>, prefix = ""): string[] {
    const out: string[] = [];
    for (const [key, value] of Object.entries(spec)) {
        const path = prefix ? `${prefix}.${key}` : key;
        if (!OPAQUE.has(path) && value && typeof value === "object" && !Array.isArray(value)) out.push(...specPaths(value as Record<string, unknown>, path));
        else out.push(path);
    }
    return out;
}

/** The argument a rendered field comes from, for the formula. */
function propertyOf(path: string, prefix: string): string {
    const m = /^(jobManager|taskManager)\.resource\.(\w+)$/.exec(path);
    if (m) return `${prefix}${m[1]}.${m[2]}`;
    if (path.startsWith("job.")) return path.slice(4);
    return `${prefix}(FlinkDeployment spec.${path})`;
}

/**
 * A rendered FlinkDeployment against the Operator's facts: a Flink line its CRD does not accept,
 * or a field it does not declare (the apiserver would prune it silently), each with the fix.
 */
export function checkCompat(fd: Manifest, homeVersion: string, facts: OperatorFacts, prefix = "kubernetes."): InputFailure[] {
    const spec = fd.spec as Record<string, unknown>;
    const failures: InputFailure[] = [];
    const key = String(spec.flinkVersion);
    if (!facts.flinkVersions.includes(key)) {
        const minimum = minimumOperatorFor(key);
        failures.push(
            invalid(
                "home.version",
                homeVersion,
                `is Flink ${key.slice(1).replace("_", ".")}, which the FlinkDeployment CRD of ${facts.source} does not accept ` +
                    `(it accepts ${acceptedLines(facts.flinkVersions)})`,
                minimum
                    ? `upgrade the Flink Kubernetes Operator to >= ${minimum}, or use an image of Flink ${acceptedLines(facts.flinkVersions)}`
                    : `use an image of Flink ${acceptedLines(facts.flinkVersions)}; no Operator release the package knows accepts this line`,
            ),
        );
    }
    for (const path of specPaths(spec)) {
        if (path === "flinkVersion" || facts.hasField(path)) continue;
        const since = FIELD_SINCE[path];
        failures.push(
            invalid(
                propertyOf(path, prefix),
                path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], spec),
                `is not a field of the FlinkDeployment CRD of ${facts.source} (spec.${path}; the apiserver would drop it)`,
                since ? `upgrade the Flink Kubernetes Operator to >= ${since}, or remove it` : "upgrade the Flink Kubernetes Operator, or remove it",
            ),
        );
    }
    return failures;
}
