/**
 * The per-cluster limit on concurrent deploys (withClusterSlot, as provider/job deploys) with many
 * jobs converging at once on one scripted in-memory Flink and one fake clock: the limit is never
 * exceeded, it is used in full, and every job ends with exactly one running copy.
 */
import { converge, type DeployContext } from "../../../provider/deploy/redeploy";
import { jobIdFor } from "../../../provider/deploy/identity";
import { withClusterSlot } from "../../../provider/deploy/watch";
import { FakeFlink } from "../../support/fake-flink";
import { POLICY, V1, V2 } from "./state-machine";

const NAMES = ["orders", "payments", "refunds", "users", "stock", "events", "audit"];

/** Upgrade every job (V1 running) to V2 at once under `limit`; the most deploys seen inside the limit at once, and the virtual time. */
async function upgradeAll(limit: number) {
    const flink = new FakeFlink();
    for (const name of NAMES) flink.seed({ jid: jobIdFor(name, 1, V1), name, state: "RUNNING" });
    let inside = 0;
    let most = 0;
    const deploy = (name: string) => {
        const ctx: DeployContext = { client: flink, restUrl: flink.baseUrl, name, progress: () => undefined, clock: flink.clock };
        const version = (hash: string) => ({
            definitionHash: hash,
            preflight: async () => undefined,
            submit: (id: string, r: Parameters<FakeFlink["submit"]>[2]) => flink.submit(id, name, r),
        });
        return withClusterSlot(flink.baseUrl, limit, async () => {
            most = Math.max(most, ++inside);
            try {
                return await converge(ctx, version(V2), version(V1), { jobId: jobIdFor(name, 1, V1), generation: 1, lastSavepoint: "" }, POLICY);
            } finally {
                inside--;
            }
        });
    };
    const outcomes = await Promise.all(NAMES.map(deploy));
    return { flink, outcomes, most, elapsed: flink.clock.elapsed() };
}

test.each([1, 3])("%i at a time: never more, all of them used, every job upgraded with one copy running", async (limit) => {
    const { flink, outcomes, most, elapsed } = await upgradeAll(limit);
    expect(most).toBe(limit);
    expect(outcomes.map((o) => o.jobId)).toEqual(NAMES.map((n) => jobIdFor(n, 2, V2)));
    for (const name of NAMES) {
        expect(flink.activeIds(name)).toEqual([jobIdFor(name, 2, V2)]);
        expect(flink.maxActive.get(name)).toBe(1);
    }
    // Each upgrade takes a few virtual seconds plus the 10 s window: ceil(7 / limit) rounds of it.
    const rounds = Math.ceil(NAMES.length / limit);
    expect(elapsed).toBeGreaterThanOrEqual(rounds * 11_000);
    expect(elapsed).toBeLessThan(rounds * 14_000);
});
