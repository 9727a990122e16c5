/** pollDelay: how late a poll may notice the end of a wait (pure). */
import { pollDelay } from "../../../provider/core/clock";

test("the first delay holds until a twentieth of the wait exceeds it", () => {
    expect(pollDelay(0, 10, 1_000)).toBe(10);
    expect(pollDelay(200, 10, 1_000)).toBe(10);
    expect(pollDelay(300, 10, 1_000)).toBe(15);
    expect(pollDelay(5_000, 10, 1_000)).toBe(250);
});

test("never above the maximum, and a maximum below the first delay gives the first delay", () => {
    expect(pollDelay(60_000, 10, 1_000)).toBe(1_000);
    expect(pollDelay(60_000, 10, 300)).toBe(300);
    expect(pollDelay(60_000, 50, 20)).toBe(50);
});

test("a minute-long wait makes about 130 polls, not the 6,000 of fixed 10 ms polls", () => {
    let t = 0;
    let polls = 0;
    while (t < 60_000) {
        t += pollDelay(t, 10, 1_000);
        polls++;
    }
    expect(polls).toBeGreaterThan(100);
    expect(polls).toBeLessThan(160);
});
