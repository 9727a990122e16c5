/**
 * `${NAME}` substitution into SQL, program arguments and job configuration. Pure: no I/O.
 *
 * Grammar, scanned once from left to right (substituted values are never scanned again):
 * - `${NAME}` with NAME matching {@link VARIABLE_NAME} is replaced by the variable's value;
 * - `$${NAME}` is the escape: it becomes the literal text `${NAME}`;
 * - anything else is left as is: `$`, `$$`, `$x`, `${}`, `${not a name}`, `$${a-b}`.
 *
 * Consequence of the escape: `$$${A}` is `$` followed by the escape `$${A}`, i.e. the literal
 * `$${A}`. To put a `$` right before a value, define a variable holding `$`: `${DOLLAR}${A}`.
 */
import { sha256 } from "./hash";
import { InputError, InputFailure, invalid, quote } from "./errors";

/** Variable names: letters, digits and `_`, not starting with a digit. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Group 1: an escaped name (`$${NAME}`); group 2: a reference (`${NAME}`). */
const TOKEN = /\$\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names referenced as `${NAME}` (escapes excluded), each once, in order of first use. */
export function findReferences(text: string): string[] {
    const names = new Set<string>();
    for (const m of text.matchAll(TOKEN)) if (m[2] !== undefined) names.add(m[2]);
    return [...names];
}

/**
 * Substitute `${NAME}` with `vars[NAME]` and unescape `$${NAME}`.
 * @param property names the text in the error, e.g. `sql` or `args[2]`.
 * @throws InputError naming every referenced variable that `vars` does not define.
 */
export function substitute(text: string, vars: Readonly<Record<string, string>>, property = "text"): string {
    const failures = unknownReferences(property, text, vars);
    if (failures.length) throw new InputError(failures);
    return replaceAll(text, vars);
}

function replaceAll(text: string, vars: Readonly<Record<string, string>>): string {
    return text.replace(TOKEN, (_m, escaped: string | undefined, name: string) => (escaped !== undefined ? `\${${escaped}}` : vars[name]));
}

/** One failure per `${NAME}` in `text` that `vars` does not define. */
export function unknownReferences(property: string, text: string, vars: Readonly<Record<string, string>>): InputFailure[] {
    const missing = findReferences(text).filter((n) => !Object.hasOwn(vars, n));
    return missing.map((n) =>
        invalid(property, excerpt(text, n), `uses \${${n}}, which is not defined (defined: ${listNames(Object.keys(vars))})`, fixFor(n, Object.keys(vars))),
    );
}

/**
 * Check that every `${NAME}` in a job's text is defined by one of its VariableSets.
 * @returns one failure per undefined name, naming the job, the placeholder and what is defined.
 */
export function checkReferences(property: string, text: string, available: readonly string[], jobName: string): InputFailure[] {
    const defined = new Set(available);
    return findReferences(text)
        .filter((n) => !defined.has(n))
        .map((n) =>
            invalid(
                property,
                excerpt(text, n),
                `job ${quote(jobName)} uses \${${n}}${lineOf(text, n)}, which no VariableSet defines (defined: ${listNames(available)})`,
                fixFor(n, available),
            ),
        );
}

/** {@link checkReferences} over every string inside arrays and objects (args, configuration). */
export function checkAllReferences(property: string, value: unknown, available: readonly string[], jobName: string): InputFailure[] {
    return walk(value, property).flatMap(([path, text]) => checkReferences(path, text, available, jobName));
}

/**
 * Substitute in every string inside arrays and plain objects (object keys are kept as is).
 * @param property names the value in errors, e.g. `configuration`.
 * @throws InputError naming every undefined variable, with the path of the string using it.
 */
export function resolveAll<T>(value: T, vars: Readonly<Record<string, string>>, property = "value"): T {
    const failures = walk(value, property).flatMap(([path, text]) => unknownReferences(path, text, vars));
    if (failures.length) throw new InputError(failures);
    return map(value, (text) => replaceAll(text, vars)) as T;
}

/** Every string inside a value (arrays and plain objects walked; keys excluded). */
export function stringsIn(value: unknown): string[] {
    return walk(value, "").map(([, text]) => text);
}

/**
 * sha256 (hex) over the sorted `[name, value]` pairs of only the variables the texts reference,
 * so changing a variable no text uses does not change it. A referenced but undefined name counts
 * as `[name]`. It covers secret values: a weak secret can be guessed from it offline, so store
 * it only under an output key listed in `additionalSecretOutputs`.
 */
export function usedVariablesHash(texts: readonly string[], vars: Readonly<Record<string, string>>): string {
    const names = [...new Set(texts.flatMap(findReferences))].sort();
    const pairs = names.map((n) => (Object.hasOwn(vars, n) ? [n, vars[n]] : [n]));
    return sha256(JSON.stringify(pairs));
}

function walk(value: unknown, path: string): [string, string][] {
    if (typeof value === "string") return [[path || "value", value]];
    if (Array.isArray(value)) return value.flatMap((v, i) => walk(v, `${path}[${i}]`));
    if (isPlainObject(value))
        return Object.entries(value).flatMap(([k, v]) => walk(v, `${path}${/^[A-Za-z_$][\w$]*$/.test(k) && path ? `.${k}` : `[${JSON.stringify(k)}]`}`));
    return [];
}

function map(value: unknown, fn: (text: string) => string): unknown {
    if (typeof value === "string") return fn(value);
    if (Array.isArray(value)) return value.map((v) => map(v, fn));
    if (isPlainObject(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: map(v, fn), enumerable: true, writable: true, configurable: true });
        return out;
    }
    return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    if (value === null || typeof value !== "object") return false;
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}

function listNames(names: readonly string[]): string {
    const sorted = [...new Set(names)].sort();
    if (sorted.length === 0) return "none";
    return sorted.length > 20 ? `${sorted.slice(0, 20).join(", ")} and ${sorted.length - 20} more` : sorted.join(", ");
}

function fixFor(name: string, available: readonly string[]): string {
    const allowed = name.length < 4 ? 0 : name.length < 8 ? 1 : 2;
    const near = available.find((a) => a.toLowerCase() === name.toLowerCase() || editDistance(a, name) <= allowed);
    const rename = near !== undefined ? `use \${${near}} if that was meant, or ` : "";
    return `${rename}add ${name} to a VariableSet passed in variables, or escape it as $\${${name}}`;
}

/** A window of the text around the first use of `${name}`, so the quote shows the spot. */
function excerpt(text: string, name: string): string {
    if (text.length <= 80) return text;
    const at = text.search(new RegExp(`(?<!\\$)\\$\\{${name}\\}`));
    const start = Math.max(0, at - 30);
    return `${start > 0 ? "..." : ""}${text.slice(start, start + 70)}`;
}

function lineOf(text: string, name: string): string {
    if (!text.includes("\n")) return "";
    const at = text.search(new RegExp(`(?<!\\$)\\$\\{${name}\\}`));
    return ` (line ${text.slice(0, at).split("\n").length})`;
}

function editDistance(a: string, b: string): number {
    if (Math.abs(a.length - b.length) > 2) return 3;
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
    }
    return prev[b.length];
}
