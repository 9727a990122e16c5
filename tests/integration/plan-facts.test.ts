/**
 * SQL state-compatibility facts on real Flink (tests/fixtures/sql-plans): for each edit of a SQL job,
 * whether the edited job's compiled plan — with its state-bearing node ids pinned to the previous
 * plan's, and plain — restores from the previous job's savepoint on a real cluster of every line.
 *
 * PLAN_FACTS_WRITE=1 regenerates every fixture (about 20 min per line; PLAN_FACTS_EDITS=01,04
 * limits it to those edits) and the README table. Otherwise (the normal integration tier) it
 * re-runs edits 09 and 17 (the two that need the product's pairing: a window operator without
 * declared state, an aggregate added upstream of another) and asserts Flink still compiles the
 * same nodes, pinning keeps the same ones, and Flink still restores (or refuses) as committed: a new Flink release that changes
 * any of these shows here.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createFlinkClient } from "../../provider/flink";
import { createGatewayClient } from "../../provider/sqlgateway";
import { RunningCluster, startCluster } from "../support/cluster";
import { causeKind, factsDir, pinningOf, PlanFactsContext, readOutcome, runV1, runV2, shapeOf, StoppedV1, writeFacts } from "../support/plan-facts";
import { EDITS } from "../support/plan-facts-edits";
import type { CompiledPlan } from "../support/plan-pin";
import { writeReadme } from "../support/plan-facts-readme";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(60 * 60_000);

const WRITE = process.env.PLAN_FACTS_WRITE === "1";
const ONLY = process.env.PLAN_FACTS_EDITS?.split(",").filter(Boolean);
const SUBSET = ["09", "17"];
const ROOT = path.resolve(__dirname, "../fixtures/sql-plans");
const HOME_UPGRADE = EDITS.find((e) => e.v1Line !== undefined)!;
const chosen = EDITS.filter((e) => (WRITE ? !ONLY || ONLY.some((p) => e.name.startsWith(p)) : SUBSET.some((p) => e.name.startsWith(p))));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "plan-facts-"));
/** v1 of the home upgrade, run on the older line, restored on the newer one. */
const upgradeFrom: StoppedV1[] = [];

const committedPlan = (dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CompiledPlan;

afterAll(() => {
    if (WRITE && !ONLY) writeReadme(ROOT, EDITS);
    fs.rmSync(scratch, { recursive: true, force: true });
});

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("SQL plan state facts on real Flink %s", (version, line, index) => {
    const restPort = portBlock(1990 + index * 10);
    let cluster: RunningCluster | undefined;
    let ctx: PlanFactsContext;
    const upgradeSource = version.startsWith(`${HOME_UPGRADE.v1Line}.`);
    const edits = chosen.filter((e) => e.v1Line === undefined || (!upgradeSource && flinkLines().some((l) => l.version.startsWith(`${e.v1Line}.`))));

    beforeAll(async () => {
        cluster = await startCluster(line, restPort, { sqlGateway: { enabled: true, port: restPort + 5 } });
        const gateway = createGatewayClient({ baseUrl: cluster.state.sqlGatewayUrl });
        ctx = { version, flink: createFlinkClient({ baseUrl: cluster.restUrl }), gateway, scratch };
    });
    afterAll(async () => {
        await cluster?.stop();
        // Its savepoints folder is empty: every savepoint of this suite went to `scratch`.
        if (cluster) fs.rmSync(cluster.workDir, { recursive: true, force: true });
    });

    if (WRITE && upgradeSource && chosen.includes(HOME_UPGRADE)) {
        test(`${HOME_UPGRADE.name}: v1 runs on ${version} and stops with a savepoint the newer line restores`, async () => {
            const v1 = await runV1(ctx, HOME_UPGRADE);
            expect(fs.existsSync(v1.savepoint.replace(/^file:/, ""))).toBe(true);
            upgradeFrom.push(v1);
        });
    }

    test.each(edits.map((e) => [e.name, e] as const))("%s", async (name, edit) => {
        const v1 = edit.v1Line === undefined ? await runV1(ctx, edit) : upgradeFrom[0];
        if (!v1) throw new Error(`${name} needs v1 run on the ${edit.v1Line} line first (run both lines in one PLAN_FACTS_WRITE run)`);
        const dir = factsDir(ROOT, version, edit);
        if (WRITE) {
            const facts = await runV2(ctx, edit, v1, true);
            writeFacts(dir, edit, facts);
            console.log(`[${version}] ${name}: ${JSON.stringify(facts.outcome)}`);
            expect(facts.outcome.pinned === "failed").toBe(facts.outcome.pinnedCause !== undefined);
            return;
        }
        const committed = readOutcome(dir);
        const facts = await runV2(ctx, edit, v1, committed.unpinned !== undefined);
        console.log(`[${version}] ${name}: ${JSON.stringify(facts.outcome)}`);
        // The same Flink release compiles the same nodes for the same SQL (ids relative to the
        // plan's first: the gateway's id counter is process-wide) and pinning keeps the same ones.
        expect(shapeOf(facts.v1.plan)).toEqual(shapeOf(committedPlan(dir, "v1.json")));
        expect(shapeOf(facts.v2Plan)).toEqual(shapeOf(committedPlan(dir, "v2.json")));
        expect(pinningOf(facts.v1.plan, facts.pinnedPlan)).toEqual(pinningOf(committedPlan(dir, "v1.json"), committedPlan(dir, "pinned.json")));
        const verdict = (result: string | undefined, cause: string | undefined) => ({ result, cause: causeKind(cause) });
        expect(verdict(facts.outcome.pinned, facts.outcome.pinnedCause)).toEqual(verdict(committed.pinned, committed.pinnedCause));
        expect(verdict(facts.outcome.unpinned, facts.outcome.unpinnedCause)).toEqual(verdict(committed.unpinned, committed.unpinnedCause));
    });
});
