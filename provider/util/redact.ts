/**
 * Keep secret values out of messages: Flink (and the SQL Gateway) echo submitted SQL, program
 * arguments and configuration back in their errors, so anything that carries resolved variables
 * must pass its errors through {@link withRedaction} before they reach the CLI or the state.
 *
 * Every non-empty secret value is redacted, however short. A 1–3 character secret therefore
 * over-redacts (every `a` in a message becomes `***` for the secret `"a"`); that is the price of
 * never leaking one. What cannot be caught: a message that truncates or re-encodes a secret in a
 * form not listed in {@link secretForms}.
 */

/** What a secret value is replaced with. */
export const REDACTED = "***";

/**
 * The forms in which a secret value shows up in messages: as is, JSON-escaped (REST bodies),
 * with `'` doubled (inside a SQL string literal), both (SQL inside JSON), and URL-encoded
 * (JDBC or HTTP URLs).
 */
export function secretForms(value: string): string[] {
    if (value.length === 0) return [];
    const json = (text: string) => JSON.stringify(text).slice(1, -1);
    const sql = value.replace(/'/g, "''");
    return [...new Set([value, json(value), sql, json(sql), encodeURIComponent(value)])];
}

/**
 * Replace every occurrence of every secret value (in any of its {@link secretForms}) with `***`.
 * Longer forms win where values overlap, and replaced text is never scanned again.
 */
export function redactSecrets(text: string, secretValues: readonly string[]): string {
    const pattern = redactionPattern(secretValues);
    return pattern && text ? text.replace(pattern, () => REDACTED) : text;
}

/** One alternation of all forms, longest first (a JS regex takes the first alternative that matches). */
function redactionPattern(secretValues: readonly string[]): RegExp | undefined {
    const forms = [...new Set(secretValues.filter((v) => typeof v === "string").flatMap(secretForms))];
    if (forms.length === 0) return undefined;
    forms.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    return new RegExp(forms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
}

/**
 * Run `fn`; if it fails, redact the secret values from the error (message, stack, cause, and any
 * string fields such as a Flink message or input failures) and rethrow the same error object, so
 * its class, `instanceof` checks and fields survive. A thrown string is redacted and rethrown.
 */
export async function withRedaction<T>(secretValues: readonly string[], fn: () => Promise<T>): Promise<T> {
    try {
        return await fn();
    } catch (err) {
        throw redactError(err, secretValues);
    }
}

/** Redact an error in place (see {@link withRedaction}); returns it (or the redacted string). */
export function redactError<E>(err: E, secretValues: readonly string[]): E {
    const pattern = redactionPattern(secretValues);
    if (!pattern) return err;
    const redact = (text: string) => text.replace(pattern, () => REDACTED);
    if (typeof err === "string") return redact(err) as E;
    if (err !== null && typeof err === "object") scrub(err, redact, new Set(), 0);
    return err;
}

/** Replace strings in an object's own data properties, recursing into errors, arrays and objects. */
function scrub(target: object, redact: (text: string) => string, seen: Set<object>, depth: number): void {
    if (seen.has(target) || depth > 5) return;
    seen.add(target);
    for (const key of Object.getOwnPropertyNames(target)) {
        const desc = Object.getOwnPropertyDescriptor(target, key);
        if (!desc || !("value" in desc)) continue; // accessors are left alone
        const value: unknown = desc.value;
        if (typeof value === "string") {
            const clean = redact(value);
            if (clean === value) continue;
            try {
                if (desc.writable) (target as Record<string, unknown>)[key] = clean;
                else if (desc.configurable) Object.defineProperty(target, key, { ...desc, value: clean });
            } catch {
                // frozen: nothing we can do without changing the object's identity
            }
        } else if (value !== null && typeof value === "object") {
            scrub(value, redact, seen, depth + 1);
        }
    }
}
