import {
    chooseRestorePoint,
    describeSnapshot,
    formatAge,
    previewRestore,
    recordedSnapshots,
    RETENTION_KEY,
    Snapshot,
    withRetainedCheckpoints,
} from "../../../provider/deploy/restore-point";

const now = Date.parse("2026-12-05T12:00:00Z");
const sec = 1000;
const day = 86_400 * sec;
const oldSavepoint: Snapshot = { path: "file:/sp/orders/savepoint-1a2b3c-4d5e6f7a8b9c", at: now - 9 * day, kind: "savepoint", jobId: "a".repeat(32) };
const freshCheckpoint: Snapshot = { path: `file:/ck/${"b".repeat(32)}/chk-42`, at: now - 3 * sec, kind: "checkpoint", jobId: "b".repeat(32) };

describe("formatAge", () => {
    test.each([
        [0, "0 s"],
        [-5 * sec, "0 s"],
        [3 * sec, "3 s"],
        [119 * sec, "119 s"],
        [120 * sec, "2 min"],
        [119 * 60 * sec, "119 min"],
        [2 * 3600 * sec, "2 h"],
        [47 * 3600 * sec, "47 h"],
        [2 * day, "2 days"],
        [9 * day + 5000, "9 days"],
    ])("%d ms -> %s", (ms, text) => expect(formatAge(ms)).toBe(text));
});

describe("describeSnapshot", () => {
    test("names a checkpoint by its chk- folder and says how old it is", () => {
        expect(describeSnapshot(freshCheckpoint, now)).toBe("retained checkpoint chk-42 taken 3 s ago");
    });
    test("an old savepoint says its age in days", () => {
        expect(describeSnapshot(oldSavepoint, now)).toBe("savepoint savepoint-1a2b3c-4d5e6f7a8b9c taken 9 days ago");
    });
    test("an unknown time is said, not guessed", () => {
        expect(describeSnapshot({ ...oldSavepoint, at: 0 }, now)).toBe("savepoint savepoint-1a2b3c-4d5e6f7a8b9c taken at an unknown time");
    });
});

describe("chooseRestorePoint", () => {
    test("latest-state takes the newer of checkpoint and savepoint", () => {
        expect(chooseRestorePoint([oldSavepoint, freshCheckpoint], "latest-state")).toBe(freshCheckpoint);
        const newerSavepoint = { ...oldSavepoint, at: now - sec };
        expect(chooseRestorePoint([newerSavepoint, freshCheckpoint], "latest-state")).toBe(newerSavepoint);
    });
    test("latest-savepoint ignores checkpoints however fresh", () => {
        expect(chooseRestorePoint([freshCheckpoint, oldSavepoint], "latest-savepoint")).toBe(oldSavepoint);
        expect(chooseRestorePoint([freshCheckpoint], "latest-savepoint")).toBeUndefined();
    });
    test("none chooses nothing", () => {
        expect(chooseRestorePoint([freshCheckpoint, oldSavepoint], "none")).toBeUndefined();
    });
    test("unknown time loses to a known one; a tie goes to the savepoint", () => {
        expect(chooseRestorePoint([{ ...oldSavepoint, at: 0 }, freshCheckpoint], "latest-state")).toBe(freshCheckpoint);
        const tieCheckpoint = { ...freshCheckpoint, at: oldSavepoint.at };
        expect(chooseRestorePoint([tieCheckpoint, oldSavepoint], "latest-state")).toBe(oldSavepoint);
    });
});

describe("withRetainedCheckpoints", () => {
    test("adds RETAIN_ON_CANCELLATION when the user chose nothing", () => {
        expect(withRetainedCheckpoints({ a: "1" })).toEqual({ a: "1", [RETENTION_KEY]: "RETAIN_ON_CANCELLATION" });
    });
    test("keeps the user's own retention", () => {
        expect(withRetainedCheckpoints({ [RETENTION_KEY]: "DELETE_ON_CANCELLATION" })).toEqual({ [RETENTION_KEY]: "DELETE_ON_CANCELLATION" });
    });
});

describe("previewRestore: says only what it knows", () => {
    const recorded = {
        lastSavepoint: oldSavepoint.path,
        lastSavepointAt: new Date(oldSavepoint.at).toISOString(),
        lastCheckpoint: freshCheckpoint.path,
        lastCheckpointAt: new Date(now - 2 * 3600 * sec).toISOString(),
    };
    test("latest-state names the newest recorded point and its age", () => {
        expect(previewRestore("latest-state", recorded, now)).toBe(
            "restores from the newest retained checkpoint or savepoint Flink has at that time; last recorded: retained checkpoint chk-42 taken 2 h ago",
        );
    });
    test("latest-savepoint names the recorded savepoint", () => {
        expect(previewRestore("latest-savepoint", recorded, now)).toBe(
            "restores from the newest savepoint Flink has at that time; last recorded: savepoint savepoint-1a2b3c-4d5e6f7a8b9c taken 9 days ago",
        );
    });
    test("nothing recorded", () => {
        expect(previewRestore("latest-state", {}, now)).toContain("last recorded: none");
        expect(previewRestore("none", recorded, now)).toMatch(/^DROPS STATE/);
    });
    test("recordedSnapshots: newest first, unknown times last", () => {
        expect(recordedSnapshots({ lastSavepoint: "s", lastCheckpoint: "c", lastCheckpointAt: new Date(now).toISOString() }).map((s) => s.path)).toEqual([
            "c",
            "s",
        ]);
    });
});
