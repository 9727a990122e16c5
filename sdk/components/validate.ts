import { z } from "zod";
import { InputError } from "../../provider/core/errors";
import { zodFailures } from "../../provider/core/zod";
import { ARGUMENT_RULES, ArgumentRuleName, DeferredArgumentCheck, hasReference } from "../../provider/core/component-rules";

/**
 * Validate a component's args at program time, with the same formula as a resource's `check`
 * (property, bad value, fix), so `pulumi preview` stops with one clear message per bad arg
 * (an {@link InputError} prints without a stack trace).
 * @throws InputError prefixed with the component and its name.
 */
export function parseComponentArgs<T extends z.ZodTypeAny>(component: string, name: string, schema: T, args: unknown): z.infer<T> {
    const result = schema.safeParse(args);
    if (result.success) return result.data;
    throw new InputError(zodFailures(result.error, args).map((f) => ({ property: f.property, reason: `${component} "${name}": ${f.reason}` })));
}

/** {@link hint} for a value that must not be shown (a plain-text credential): the error quotes `"***"`. Only for `ctx.addIssue`. */
export function secretHint(problem: string, fix: string): { message: string; params: { secret: true } } {
    return { ...hint(problem, fix), params: { secret: true } };
}

/** A zod check's message in the failure formula's own words: `problem; fix: remedy` ({@link zodFailures} splits it). */
export function hint(problem: string, fix: string): { message: string } {
    return { message: `${problem}; fix: ${fix}` };
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

function valueAt(input: unknown, path: (string | number)[]): unknown {
    return path.reduce<unknown>((cur, key) => (cur !== null && typeof cur === "object" ? (cur as Record<string | number, unknown>)[key] : undefined), input);
}
