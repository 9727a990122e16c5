/**
 * converge against a scripted in-memory Flink on a fake clock: what it finds under the job's name
 * decides what it does (create, adopt, refuse, leave alone, savepoint-and-redeploy, stateless).
 * Real Flink runs the same paths in tests/e2e (job-upgrade, crash-safety, adopt).
 */
import { FOREIGN, NAME, V1, V2, deployError, jid, priorOf, testbed } from "./state-machine";

const START = "2026-12-05T12:00:00.000Z";

test("first create: nothing runs under the name, so generation 1 is submitted from empty state and gated", async () => {
    const { flink, clock, run, version, lines } = testbed();
    const out = await run(version(V1), undefined, undefined);
    expect(out).toMatchObject({ action: "submitted", jobId: jid(1, V1), generation: 1, state: "RUNNING", restoredFrom: "", lastSavepoint: "" });
    expect(flink.submissions).toEqual([{ jobId: jid(1, V1), at: clock.start, restorePath: undefined, allowNonRestoredState: undefined }]);
    expect(flink.activeIds(NAME)).toEqual([jid(1, V1)]);
    // RUNNING after 1 s, then the 10 s window: the outcome is stamped on the fake clock.
    expect(clock.elapsed()).toBeGreaterThanOrEqual(11_000);
    expect(clock.elapsed()).toBeLessThan(12_500);
    expect(out.deployedAt).toBe(new Date(clock.now()).toISOString());
    expect(lines).toContain(`submitting generation 1 as job ${jid(1, V1)} from empty state`);
    expect(lines).toContain("healthy after 11 s");
});

describe("a job of the same name that pulumi-flink did not start", () => {
    test("is refused, untouched, unless adopt is set", async () => {
        const { flink, run, version, preflights } = testbed();
        flink.seed({ jid: FOREIGN, name: NAME, state: "RUNNING" });
        const err = await deployError(run(version(V1), undefined, undefined));
        expect(err.problem).toBe(`job(s) ${FOREIGN} (RUNNING) already run under the name "orders" and were not started by pulumi-flink`);
        expect(err.left).toMatch(/^those jobs, untouched; set adopt: true/);
        expect(flink.activeIds(NAME)).toEqual([FOREIGN]);
        expect(flink.submissions).toEqual([]);
        expect(preflights).toEqual([]);
    });

    test("is adopted without a restart when adopt is set and it is the only one", async () => {
        const { flink, run, version, clock } = testbed();
        flink.seed({ jid: FOREIGN, name: NAME, state: "RUNNING" });
        const out = await run(version(V1), undefined, undefined, { adopt: true });
        expect(out).toMatchObject({ action: "adopted", jobId: FOREIGN, generation: 0, state: "RUNNING", deployedAt: START });
        expect(flink.stateOf(FOREIGN)).toBe("RUNNING");
        expect(flink.submissions).toEqual([]);
        expect(clock.elapsed()).toBe(0);
    });

    test("is refused even with adopt when a job of ours runs beside it (two copies would be one too many)", async () => {
        const { flink, run, version } = testbed();
        flink.seed({ jid: FOREIGN, name: NAME, state: "RUNNING" });
        flink.seed({ jid: jid(1, V1), name: NAME, state: "RUNNING" });
        const err = await deployError(run(version(V2), version(V1), priorOf(jid(1, V1), 1), { adopt: true }));
        expect(err.problem).toContain(`job(s) ${FOREIGN} (RUNNING) already run under the name`);
        expect(flink.activeIds(NAME).sort()).toEqual([FOREIGN, jid(1, V1)].sort());
        expect(flink.submissions).toEqual([]);
    });
});

test("two copies of ours running: refused, both left running, nothing submitted", async () => {
    const { flink, run, version } = testbed();
    flink.seed({ jid: jid(1, V1), name: NAME, state: "RUNNING" });
    flink.seed({ jid: jid(2, V1), name: NAME, state: "RESTARTING" });
    const err = await deployError(run(version(V2), version(V1), priorOf(jid(2, V1), 2)));
    expect(err.problem).toMatch(new RegExp(`^2 copies of "orders" are running: (${jid(1, V1)}, ${jid(2, V1)}|${jid(2, V1)}, ${jid(1, V1)})$`));
    expect(err.left).toBe("all of them; stop all but one with a savepoint (flink stop), then run pulumi up again");
    expect(flink.activeIds(NAME)).toHaveLength(2);
    expect(flink.submissions).toEqual([]);
});

describe("the desired definition already runs", () => {
    test("the job state knows: unchanged, checked without a stable window, nothing submitted", async () => {
        const { flink, clock, run, version } = testbed();
        flink.seed({ jid: jid(3, V1), name: NAME, state: "RUNNING" });
        const out = await run(version(V1), version(V1), priorOf(jid(3, V1), 3, { lastSavepoint: "s3://savepoints/orders/savepoint-old" }));
        expect(out).toMatchObject({
            action: "unchanged",
            jobId: jid(3, V1),
            generation: 3,
            state: "RUNNING",
            lastSavepoint: "s3://savepoints/orders/savepoint-old",
        });
        expect(flink.submissions).toEqual([]);
        expect(clock.elapsed()).toBeLessThan(1000);
    });

    test("submitted by a run that died before saving: the full gate, and what Flink says it restored from", async () => {
        const { flink, clock, run, version } = testbed();
        const sp = "s3://savepoints/orders/savepoint-a1a1a1-000000000007";
        flink.seed({ jid: jid(4, V2), name: NAME, state: "RUNNING", restoredFrom: { path: sp, savepoint: true } });
        const out = await run(version(V2), version(V1), priorOf(jid(3, V1), 3));
        expect(out).toMatchObject({ action: "unchanged", jobId: jid(4, V2), generation: 4, restoredFrom: sp, lastSavepoint: sp, state: "RUNNING" });
        expect(clock.elapsed()).toBeGreaterThanOrEqual(10_000); // the stable window it never had
        expect(flink.submissions).toEqual([]);
    });

    test("and fails its health check: the error says the job is left as it is", async () => {
        const { flink, run, version } = testbed();
        // Submitted by a run that died (state still names generation 3): it gets the whole window, and fails in it.
        flink.seed({
            jid: jid(4, V1),
            name: NAME,
            state: "RUNNING",
            script: { fail: { afterMs: 2000, exception: "java.lang.IllegalStateException: disk full" } },
        });
        const err = await deployError(run(version(V1), version(V1), priorOf(jid(3, V1), 3)));
        expect(err.problem).toBe(`job ${jid(4, V1)} became FAILED within 10 s: disk full`);
        expect(err.left).toBe(`job ${jid(4, V1)} as it is`);
        expect(flink.submissions).toEqual([]);
    });

    test("a bounded job that FINISHED by itself running this definition is left alone", async () => {
        const { flink, run, version } = testbed();
        flink.seed({ jid: jid(2, V1), name: NAME, state: "FINISHED", checkpoint: { path: "s3://checkpoints/x/chk-3", at: 1 } });
        const out = await run(version(V1), version(V1), priorOf(jid(2, V1), 2), { bounded: true });
        expect(out).toMatchObject({ action: "unchanged", jobId: jid(2, V1), generation: 2, state: "FINISHED", finishedBySelf: true });
        expect(flink.submissions).toEqual([]);
    });
});

test("savepoint-and-redeploy: savepoint, stop with savepoint, the new generation restores from the stop savepoint; one copy at a time", async () => {
    const { flink, clock, run, version, preflights } = testbed();
    flink.seed({ jid: jid(1, V1), name: NAME, state: "RUNNING" });
    const out = await run(version(V2), version(V1), priorOf(jid(1, V1), 1));
    const stop = `s3://savepoints/orders/savepoint-${jid(1, V1).slice(0, 6)}-000000000002`; // the plain savepoint was -1
    expect(flink.submissions.map((s) => [s.jobId, s.restorePath, s.allowNonRestoredState])).toEqual([[jid(2, V2), stop, false]]);
    expect(out).toMatchObject({ action: "submitted", jobId: jid(2, V2), generation: 2, state: "RUNNING", restoredFrom: stop, lastSavepoint: stop });
    expect(out.lastSavepointAt).toBe(new Date(flink.submissions[0].at).toISOString());
    expect(flink.stateOf(jid(1, V1))).toBe("FINISHED");
    expect(flink.activeIds(NAME)).toEqual([jid(2, V2)]);
    expect(flink.maxActive.get(NAME)).toBe(1);
    expect(preflights).toEqual([V2]);
    expect(clock.elapsed()).toBeLessThan(20_000);
});

test("stateless: the old generation is cancelled and the new one starts from empty state", async () => {
    const { flink, run, version, lines } = testbed();
    flink.seed({ jid: jid(1, V1), name: NAME, state: "RUNNING", savepoint: { path: "s3://savepoints/orders/savepoint-old", at: 1 } });
    const out = await run(version(V2), version(V1), priorOf(jid(1, V1), 1, { lastSavepoint: "s3://savepoints/orders/savepoint-old" }), { mode: "stateless" });
    expect(flink.stateOf(jid(1, V1))).toBe("CANCELED");
    expect(flink.submissions.map((s) => [s.jobId, s.restorePath])).toEqual([[jid(2, V2), undefined]]);
    expect(out).toMatchObject({ action: "submitted", jobId: jid(2, V2), restoredFrom: "", lastSavepoint: "s3://savepoints/orders/savepoint-old" });
    expect(lines).toContain(`cancelling job ${jid(1, V1)} (stateless upgrade: its state is dropped)`);
    expect(flink.maxActive.get(NAME)).toBe(1);
});

test("a preflight failure stops the deploy before the running job is touched", async () => {
    const { flink, run, version } = testbed();
    flink.seed({ jid: jid(1, V1), name: NAME, state: "RUNNING" });
    await expect(run(version(V2, "jar upload refused: 413"), version(V1), priorOf(jid(1, V1), 1))).rejects.toThrow("jar upload refused: 413");
    expect(flink.activeIds(NAME)).toEqual([jid(1, V1)]);
    expect(flink.submissions).toEqual([]);
});

test("the new generation is above every generation Flink still lists, so its job id was never seen", async () => {
    const { flink, run, version } = testbed();
    flink.seed({ jid: jid(7, V1), name: NAME, state: "CANCELED", checkpoint: { path: "s3://checkpoints/g7/chk-9", at: 1 } });
    const out = await run(version(V2), version(V1), priorOf(jid(5, V1), 5));
    expect(out.jobId).toBe(jid(8, V2));
});
