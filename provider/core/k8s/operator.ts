/**
 * Flink Kubernetes Operator releases and what their FlinkDeployment CRD accepts. The package
 * renders for whichever Operator is installed: it reads the live CRD (see compat.ts) or, for an
 * offline preview, takes these facts for the `operatorVersion` the user declares. Tests fetch the
 * CRDs of the releases Maven Central serves here (scripts/fetch-operator-crds.sh: 1.3.0, 1.7.0,
 * 1.10.0) and check that this table equals their `spec.flinkVersion` enum; the newer rows are
 * the Operator's release notes (1.11 added v2_0; 1.13 v2_1 and v2_2; 1.15 v2_3 and v2_4).
 */
import { tryParseFlinkVersion } from "../version";

/** The Operator release the package's own tests render and validate against by default. */
export const OPERATOR_VERSION = "1.10.0";

/** The operator-api releases whose CRDs the tests fetch and validate emitted objects against. */
export const SERVED_OPERATOR_VERSIONS = ["1.3.0", "1.7.0", "1.10.0"] as const;

const upTo = (last: number) => Array.from({ length: last - 12 }, (_, i) => `v1_${13 + i}`);
const V1_20 = upTo(20);

/** `spec.flinkVersion` enum per Operator release line ("1.10" → v1_13 … v1_20). */
export const OPERATOR_FLINK_VERSIONS: Readonly<Record<string, readonly string[]>> = {
    "1.3": upTo(16),
    "1.7": upTo(19),
    "1.10": V1_20,
    "1.11": [...V1_20, "v2_0"],
    "1.12": [...V1_20, "v2_0"],
    "1.13": [...V1_20, "v2_0", "v2_1", "v2_2"],
    "1.14": [...V1_20, "v2_0", "v2_1", "v2_2"],
    "1.15": [...V1_20, "v2_0", "v2_1", "v2_2", "v2_3", "v2_4"],
};

/** The FlinkDeployment CRD's `spec.flinkVersion` enum of {@link OPERATOR_VERSION}. */
export const CRD_FLINK_VERSIONS = OPERATOR_FLINK_VERSIONS["1.10"]!;

/**
 * Spec fields the renderers may emit that older CRDs lack, with the first Operator line in the
 * table known to have them (1.3.0's CRD lacks ephemeralStorage; 1.7.0's lacks savepointRedeployNonce).
 */
export const FIELD_SINCE: Readonly<Record<string, string>> = {
    "jobManager.resource.ephemeralStorage": "1.7",
    "taskManager.resource.ephemeralStorage": "1.7",
    "job.savepointRedeployNonce": "1.10",
};

/** "1.10.0" or "1.10" → "1.10"; undefined when it is not a release. */
export function operatorLine(version: string): string | undefined {
    const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(version.trim());
    return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

/** Compare two "major.minor" lines. */
export function compareLines(a: string, b: string): number {
    const [am, an] = a.split(".").map(Number);
    const [bm, bn] = b.split(".").map(Number);
    return am! - bm! || an! - bn!;
}

/** The oldest Operator line in the table whose CRD accepts `key` (e.g. "v2_0" → "1.11"). */
export function minimumOperatorFor(key: string): string | undefined {
    return Object.keys(OPERATOR_FLINK_VERSIONS)
        .sort(compareLines)
        .find((line) => OPERATOR_FLINK_VERSIONS[line]!.includes(key));
}

/** "1.20.3" → "v1_20", "2.0.1" → "v2_0": the CRD's spelling of a release line; undefined when not a version. */
export function crdFlinkVersion(version: string): string | undefined {
    const v = tryParseFlinkVersion(version);
    return v ? `v${v.major}_${v.minor}` : undefined;
}

/** "v1_13 … v2_0" → "1.13 to 2.0", for messages. */
export function acceptedLines(keys: readonly string[]): string {
    const lines = keys.map((v) => v.slice(1).replace("_", "."));
    return lines.length ? `${lines[0]} to ${lines[lines.length - 1]}` : "none";
}
