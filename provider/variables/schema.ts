/**
 * Validation of VariableSet inputs. Written by hand rather than with zod because zod's failures
 * quote the offending value, and a value under `secrets` must never reach a message: every
 * failure about a secret quotes `"***"` instead.
 */
import { InputFailure, invalid } from "../core/errors";
import { containsUnknown } from "../core/unknown";
import { VARIABLE_NAME } from "../core/substitute";

/** Longest variable name. */
export const MAX_NAME_LENGTH = 128;
/** Largest value, in UTF-8 bytes (64 KiB). */
export const MAX_VALUE_BYTES = 64 * 1024;
/** What a failure quotes in place of a secret. */
export const MASK = "***";

/** Checked VariableSet inputs. */
export interface VariableSetArgs {
    readonly values: Readonly<Record<string, string>>;
    readonly secrets: Readonly<Record<string, string>>;
}

const KEYS = ["values", "secrets"] as const;
type Kind = (typeof KEYS)[number];

/**
 * Validate VariableSet inputs (pure). `args` is returned only when everything is known and valid.
 * Values not yet known in preview are skipped.
 */
export function checkVariableSetArgs(news: Record<string, unknown>): { args?: VariableSetArgs; failures: InputFailure[] } {
    const failures: InputFailure[] = [];
    for (const key of Object.keys(news)) {
        if (key.startsWith("__") || (KEYS as readonly string[]).includes(key)) continue;
        failures.push(invalid(key, MASK, "is not a VariableSet property", "use values (plain) or secrets (stored encrypted)"));
    }
    const values = checkMap("values", news.values, failures);
    const secrets = checkMap("secrets", news.secrets, failures);
    if (values && secrets) {
        for (const name of Object.keys(secrets)) {
            if (Object.hasOwn(values, name)) {
                failures.push(
                    invalid(
                        pathOf("secrets", name),
                        MASK,
                        `${name} is also defined in values`,
                        "define it in one of them only: secrets if it is sensitive, values otherwise",
                    ),
                );
            }
        }
    }
    const known = values && secrets && !containsUnknown(values) && !containsUnknown(secrets);
    return known && failures.length === 0 ? { args: { values, secrets }, failures } : { failures };
}

/** Check one map; returns it when it is a map (possibly holding unknown values), else undefined. */
function checkMap(kind: Kind, input: unknown, failures: InputFailure[]): Record<string, string> | undefined {
    const secret = kind === "secrets";
    const shown = (v: unknown) => (secret ? MASK : v);
    if (input === undefined) return {};
    if (containsUnknown(input) && typeof input === "string") return undefined; // the whole map is not known yet
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
        failures.push(
            invalid(
                kind,
                shown(input),
                "must be a map of variable names to strings",
                `pass an object, e.g. { ${secret ? 'DB_PASSWORD: pulumi.secret("...")' : 'KAFKA_BROKERS: "kafka:9092"'} }`,
            ),
        );
        return undefined;
    }
    const map = input as Record<string, unknown>;
    for (const [name, value] of Object.entries(map)) {
        const path = pathOf(kind, name);
        if (!VARIABLE_NAME.test(name)) {
            failures.push(
                invalid(path, name, "is not a variable name (letters, digits and _, not starting with a digit)", `rename it, e.g. ${suggestName(name)}`),
            );
        } else if (name.length > MAX_NAME_LENGTH) {
            failures.push(invalid(path, name, `is ${name.length} characters long; names are limited to ${MAX_NAME_LENGTH}`, "use a shorter name"));
        }
        if (containsUnknown(value)) continue;
        if (typeof value !== "string") {
            const example = secret ? "pulumi.secret(String(value))" : `"${String(value)}"`;
            failures.push(
                invalid(
                    path,
                    shown(value),
                    `must be a string, not ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
                    `pass a string, e.g. ${example}`,
                ),
            );
            continue;
        }
        const bytes = Buffer.byteLength(value, "utf8");
        if (bytes > MAX_VALUE_BYTES) {
            failures.push(
                invalid(
                    path,
                    shown(value),
                    `is ${bytes} bytes; values are limited to 64 KiB`,
                    "keep large content (certificates, files) in a file or a Kubernetes secret and pass its path",
                ),
            );
        }
        if (value.includes("\0")) {
            failures.push(
                invalid(
                    path,
                    shown(value),
                    `contains a NUL character at offset ${value.indexOf("\0")}`,
                    "remove it: NUL cannot be passed to Flink in SQL, arguments or configuration",
                ),
            );
        }
    }
    return map as Record<string, string>;
}

/** `values.NAME` for valid names, `values["bad name"]` otherwise (as zod paths are shown). */
function pathOf(kind: Kind, name: string): string {
    return VARIABLE_NAME.test(name) ? `${kind}.${name}` : `${kind}[${JSON.stringify(name)}]`;
}

function suggestName(name: string): string {
    const cleaned = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "") || "NAME";
    return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}
