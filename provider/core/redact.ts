/**
 * Keep secrets out of messages: Flink (and the SQL Gateway) echo submitted SQL, program
 * arguments and configuration back in their errors, often only in part: Calcite's parser quotes
 * the one token it stopped at (`Encountered "\'ss$word\'"`), which may be any piece of a secret.
 * So anything that carries resolved variables passes its errors through {@link withRedaction}
 * (or its lines through {@link redactSecrets}) before they reach the CLI, the logs or the state.
 *
 * What is redacted: every maximal run of text made of overlapping 4-character windows of a
 * secret in any of its {@link secretForms}. No 4 consecutive characters of any form of a
 * secret survive. A secret shorter than 4 characters is redacted where it appears whole (in any
 * form), however short: a 1-3 character secret over-redacts (every `a` in a message becomes `***`
 * for the secret `"a"`); that is the price of never leaking one. A long secret over-redacts any
 * 4-character piece of it that also occurs naturally (`pass` of `password1`): use random secrets.
 * What cannot be caught: a piece shorter than 4 characters, or a form not listed in
 * {@link secretForms}.
 */

/** What a secret (or a piece of one) is replaced with. */
export const REDACTED = "***";

/** The shortest piece of a secret that is redacted on its own. */
export const MIN_FRAGMENT = 4;

const json = (text: string) => JSON.stringify(text).slice(1, -1);
const asciiJson = (text: string) => json(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const backslashed = (text: string) => text.replace(/[\\'"\n\r\t]/g, (c) => ({ "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c] ?? `\\${c}`);
/** Percent-encoding of every byte but letters, digits and `.-*_`, space as `+` (form encoding, Java's URLEncoder). */
const formEncoded = (text: string) =>
    encodeURIComponent(text)
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, "+");

const JAVACC_NAMED: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 34: '\\"', 39: "\\'", 92: "\\\\" };

/**
 * How a parser built with JavaCC (Calcite's, hence Flink SQL's) quotes a token in `Encountered
 * "..."`: backslash before `\ ' "`, `\b \t \n \f \r` as such, any other character outside
 * printable ASCII as `\u` and 4 lower-case hex digits (per UTF-16 unit).
 */
export function javaccEscaped(text: string): string {
    let out = "";
    for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code === 0) continue;
        out += JAVACC_NAMED[code] ?? (code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, "0")}` : text[i]);
    }
    return out;
}

/**
 * The forms in which a secret shows up in messages: as is; JSON-escaped (REST bodies, also with
 * non-ASCII as `\uXXXX`); with `'` doubled (inside a SQL string literal) and that inside JSON;
 * with `\` also doubled (inside a `U&'...'` literal); backslash-escaped (Java/C strings);
 * as Calcite quotes a token (of the value and of its SQL literal), also inside JSON; URL-encoded
 * (JDBC or HTTP URLs) and form-encoded.
 */
export function secretForms(value: string): string[] {
    if (value.length === 0) return [];
    const sql = value.replace(/'/g, "''");
    const forms = [value, json(value), asciiJson(value), sql, json(sql), sql.replace(/\\/g, "\\\\"), backslashed(value)];
    forms.push(javaccEscaped(value), javaccEscaped(sql), json(javaccEscaped(sql)), encodeURIComponent(value), formEncoded(value));
    return [...new Set(forms)];
}

/** A compiled set of secrets: redacts a text in one pass over it. */
export type Redactor = (text: string) => string;

/**
 * `pieces` (the default): every 4-character piece of a secret, for passwords and keys, which
 * Flink may quote in part. `whole`: only whole values (in every form), for secrets that are large
 * structured texts (a kubeconfig, a webhook URL) whose 4-character pieces (`http`, `name:`) occur
 * in every message, and which Flink never gets to quote in part.
 */
export type RedactionMode = "pieces" | "whole";

/**
 * Compile the secrets once (a set of their forms' 4-character windows, and one pattern for the
 * short ones), so hundreds of secrets over long messages cost one hash lookup per character.
 */
export function redactorFor(secretValues: readonly string[], mode: RedactionMode = "pieces"): Redactor {
    const values = [...new Set(secretValues.filter((v) => typeof v === "string" && v !== ""))];
    const windows = new Set<string>();
    const whole: string[] = [];
    for (const v of values) {
        const short = mode === "whole" || [...v].length < MIN_FRAGMENT;
        for (const form of secretForms(v)) {
            if (short || form.length < MIN_FRAGMENT) whole.push(form);
            else for (let i = 0; i + MIN_FRAGMENT <= form.length; i++) windows.add(form.slice(i, i + MIN_FRAGMENT));
        }
    }
    if (windows.size === 0 && whole.length === 0) return (text) => text;
    whole.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    const pattern = whole.length ? new RegExp([...new Set(whole)].map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g") : undefined;
    return (text) => (text ? redactCovered(text, covered(text, windows, pattern)) : text);
}

/** Which characters of `text` belong to a window of a secret or a whole short secret. */
function covered(text: string, windows: ReadonlySet<string>, pattern: RegExp | undefined): Uint8Array {
    const mark = new Uint8Array(text.length);
    if (windows.size) {
        let until = -1; // marks up to here are set already
        for (let i = 0; i + MIN_FRAGMENT <= text.length; i++) {
            if (!windows.has(text.slice(i, i + MIN_FRAGMENT))) continue;
            for (let j = Math.max(i, until + 1); j < i + MIN_FRAGMENT; j++) mark[j] = 1;
            until = i + MIN_FRAGMENT - 1;
        }
    }
    if (pattern) for (const m of text.matchAll(pattern)) mark.fill(1, m.index, m.index + m[0].length);
    return mark;
}

/** Replace each maximal run of marked characters with one `***` (never splitting a surrogate pair). */
function redactCovered(text: string, mark: Uint8Array): string {
    let out = "";
    let i = 0;
    while (i < text.length) {
        if (!mark[i]) {
            const next = mark.indexOf(1, i);
            const end = next < 0 ? text.length : next;
            out += text.slice(i, end);
            i = end;
            continue;
        }
        let end = i;
        while (end < text.length && mark[end]) end++;
        if (isLowSurrogate(text, end)) end++;
        if (isLowSurrogate(text, i) && out.length) out = out.slice(0, -1);
        out += REDACTED;
        i = end;
    }
    return out;
}

function isLowSurrogate(text: string, i: number): boolean {
    const c = text.charCodeAt(i);
    return c >= 0xdc00 && c <= 0xdfff;
}

/** Redact every secret (see the top of this file) from one text. */
export function redactSecrets(text: string, secretValues: readonly string[], mode: RedactionMode = "pieces"): string {
    return redactorFor(secretValues, mode)(text);
}

/** A progress sink that redacts the secrets from every line before passing it on. */
export function redactedProgress<P extends (message: string) => void>(progress: P, secretValues: readonly string[]): P {
    const redact = redactorFor(secretValues);
    return ((message: string) => progress(redact(message))) as P;
}

/**
 * Run `fn`; if it fails, redact the secret values from the error (message, stack, cause, and any
 * string fields such as a Flink message or input failures) and rethrow the same error object, so
 * its class, `instanceof` checks and fields survive. A thrown string is redacted and rethrown.
 */
export async function withRedaction<T>(secretValues: readonly string[], fn: () => Promise<T>, mode: RedactionMode = "pieces"): Promise<T> {
    try {
        return await fn();
    } catch (err) {
        throw redactError(err, secretValues, mode);
    }
}

/** Redact an error in place (see {@link withRedaction}); returns it (or the redacted string). */
export function redactError<E>(err: E, secretValues: readonly string[], mode: RedactionMode = "pieces"): E {
    const redact = redactorFor(secretValues, mode);
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
