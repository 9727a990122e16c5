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
