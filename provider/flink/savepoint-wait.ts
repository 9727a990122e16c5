/**
 * Polling a savepoint operation until it completes: the loop behind FlinkClient.waitForSavepoint,
 * on a Clock so the deploy path's savepoints run on the deploy context's clock (fake in tests).
 */
import { type Clock, pollDelay, realClock } from "../core/clock";
import { FlinkSavepointError } from "./errors";
import type { SavepointStatus } from "./schemas";

/** Options of {@link FlinkClient.waitForSavepoint}. */
export interface WaitForSavepointOptions {
    /** Give up after this many milliseconds (the job's savepoint timeout). */
    readonly timeoutMs: number;
    /**
     * First delay between status polls; later ones are a twentieth of the time waited so far (see
     * pollDelay), up to `maxPollMs`. The completion of a stop-with-savepoint is downtime (the job is
     * already stopped), so a quick one is seen within about this delay; a long one costs few calls.
     * @default 10
     */
    readonly pollMs?: number;
    /** @default 1000 */
    readonly maxPollMs?: number;
    /** Called after every poll, e.g. to log progress. */
    readonly onProgress?: (status: SavepointStatus, elapsedMs: number) => void;
    /**
     * Time of the wait (the deploy context's clock).
     * @default realClock
     */
    readonly clock?: Clock;
}

/**
 * Poll `status` until the savepoint has a location; throws FlinkSavepointError when it completes
 * with a failure cause or is still in progress at the timeout. `baseUrl` is the redacted one.
 */
export async function pollSavepoint(
    status: () => Promise<SavepointStatus>,
    where: { baseUrl: string; jobId: string; triggerId: string },
    wait: WaitForSavepointOptions,
): Promise<string> {
    const clock = wait.clock ?? realClock;
    const { baseUrl, jobId, triggerId } = where;
    const firstMs = wait.pollMs ?? 10;
    const maxPollMs = wait.maxPollMs ?? 1_000;
    const started = clock.now();
    for (;;) {
        const current = await status();
        const elapsed = clock.now() - started;
        wait.onProgress?.(current, elapsed);
        const path = `/jobs/${jobId}/savepoints/${triggerId}`;
        if ("location" in current) return current.location;
        if ("failureCause" in current) {
            throw new FlinkSavepointError(
                { kind: "savepoint-failed", status: 200, method: "GET", path, baseUrl, flinkMessage: current.failureCause },
                jobId,
                triggerId,
            );
        }
        const pollMs = pollDelay(elapsed, firstMs, maxPollMs);
        if (elapsed + pollMs > wait.timeoutMs) {
            const flinkMessage = `still IN_PROGRESS after ${elapsed} ms (timeout ${wait.timeoutMs} ms)`;
            throw new FlinkSavepointError({ kind: "savepoint-timeout", status: 200, method: "GET", path, baseUrl, flinkMessage }, jobId, triggerId);
        }
        await clock.sleep(pollMs);
    }
}
