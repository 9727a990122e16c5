/**
 * A virtual clock for the deploy state machine's unit tests: `sleep` never waits for real, it
 * parks the caller until the clock moves to its wake-up time. The clock moves only when every
 * caller is parked (a `setImmediate` runs after all pending promise work), then to the earliest
 * wake-up, so several deploys sharing one clock (the per-cluster limit) see consistent time and
 * a 120 s health gate runs in milliseconds.
 */
import type { Clock } from "../../provider/core/clock";

interface Timer {
    at: number;
    seq: number;
    wake: () => void;
}

/** Epoch of every fake clock by default: a fixed instant, so ISO timestamps in outcomes are exact. */
export const FAKE_EPOCH = Date.parse("2026-12-05T12:00:00.000Z");
/** Virtual time after which a test is assumed to loop forever (the longest gate default is 1 h). */
const RUNAWAY_MS = 6 * 3_600_000;

export class FakeClock implements Clock {
    private t: number;
    private seq = 0;
    private timers: Timer[] = [];
    private scheduled = false;

    constructor(readonly start = FAKE_EPOCH) {
        this.t = start;
    }

    now(): number {
        return this.t;
    }

    /** Virtual milliseconds since the clock was made. */
    elapsed(): number {
        return this.t - this.start;
    }

    sleep(ms: number): Promise<void> {
        if (this.t - this.start > RUNAWAY_MS)
            return Promise.reject(new Error(`FakeClock: more than ${RUNAWAY_MS} ms of virtual time passed; a loop that never ends?`));
        return new Promise((wake) => {
            this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, wake });
            this.schedule();
        });
    }

    private schedule(): void {
        if (this.scheduled) return;
        this.scheduled = true;
        setImmediate(() => this.fire());
    }

    /** Wake the earliest sleeper (ties in call order), once all promise work before it has run. */
    private fire(): void {
        this.scheduled = false;
        this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = this.timers.shift();
        if (!next) return;
        this.t = Math.max(this.t, next.at);
        next.wake();
        if (this.timers.length) this.schedule();
    }
}
