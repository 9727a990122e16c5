import { z } from "zod";
import { InputError } from "../../provider/util/errors";
import { zodFailures } from "../../provider/util/zod";

/**
 * Validate a component's args at program time, with the same formula as a resource's `check`
 * (property, bad value, fix), so `pulumi preview` stops with one clear message per bad arg.
 * @throws InputError prefixed with the component and its name.
 */
export function parseComponentArgs<T extends z.ZodTypeAny>(component: string, name: string, schema: T, args: unknown): z.infer<T> {
    const result = schema.safeParse(args);
    if (result.success) return result.data;
    const failures = zodFailures(result.error, args).map((f) => ({ property: f.property, reason: `${component} "${name}": ${f.reason}` }));
    throw new InputError(failures);
}

/** A fix hint zod carries to {@link zodFailures} through `params.fix`. */
export function fix(text: string): { params: { fix: string } } {
    return { params: { fix: text } };
}
