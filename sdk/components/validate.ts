import { z } from "zod";
import { InputError, quote } from "../../provider/core/errors";
import { zodFailures } from "../../provider/core/zod";
import { ARGUMENT_RULES, ArgumentRuleName, DeferredArgumentCheck, hasReference } from "../../provider/core/component-rules";
import { inputError } from "../kubernetes-render";

/** Separates the problem from the fix inside a zod message (zod carries only `message` for most checks). */
const SEP = "\u241f";

/**
 * Validate a component's args at program time, with the same formula as a resource's `check`
 * (property, bad value, fix), so `pulumi preview` stops with one clear message per bad arg.
 * @throws InputError prefixed with the component and its name.
 */
export function parseComponentArgs<T extends z.ZodTypeAny>(component: string, name: string, schema: T, args: unknown): z.infer<T> {
    const result = schema.safeParse(args);
    if (result.success) return result.data;
    const issues = result.error.issues;
    const failures = zodFailures(result.error, args).map((f, i) => {
        // A credential given as plain text is never quoted back.
        if (issues[i]?.message.startsWith(SECRET)) f = { ...f, reason: f.reason.replace(`= ${quote(valueAt(args, issues[i].path))}: ${SECRET}`, '= "***": ') };
        const at = f.reason.indexOf(SEP);
        // "p = v: problem<SEP>our fix; fix: generic fix" -> "p = v: problem; fix: our fix"
        const reason = at < 0 ? f.reason : `${f.reason.slice(0, at)}; fix: ${f.reason.slice(at + 1, f.reason.lastIndexOf("; fix: "))}`;
        return { property: f.property, reason: `${component} "${name}": ${reason}` };
    });
    throw new InputError(failures);
}

/** Marks a message whose value is a secret: the error shows `***`. */
const SECRET = "\u241e";

/** {@link hint} for a value that must not be shown (a plain-text credential). */
export function secretHint(problem: string, fix: string): { message: string } {
    return { message: `${SECRET}${problem}${SEP}${fix}` };
}

function valueAt(input: unknown, path: (string | number)[]): unknown {
    return path.reduce<unknown>((cur, key) => (cur !== null && typeof cur === "object" ? (cur as Record<string | number, unknown>)[key] : undefined), input);
}

/** A zod check's message: the problem, and the fix {@link parseComponentArgs} puts after "fix:". */
export function hint(problem: string, fix: string): { message: string } {
    return { message: `${problem}${SEP}${fix}` };
}

/**
 * A string argument that may differ between stacks: either a literal, checked by its rule now, or
 * a value with `${NAME}` references, checked by the same rule in the job's check once resolved
 * (see {@link deferredChecks}).
 */
export function stackValue(rule: ArgumentRuleName) {
    return z.string().refine((v) => stackValueValid(rule, v), ruleHint(rule));
}

/** Whether a literal meets its rule; a value with `${NAME}` is checked later, once resolved. */
export function stackValueValid(rule: ArgumentRuleName, value: string): boolean {
    return hasReference(value) || ARGUMENT_RULES[rule].test(value);
}

/** The {@link hint} of a rule, saying that a variable may be used instead. */
export function ruleHint(rule: ArgumentRuleName): { message: string } {
    const r = ARGUMENT_RULES[rule];
    return hint(r.problem, `${r.fix}, or '\${NAME}' for a variable of the job's VariableSet`);
}

/** The arguments at `paths` (dotted, as in the component's args) written with `${NAME}`, for the job's check. */
export function deferredChecks(component: string, name: string, args: unknown, paths: Readonly<Record<string, ArgumentRuleName>>): DeferredArgumentCheck[] {
    return Object.entries(paths).flatMap(([argument, rule]) => {
        const text = valueAt(args, argument.split("."));
        return typeof text === "string" && hasReference(text) ? [{ component: `${component} "${name}"`, argument, text, rule }] : [];
    });
}

/**
 * Run a component's argument checks in its constructor: a bad argument becomes a RunError, which
 * `pulumi preview` prints as the message alone (the same property, value and fix as a resource's
 * check), not as an unhandled exception with a stack trace.
 */
export function atPreview<T>(fn: () => T): T {
    try {
        return fn();
    } catch (err) {
        if (err instanceof InputError) throw inputError(err.failures);
        throw err;
    }
}
