/**
 * Where converge restarts a job that is not running (findRestorePoint through converge), against
 * a scripted in-memory Flink on a fake clock: the restore policy, newest state by time, an upgrade
 * in flight (stop or handoff savepoint), a bounded job that finished, nothing found. Ages in the
 * progress lines are read on the deploy context's clock.
 */
import { NAME, V1, V2, deployError, jid, priorOf, testbed } from "./state-machine";

const DAY = 86_400_000;
const G1 = jid(1, V1);
const G2 = jid(2, V1);
const PRIOR = priorOf(G2, 2);
const SP1 = "s3://savepoints/orders/savepoint-g1-stop";
const CHK = `s3://checkpoints/${G2}/chk-7`;
const iso = (t: number) => new Date(t).toISOString();

/** Generation 1 stopped with a savepoint 9 days ago; generation 2, restored from it, cancelled by hand a second ago. */
function cancelledOutOfBand(checkpointAgeMs = 3000, manualSavepointAgeMs?: number) {
    const bed = testbed();
    const now = bed.clock.now();
    bed.flink.seed({
        jid: G1,
        name: NAME,
        state: "FINISHED",
        startedAt: now - 10 * DAY,
        endedAt: now - 9 * DAY,
        savepoint: { path: SP1, at: now - 9 * DAY, type: "SYNC_SAVEPOINT" },
    });
    bed.flink.seed({
        jid: G2,
        name: NAME,
        state: "CANCELED",
        startedAt: now - 9 * DAY,
        endedAt: now - 1000,
        checkpoint: { path: CHK, at: now - checkpointAgeMs },
        savepoint: manualSavepointAgeMs === undefined ? undefined : { path: "s3://savepoints/orders/savepoint-manual", at: now - manualSavepointAgeMs },
    });
    return bed;
}

test("latest-state: the newest retained checkpoint wins over an older savepoint, and the lines say which and how old", async () => {
    const { flink, clock, run, version, lines } = cancelledOutOfBand();
    const out = await run(version(V2), version(V1), { ...PRIOR, lastSavepoint: SP1 });
    expect(flink.submissions.map((s) => [s.jobId, s.restorePath])).toEqual([[jid(3, V2), CHK]]);
    expect(out).toMatchObject({ restoredFrom: CHK, lastSavepoint: SP1, generation: 3 });
    expect(lines[0]).toBe(`job ${G2} is CANCELED; restoring from retained checkpoint chk-7 taken 3 s ago of job ${G2} (${CHK})`);
    expect(lines[1]).toBe(`submitting generation 3 as job ${jid(3, V2)} from retained checkpoint chk-7 taken 3 s ago (${CHK})`);
    expect(flink.submissions[0].at).toBe(clock.start);
});

test("latest-savepoint: the same situation restores the 9-day-old savepoint and records it as the last savepoint", async () => {
    const { flink, clock, run, version, lines } = cancelledOutOfBand();
    const out = await run(version(V2), version(V1), PRIOR, { restore: "latest-savepoint" });
    expect(flink.submissions.map((s) => s.restorePath)).toEqual([SP1]);
    expect(out).toMatchObject({ restoredFrom: SP1, lastSavepoint: SP1, lastSavepointAt: iso(clock.start - 9 * DAY) });
    expect(lines[0]).toBe(`job ${G2} is CANCELED; restoring from savepoint savepoint-g1-stop taken 9 days ago of job ${G1} (${SP1})`); // names the generation that ended last
});

test("latest-state: a savepoint newer than the newest checkpoint wins", async () => {
    const { flink, run, version } = cancelledOutOfBand(60_000, 5000);
    await run(version(V2), version(V1), PRIOR);
    expect(flink.submissions.map((s) => s.restorePath)).toEqual(["s3://savepoints/orders/savepoint-manual"]);
});

test("restore none: starts from empty state although state exists", async () => {
    const { flink, run, version, lines } = cancelledOutOfBand();
    const out = await run(version(V2), version(V1), PRIOR, { restore: "none" });
    expect(flink.submissions.map((s) => [s.jobId, s.restorePath])).toEqual([[jid(3, V2), undefined]]);
    expect(out.restoredFrom).toBe("");
    expect(lines[0]).toBe("restore policy is none: starting from empty state");
});

test("an upgrade in flight (stopped with a savepoint, the run died): restored from that savepoint whatever the policy", async () => {
    const { flink, clock, run, version, lines } = testbed();
    const sp = "s3://savepoints/orders/savepoint-g2-stop";
    flink.seed({
        jid: G2,
        name: NAME,
        state: "FINISHED",
        endedAt: clock.now() - 20_000,
        savepoint: { path: sp, at: clock.now() - 20_500, type: "SYNC_SAVEPOINT" },
        checkpoint: { path: CHK, at: clock.now() - 1000 },
    });
    const out = await run(version(V2), version(V1), PRIOR, { restore: "none" });
    expect(flink.submissions.map((s) => s.restorePath)).toEqual([sp]);
    expect(out).toMatchObject({ restoredFrom: sp, lastSavepoint: sp, lastSavepointAt: iso(clock.start - 20_500) });
    expect(lines[0]).toBe(`job ${G2} was stopped with a savepoint; restoring from savepoint savepoint-g2-stop taken 20 s ago (${sp})`);
});

test("the newest generation FINISHED by itself (bounded) and the definition changed: the new version starts from empty state", async () => {
    const { flink, run, version, lines } = testbed();
    flink.seed({ jid: G2, name: NAME, state: "FINISHED", checkpoint: { path: CHK, at: flink.clock.now() - 5000 } });
    flink.scriptSubmit(V2, { finishAfterMs: 5000 });
    const out = await run(version(V2), version(V1), PRIOR, { bounded: true });
    expect(out).toMatchObject({ jobId: jid(3, V2), state: "FINISHED", finishedBySelf: true, restoredFrom: "" });
    expect(flink.submissions.map((s) => [s.jobId, s.restorePath])).toEqual([[jid(3, V2), undefined]]);
    expect(lines[0]).toContain(`job ${G2} FINISHED by itself (a bounded job, no stop savepoint)`);
});

test("the cluster restarted for new libraries (handoff) and forgot the job: restored from its savepoint whatever the policy", async () => {
    const { flink, clock, run, version, lines } = testbed();
    const sp = "s3://savepoints/orders/savepoint-handoff";
    const handoff = { path: sp, at: iso(clock.now() - 42_000), jobId: G2, reason: "libraries" };
    await run(version(V1), version(V1), { ...PRIOR, handoff }, { restore: "none" });
    expect(flink.submissions.map((s) => [s.jobId, s.restorePath])).toEqual([[jid(3, V1), sp]]);
    expect(lines[0]).toBe(`restoring from savepoint savepoint-handoff taken by the cluster restart for libraries, 42 s ago (${sp})`);
});

test("JobManager lost (Flink lists nothing): the checkpoint state recorded, when newer than the recorded savepoint", async () => {
    const { flink, clock, run, version } = testbed();
    const recorded = `s3://checkpoints/${G2}/chk-40`;
    await run(version(V1), version(V1), {
        ...PRIOR,
        lastSavepoint: SP1,
        lastSavepointAt: iso(clock.now() - DAY),
        lastCheckpoint: recorded,
        lastCheckpointAt: iso(clock.now() - 60_000),
    });
    expect(flink.submissions.map((s) => s.restorePath)).toEqual([recorded]);
});

describe("nothing to restore from", () => {
    test("a job that ran before is refused rather than started empty; nothing is submitted", async () => {
        const { flink, run, version } = testbed();
        const err = await deployError(run(version(V2), version(V1), PRIOR));
        expect(err.problem).toBe(`job "orders" is not running and no savepoint or retained checkpoint of it was found, so starting it would lose its state`);
        expect(err.left).toBe(`nothing started; to start it from empty state on purpose set upgrade.restore to "none" for this run`);
        expect(flink.submissions).toEqual([]);
    });

    test("latest-savepoint says it looked for savepoints only, though a checkpoint exists", async () => {
        const { flink, run, version } = testbed();
        flink.seed({ jid: G2, name: NAME, state: "FAILED", checkpoint: { path: CHK, at: flink.clock.now() - 1000 } });
        const err = await deployError(run(version(V2), version(V1), PRIOR, { restore: "latest-savepoint" }));
        expect(err.problem).toBe(`job "orders" is not running and no savepoint of it was found, so starting it would lose its state`);
        expect(flink.submissions).toEqual([]);
    });

    test("a first create starts from empty state", async () => {
        const { flink, run, version } = testbed();
        const out = await run(version(V1), undefined, undefined);
        expect(flink.submissions.map((s) => [s.jobId, s.restorePath])).toEqual([[jid(1, V1), undefined]]);
        expect(out.restoredFrom).toBe("");
    });
});
