/**
 * Progress lines. Dynamic providers have no status channel: whatever they print to stderr shows
 * up as info lines in the pulumi CLI, so every line is prefixed with the resource name.
 */
import { engineGone } from "./lifeline";

export type Progress = (message: string) => void;

export function progressFor(resource: string): Progress {
    return (message) => {
        if (engineGone.aborted) return; // the CLI that read these lines is gone; writing would only fail
        process.stderr.write(`[${resource}] ${message}\n`);
    };
}

/**
 * The input the sdk adds with the resource's Pulumi name: a dynamic provider is not told which
 * resource it serves, and a progress line must name it (`[SessionCluster analytics]`, not the
 * target). Pulumi-style `__` keys are dropped before the schemas see the inputs.
 */
export const NAME_KEY = "__flinkResourceName";

/** `<kind> <Pulumi name>` for progress lines; state written before the name was passed gives `<kind> <fallback>`. */
export function resourceLabel(kind: string, props: Record<string, unknown> | undefined, fallback: string): string {
    const name = props?.[NAME_KEY];
    return `${kind} ${typeof name === "string" && name ? name : fallback}`;
}

/** The name input as an output too, so delete (which sees only outputs) names the resource as well. */
export function nameOutput(props: Record<string, unknown>): Record<string, string> {
    const name = props[NAME_KEY];
    return typeof name === "string" ? { [NAME_KEY]: name } : {};
}

/** A progress sink that discards everything (tests, quiet paths). */
export const silent: Progress = () => undefined;
