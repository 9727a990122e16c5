import { z } from "zod";
import { InputFailure, quote } from "./errors";

/**
 * Turn zod issues into our failure formula (property, value, fix). zod's own messages say what
 * is wrong; the fix comes from the schema's message when it is written "problem; fix: remedy",
 * or from a custom issue's `params.fix`. A custom issue with `params.secret` shows `"***"`.
 */
export function zodFailures(error: z.ZodError, input: unknown, prefix = ""): InputFailure[] {
    return error.issues.map((issue) => {
        const property = prefix + formatPath(issue.path);
        const secret = issue.code === "custom" && issue.params?.secret === true;
        // A credential written as plain text is never quoted back.
        const value = secret ? "***" : valueAt(input, issue.path);
        let problem = issue.message;
        let fix = "see the resource reference in the README";
        // A schema's own message may carry its fix in the formula's words: "problem; fix: remedy".
        const ownFix = problem.indexOf("; fix: ");
        if (ownFix >= 0) {
            fix = problem.slice(ownFix + "; fix: ".length);
            problem = problem.slice(0, ownFix);
        }
        if (issue.code === "unrecognized_keys") {
            problem = `unknown propert${issue.keys.length > 1 ? "ies" : "y"} ${issue.keys.map((k) => quote(k)).join(", ")}`;
            fix = "remove it or check the spelling against the README";
        } else if (ownFix >= 0) {
            // the schema said both
        } else if (issue.code === "invalid_enum_value") {
            fix = `use one of ${issue.options.map((o) => quote(o)).join(", ")}`;
        } else if (issue.code === "invalid_type" && issue.received === "undefined") {
            problem = "is required";
            fix = `set ${property || "it"} (${issue.expected})`;
        } else if (issue.code === "invalid_type") {
            fix = `pass a ${issue.expected}`;
        } else if (issue.code === "invalid_union") {
            problem = issue.message === "Invalid input" ? "has the wrong type" : issue.message;
        } else if (issue.code === "custom" && issue.params?.fix) {
            fix = String(issue.params.fix);
        }
        return { property: property || "(args)", reason: `${property || "(args)"} = ${quote(value)}: ${problem}; fix: ${fix}` };
    });
}

function formatPath(path: (string | number)[]): string {
    return path.map((p, i) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? (i === 0 ? p : `.${p}`) : `[${JSON.stringify(p)}]`)).join("");
}

function valueAt(input: unknown, path: (string | number)[]): unknown {
    let cur: unknown = input;
    for (const key of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<string | number, unknown>)[key];
    }
    return cur;
}

/** Pulumi adds `__provider` (the serialized provider) to dynamic resource inputs. */
export function withoutPulumiKeys(inputs: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(inputs)) if (!k.startsWith("__")) out[k] = v;
    return out;
}
