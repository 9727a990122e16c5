/**
 * One error vocabulary for the whole package, one type and one formula per layer:
 *
 * - {@link InputError}: bad user input. `property = value: problem; fix: remedy`, one line per
 *   failure; the same text whether `check` finds it (preview) or the program does (sdk,
 *   components), where Pulumi prints it without a stack trace.
 * - {@link DeployError}: an operation failed at run time. `what failed\n  left behind: what runs now`.
 * - {@link FlinkApiError} (in `provider/flink/errors.ts`): the transport. `Flink REST METHOD path on
 *   URL failed with HTTP status: Flink's first line`; a request refused before sending says what
 *   the client was given, never a property name the user did not write.
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
        text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
    } catch {
        text = String(value);
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Build an {@link InputFailure} with the standard formula: property, value, fix. */
export function invalid(property: string, value: unknown, problem: string, fix: string): InputFailure {
    return { property, reason: `${property} = ${quote(value)}: ${problem}; fix: ${fix}` };
}

/** The message of an {@link InputError}: the failures' reasons, one per line, nothing added. */
export function inputMessage(failures: readonly InputFailure[]): string {
    return failures.map((f) => f.reason).join("\n");
}

/**
 * Bad input: thrown by a provider's create/update when its inputs fail the checks `check` runs
 * (never reached through `pulumi up`, which stops at check), and by the sdk and components while
 * the program runs.
 */
export class InputError extends Error {
    /**
     * Marks this error as a Pulumi `RunError` (the SDK recognises it by this flag, even across
     * copies of the SDK): a program that throws it stops with the message alone, as `check`'s
     * failures print, instead of "failed with an unhandled exception" and a stack trace.
     */
    readonly __pulumiRunError = true;

    constructor(readonly failures: readonly InputFailure[]) {
        super(inputMessage(failures));
        this.name = "InputError";
    }
}

/**
 * The inputs a provider's create/update parsed, or the InputError `check` would have reported.
 * `failures` empty without `args` means some input is not known, which Pulumi never lets reach
 * create/update; said as such rather than as an empty message.
 */
export function parsedOrThrow<T>(resource: string, args: T | undefined, failures: readonly InputFailure[]): T {
    if (args && !failures.length) return args;
    throw new InputError(
        failures.length
            ? failures
            : [
                  {
                      property: "(inputs)",
                      reason:
                          `(inputs) = (unknown): some ${resource} inputs are not known yet; ` +
                          `fix: report it, Pulumi resolves every input before create and update`,
                  },
              ],
    );
}

/** A run-time failure, with what was left behind so the user can recover. */
export class DeployError extends Error {
    constructor(
        message: string,
        readonly leftBehind: string,
        readonly cause?: unknown,
    ) {
        super(`${message}\n  left behind: ${leftBehind}`);
        this.name = "DeployError";
    }
}

/** Best-effort message of an unknown thrown value. */
export function messageOf(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
