/** Check rules of `bounded` FlinkJob inputs (kept apart from schema.ts, which holds the shapes). */
import { InputFailure, invalid } from "../core/errors";

const asRecord = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * A bounded job runs to its end: `up` waits for FINISHED, and a finished job is left alone. So the
 * settings of a long-running job's gate and rollback contradict it (refused rather than ignored).
 */
export function boundedChecks(probe: Record<string, unknown>): InputFailure[] {
    const health = asRecord(probe.health);
    if (probe.bounded !== true) {
        return "finishTimeoutSeconds" in health && health.finishTimeoutSeconds !== undefined
            ? [
                  invalid(
                      "health.finishTimeoutSeconds",
                      health.finishTimeoutSeconds,
                      "applies to bounded jobs only (a streaming job does not finish)",
                      "remove it, or set bounded: true if the job ends by itself",
                  ),
              ]
            : [];
    }
    const failures: InputFailure[] = [];
    if (health.requireCheckpoint === true) {
        failures.push(
            invalid(
                "health.requireCheckpoint",
                true,
                "contradicts bounded: true (a bounded job may finish before its first checkpoint; its gate is that it FINISHES)",
                "remove requireCheckpoint, or set bounded to false",
            ),
        );
    }
    if (health.stableSeconds !== undefined) {
        failures.push(
            invalid(
                "health.stableSeconds",
                health.stableSeconds,
                "has no effect with bounded: true (up waits for the job to finish instead of a stable window)",
                "remove it and set health.finishTimeoutSeconds to bound the wait",
            ),
        );
    }
    if (probe.rollbackOnFailure === true) {
        failures.push(
            invalid(
                "rollbackOnFailure",
                true,
                "contradicts bounded: true (starting the previous version of a bounded job again would redo its output; " +
                    "a failed run fails the update with Flink's root cause)",
                "remove rollbackOnFailure (bounded jobs never roll back)",
            ),
        );
    }
    return failures;
}
