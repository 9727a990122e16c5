/**
 * Moving a job between two clusters (provider/job/move.ts) against two scripted in-memory Flinks on
 * one fake clock: the state hand-over, never two copies across the clusters, the rollback to the
 * old cluster, and a run killed after the stop finished by the next one.
 */
import { converge, type DeployContext, type JobVersion, type PriorDeployment } from "../../../provider/deploy/redeploy";
import { moveJob } from "../../../provider/job/move";
import type { Snapshot } from "../../../provider/deploy/restore-point";
import { FakeFlink } from "../../support/fake-flink";
import { FakeClock } from "../../support/fake-clock";
import { NAME, POLICY, V1, V2, deployError, jid, priorOf } from "../deploy/state-machine";

/** Two clusters on one clock; every submit on one asserts the other runs no copy. */
function twoClusters() {
    const clock = new FakeClock();
    const a = new FakeFlink(clock);
    const b = new FakeFlink(clock);
    const lines: string[] = [];
    const ctxOf = (f: FakeFlink): DeployContext => ({ client: f, restUrl: f.baseUrl, name: NAME, progress: (l) => lines.push(l), clock });
    const copiesAtSubmit: number[] = [];
    const version = (on: FakeFlink, other: FakeFlink, hash: string): JobVersion => ({
        definitionHash: hash,
        preflight: async () => undefined,
        submit: async (jobId, restore) => {
            copiesAtSubmit.push(other.activeIds(NAME).length + on.activeIds(NAME).length);
            await on.submit(jobId, NAME, restore);
        },
    });
    const move = (prior: PriorDeployment, hash = V1) =>
        moveJob({
            from: { ctx: ctxOf(a), policy: POLICY, prior },
            deployNew: (point?: Snapshot) =>
                converge(ctxOf(b), version(b, a, hash), undefined, prior, { ...POLICY, startFrom: point, rollbackOnFailure: false }),
            restartOld: (point?: Snapshot) =>
                converge(ctxOf(a), version(a, b, V1), undefined, prior, { ...POLICY, startFrom: point, rollbackOnFailure: false }),
            rollbackOnFailure: true,
            to: b.baseUrl,
        });
    return { a, b, clock, lines, move, copiesAtSubmit };
}

const G1 = jid(1, V1);

describe("moving a job to another cluster", () => {
    test("stops it with a savepoint on the old cluster, then starts it on the new one from that savepoint: never two copies", async () => {
        const bed = twoClusters();
        bed.a.seed({ jid: G1, name: NAME, state: "RUNNING" });
        const outcome = await bed.move(priorOf(G1, 1));
        expect(bed.a.stateOf(G1)).toBe("FINISHED");
        const stop = bed.a.submissions.length === 0 ? (await bed.a.checkpoints(G1)).latest.savepoint?.external_path : undefined;
        expect(stop).toMatch(/savepoint/);
        expect(bed.b.submissions.map((s) => s.restorePath)).toEqual([stop]);
        expect(outcome).toMatchObject({ jobId: jid(2, V1), generation: 2, restoredFrom: stop, state: "RUNNING", action: "submitted" });
        expect(bed.b.activeIds(NAME)).toEqual([jid(2, V1)]);
        expect(bed.copiesAtSubmit).toEqual([0]);
        expect(bed.lines).toContain(`moving job "${NAME}" from ${bed.a.baseUrl} to ${bed.b.baseUrl}`);
    });

    test("a run killed after the stop: the next one carries the old cluster's stop savepoint", async () => {
        const bed = twoClusters();
        const now = bed.clock.now();
        const path = "s3://savepoints/orders/savepoint-stop";
        bed.a.seed({ jid: G1, name: NAME, state: "FINISHED", endedAt: now - 1000, savepoint: { path, at: now - 1000, type: "SYNC_SAVEPOINT" } });
        await bed.move(priorOf(G1, 1));
        expect(bed.b.submissions.map((s) => s.restorePath)).toEqual([path]);
        expect(bed.a.submissions).toEqual([]);
    });

    test("a run killed after the submit on the new cluster: the next one keeps that job (no second copy, no resubmit)", async () => {
        const bed = twoClusters();
        const now = bed.clock.now();
        const path = "s3://savepoints/orders/savepoint-stop";
        bed.a.seed({ jid: G1, name: NAME, state: "FINISHED", endedAt: now - 5000, savepoint: { path, at: now - 5000, type: "SYNC_SAVEPOINT" } });
        bed.b.seed({ jid: jid(2, V1), name: NAME, state: "RUNNING", restoredFrom: { path, savepoint: true } });
        const outcome = await bed.move(priorOf(G1, 1));
        expect(outcome).toMatchObject({ jobId: jid(2, V1), action: "unchanged", restoredFrom: path });
        expect(bed.b.submissions).toEqual([]);
    });

    test("the new cluster fails the job: it is started again on the old cluster from the same savepoint, and the update fails saying so", async () => {
        const bed = twoClusters();
        bed.a.seed({ jid: G1, name: NAME, state: "RUNNING" });
        bed.b.scriptSubmit(V2, { fail: { afterMs: 2000, exception: "java.lang.IllegalStateException: broken on the new cluster" } });
        const { problem, left } = await deployError(bed.move(priorOf(G1, 1), V2));
        const stop = (await bed.a.checkpoints(G1)).latest.savepoint?.external_path;
        expect(problem).toContain(`the move to ${bed.b.baseUrl} failed and was rolled back`);
        expect(left).toBe(`the job RUNNING again on ${bed.a.baseUrl} from ${stop}; nothing of it runs on ${bed.b.baseUrl}`);
        expect(bed.b.activeIds(NAME)).toEqual([]);
        expect(bed.a.activeIds(NAME)).toHaveLength(1);
        expect(bed.a.submissions.map((s) => s.restorePath)).toEqual([stop]);
        expect(bed.copiesAtSubmit).toEqual([0, 0]);
    });

    test("two copies running on the old cluster: nothing is touched", async () => {
        const bed = twoClusters();
        bed.a.seed({ jid: G1, name: NAME, state: "RUNNING" });
        bed.a.seed({ jid: jid(2, V1), name: NAME, state: "RUNNING" });
        const { problem, left } = await deployError(bed.move(priorOf(G1, 1)));
        expect(problem).toBe(`2 copies of "${NAME}" are running on ${bed.a.baseUrl}: ${G1}, ${jid(2, V1)}, so the move to ${bed.b.baseUrl} did not start`);
        expect(left).toBe("all of them; stop all but one with a savepoint (flink stop), then run pulumi up again");
        expect(bed.b.submissions).toEqual([]);
    });
});
