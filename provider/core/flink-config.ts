import * as path from "path";
import { stringify } from "yaml";
import { InputFailure, invalid } from "./errors";
import { ConfigDialect } from "./version";

/** A Flink configuration map with flat keys, as users write it: `{"rest.port": 8081}`. */
export type FlinkConfig = Record<string, string | number | boolean>;

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Check that every entry can be rendered in the given dialect. The legacy `flink-conf.yaml`
 * parser splits lines at the first ": " and cuts everything after "#", so such values would be
 * silently truncated there.
 */
export function validateConfig(property: string, config: unknown, dialect: ConfigDialect | undefined): InputFailure[] {
    if (config === undefined) return [];
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        return [invalid(property, config, "must be a map of Flink keys to values", 'pass an object like {"parallelism.default": 2}')];
    }
    const failures: InputFailure[] = [];
    for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
        const where = `${property}[${JSON.stringify(key)}]`;
        if (!KEY.test(key)) {
            failures.push(invalid(where, key, "is not a Flink configuration key", 'use a dotted key such as "taskmanager.numberOfTaskSlots"'));
            continue;
        }
        if (typeof value === "number" && !Number.isFinite(value)) {
            failures.push(invalid(where, value, "is not a finite number", "use a finite number or a string"));
        } else if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
            failures.push(
                invalid(where, value, "must be a string, number or boolean", 'write lists and maps the way Flink expects them as a string, e.g. "a:1,b:2"'),
            );
        } else if (typeof value === "string" && /[\r\n]/.test(value)) {
            failures.push(invalid(where, value, "contains a line break, which Flink configuration files cannot carry", "put the value on one line"));
        } else if (dialect === "flink-conf.yaml" && typeof value === "string" && value.includes("#")) {
            failures.push(
                invalid(
                    where,
                    value,
                    "contains '#', which flink-conf.yaml (Flink < 1.19) treats as a comment",
                    "remove the '#' or use Flink 1.19+ (config.yaml)",
                ),
            );
        }
    }
    return failures;
}

/** Render configuration in the dialect of the target Flink version, keys sorted for stable diffs. */
export function renderConfig(dialect: ConfigDialect, config: FlinkConfig): string {
    const keys = Object.keys(config).sort();
    const header = "# Written by pulumi-flink. Manual edits are overwritten on the next update.\n";
    if (dialect === "flink-conf.yaml") {
        return header + keys.map((k) => `${k}: ${String(config[k])}`).join("\n") + "\n";
    }
    // config.yaml is standard YAML; Flink accepts flat dotted keys at the top level, which keeps
    // keys such as "state.backend" and "state.backend.incremental" both representable.
    const doc: Record<string, string | number | boolean> = {};
    for (const k of keys) doc[k] = config[k];
    return header + stringify(doc, { lineWidth: 0 });
}

/** Merge layers left to right; later layers win. */
export function mergeConfig(...layers: (FlinkConfig | undefined)[]): FlinkConfig {
    return Object.assign({}, ...layers.filter(Boolean)) as FlinkConfig;
}

/** A savepoint directory as a URI: an absolute path becomes `file:///…`; a trailing slash is removed. */
export function normalizeSavepointDir(dir: string): string {
    let uri = path.posix.isAbsolute(dir) ? `file://${path.posix.normalize(dir)}` : dir;
    while (uri.endsWith("/") && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\/\/?$/.test(uri)) uri = uri.slice(0, -1);
    return uri;
}

/**
 * The one parallelism rule (job inputs, application inputs, environment settings, the run request):
 * a whole number from 1 to Flink's maximum parallelism, 32768 (2^15 key groups).
 */
export const PARALLELISM_RULE = {
    problem: "must be a whole number from 1 to 32768",
    fix: "use a parallelism from 1 to 32768 (Flink's maximum), or leave it unset for the cluster's default",
} as const;

/** Whether `n` meets {@link PARALLELISM_RULE}. */
export function isParallelism(n: unknown): n is number {
    return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 32768;
}
