/**
 * converge when a step fails, against a scripted in-memory Flink on a fake clock: what is left
 * running (never two copies, never none when the old one could stay), and that the error says so.
 */
import { NAME, V1, V2, deployError, jid, priorOf, testbed } from "./state-machine";

const OLD = jid(1, V1);
const PRIOR = priorOf(OLD, 1);
const SAVEPOINTS = "s3://savepoints/orders";
/** The stop's savepoint: the plain savepoint before it is the cluster's first. */
const STOP = `${SAVEPOINTS}/savepoint-${OLD.slice(0, 6)}-000000000002`;
const boom = (afterMs: number, message = "boom") => ({ fail: { afterMs, exception: `java.lang.IllegalStateException: ${message}` } });

function withOldRunning() {
    const bed = testbed();
    bed.flink.seed({ jid: OLD, name: NAME, state: "RUNNING" });
    return bed;
}

describe("the savepoint before the stop", () => {
    test("fails: nothing is redeployed, the old job runs on untouched, and the error says so", async () => {
        const { flink, run, version } = withOldRunning();
        flink.savepointScript = { afterMs: 500, fail: "CheckpointException: Failure to finalize checkpoint" };
        const err = await deployError(run(version(V2), version(V1), PRIOR));
        expect(err.problem).toMatch(
            new RegExp(
                `^the savepoint of job ${OLD} failed, so nothing was redeployed: savepoint \\w+ of job ${OLD} on .* failed: CheckpointException: Failure to finalize checkpoint$`,
            ),
        );
        expect(err.left).toBe(`the old job ${OLD} RUNNING, untouched`);
        expect(flink.activeIds(NAME)).toEqual([OLD]);
        expect(flink.submissions).toEqual([]);
    });

    test("does not complete in time: the old job runs on, and the error says how to give it longer", async () => {
        const { flink, clock, run, version } = withOldRunning();
        flink.savepointScript = { never: true };
        const err = await deployError(run(version(V2), version(V1), PRIOR, { savepointTimeoutSeconds: 30 }));
        expect(err.problem).toContain(`the savepoint of job ${OLD} did not complete in time, so nothing was redeployed`);
        expect(err.left).toBe(
            `the old job ${OLD} RUNNING, untouched (Flink may still complete that savepoint; it is not used). Raise upgrade.savepointTimeoutSeconds`,
        );
        expect(clock.elapsed()).toBeGreaterThanOrEqual(29_000);
        expect(clock.elapsed()).toBeLessThanOrEqual(30_000);
        expect(flink.activeIds(NAME)).toEqual([OLD]);
    });
});

describe("the stop-with-savepoint", () => {
    test("fails with the job still running: the old job runs on, untouched", async () => {
        const { flink, run, version } = withOldRunning();
        flink.stopScript = { fail: "Stop-with-savepoint failed" };
        const err = await deployError(run(version(V2), version(V1), PRIOR));
        expect(err.problem).toMatch(new RegExp(`^the stop-with-savepoint of job ${OLD} failed, so nothing was redeployed: .*Stop-with-savepoint failed$`));
        expect(err.left).toBe(`the old job ${OLD} RUNNING, untouched`);
        expect(flink.activeIds(NAME)).toEqual([OLD]);
        expect(flink.submissions).toEqual([]);
    });

    test("fails and takes the job down: the error names the plain savepoint the next run restores from", async () => {
        const { flink, run, version } = withOldRunning();
        flink.stopScript = { fail: "Stop-with-savepoint failed", failsJob: true };
        const err = await deployError(run(version(V2), version(V1), PRIOR));
        const probe = `${SAVEPOINTS}/savepoint-${OLD.slice(0, 6)}-000000000001`;
        expect(err.left).toBe(`the old job ${OLD} in state FAILED; the next \`pulumi up\` restores it from its latest savepoint (at least ${probe})`);
        expect(flink.activeIds(NAME)).toEqual([]);
        expect(flink.submissions).toEqual([]);
    });
});

describe("the new version fails and the previous one is rolled back", () => {
    test("its submission is refused: the previous version runs again from the stop savepoint, as a fresh generation", async () => {
        const { flink, run, version } = withOldRunning();
        flink.scriptSubmit(V2, { refuse: "JobSubmissionException: Could not instantiate the executor" });
        const err = await deployError(run(version(V2), version(V1), PRIOR));
        expect(err.problem).toBe(
            "the new version failed its health gate and was rolled back: submission failed: JobSubmissionException: Could not instantiate the executor",
        );
        expect(err.left).toBe(`the previous version RUNNING again as job ${jid(3, V1)} (generation 3), restored from ${STOP}`);
        expect(flink.submissions.map((s) => [s.jobId, s.restorePath])).toEqual([
            [jid(2, V2), STOP],
            [jid(3, V1), STOP],
        ]);
        expect(flink.activeIds(NAME)).toEqual([jid(3, V1)]);
        expect(flink.maxActive.get(NAME)).toBe(1);
    });

    test("it fails its health gate: it is cancelled first, then the previous version restores from the same savepoint", async () => {
        const { flink, run, version } = withOldRunning();
        flink.scriptSubmit(V2, {
            runAfterMs: 1000,
            restarts: { firstAtMs: 3000, everyMs: 1000, times: 5, exception: "java.net.ConnectException: Connection refused" },
        });
        const err = await deployError(run(version(V2), version(V1), PRIOR));
        expect(err.problem).toBe(
            `the new version failed its health gate and was rolled back: job ${jid(2, V2)} failed 3 time(s) within 10 s (allowed: 2): Connection refused`,
        );
        expect(err.left).toBe(`the previous version RUNNING again as job ${jid(3, V1)} (generation 3), restored from ${STOP}`);
        expect(flink.stateOf(jid(2, V2))).toBe("CANCELED");
        expect(flink.submissions.map((s) => s.restorePath)).toEqual([STOP, STOP]);
        expect(flink.activeIds(NAME)).toEqual([jid(3, V1)]);
        expect(flink.maxActive.get(NAME)).toBe(1);
    });

    test("the rollback fails too: the error says no job runs, and where the state is", async () => {
        const { flink, run, version } = withOldRunning();
        flink.scriptSubmit(V2, boom(2000, "new version broken"));
        flink.scriptSubmit(V1, boom(500, "old version broken too"));
        const err = await deployError(run(version(V2), version(V1), PRIOR));
        expect(err.problem).toBe(`the new version failed its health gate and was rolled back: job ${jid(2, V2)} became FAILED within 10 s: new version broken`);
        expect(err.left).toBe(
            `no job running: the rollback failed too (job ${jid(3, V1)} did not reach RUNNING with all tasks running (FAILED): old version broken too); its state is in savepoint ${STOP}`,
        );
        expect(flink.activeIds(NAME)).toEqual([]);
        expect(flink.maxActive.get(NAME)).toBe(1);
    });

    test("rollbackOnFailure false: no rollback; the error says nothing runs and where the state is", async () => {
        const { flink, run, version } = withOldRunning();
        flink.scriptSubmit(V2, boom(2000));
        const err = await deployError(run(version(V2), version(V1), PRIOR, { rollbackOnFailure: false }));
        expect(err.problem).toBe(`the new version failed: job ${jid(2, V2)} became FAILED within 10 s: boom`);
        expect(err.left).toBe(`no job running under "orders"; its state is in savepoint ${STOP}; fix the job and run pulumi up again (it restores from there)`);
        expect(flink.submissions.map((s) => s.jobId)).toEqual([jid(2, V2)]);
        expect(flink.activeIds(NAME)).toEqual([]);
    });
});

test("a first create that fails has no previous version: nothing runs and it had no state", async () => {
    const { flink, run, version } = testbed();
    flink.scriptSubmit(V1, { neverAllTasks: true });
    const err = await deployError(
        run(version(V1), undefined, undefined, {
            health: { runningTimeoutSeconds: 20, stableSeconds: 10, requireCheckpoint: false, maxRestarts: 2, finishTimeoutSeconds: 60 },
        }),
    );
    expect(err.problem).toBe(
        `the new version failed: job ${jid(1, V1)} did not reach RUNNING with all tasks running (RUNNING after 20 s): no exception recorded`,
    );
    expect(err.left).toBe(`no job running under "orders"; it had no state to keep; fix the job and run pulumi up again (it restores from there)`);
    expect(flink.stateOf(jid(1, V1))).toBe("CANCELED");
});

test("a stateless upgrade that fails rolls back from empty state", async () => {
    const { flink, run, version } = withOldRunning();
    flink.scriptSubmit(V2, boom(1500));
    const err = await deployError(run(version(V2), version(V1), PRIOR, { mode: "stateless" }));
    expect(err.left).toBe(`the previous version RUNNING again as job ${jid(3, V1)} (generation 3), restored from empty state`);
    expect(flink.submissions.map((s) => s.restorePath)).toEqual([undefined, undefined]);
    expect(flink.activeIds(NAME)).toEqual([jid(3, V1)]);
});

test("a generation SUSPENDED by a JobManager failover is an instance still: no second copy is submitted next to it", async () => {
    const { flink, run, version } = testbed();
    flink.seed({ jid: OLD, name: NAME, state: "SUSPENDED" });
    const err = await deployError(run(version(V2), version(V1), PRIOR));
    expect(err.problem).toMatch(new RegExp(`^the savepoint of job ${OLD} failed, so nothing was redeployed: .*SUSPENDED`));
    expect(err.left).toBe(`the old job ${OLD} in state SUSPENDED`);
    expect(flink.submissions).toEqual([]);
});
