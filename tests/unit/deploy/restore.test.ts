/** findRestorePoint with a stand-in for Flink's checkpoint answers and real folders on disk. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { CheckpointStats, FlinkClient, JobOverview } from "../../../provider/flink";
import { findRestorePoint, STATS_SETTLE_MS } from "../../../provider/deploy/restore";
import { jobIdFor } from "../../../provider/deploy/identity";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "pf-restore-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const now = Date.parse("2026-12-05T12:00:00Z");
const gen1 = "1".repeat(32);
const gen2 = "2".repeat(32);

/** A snapshot folder with its `_metadata`, as Flink writes it; returns its file: URI. */
function snapshotDir(rel: string): string {
    const dir = path.join(root, rel);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "_metadata"), "x");
    return `file:${dir}`;
}
const entry = (p: string, at: number, type: string) => ({
    id: 1,
    external_path: p,
    latest_ack_timestamp: at,
    checkpoint_type: type,
    is_savepoint: type !== "CHECKPOINT",
});
const stats = (completed: ReturnType<typeof entry> | null, savepoint: ReturnType<typeof entry> | null) =>
    ({
        counts: { restored: 0, total: 1, in_progress: 0, completed: 1, failed: 0 },
        latest: { completed, savepoint, failed: null, restored: null },
    }) as unknown as CheckpointStats;
const job = (jid: string, state: string, end: number) =>
    ({ jid, name: "orders", state, "start-time": end - 1000, "end-time": end, duration: 1, "last-modification": end }) as JobOverview;
const clientOf = (answers: Record<string, CheckpointStats>) =>
    ({ checkpoints: async (jid: string) => answers[jid] ?? Promise.reject(new Error("404")) }) as unknown as FlinkClient;

test("gen 2 cancelled out of band: restores from gen 2's retained checkpoint, not gen 1's older stop savepoint, and names gen 2", async () => {
    const stop = snapshotDir("sp/savepoint-111111-aaaaaaaaaaaa");
    const chk = snapshotDir(`ck/${gen2}/chk-7`);
    const client = clientOf({
        [gen1]: stats(null, entry(stop, now - 9 * 86_400_000, "SYNC_SAVEPOINT")),
        [gen2]: stats(entry(chk, now - 3000, "CHECKPOINT"), null),
    });
    const lines: string[] = [];
    const d = await findRestorePoint(
        client,
        "orders",
        [job(gen2, "CANCELED", now - 1000), job(gen1, "FINISHED", now - 9 * 86_400_000)],
        { generation: 2, lastSavepoint: stop },
        { restore: "latest-state" },
        (l) => lines.push(l),
        now,
    );
    expect(d).toEqual({ kind: "snapshot", snapshot: { path: chk, at: now - 3000, kind: "checkpoint", jobId: gen2 } });
    expect(lines).toEqual([`job ${gen2} is CANCELED; restoring from retained checkpoint chk-7 taken 3 s ago of job ${gen2} (${chk})`]);
});

test("latest-savepoint: the same situation restores the old savepoint and says how old it is", async () => {
    const stop = snapshotDir("sp2/savepoint-111111-bbbbbbbbbbbb");
    const chk = snapshotDir(`ck2/${gen2}/chk-7`);
    const client = clientOf({
        [gen1]: stats(null, entry(stop, now - 9 * 86_400_000, "SYNC_SAVEPOINT")),
        [gen2]: stats(entry(chk, now - 3000, "CHECKPOINT"), null),
    });
    const lines: string[] = [];
    const d = await findRestorePoint(
        client,
        "orders",
        [job(gen2, "CANCELED", now - 1000), job(gen1, "FINISHED", 1)],
        { generation: 2, lastSavepoint: stop },
        { restore: "latest-savepoint" },
        (l) => lines.push(l),
        now,
    );
    expect(d.kind === "snapshot" && d.snapshot.path).toBe(stop);
    // The cancelled generation is named as the one that ended; the savepoint is said to be generation 1's.
    expect(lines).toEqual([`job ${gen2} is CANCELED; restoring from savepoint savepoint-111111-bbbbbbbbbbbb taken 9 days ago of job ${gen1} (${stop})`]);
});

test("JobManager lost (no ended job in Flink): the newest chk- folder next to the recorded checkpoint", async () => {
    const recorded = snapshotDir(`ck3/${gen2}/chk-40`);
    fs.rmSync(recorded.replace(/^file:/, ""), { recursive: true }); // subsumed by chk-41, chk-42
    snapshotDir(`ck3/${gen2}/chk-41`);
    const newest = snapshotDir(`ck3/${gen2}/chk-42`);
    fs.mkdirSync(path.join(root, `ck3/${gen2}/chk-43`)); // in progress when it died: no _metadata
    const sp = snapshotDir("sp3/savepoint-old");
    const d = await findRestorePoint(
        clientOf({}),
        "orders",
        [],
        { generation: 2, lastSavepoint: sp, lastSavepointAt: "2026-11-26T12:00:00Z", lastCheckpoint: recorded, lastCheckpointAt: "2026-12-05T11:00:00Z" },
        { restore: "latest-state" },
        () => undefined,
        now,
    );
    expect(d.kind === "snapshot" && { path: d.snapshot.path, kind: d.snapshot.kind, jobId: d.snapshot.jobId }).toEqual({
        path: newest,
        kind: "checkpoint",
        jobId: gen2,
    });
});

test("JobManager lost and the recorded checkpoint folder is gone: the last savepoint", async () => {
    const sp = snapshotDir("sp4/savepoint-old");
    const d = await findRestorePoint(
        clientOf({}),
        "orders",
        [],
        { generation: 2, lastSavepoint: sp, lastCheckpoint: `file:${root}/gone/${gen2}/chk-9` },
        { restore: "latest-state" },
        () => undefined,
        now,
    );
    expect(d.kind === "snapshot" && d.snapshot.path).toBe(sp);
});

/** The restore decision for a generation 2 that FINISHED `endedAgo` ms before `now`; records waits and progress lines. */
async function afterFinish(client: FlinkClient, endedAgo: number) {
    const slept: number[] = [];
    const lines: string[] = [];
    const d = await findRestorePoint(
        client,
        "orders",
        [job(gen2, "FINISHED", now - endedAgo)],
        { generation: 2, lastSavepoint: "" },
        { restore: "latest-state" },
        (l) => void lines.push(l),
        now,
        async (ms) => void slept.push(ms),
    );
    return { d, slept, lines };
}

test("the newest generation FINISHED by itself (no stop savepoint): nothing is restored, and no error", async () => {
    const chk = snapshotDir(`ck5/${gen2}/chk-3`);
    const client = clientOf({ [gen2]: stats(entry(chk, now - 3000, "CHECKPOINT"), null) });
    const { d, slept } = await afterFinish(client, 1000);
    expect(d).toEqual({ kind: "finished", jobId: gen2 });
    expect(slept).toEqual([STATS_SETTLE_MS - 1000]); // ended 1 s ago: Flink's cached statistics were waited out first
});

test("just after a stop, Flink's cached statistics show no savepoint yet: read again after the cache, restored from the stop savepoint", async () => {
    const stop = snapshotDir("sp6/savepoint-222222-bbbbbbbbbbbb");
    const answers = [stats(entry(`file:${root}/ck6/${gen2}/chk-3`, now - 4000, "CHECKPOINT"), null), stats(null, entry(stop, now - 500, "SYNC_SAVEPOINT"))];
    const client = { checkpoints: async () => answers.shift() ?? answers[0] } as unknown as FlinkClient;
    const { d, slept, lines } = await afterFinish(client, 2000);
    expect(d.kind === "snapshot" && d.snapshot.path).toBe(stop);
    expect(slept).toEqual([STATS_SETTLE_MS - 2000]);
    expect(lines[0]).toBe(`job ${gen2} FINISHED 2 s ago and shows no stop savepoint yet: reading its checkpoints again`);
});

test("a job that FINISHED long ago is judged at once: no wait", async () => {
    const { d, slept } = await afterFinish(clientOf({ [gen2]: stats(null, null) }), STATS_SETTLE_MS);
    expect(d).toEqual({ kind: "finished", jobId: gen2 });
    expect(slept).toEqual([]);
});

test("nothing to restore for a job that ran before: refused rather than starting empty", async () => {
    await expect(
        findRestorePoint(clientOf({}), "orders", [], { generation: 3, lastSavepoint: "" }, { restore: "latest-state" }, () => undefined, now),
    ).rejects.toThrow(/no savepoint or retained checkpoint of it was found/);
});

test("JobManager lost after a later generation ran: its own newer checkpoint wins over the recorded one of an earlier generation", async () => {
    const [g2, g3] = [jobIdFor("orders", 2, "a".repeat(64)), jobIdFor("orders", 3, "a".repeat(64))];
    const recorded = snapshotDir(`ck4/${g2}/chk-11`);
    const later = snapshotDir(`ck4/${g3}/chk-5`);
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(later.replace(/^file:/, ""), "_metadata"), future, future); // written after the record
    snapshotDir(`ck4/${"f".repeat(32)}/chk-99`); // another job's folder: never taken
    const d = await findRestorePoint(
        clientOf({}),
        "orders",
        [],
        { generation: 3, lastSavepoint: "", lastCheckpoint: recorded, lastCheckpointAt: "2026-12-05T11:00:00Z" },
        { restore: "latest-state" },
        () => undefined,
        now,
    );
    expect(d.kind === "snapshot" && { path: d.snapshot.path, jobId: d.snapshot.jobId }).toEqual({ path: later, jobId: g3 });
});

describe("a savepoint the cluster took when it restarted for new libraries (handoff)", () => {
    const name = "orders";
    const stopped = jobIdFor(name, 4, "a".repeat(12));
    const handoffOf = (p: string, at: number) => ({ path: p, at: new Date(at).toISOString(), jobId: stopped, reason: "libraries" });

    test("the JobManager forgot the job: it restores from the handoff whatever the policy, and says who took it", async () => {
        const sp = snapshotDir("sp5/savepoint-handoff");
        const old = snapshotDir("sp5/savepoint-older");
        const lines: string[] = [];
        const prior = { generation: 4, lastSavepoint: old, lastSavepointAt: new Date(now - 86_400_000).toISOString(), handoff: handoffOf(sp, now - 42_000) };
        const d = await findRestorePoint(clientOf({}), name, [], prior, { restore: "none" }, (l) => lines.push(l), now);
        expect(d.kind === "snapshot" && d.snapshot.path).toBe(sp);
        expect(lines).toEqual([`restoring from savepoint savepoint-handoff taken by the cluster restart for libraries, 42 s ago (${sp})`]);
    });

    test("a later generation ran since: the handoff is only a candidate, and a newer checkpoint wins", async () => {
        const sp = snapshotDir("sp6/savepoint-handoff");
        const later = jobIdFor(name, 5, "b".repeat(12));
        const chk = snapshotDir(`ck6/${later}/chk-3`);
        const client = clientOf({ [later]: stats(entry(chk, now - 5000, "CHECKPOINT"), null) });
        const prior = { generation: 5, lastSavepoint: "", handoff: handoffOf(sp, now - 600_000) };
        const d = await findRestorePoint(
            client,
            name,
            [{ ...job(later, "CANCELED", now - 1000), name }],
            prior,
            { restore: "latest-state" },
            () => undefined,
            now,
        );
        expect(d.kind === "snapshot" && d.snapshot.path).toBe(chk);
        const onlySavepoints = await findRestorePoint(
            client,
            name,
            [{ ...job(later, "CANCELED", now - 1000), name }],
            prior,
            { restore: "latest-savepoint" },
            () => undefined,
            now,
        );
        expect(onlySavepoints.kind === "snapshot" && onlySavepoints.snapshot).toMatchObject({ path: sp, takenBy: "the cluster restart for libraries" });
    });

    test("a deleted handoff savepoint is no restore point", async () => {
        const prior = { generation: 4, lastSavepoint: "", handoff: handoffOf(`file:${root}/gone/savepoint-x`, now) };
        await expect(findRestorePoint(clientOf({}), name, [], prior, { restore: "latest-state" }, () => undefined, now)).rejects.toThrow(
            /no savepoint or retained checkpoint of it was found/,
        );
    });
});
