/** Shared pieces of AlertRoute validation: the failure collector and value formats. */
import { InputFailure, invalid } from "../errors";
import { UNKNOWN } from "../unknown";

export const MASK = "***";
/** Prometheus duration: units from largest to smallest, each at most once ("1h30m", "45s"). */
export const DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
/** Label values we put into PromQL selectors and matchers unescaped in spirit: keep them simple. */
export const LABEL_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/;
export const TARGET = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;
export const RECEIVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const EMAIL = /^[^\s@,]+@[^\s@,]+$/;
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
export const isDuration = (v: unknown): v is string => typeof v === "string" && v !== "" && DURATION.test(v);
export const isUrl = (v: unknown): v is string => {
    if (typeof v !== "string") return false;
    try {
        return ["http:", "https:"].includes(new URL(v).protocol);
    } catch {
        return false;
    }
};

export class Checker {
    readonly failures: InputFailure[] = [];
    fail(property: string, value: unknown, problem: string, fix: string): void {
        if (value === UNKNOWN) return;
        this.failures.push(invalid(property, value, problem, fix));
    }
    /** A string (optional unless `required`); reports and returns undefined when wrong. */
    str(obj: Obj, key: string, where: string, opts: { required?: boolean; secret?: boolean; pattern?: RegExp; fix?: string } = {}): string | undefined {
        const v = obj[key];
        if (v === UNKNOWN) return undefined; // not known in preview: checked at update
        const path = `${where}${where ? "." : ""}${key}`;
        if (v === undefined || v === "") {
            if (opts.required) this.fail(path, opts.secret ? MASK : v, "is required", opts.fix ?? `set ${path}`);
            return undefined;
        }
        if (typeof v !== "string") return void this.fail(path, opts.secret ? MASK : v, "must be a string", opts.fix ?? "pass a string");
        if (opts.pattern && !opts.pattern.test(v)) return void this.fail(path, opts.secret ? MASK : v, "has the wrong format", opts.fix ?? "see the README");
        return v;
    }
    unknownKeys(obj: Obj, allowed: readonly string[], where: string): void {
        for (const key of Object.keys(obj)) {
            if (key.startsWith("__") || allowed.includes(key)) continue;
            this.fail(where ? `${where}.${key}` : key, MASK, "is not a known property", `remove it or use one of ${allowed.join(", ")}`);
        }
    }
}
