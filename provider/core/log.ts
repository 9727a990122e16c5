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

/** A progress sink that discards everything (tests, quiet paths). */
export const silent: Progress = () => undefined;
