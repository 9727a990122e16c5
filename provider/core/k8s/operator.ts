/**
 * The Flink Kubernetes Operator release this package renders for: the one place its version is
 * recorded. Tests fetch this release's CRDs from Maven Central (scripts/fetch-operator-crds.sh)
 * and check that the list below equals the CRD's `spec.flinkVersion` enum.
 */
import { tryParseFlinkVersion } from "../version";

/** `org.apache.flink:flink-kubernetes-operator-api` version whose CRDs every manifest is validated against. */
export const OPERATOR_VERSION = "1.10.0";

/** The FlinkDeployment CRD's `spec.flinkVersion` enum of {@link OPERATOR_VERSION}. */
export const CRD_FLINK_VERSIONS = ["v1_13", "v1_14", "v1_15", "v1_16", "v1_17", "v1_18", "v1_19", "v1_20"] as const;

export type CrdFlinkVersion = (typeof CRD_FLINK_VERSIONS)[number];

/** "1.20.3" → "v1_20"; undefined when it is not a version or the CRD does not know its line. */
export function crdFlinkVersion(version: string): CrdFlinkVersion | undefined {
    const v = tryParseFlinkVersion(version);
    if (!v) return undefined;
    const key = `v${v.major}_${v.minor}`;
    return (CRD_FLINK_VERSIONS as readonly string[]).includes(key) ? (key as CrdFlinkVersion) : undefined;
}

/** The release lines the CRD accepts, for error messages: "1.13 to 1.20". */
export function acceptedLines(): string {
    const lines = CRD_FLINK_VERSIONS.map((v) => v.slice(1).replace("_", "."));
    return `${lines[0]} to ${lines[lines.length - 1]}`;
}
