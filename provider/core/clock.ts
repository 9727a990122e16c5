/**
 * Time as the deploy path sees it. Every wait and every timestamp of a deploy goes through one
 * Clock (the deploy context's), so the state-machine tests run a 120 s gate on a fake clock in
 * milliseconds, and production reads the wall clock exactly as before.
 */

/** Reads the time and waits; tests pass a fake one whose sleep advances virtual time. */
export interface Clock {
    /** Epoch milliseconds. */
    now(): number;
    /** Resolves after `ms` milliseconds of this clock's time. */
    sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** The clock of a context that may carry one (a deploy context): the wall clock when it does not. */
export function clockOf(holder: { clock?: Clock }): Clock {
    return holder.clock ?? realClock;
}

/** A poll is at most this share of the time waited so far late (see {@link pollDelay}). */
export const POLL_LAG_SHARE = 1 / 20;

/**
 * Delay before the next poll of something that ends at a moment nobody announces (a savepoint, a
 * job's end): `firstMs` at first, then a twentieth of the time waited so far, at most `maxMs`.
 * So the end of a short wait, which is downtime when the job is already stopped, is seen within
 * about `firstMs` (e.g. a 300 ms stop within 15 ms), while a wait of minutes polls about once a
 * second: some 130 polls per minute-long wait instead of 6,000 at a fixed 10 ms.
 */
export function pollDelay(elapsedMs: number, firstMs: number, maxMs: number): number {
    return Math.min(Math.max(firstMs, maxMs), Math.max(firstMs, Math.round(elapsedMs * POLL_LAG_SHARE)));
}
