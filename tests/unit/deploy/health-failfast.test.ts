/**
 * The health gate's fail-fast rules on a fake clock and a scripted Flink: each script says what
 * GET /jobs/overview and GET /jobs/:id/exceptions answer at a given (fake) time. The exception
 * histories are the ones real Flink 1.20.3 and 2.3.0 reported (tests/integration/health-failfast).
 */
import { readFileSync } from "fs";
import * as path from "path";
import { healthGate, type Clock, type HealthPolicy } from "../../../provider/deploy/health";
import type { FlinkClient, JobOverview } from "../../../provider/flink";
import type { ExceptionEntry } from "../../../provider/flink/schemas";

const JOB = "0123456789abcdef0123456789abcdef";
const history = (name: string) => JSON.parse(readFileSync(path.join(__dirname, "fixtures", `exceptions-${name}.json`), "utf8")) as ExceptionEntry[];
const POLICY: HealthPolicy = { runningTimeoutSeconds: 120, stableSeconds: 10, requireCheckpoint: false, maxRestarts: 10, finishTimeoutSeconds: 3600 };

type Tasks = { running: number; total: number };
/** What Flink answers at fake time t. */
interface Script {
    job(t: number): { state: string; tasks?: Tasks } | undefined;
    history(t: number): ExceptionEntry[];
    /** Flink's root exception, where it differs from the history (a job that failed without restarting). */
    root?(t: number): { message: string } | undefined;
}

let urls = 0;
/** Run the real gate against a script; returns its result, the fake time it took and how often it read the history. */
async function gate(script: Script, policy: Partial<HealthPolicy> = {}) {
    let t = 0;
    let reads = 0;
    const clock: Clock = { now: () => t, sleep: async (ms) => void (t += ms) };
    const overview = (): JobOverview[] => {
        const job = script.job(t);
        if (!job) return [];
        return [
            {
                jid: JOB,
                name: "orders",
                state: job.state,
                "start-time": 0,
                "end-time": -1,
                duration: t,
                "last-modification": t,
                tasks: job.tasks,
            } as unknown as JobOverview,
        ];
    };
    const client = {
        jobsOverview: async () => overview(),
        exceptions: async () => {
            reads++;
            return script.history(t);
        },
        // Flink's root-exception field: what the script says, else nothing (a history that cannot be read throws above).
        rootException: async () => script.root?.(t),
        checkpoints: async () => ({ counts: { completed: 1 } }),
    } as unknown as FlinkClient;
    // A URL of its own: the shared overview cache is keyed by it and would otherwise serve the previous test's jobs.
    const result = await healthGate(client, `http://fake-${++urls}:8081`, JOB, { ...POLICY, ...policy }, () => undefined, clock);
    return { result, elapsedMs: t, reads };
}

const reasonOf = (r: Awaited<ReturnType<typeof gate>>) => (r.result.ok ? "(passed)" : r.result.reason);
const ALL: Tasks = { running: 3, total: 3 };
const starting: Tasks = { running: 1, total: 3 };
/** A generic failure, as a task reports it (restarting may well cure it). */
const refused = (n: number): ExceptionEntry[] =>
    Array.from({ length: n }, (_, i) => ({
        exceptionName: "java.net.ConnectException",
        stacktrace: "java.net.ConnectException: Connection refused\n\tat sun.nio.ch.Net.pollConnect(Native Method)\n",
        timestamp: 10_000 - i,
    }));

test("a job restart-looping on StateMigrationException fails the gate at once, naming the cause rather than its wrapper", async () => {
    const loop = history("statemigration-2.3"); // three failures of the aggregate's restore, newest first
    const r = await gate({
        // Starting, then RESTARTING and RUNNING (tasks initializing) in turn, never with all tasks.
        job: (t) => ({ state: t > 2000 && Math.floor(t / 1000) % 2 === 0 ? "RESTARTING" : "RUNNING", tasks: starting }),
        history: (t) => (t < 2000 ? [] : loop.slice(-Math.min(loop.length, Math.floor(t / 2000)))),
    });
    expect(reasonOf(r)).toMatch(
        new RegExp(
            `^job ${JOB} cannot restore its state: StateMigrationException: For heap backends, the new state serializer \\(org\\.apache\\.flink\\.table\\.runtime\\.typeutils\\.RowDataSerializer@\\w+\\) must not be incompatible with the old state serializer \\(\\S+\\): restarting does not help$`,
        ),
    );
    expect(reasonOf(r)).not.toContain("Error while getting state");
    expect(r.elapsedMs).toBeLessThanOrEqual(3000); // the first failure shows at 2 s; runningTimeoutSeconds is 120
    expect(r.reads).toBeLessThanOrEqual(4); // at most once per second
});

test("a job that FAILED because its savepoint has state of an operator the program lacks fails with that cause", async () => {
    const r = await gate({ job: () => ({ state: "FAILED" }), history: () => history("cannotmap-1.20") });
    expect(reasonOf(r)).toMatch(
        new RegExp(
            `^job ${JOB} cannot restore its state: IllegalStateException: Failed to rollback to checkpoint/savepoint \\S+\\. Cannot map checkpoint/savepoint state for operator 23eaad2bb152dd975bbc63554c2ca61f to the new program`,
        ),
    );
    expect(reasonOf(r)).not.toMatch(/JobInitializationException|CompletionException/);
    expect(r.elapsedMs).toBe(0);
});

test("more failures than maxRestarts before the job ever ran with all tasks fails the gate at once", async () => {
    // One more failure every 1.5 s; never up.
    const r = await gate({ job: () => ({ state: "RESTARTING", tasks: starting }), history: (t) => refused(Math.floor(t / 1500)) }, { maxRestarts: 2 });
    expect(reasonOf(r)).toBe(`job ${JOB} failed 3 time(s) before it ever ran with all tasks (allowed: 2): Connection refused`);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(4500);
    expect(r.elapsedMs).toBeLessThanOrEqual(5500);
});

describe("one transient failure before the job runs", () => {
    const script: Script = {
        job: (t) => (t < 3000 ? { state: "RESTARTING", tasks: starting } : { state: "RUNNING", tasks: ALL }),
        history: (t) => refused(t < 1000 ? 0 : 1),
    };

    test("passes when maxRestarts allows it, after the stable window", async () => {
        const r = await gate(script, { maxRestarts: 1 });
        expect(r.result).toEqual({ ok: true, afterMs: r.elapsedMs });
        expect(r.elapsedMs).toBeGreaterThanOrEqual(13_000); // 3 s to run, 10 s stable
    });

    test("fails at once when maxRestarts is 0", async () => {
        const r = await gate(script, { maxRestarts: 0 });
        expect(reasonOf(r)).toBe(`job ${JOB} failed 1 time(s) before it ever ran with all tasks (allowed: 0): Connection refused`);
        expect(r.elapsedMs).toBeLessThan(3000);
    });
});

describe("an exception history that cannot be read", () => {
    const unreadable = () => {
        throw new Error("HTTP 500");
    };

    test("does not crash the gate: a job that comes up passes", async () => {
        const r = await gate(
            { job: (t) => (t < 4000 ? { state: "RESTARTING", tasks: starting } : { state: "RUNNING", tasks: ALL }), history: unreadable },
            { maxRestarts: 0 },
        );
        expect(r.result.ok).toBe(true);
    });

    test("does not crash the gate: a job that never comes up times out, saying the history was unreadable", async () => {
        const r = await gate({ job: () => ({ state: "RESTARTING", tasks: starting }), history: unreadable });
        expect(reasonOf(r)).toBe(`job ${JOB} did not reach RUNNING with all tasks running (RESTARTING after 120 s): its exception history could not be read`);
        expect(r.elapsedMs).toBeGreaterThanOrEqual(120_000);
        expect(r.reads).toBeLessThanOrEqual(122); // once per second, plus the final read
    });
});

test("a job whose history does not change is read once per second but never fails before its timeout", async () => {
    const r = await gate({ job: () => ({ state: "RUNNING", tasks: starting }), history: () => refused(1) }, { runningTimeoutSeconds: 30, maxRestarts: 1 });
    expect(reasonOf(r)).toBe(`job ${JOB} did not reach RUNNING with all tasks running (RUNNING after 30 s): Connection refused`);
    expect(r.reads).toBeLessThanOrEqual(32);
});

test("a restore failure that shows up during the stable window fails the gate at once", async () => {
    const loop = history("statemigration-1.20");
    const r = await gate({
        job: (t) => (t < 2000 ? { state: "RUNNING", tasks: ALL } : { state: "RESTARTING", tasks: starting }),
        history: (t) => (t < 2000 ? [] : loop.slice(-1)),
    });
    expect(reasonOf(r)).toMatch(/^job \w+ cannot restore its state: StateMigrationException: For heap backends, .*: restarting does not help$/);
    expect(r.elapsedMs).toBeLessThan(5000);
});

test("a healthy job passes; its history is read only while it starts and once after the window", async () => {
    const r = await gate({ job: (t) => (t < 1000 ? { state: "INITIALIZING" } : { state: "RUNNING", tasks: ALL }), history: () => [] });
    expect(r.result.ok).toBe(true);
    expect(r.reads).toBeLessThanOrEqual(3); // once per second while it starts (about 1 s), then the count after the window
});

test("a failure during the stable window beyond maxRestarts fails the gate at once, counted within the window", async () => {
    const r = await gate(
        {
            job: (t) => (t < 3000 ? { state: "RUNNING", tasks: ALL } : { state: "RESTARTING", tasks: starting }),
            history: (t) => refused(t < 3000 ? 0 : 1),
        },
        { maxRestarts: 0 },
    );
    expect(reasonOf(r)).toBe(`job ${JOB} failed 1 time(s) within 10 s (allowed: 0): Connection refused`);
    expect(r.elapsedMs).toBeLessThan(5000);
});

describe("a job that FAILED without restarting (found by the job-failure e2e)", () => {
    it("names the root exception Flink reports although the exception history is still empty", async () => {
        const r = await gate({
            job: () => ({ state: "FAILED", tasks: { running: 0, total: 3 } }),
            history: () => [],
            root: () => ({ message: "java.lang.IllegalStateException: failing in open" }),
        });
        expect(reasonOf(r)).toBe(`job ${JOB} did not reach RUNNING with all tasks running (FAILED): java.lang.IllegalStateException: failing in open`);
    });
});

describe("a job shown FAILED before Flink recorded why", () => {
    it("reads the cause again for a few seconds instead of saying none was recorded", async () => {
        const r = await gate({
            job: () => ({ state: "FAILED", tasks: { running: 0, total: 3 } }),
            history: () => [],
            root: (t) => (t >= 1500 ? { message: "java.lang.IllegalStateException: failing in open" } : undefined),
        });
        expect(reasonOf(r)).toContain("(FAILED): java.lang.IllegalStateException: failing in open");
        expect(r.elapsedMs).toBeLessThan(5000);
    });

    it("says none was recorded when Flink never records one (bounded wait)", async () => {
        const r = await gate({ job: () => ({ state: "FAILED", tasks: { running: 0, total: 3 } }), history: () => [] });
        expect(reasonOf(r)).toContain("(FAILED): no exception recorded");
        expect(r.elapsedMs).toBeLessThanOrEqual(4000);
    });
});
