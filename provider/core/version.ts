/** Flink versions: the one parser, comparison, and what changes between release lines. */

/** A parsed Flink version. */
export interface FlinkVersion {
    readonly major: number;
    readonly minor: number;
    /** 0 when absent, e.g. for `2.4-SNAPSHOT`. */
    readonly patch: number;
    /** Suffix after `-`, e.g. `SNAPSHOT`; absent for releases. */
    readonly qualifier?: string;
}

const VERSION = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?\s*$/;

/** Parse `"1.20.3"`, `"2.3.0"`, `"2.4-SNAPSHOT"`, `"1.18"`; undefined if it is not a version. */
export function tryParseFlinkVersion(text: string): FlinkVersion | undefined {
    const m = VERSION.exec(text);
    if (!m) return undefined;
    const version = { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? 0 : Number(m[3]) };
    return m[4] === undefined ? version : { ...version, qualifier: m[4] };
}

/** Negative, zero or positive, like `Array.prototype.sort` comparators (qualifiers ignored). */
export function compareVersions(a: FlinkVersion, b: FlinkVersion): number {
    return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function atLeast(v: FlinkVersion, major: number, minor: number): boolean {
    return compareVersions(v, { major, minor, patch: 0 }) >= 0;
}

/** Release lines this package knows how to drive. */
export const OLDEST_SUPPORTED: FlinkVersion = { major: 1, minor: 16, patch: 0 };
export const NEWEST_SUPPORTED_MAJOR = 2;

export function isSupported(v: FlinkVersion): boolean {
    return atLeast(v, OLDEST_SUPPORTED.major, OLDEST_SUPPORTED.minor) && v.major <= NEWEST_SUPPORTED_MAJOR;
}

export type ConfigDialect = "flink-conf.yaml" | "config.yaml";

/** Flink 1.19 introduced standard-YAML `config.yaml`; 2.0 removed `flink-conf.yaml`. */
export function configDialect(v: FlinkVersion): ConfigDialect {
    return atLeast(v, 1, 19) ? "config.yaml" : "flink-conf.yaml";
}

/** Keys renamed in 1.20; the old names are deprecated fallbacks from then on. */
export function stateKeys(v: FlinkVersion): { savepointDir: string; checkpointDir: string } {
    return atLeast(v, 1, 20)
        ? { savepointDir: "execution.checkpointing.savepoint-dir", checkpointDir: "execution.checkpointing.dir" }
        : { savepointDir: "state.savepoints.dir", checkpointDir: "state.checkpoints.dir" };
}
