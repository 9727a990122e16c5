/** The provider host's lifeline: it notices a gone CLI (broken pipe, ended process) and stops acting. */
import { EventEmitter } from "events";
import type { ProcStat, StatReader } from "../../../provider/core/lifeline";

type Lifeline = typeof import("../../../provider/core/lifeline");
/** A fresh module per test: the installation and its signal are per process. */
const fresh = (): Lifeline => {
    let mod!: Lifeline;
    jest.isolateModules(() => {
        mod = require("../../../provider/core/lifeline");
    });
    return mod;
};

const proc = (pid: number, comm: string, ppid: number, startTime = "100"): ProcStat => ({ pid, comm, ppid, startTime });
const table = (rows: ProcStat[]): { stat: StatReader; rows: Map<number, ProcStat> } => {
    const map = new Map(rows.map((r) => [r.pid, r]));
    return { stat: (pid) => map.get(pid), rows: map };
};

describe("parseStat", () => {
    const { parseStat } = fresh();
    test("reads pid, command, parent and start time", () => {
        const line = "4242 (pulumi) S 17 4242 17 0 -1 4194560 1 0 0 0 5 3 0 0 20 0 12 0 987654 1000 10 18446744073709551615";
        expect(parseStat(line)).toEqual({ pid: 4242, comm: "pulumi", ppid: 17, startTime: "987654" });
    });
    test("a command name with spaces and parentheses is split at the last ')'", () => {
        const line = "7 (a) b (c) S 3 7 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0 0";
        expect(parseStat(line)).toEqual({ pid: 7, comm: "a) b (c", ppid: 3, startTime: "555" });
    });
    test("reads this machine's real /proc: the test process's parent", () => {
        const parent = fresh().engineOf(process.ppid);
        expect(parent?.pid).toBeGreaterThan(1);
        expect(fresh().stillRunning(parent!)).toBe(true);
    });
    test("garbage is undefined, not a guess", () => {
        expect(parseStat("not a stat line")).toBeUndefined();
        expect(parseStat("12 (x) S")).toBeUndefined();
    });
});

describe("engineOf", () => {
    const { engineOf } = fresh();
    test("the parent when it is not a wrapper shell", () => {
        expect(engineOf(10, table([proc(10, "pulumi", 1)]).stat)?.pid).toBe(10);
    });
    test("the wrapper shell's parent: the host is started by a sh script that does not exec node", () => {
        expect(engineOf(11, table([proc(11, "sh", 10), proc(10, "pulumi", 1)]).stat)?.comm).toBe("pulumi");
    });
    test("unknown parent is undefined", () => {
        expect(engineOf(99, table([]).stat)).toBeUndefined();
    });
});

describe("installLifeline", () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    test("a broken output pipe aborts engineGone, stops further steps, and exits after the grace period", () => {
        const mod = fresh();
        const exit = jest.fn();
        const stream = new EventEmitter();
        mod.installLifeline({ exit, streams: [stream], parentPid: 10, stat: table([proc(10, "pulumi", 1)]).stat });
        expect(mod.engineGone.aborted).toBe(false);
        expect(() => mod.assertEngineAlive("submitting generation 3", "the old job stopped")).not.toThrow();
        stream.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
        expect(mod.engineGone.aborted).toBe(true);
        expect(() => mod.assertEngineAlive("submitting generation 3", "the old job stopped with savepoint /sp/1")).toThrow(
            "submitting generation 3 was not started: the pulumi CLI is gone (its output pipe broke: EPIPE); no further step is taken\n  left behind: the old job stopped with savepoint /sp/1; the next `pulumi up` converges from what Flink has",
        );
        jest.advanceTimersByTime(4_999);
        expect(exit).not.toHaveBeenCalled();
        jest.advanceTimersByTime(1);
        expect(exit).toHaveBeenCalledWith(1);
    });

    test("the CLI process ending (through the wrapper shell) is noticed by the poll; pid reuse is not mistaken for it", () => {
        const mod = fresh();
        const exit = jest.fn();
        const t = table([proc(11, "sh", 10), proc(10, "pulumi", 1, "500")]);
        mod.installLifeline({ exit, streams: [], parentPid: 11, stat: t.stat, pollMs: 1_000 });
        jest.advanceTimersByTime(3_000);
        expect(mod.engineGone.aborted).toBe(false);
        t.rows.set(10, proc(10, "bash", 1, "900")); // same pid, another process
        jest.advanceTimersByTime(1_000);
        expect(mod.engineGone.aborted).toBe(true);
        expect(String((mod.engineGone.reason as Error).message)).toContain("process 10 (pulumi) ended");
        jest.advanceTimersByTime(5_000);
        expect(exit).toHaveBeenCalledTimes(1);
    });

    test("installs once per process", () => {
        const mod = fresh();
        const opts = { exit: jest.fn(), streams: [], parentPid: 10, stat: table([proc(10, "pulumi", 1)]).stat };
        expect(mod.installLifeline(opts)).toBe(true);
        expect(mod.installLifeline(opts)).toBe(false);
    });
});

describe("inProviderHost", () => {
    const { inProviderHost } = fresh();
    test("true only under Pulumi's dynamic-provider entry script", () => {
        expect(inProviderHost(["/usr/bin/node", "/x/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", "127.0.0.1:1234"])).toBe(true);
        expect(inProviderHost(["/usr/bin/node", "/x/node_modules/jest/bin/jest.js"])).toBe(false);
    });
});
