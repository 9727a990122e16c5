import { classifyJobChange, describeClassification } from "../../../provider/deploy/classify";
import { identityPrefix, jobIdFor, parseJobId, runsDefinition } from "../../../provider/deploy/identity";
import { UNKNOWN } from "../../../provider/core/unknown";

const cluster = { restUrl: "http://flink:8081", flinkVersion: "2.3.0" };
const base = {
    name: "orders",
    cluster,
    jar: { path: "/jobs/a.jar" },
    artifactDigest: "abc",
    args: ["--x", "1"],
    configuration: {},
    upgrade: { mode: "savepoint", restore: "latest-savepoint" },
    health: { stableSeconds: 10 },
    onDelete: "savepoint",
    labels: {},
};
const olds = { ...base, state: "RUNNING" };

describe("classifyJobChange: definition, identity and policy inputs (provider/deploy/classify.ts)", () => {
    test.each<[string, Record<string, unknown>, string, string[]]>([
        ["nothing changed", {}, "none", []],
        ["labels only", { labels: { team: "a" } }, "none", []],
        ["health gate only", { health: { stableSeconds: 30 } }, "none", []],
        ["onDelete only", { onDelete: "cancel" }, "none", []],
        ["args", { args: ["--x", "2"] }, "redeploy", ["args"]],
        ["rebuilt jar (digest)", { artifactDigest: "def" }, "redeploy", ["artifactDigest"]],
        ["parallelism", { parallelism: 4 }, "redeploy", ["parallelism"]],
        ["job configuration", { configuration: { "pipeline.max-parallelism": 256 } }, "redeploy", ["configuration"]],
        ["entry class", { entryClass: "com.example.Other" }, "redeploy", ["entryClass"]],
        ["name", { name: "orders-v2" }, "replace", ["name"]],
        ["cluster (a move with its state)", { cluster: { ...cluster, restUrl: "http://other:8081" } }, "move", ["cluster.restUrl"]],
        ["stateless + args", { args: ["--x", "3"], upgrade: { mode: "stateless" } }, "stateless-restart", ["args"]],
        ["unknown args in preview", { args: UNKNOWN }, "redeploy", ["args"]],
        ["unknown cluster in preview (cluster being updated) is not a replace", { cluster: UNKNOWN }, "none", []],
        [
            "the cluster restarts for new libraries (its other outputs unknown in preview, librariesHash known)",
            { cluster: { restUrl: UNKNOWN, flinkVersion: UNKNOWN, librariesHash: "new" } },
            "redeploy",
            ["cluster libraries"],
        ],
        [
            "the cluster's handoff savepoints (a restart for libraries) are no change of the job",
            { cluster: { ...cluster, handoff: { orders: { path: "file:/sp/x", at: "2026-12-05T12:00:00Z", jobId: "a".repeat(32), reason: "libraries" } } } },
            "none",
            [],
        ],
    ])("%s -> %s", (_name, change, action, changed) => {
        const c = classifyJobChange(olds, { ...base, ...change });
        expect(c.action).toBe(action);
        expect(c.changed).toEqual(changed);
    });

    test("policy changes are reported without a Flink action", () => {
        expect(classifyJobChange(olds, { ...base, onDelete: "cancel", labels: { a: "b" } }).policyChanged).toEqual(["onDelete", "labels"]);
    });

    test("a job found CANCELED by refresh is restored; the line says from what", () => {
        const c = classifyJobChange({ ...olds, state: "CANCELED" }, base);
        expect(c.action).toBe("restore");
        expect(describeClassification("orders", c)).toContain(
            "is CANCELED; it is started again and restores from the newest savepoint Flink has at that time; last recorded: none",
        );
        const none = classifyJobChange({ ...olds, state: "FAILED" }, { ...base, upgrade: { restore: "none" } });
        expect(none.stateImpact).toContain("DROPS STATE");
    });

    test("the default restore policy (latest-state) names the newest recorded point and its age", () => {
        const now = Date.parse("2026-12-05T12:00:00Z");
        const recorded = {
            lastSavepoint: "file:/sp/orders/savepoint-1a-2b",
            lastSavepointAt: "2026-11-26T12:00:00Z",
            lastCheckpoint: `file:/ck/${"c".repeat(32)}/chk-42`,
            lastCheckpointAt: "2026-12-05T10:00:00Z",
        };
        const { upgrade: _policy, ...defaults } = base;
        const c = classifyJobChange({ ...olds, ...recorded, state: "CANCELED" }, defaults, now);
        expect(c.stateImpact).toBe(
            "the job is CANCELED; it is started again and restores from the newest retained checkpoint or savepoint Flink has at that time; last recorded: retained checkpoint chk-42 taken 2 h ago",
        );
        const sp = classifyJobChange({ ...olds, ...recorded, state: "FAILED" }, { ...base, args: ["--x", "9"] }, now);
        expect(sp.stateImpact).toBe(
            "the job is FAILED; the new version restores from the newest savepoint Flink has at that time; last recorded: savepoint savepoint-1a-2b taken 9 days ago",
        );
    });

    test("a job that FINISHED by itself is left alone until its definition changes, then runs from empty state", () => {
        const done = { ...olds, state: "FINISHED", finishedBySelf: true };
        expect(classifyJobChange(done, base)).toMatchObject({ action: "none", changed: [] });
        const changed = classifyJobChange(done, { ...base, args: ["--x", "2"] });
        expect(changed.action).toBe("redeploy");
        expect(changed.stateImpact).toContain("FINISHED by itself: the new version runs from empty state");
        // Stopped with a savepoint (finishedBySelf false, or state from before the flag): restored.
        expect(classifyJobChange({ ...olds, state: "FINISHED" }, base).action).toBe("restore");
    });

    test("preview wording makes state loss loud", () => {
        const c = classifyJobChange(olds, { ...base, args: [], upgrade: { mode: "stateless" } });
        expect(describeClassification("orders", c)).toBe(
            "orders: stateless restart (changed: args) - DROPS STATE: cancelled and started from empty state (upgrade.mode is stateless)",
        );
        expect(describeClassification("orders", classifyJobChange(olds, { ...base, parallelism: 2 }))).toContain("keeps state");
    });
});

describe("job identity", () => {
    const def = "0123456789abcdef0123";
    test("job ids encode identity, generation and definition, and decode back", () => {
        const id = jobIdFor("orders", 7, def);
        expect(id).toMatch(/^[0-9a-f]{32}$/);
        expect(parseJobId("orders", id)).toEqual({ identity: identityPrefix("orders"), generation: 7, definition: def.slice(0, 12) });
        expect(runsDefinition("orders", id, def)).toBe(true);
        expect(runsDefinition("orders", id, "ffff")).toBe(false);
    });
    test("every generation gets a fresh id; other names and foreign ids do not parse", () => {
        expect(jobIdFor("orders", 1, def)).not.toBe(jobIdFor("orders", 2, def));
        expect(parseJobId("payments", jobIdFor("orders", 1, def))).toBeUndefined();
        expect(parseJobId("orders", "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5")).toBeUndefined();
    });
});
