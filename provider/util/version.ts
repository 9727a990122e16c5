/** Flink versions: parsing, comparison and what changes between release lines. */

export interface FlinkVersion {
    readonly major: number;
    readonly minor: number;
    readonly patch: number;
    /** The text it was parsed from, e.g. "2.3.0" or "2.4-SNAPSHOT". */
    readonly text: string;
}

const VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?(?:-[A-Za-z0-9.]+)?$/;

export function parseFlinkVersion(text: string): FlinkVersion | undefined {
    const m = VERSION.exec(text.trim());
    if (!m) return undefined;
    return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: text.trim() };
}

/** Negative if a < b, 0 if the same line and patch, positive if a > b. */
export function compareVersions(a: FlinkVersion, b: FlinkVersion): number {
    return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function atLeast(v: FlinkVersion, major: number, minor: number): boolean {
    return v.major > major || (v.major === major && v.minor >= minor);
}

/** Release lines this package knows how to drive. */
export const OLDEST_SUPPORTED = "1.16";
export const NEWEST_SUPPORTED_MAJOR = 2;

export function isSupported(v: FlinkVersion): boolean {
    return atLeast(v, 1, 16) && v.major <= NEWEST_SUPPORTED_MAJOR;
}

export type ConfigDialect = "flink-conf.yaml" | "config.yaml";

/** Flink 1.19 introduced standard-YAML `config.yaml`; 2.0 removed `flink-conf.yaml`. */
export function configDialect(v: FlinkVersion): ConfigDialect {
    return atLeast(v, 1, 19) ? "config.yaml" : "flink-conf.yaml";
}

/** Keys renamed in 1.20; the old names are deprecated there and gone in 2.x. */
export function stateKeys(v: FlinkVersion): { savepointDir: string; checkpointDir: string } {
    return atLeast(v, 1, 20)
        ? { savepointDir: "execution.checkpointing.savepoint-dir", checkpointDir: "execution.checkpointing.dir" }
        : { savepointDir: "state.savepoints.dir", checkpointDir: "state.checkpoints.dir" };
}
