/**
 * The downtime of a savepoint-and-redeploy on the provider's side: from the old job's end to the
 * new job's submit. The stop's savepoint and the old job's end are noticed by polls whose delay
 * is a twentieth of the wait so far (at least 10 ms), not fixed sleeps, and the submit still waits
 * for the old job's end (never two copies). Real Flink: bench/ (downtime part) measures the same.
 */
import { converge } from "../../../provider/deploy/redeploy";
import { NAME, POLICY, V1, V2, jid, priorOf, testbed } from "./state-machine";

describe.each([300, 5_000])("a stop-with-savepoint that takes %i ms", (stopMs) => {
    test("is noticed within max(10 ms, 1/20 of the wait) and the new job is submitted within 10 ms of the old job's end, not before", async () => {
        const { flink, ctx, version } = testbed();
        flink.stopScript = { afterMs: stopMs };
        flink.seed({ jid: jid(1, V1), name: NAME, state: "RUNNING" });
        const seen: number[] = [];
        const onSavepoint = (t: { kind: string; at: number }) => void (t.kind === "stop" && seen.push(t.at));
        const out = await converge({ ...ctx, onSavepoint }, version(V2), version(V1), priorOf(jid(1, V1), 1), POLICY);
        expect(out).toMatchObject({ action: "submitted", jobId: jid(2, V2), state: "RUNNING" });

        // The fake completes the savepoint, then ends the job 50 ms later (as Flink reports FINISHED a moment after).
        const ended = (await flink.job(jid(1, V1)))["end-time"];
        const savepointDone = ended - 50;
        expect(seen).toHaveLength(1);
        expect(seen[0]).toBeGreaterThanOrEqual(savepointDone);
        expect(seen[0] - savepointDone).toBeLessThanOrEqual(Math.max(10, stopMs / 20));
        const submitted = flink.submissions[0].at;
        expect(submitted).toBeGreaterThanOrEqual(ended);
        expect(submitted - ended).toBeLessThanOrEqual(10);
        expect(flink.maxActive.get(NAME)).toBe(1);
    });
});
