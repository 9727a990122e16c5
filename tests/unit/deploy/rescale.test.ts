import { classifyJobChange } from "../../../provider/deploy/classify";
import { decideRescale, describeRescale, type RescaleFacts } from "../../../provider/deploy/rescale";

const cluster = { restUrl: "http://flink:8081", flinkVersion: "2.3.0" };
const base = {
    name: "orders",
    cluster,
    jar: { path: "/jobs/a.jar" },
    artifactDigest: "abc",
    args: ["--x", "1"],
    configuration: {},
    parallelism: 1,
    upgrade: { mode: "savepoint" },
};
const olds = { ...base, state: "RUNNING" };
const SOURCE = "e5a72f353fc1e6bbf3bd96a41384998c";
const COUNTER = "0da08f51eaa85fc298e176a139b3649a";
/** What real Flink 2.3 said about the counter job (source pinned to 1, counter at the job's parallelism), adaptive scheduler. */
const facts: RescaleFacts = {
    flinkVersion: "2.3.0",
    scheduler: "adaptive",
    checkpointing: true,
    vertices: [
        { id: SOURCE, name: "Source: sequence -> throttle", parallelism: 1, maxParallelism: 128 },
        { id: COUNTER, name: "counter", parallelism: 1, maxParallelism: 128 },
    ],
    planned: { [SOURCE]: 1, [COUNTER]: 2 },
};

function decide(change: Record<string, unknown>, f: RescaleFacts = facts, old: Record<string, unknown> = olds) {
    const news = { ...base, ...change };
    return decideRescale(classifyJobChange(old, news), old, news, f);
}

describe("decideRescale: which parallelism changes are rescaled in place", () => {
    test("parallelism only, adaptive scheduler, checkpointing job, plan fits -> in place, with the plan's per-vertex targets (a pinned vertex keeps its own)", () => {
        expect(decide({ parallelism: 2 })).toEqual({ inPlace: true, from: 1, to: 2, targets: { [SOURCE]: 1, [COUNTER]: 2 } });
    });

    test('upgrade.rescale "redeploy" keeps a parallelism-only change a savepoint-and-redeploy, and says so; "in-place" is the default', () => {
        const redeploy = { mode: "savepoint", rescale: "redeploy" };
        const old = { ...olds, upgrade: redeploy };
        expect(decide({ parallelism: 2, upgrade: redeploy }, facts, old)).toEqual({ inPlace: false, why: 'upgrade.rescale is "redeploy"' });
        const inPlace = { mode: "savepoint", rescale: "in-place" };
        expect(decide({ parallelism: 2, upgrade: inPlace }, facts, { ...olds, upgrade: inPlace })).toMatchObject({ inPlace: true, to: 2 });
    });

    test.each<[string, Record<string, unknown>, RescaleFacts, Record<string, unknown>, string]>([
        ["parallelism and args changed", { parallelism: 2, args: ["--x", "2"] }, facts, olds, "not a parallelism-only change (changed: args, parallelism)"],
        [
            "job configuration changed (e.g. parallelism.default)",
            { configuration: { "pipeline.max-parallelism": 256 } },
            facts,
            olds,
            "not a parallelism-only change (changed: configuration)",
        ],
        [
            "a SQL job",
            { parallelism: 2, sql: "INSERT INTO a SELECT * FROM b" },
            facts,
            { ...olds, sql: "INSERT INTO a SELECT * FROM b" },
            "not done for SQL jobs yet",
        ],
        ["the job is RESTARTING", { parallelism: 2 }, facts, { ...olds, state: "RESTARTING" }, "the job is RESTARTING, not RUNNING"],
        [
            "the old parallelism was the cluster's default",
            { parallelism: 2 },
            facts,
            { ...olds, parallelism: undefined },
            "the running job's parallelism is the cluster's default",
        ],
        ["the new parallelism is the cluster's default", { parallelism: undefined }, facts, olds, "the new parallelism is the cluster's default"],
        [
            "the cluster did not answer",
            { parallelism: 2 },
            { unknown: "the cluster at http://flink:8081 did not say (ECONNREFUSED)" },
            olds,
            "unknown: the cluster at http://flink:8081 did not say (ECONNREFUSED)",
        ],
        [
            "default scheduler",
            { parallelism: 2 },
            { ...facts, scheduler: "" },
            olds,
            "the cluster runs the default scheduler, not the adaptive one (jobmanager.scheduler: adaptive)",
        ],
        ["Flink 1.17", { parallelism: 2 }, { ...facts, flinkVersion: "1.17.2" }, olds, "Flink 1.17.2 cannot set a job's resource requirements (Flink 1.18+)"],
        ["version not known", { parallelism: 2 }, { ...facts, flinkVersion: undefined }, olds, "unknown: the cluster's Flink version could not be read"],
        [
            "no checkpoints",
            { parallelism: 2 },
            { ...facts, checkpointing: false },
            olds,
            "the job takes no checkpoints: the adaptive scheduler would restart it from empty state",
        ],
        ["plan has other vertices", { parallelism: 2 }, { ...facts, planned: { [COUNTER]: 2 } }, olds, "does not have the running job's vertices"],
        [
            "max parallelism below the target",
            { parallelism: 200 },
            { ...facts, planned: { [SOURCE]: 1, [COUNTER]: 200 } },
            olds,
            'vertex "counter" has max parallelism 128, below the target 200',
        ],
    ])("%s -> savepoint-and-redeploy, says why", (_n, change, f, old, why) => {
        const d = decide(change, f, old);
        expect(d.inPlace).toBe(false);
        expect(d.inPlace ? "" : d.why).toContain(why);
    });

    test("the preview line says in-place rescale, or savepoint-and-redeploy and why not", () => {
        const news = { ...base, parallelism: 2 };
        const c = classifyJobChange(olds, news);
        expect(describeRescale("orders", c, decideRescale(c, olds, news, facts))).toBe(
            "orders: in-place rescale (changed: parallelism 1 -> 2) - keeps state and job id: Flink's adaptive scheduler restarts its tasks from the latest checkpoint",
        );
        expect(describeRescale("orders", c, decideRescale(c, olds, news, { ...facts, scheduler: "default" }))).toBe(
            "orders: savepoint-and-redeploy (changed: parallelism) - keeps state: stopped with a savepoint, the new version restores from it; not an in-place rescale: the cluster runs the default scheduler, not the adaptive one (jobmanager.scheduler: adaptive)",
        );
    });
});
