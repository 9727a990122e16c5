/**
 * Failures of a new job that restarting cannot cure: it cannot restore the state it was given.
 * The health gate fails at once on them (and the deploy rolls back) instead of watching the job
 * restart-loop for the whole health.runningTimeoutSeconds. Pure: it reads exception history
 * entries the caller fetched.
 */
import type { ExceptionEntry } from "../flink/schemas";

/**
 * Texts Flink puts in a job's exception history when the state it restores from does not fit the
 * new program. Each compares two things a restart does not change: the snapshot (fixed when the
 * job was submitted) and the program (fixed by the submission), so retrying only burns time.
 * Matched against each line of an entry's exception name and stack trace.
 */
export const DETERMINISTIC_RESTORE_FAILURES: readonly RegExp[] = [
    // The program's state serializer cannot read the snapshot's state (an aggregate gained an
    // accumulator, a column changed type). Seen on Flink 1.20 and 2.3 only as the `Caused by:` of a
    // RuntimeException "Error while getting state"; the serializers compared are both fixed.
    /\bStateMigrationException\b/,
    // The snapshot holds state of an operator id the program does not have: only
    // allowNonRestoredState (dropping that state) or giving the operator its old id changes that.
    /Cannot map checkpoint\/savepoint state/,
    // The headline around "Cannot map ..." and around a max-parallelism mismatch: the snapshot
    // does not load into the program at all, and it is the same snapshot on every attempt.
    /Failed to rollback to checkpoint\/savepoint/,
];

const MAX_LINE = 300;
/** A leading fully-qualified Java class name and its colon: `org.apache.flink.util.StateMigrationException: `. */
const QUALIFIED = /^(?:[a-z_$][\w$]*\.)+([A-Z][\w$]*)(?::\s*|$)/;

/**
 * One line of a stack trace as `ShortClass: message`, keeping the innermost class of a wrapped
 * headline (`CompletionException: IllegalStateException: x` gives `IllegalStateException: x`).
 */
export function shortJavaLine(line: string): string {
    let text = line.trim().replace(/^Caused by:\s*/, "");
    let short: string | undefined;
    for (let m = QUALIFIED.exec(text); m; m = QUALIFIED.exec(text)) {
        short = m[1];
        text = text.slice(m[0].length).trim();
    }
    const one = (short ? (text ? `${short}: ${text}` : short) : text).replace(/\s+/g, " ");
    return one.length > MAX_LINE ? `${one.slice(0, MAX_LINE - 1)}…` : one;
}

/**
 * The restore failure in a job's exception history (newest entry first), as Flink's own line:
 * the deepest matching line of the newest matching entry, so the cause itself is shown rather
 * than the RuntimeException "Error while getting state" that wraps it. Undefined when none.
 */
export function restoreFailureIn(entries: readonly ExceptionEntry[]): string | undefined {
    for (const entry of entries) {
        const lines = `${entry.exceptionName}\n${entry.stacktrace}`.split(/\r?\n/).filter((l) => !/^\s*at\s/.test(l));
        const matching = lines.filter((l) => DETERMINISTIC_RESTORE_FAILURES.some((p) => p.test(l)));
        const deepest = matching[matching.length - 1];
        if (deepest !== undefined) return shortJavaLine(deepest);
    }
    return undefined;
}
