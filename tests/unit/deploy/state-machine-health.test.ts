/**
 * The health gate and a bounded job's finish gate against a scripted in-memory Flink on a fake
 * clock: each verdict, and how long (in virtual time) it took to reach it. The fail-fast rules on
 * exception histories real Flink recorded are in health-failfast.test.ts.
 */
import { healthGate, type HealthPolicy } from "../../../provider/deploy/health";
import type { JobScript } from "../../support/fake-flink";
import { NAME, POLICY, V1, V2, deployError, jid, priorOf, testbed } from "./state-machine";

const JOB = jid(1, V1);
const REFUSED = "java.net.ConnectException: Connection refused";

/** Submit JOB with `script` and run the real gate on it; the verdict and the virtual time it took. */
async function gate(script: JobScript, policy: Partial<HealthPolicy> = {}) {
    const { flink, clock } = testbed();
    flink.scriptSubmit(V1, script);
    await flink.submit(JOB, NAME, undefined);
    const result = await healthGate(flink, flink.baseUrl, JOB, { ...POLICY.health, ...policy }, () => undefined, clock);
    return { result, reason: result.ok ? "(passed)" : result.reason, elapsed: clock.elapsed() };
}

test("RUNNING with all tasks and stable for the window: passes after start-up plus the window", async () => {
    const r = await gate({ runAfterMs: 2500 });
    expect(r.result).toEqual({ ok: true, afterMs: r.elapsed });
    expect(r.elapsed).toBeGreaterThanOrEqual(12_500);
    expect(r.elapsed).toBeLessThan(13_700);
});

test("FAILED before it ever ran: fails at once with the root cause", async () => {
    const r = await gate({ runAfterMs: 5000, fail: { afterMs: 800, exception: "java.lang.ClassNotFoundException: org.example.Sink" } });
    expect(r.reason).toBe(`job ${JOB} did not reach RUNNING with all tasks running (FAILED): org.example.Sink`);
    expect(r.elapsed).toBeLessThan(1500);
});

test("FAILED within the stable window: fails when it is seen", async () => {
    const r = await gate({ fail: { afterMs: 4000, exception: "java.lang.IllegalStateException: sink closed" } });
    expect(r.reason).toBe(`job ${JOB} became FAILED within 10 s: sink closed`);
    expect(r.elapsed).toBeLessThan(5500);
});

describe("restarts", () => {
    test("up to maxRestarts within the window pass", async () => {
        const r = await gate({ restarts: { firstAtMs: 3000, everyMs: 2000, times: 2, exception: REFUSED } }, { maxRestarts: 2 });
        expect(r.result.ok).toBe(true);
    });

    test("one more than maxRestarts within the window fails, naming the cause", async () => {
        const r = await gate({ restarts: { firstAtMs: 3000, everyMs: 2000, times: 3, exception: REFUSED } }, { maxRestarts: 2 });
        expect(r.reason).toBe(`job ${JOB} failed 3 time(s) within 10 s (allowed: 2): Connection refused`);
    });

    test("more than maxRestarts before it ever ran with all tasks fails without waiting for the timeout", async () => {
        const r = await gate({ neverAllTasks: true, restarts: { firstAtMs: 2000, everyMs: 1500, times: 9, exception: REFUSED } }, { maxRestarts: 2 });
        expect(r.reason).toBe(`job ${JOB} failed 3 time(s) before it ever ran with all tasks (allowed: 2): Connection refused`);
        expect(r.elapsed).toBeLessThan(7000); // the third failure is at 5 s; runningTimeoutSeconds is 60
    });
});

test("SUSPENDED (its JobManager lost leadership) within the window ends the gate; no cause recorded is said after a bounded wait", async () => {
    const r = await gate({ suspendAfterMs: 3000 });
    expect(r.reason).toBe(`job ${JOB} became SUSPENDED within 10 s: no exception recorded`);
    expect(r.elapsed).toBeLessThan(3000 + 1000 + 8 * 500);
});

test("never RUNNING with all tasks: times out at runningTimeoutSeconds", async () => {
    const r = await gate({ neverAllTasks: true }, { runningTimeoutSeconds: 45 });
    expect(r.reason).toBe(`job ${JOB} did not reach RUNNING with all tasks running (RUNNING after 45 s): no exception recorded`);
    expect(r.elapsed).toBeGreaterThanOrEqual(45_000);
    expect(r.elapsed).toBeLessThan(45_000 + 8 * 500 + 200);
});

describe("requireCheckpoint", () => {
    test("waits for the first completed checkpoint after the window", async () => {
        const r = await gate({ checkpointAfterMs: 25_000 }, { requireCheckpoint: true });
        expect(r.result.ok).toBe(true);
        expect(r.elapsed).toBeGreaterThanOrEqual(25_000);
        expect(r.elapsed).toBeLessThan(26_500);
    });

    test("fails when none completes within runningTimeoutSeconds", async () => {
        const r = await gate({}, { requireCheckpoint: true, runningTimeoutSeconds: 30 });
        expect(r.reason).toBe(`job ${JOB} completed no checkpoint within 30 s (is checkpointing enabled?)`);
    });
});

test("a new version that cannot restore its state is rolled back at its first failure, not at the timeout", async () => {
    const { flink, clock, run, version } = testbed();
    flink.seed({ jid: JOB, name: NAME, state: "RUNNING" });
    const migration = "org.apache.flink.util.StateMigrationException: For heap backends, the new state serializer must not be incompatible";
    flink.scriptSubmit(V2, { neverAllTasks: true, restarts: { firstAtMs: 1500, everyMs: 1000, times: 50, exception: migration } });
    const err = await deployError(run(version(V2), version(V1), priorOf(JOB, 1), { health: { ...POLICY.health, maxRestarts: 10 } }));
    expect(err.problem).toBe(
        `the new version failed its health gate and was rolled back: job ${jid(2, V2)} cannot restore its state: StateMigrationException: For heap backends, the new state serializer must not be incompatible: restarting does not help`,
    );
    expect(flink.activeIds(NAME)).toEqual([jid(3, V1)]);
    expect(clock.elapsed()).toBeLessThan(10_000);
});

describe("a bounded job", () => {
    const bounded = { bounded: true, health: { ...POLICY.health, finishTimeoutSeconds: 120 } };

    test("waits for FINISHED, and is recorded as finished by itself", async () => {
        const { flink, run, version, lines } = testbed();
        flink.scriptSubmit(V1, { finishAfterMs: 5000 });
        const out = await run(version(V1), undefined, undefined, bounded);
        expect(out).toMatchObject({ action: "submitted", jobId: JOB, state: "FINISHED", finishedBySelf: true });
        expect(lines).toContain(`job ${JOB} FINISHED after 5 s`);
    });

    test("that fails is not rolled back (a rerun would redo its output): the error gives Flink's cause", async () => {
        const { flink, run, version } = testbed();
        flink.seed({ jid: JOB, name: NAME, state: "FINISHED" });
        flink.scriptSubmit(V2, { fail: { afterMs: 3000, exception: "java.sql.SQLException: table missing" } });
        const err = await deployError(run(version(V2), version(V1), priorOf(JOB, 1), bounded));
        expect(err.problem).toBe(`the bounded job failed: job ${jid(2, V2)} ended FAILED: table missing`);
        expect(err.left).toBe(`no job running under "orders" (job ${jid(2, V2)} is FAILED); fix the job and run pulumi up again`);
        expect(flink.submissions.map((s) => s.jobId)).toEqual([jid(2, V2)]);
    });

    test("still running at finishTimeoutSeconds is left running, and the error says the next up waits again", async () => {
        const { flink, clock, run, version } = testbed();
        flink.scriptSubmit(V1, { finishAfterMs: 600_000 });
        const err = await deployError(run(version(V1), undefined, undefined, bounded));
        expect(err.problem).toBe(`job ${JOB} did not finish within health.finishTimeoutSeconds = 120 s (it is RUNNING)`);
        expect(err.left).toMatch(new RegExp(`^job ${JOB} RUNNING, left running; the next \`pulumi up\` waits for it again`));
        expect(flink.activeIds(NAME)).toEqual([JOB]);
        expect(clock.elapsed()).toBeGreaterThanOrEqual(120_000);
    });
});
