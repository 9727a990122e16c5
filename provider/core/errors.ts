/**
 * One error vocabulary for the whole package.
 *
 * - {@link InputError}: bad user input, found by `check` at preview time. The message always
 *   names the property, quotes the bad value and ends with the fix.
 * - {@link FlinkApiError} (in `provider/flink/errors.ts`): Flink answered with an error.
 * - {@link DeployError}: an operation failed at run time; says what state was left behind.
 */

/** One invalid input, as returned by a validator. */
export interface InputFailure {
    /** Dotted property path, e.g. `defaultConfig["rest.port"]` or `taskManagers`. */
    readonly property: string;
    /** What is wrong and how to fix it: "… ; fix: …". */
    readonly reason: string;
}

/** Render a value for an error message: short, and never a secret. */
export function quote(value: unknown): string {
    if (value === undefined) return "undefined";
    let text: string;
    try {
        text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    } catch {
        text = String(value);
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Build an {@link InputFailure} with the standard formula: property, value, fix. */
export function invalid(property: string, value: unknown, problem: string, fix: string): InputFailure {
    return { property, reason: `${property} = ${quote(value)}: ${problem}; fix: ${fix}` };
}

/** Thrown when inputs are invalid outside `check` (e.g. a unit called directly). */
export class InputError extends Error {
    constructor(readonly failures: readonly InputFailure[]) {
        super(failures.map((f) => f.reason).join("\n"));
        this.name = "InputError";
    }
}

/** A run-time failure, with what was left behind so the user can recover. */
export class DeployError extends Error {
    constructor(message: string, readonly leftBehind: string, readonly cause?: unknown) {
        super(`${message}\n  left behind: ${leftBehind}`);
        this.name = "DeployError";
    }
}

/** Best-effort message of an unknown thrown value. */
export function messageOf(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
