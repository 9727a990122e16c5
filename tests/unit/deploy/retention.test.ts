/**
 * Savepoint retention over the scripted FakeFlink: real converge runs (probe savepoint, stop, submit,
 * health gate) on a fake clock, then the job's savepoint list with `upgrade.keepSavepoints` applied,
 * disposing through the fake's POST /savepoint-disposal. The real disposal on disk is proven by
 * tests/e2e/job-retention.test.ts.
 */
import { converge, type DeployOutcome, type PriorDeployment } from "../../../provider/deploy/redeploy";
import { recordSavepoints, retentionPlan, type SavepointRecord, type TakenSavepoint } from "../../../provider/deploy/retention";
import { classifyJobChange } from "../../../provider/deploy/classify";
import { retained } from "../../../provider/job/savepoints";
import { jid, NAME, POLICY, testbed } from "./state-machine";
import { checkApplication } from "../../../provider/core/k8s/schema-application";
import { operatorConfig } from "../../../provider/core/k8s/render/application";

/** Definition hash of version `i` (hex, distinct in the 12 characters the job id carries). */
const hashOf = (i: number) => i.toString(16).padStart(2, "0").repeat(32);

/** A deployed job as state records it between runs. */
interface Deployed {
    prior: PriorDeployment;
    savepoints: SavepointRecord[];
    outcome: DeployOutcome;
}

/** The state-machine test bed plus every savepoint path the deploys took, oldest first. */
function bed() {
    return { ...testbed(), taken: [] as string[] };
}

/** One `pulumi up` of version `i` as provider/job/index.ts runs it: converge, then the savepoint list. */
async function up(tb: ReturnType<typeof bed>, i: number, before: Deployed | undefined, keep: number): Promise<Deployed> {
    const taken: TakenSavepoint[] = [];
    const previous = before ? tb.version(hashOf(i - 1)) : undefined;
    const outcome = await converge({ ...tb.ctx, onSavepoint: (t) => taken.push(t) }, tb.version(hashOf(i)), previous, before?.prior, POLICY);
    const olds = before && { generation: before.prior.generation, savepoints: before.savepoints };
    tb.taken.push(...taken.map((t) => t.path));
    const savepoints = await retained(tb.ctx, { name: NAME, keep }, olds, outcome, taken);
    const prior = { jobId: outcome.jobId, generation: outcome.generation, lastSavepoint: outcome.lastSavepoint, lastSavepointAt: outcome.lastSavepointAt };
    return { prior, savepoints, outcome };
}

describe("savepoint retention on upgrade", () => {
    test("ten upgrades with keep 3: the newest three stay listed, the 17 older ones are disposed through Flink", async () => {
        const tb = bed();
        let job = await up(tb, 1, undefined, 3);
        for (let i = 2; i <= 11; i++) {
            job = await up(tb, i, job, 3);
            expect(job.savepoints.length).toBe(Math.min(2 * (i - 1), 3));
        }
        const all = tb.taken;
        expect(all).toHaveLength(20);
        expect(job.savepoints.map((s) => s.path)).toEqual(all.slice(17));
        expect(tb.flink.disposed).toEqual(all.slice(0, 17));
        // Generation 11 runs, restored from generation 10's stop savepoint, which is kept.
        expect(job.outcome.generation).toBe(11);
        expect(job.savepoints.map((s) => [s.generation, s.kind])).toEqual([
            [9, "stop"],
            [10, "probe"],
            [10, "stop"],
        ]);
        expect(tb.flink.submissions.at(-1)).toMatchObject({ jobId: jid(11, hashOf(11)), restorePath: all[19] });
        expect(job.outcome.restoredFrom).toBe(all[19]);
        expect(job.savepoints.every((s) => !Number.isNaN(Date.parse(s.takenAt)))).toBe(true);
        expect(tb.lines.filter((l) => l.startsWith("disposed savepoint"))).toHaveLength(17);
    });

    test("keep 1 keeps exactly the savepoint the running generation restored from", async () => {
        const tb = bed();
        let job = await up(tb, 1, undefined, 1);
        for (let i = 2; i <= 4; i++) job = await up(tb, i, job, 1);
        expect(job.savepoints.map((s) => s.path)).toEqual([job.outcome.restoredFrom]);
        expect(tb.flink.disposed).toHaveLength(5);
        expect(tb.flink.disposed).not.toContain(job.outcome.restoredFrom);
    });

    test("a savepoint Flink cannot dispose stays listed with a warning; the update succeeds and the next upgrade tries again", async () => {
        const tb = bed();
        let job = await up(tb, 1, undefined, 1);
        job = await up(tb, 2, job, 1);
        const refused = job.savepoints[0].path; // generation 1's stop savepoint, restored from
        tb.flink.disposalFailures.set(refused, "java.io.IOException: Access Denied");
        job = await up(tb, 3, job, 1);
        expect(job.outcome).toMatchObject({ state: "RUNNING", action: "submitted" });
        expect(job.savepoints.map((s) => s.path)).toEqual([refused, job.outcome.restoredFrom]);
        expect(tb.flink.disposed).toEqual([tb.taken[0], tb.taken[2]]);
        expect(tb.lines).toContainEqual(
            expect.stringMatching(/^warning: could not dispose savepoint \S+ \(generation 1\): java\.io\.IOException: Access Denied; it stays listed/),
        );
        // Flink can dispose it again: the next upgrade does.
        tb.flink.disposalFailures.clear();
        job = await up(tb, 4, job, 1);
        expect(tb.flink.disposed).toContain(refused);
        expect(job.savepoints.map((s) => s.path)).toEqual([job.outcome.restoredFrom]);
    });

    test("a savepoint someone already removed is dropped from the list without a warning", async () => {
        const tb = bed();
        let job = await up(tb, 1, undefined, 1);
        job = await up(tb, 2, job, 1);
        const kept = job.savepoints[0].path;
        tb.flink.disposalFailures.set(kept, `java.io.FileNotFoundException: Cannot find checkpoint or savepoint file/directory '${kept}'`);
        job = await up(tb, 3, job, 1);
        expect(job.savepoints.map((s) => s.path)).not.toContain(kept);
        expect(tb.lines.filter((l) => l.startsWith("warning:"))).toEqual([]);
    });

    test("a deploy that submits nothing (the job already runs the definition) records but disposes nothing", async () => {
        const tb = bed();
        let job = await up(tb, 1, undefined, 1);
        job = await up(tb, 2, job, 1);
        const disposed = tb.flink.disposed.length;
        const listed = [{ generation: 0, path: "s3://savepoints/orders/savepoint-old", takenAt: "", kind: "stop" as const }, ...job.savepoints];
        const again = await up(tb, 2, { ...job, savepoints: listed }, 1);
        expect(again.outcome.action).toBe("unchanged");
        expect(again.savepoints).toEqual(listed);
        expect(tb.flink.disposed.length).toBe(disposed);
    });
});

describe("which savepoints are the job's", () => {
    const rec = (path: string, generation = 1): SavepointRecord => ({ generation, path, takenAt: "", kind: "stop" });

    test("the newest N by the order they were taken, plus every protected one wherever it is", () => {
        const records = ["a", "b", "c", "d"].map((p) => rec(p));
        expect(retentionPlan(records, 2, [])).toEqual({ kept: [rec("c"), rec("d")], dispose: [rec("a"), rec("b")] });
        expect(retentionPlan(records, 1, ["b"])).toEqual({ kept: [rec("b"), rec("d")], dispose: [rec("a"), rec("c")] });
        expect(retentionPlan(records, 10, [])).toEqual({ kept: records, dispose: [] });
    });

    test("state from before retention: its lastSavepoint becomes a recorded entry; a path is listed once", () => {
        const taken: TakenSavepoint[] = [{ jobId: jid(4, hashOf(4)), path: "s3://sp/p", kind: "probe", at: Date.parse("2026-12-05T12:00:00Z") }];
        const last = { path: "s3://sp/old", at: "2026-12-01T00:00:00.000Z", generation: 4 };
        const out = recordSavepoints(NAME, [], taken, last);
        expect(out).toEqual([
            { generation: 4, path: "s3://sp/old", takenAt: "2026-12-01T00:00:00.000Z", kind: "recorded" },
            { generation: 4, path: "s3://sp/p", takenAt: "2026-12-05T12:00:00.000Z", kind: "probe" },
        ]);
        expect(recordSavepoints(NAME, out, taken, last)).toEqual(out);
    });

    test("state written before keepSavepoints existed holds its default: no policy change; another count is one", () => {
        const base = { name: NAME, jar: { path: "/a.jar" }, upgrade: { mode: "savepoint" }, state: "RUNNING" };
        expect(classifyJobChange(base, { ...base, upgrade: { mode: "savepoint", keepSavepoints: 3 } }).policyChanged).toEqual([]);
        const c = classifyJobChange(base, { ...base, upgrade: { mode: "savepoint", keepSavepoints: 5 } });
        expect([c.action, c.policyChanged]).toEqual(["none", ["upgrade"]]);
    });
});

describe("application mode", () => {
    test("keepSavepoints becomes the Operator's savepoint history count; unset leaves the Operator's default", () => {
        const app = {
            name: "orders",
            kubernetes: { namespace: "flink" },
            jar: { url: "local:///opt/flink/usrlib/orders.jar" },
            upgrade: { savepointDir: "s3://b/sp" },
        };
        const set = checkApplication({ ...app, upgrade: { ...app.upgrade, keepSavepoints: 4 } });
        expect(set.failures).toEqual([]);
        expect(operatorConfig(set.args!)["kubernetes.operator.savepoint.history.max.count"]).toBe(4);
        expect(operatorConfig(checkApplication(app).args!)).not.toHaveProperty(["kubernetes.operator.savepoint.history.max.count"]);
    });
});
