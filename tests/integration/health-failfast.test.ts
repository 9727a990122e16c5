/**
 * The health gate fails fast on a real restore failure, every release line of the test bed: a SQL
 * job from a compiled plan is stopped with a savepoint, its next version's aggregate gains an
 * accumulator under the same operator id (the plan's node id is kept), and the new job, restored
 * from that savepoint, restart-loops on StateMigrationException. The real gate, with a 120 s
 * running timeout and maxRestarts far above what the wait sees, must fail naming that cause well
 * under 30 s after the submit, while the job is still restart-looping (so the fast rule fired,
 * not an end state). An operator id that disappeared makes the job FAIL at once; the gate names
 * the state it could not map.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { healthGate } from "../../provider/deploy/health";
import { stopWithSavepoint } from "../../provider/deploy/stop";
import { createFlinkClient, FlinkClient } from "../../provider/flink";
import { isActive } from "../../provider/flink/states";
import { createGatewayClient, GatewayClient } from "../../provider/sqlgateway";
import { RunningCluster, startCluster } from "../support/cluster";
import { waitFor } from "../support/counter";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(10 * 60_000);

const SRC = "CREATE TEMPORARY TABLE src (k INT, amount INT) WITH ('connector'='datagen','rows-per-second'='5','fields.k.min'='1','fields.k.max'='3')";
const SNK_V1 = "CREATE TEMPORARY TABLE snk (k INT, c BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector'='blackhole')";
const SNK_V2 = "CREATE TEMPORARY TABLE snk (k INT, c BIGINT, s BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector'='blackhole')";
const INSERT_V1 = "INSERT INTO snk SELECT k, COUNT(*) FROM src GROUP BY k";
const INSERT_V2 = "INSERT INTO snk SELECT k, COUNT(*), CAST(SUM(amount) AS BIGINT) FROM src GROUP BY k";
const T = { timeoutMs: 120_000 };
// Checkpointing on, as on a production job: Flink's default restart strategy then restarts a failing job (exponential delay) instead of failing it.
const JOB_CONFIG = { "execution.checkpointing.interval": "10 s" };
const newJobId = () => randomBytes(16).toString("hex");

interface PlanNode {
    id: number;
    type: string;
}
interface Plan {
    nodes: PlanNode[];
    edges: { source: number; target: number }[];
}

/**
 * Give each node of `next` the id of the node of the same type in `prev` (node ids make the
 * operator uids, `<id>_<transformation>`), so the new aggregate restores the old one's state.
 * Ids of a fresh session start at 1 in both, but their order may differ between the two queries.
 */
function keepNodeIds(prev: Plan, next: Plan): Plan {
    const byType = new Map(prev.nodes.map((n) => [n.type, n.id]));
    const kept = new Set(next.nodes.map((n) => byType.get(n.type)).filter((id): id is number => id !== undefined));
    let fresh = Math.max(...prev.nodes.map((n) => n.id), ...next.nodes.map((n) => n.id));
    const ids = new Map(next.nodes.map((n) => [n.id, byType.get(n.type) ?? (kept.has(n.id) ? ++fresh : n.id)]));
    return {
        ...next,
        nodes: next.nodes.map((n) => ({ ...n, id: ids.get(n.id)! })),
        edges: next.edges.map((e) => ({ ...e, source: ids.get(e.source)!, target: ids.get(e.target)! })),
    };
}

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("health gate fail-fast on real Flink %s", (version, line, index) => {
    const restPort = portBlock(1970 + index * 10);
    const gatewayPort = restPort + 5;
    let dir = "";
    let cluster: RunningCluster | undefined;
    let flink: FlinkClient;
    let gateway: GatewayClient;
    const jobs: string[] = [];

    /** Run `statements` in a fresh session (temporary tables live only in it); the last one's result. */
    const inFreshSession = (properties: Record<string, string>, ...statements: string[]) =>
        gateway.withSession(properties, async (s) => {
            let last;
            for (const statement of statements) last = await gateway.runStatement(s, statement, T);
            return last!;
        });

    beforeAll(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), `pf-failfast-${version}-`));
        cluster = await startCluster(line, restPort, { sqlGateway: { enabled: true, port: gatewayPort } });
        flink = createFlinkClient({ baseUrl: cluster.restUrl });
        gateway = createGatewayClient({ baseUrl: cluster.state.sqlGatewayUrl });
    });
    afterAll(async () => {
        for (const id of jobs) await flink?.cancelJob(id).catch(() => undefined);
        await cluster?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const policy = { runningTimeoutSeconds: 120, stableSeconds: 10, requireCheckpoint: false, maxRestarts: 10, finishTimeoutSeconds: 3600 };
    const progress = (m: string) => console.log(`[${version}] ${m}`);
    let savepoint = "";
    let v2Plan: Plan | undefined;
    const aggregate = (p: Plan) => p.nodes.find((n) => /group-aggregate/.test(n.type))!;
    /** Submit a plan restored from the savepoint under a fresh job id; returns the id and when it was submitted. */
    const submitRestored = async (plan: Plan, file: string) => {
        fs.writeFileSync(path.join(dir, file), JSON.stringify(plan));
        const jobId = newJobId();
        jobs.push(jobId);
        const submitAt = Date.now();
        const properties = { ...JOB_CONFIG, "execution.state-recovery.path": savepoint, "$internal.pipeline.job-id": jobId, "pipeline.name": "it-failfast" };
        const submit = await inFreshSession(properties, SRC, SNK_V2, `EXECUTE PLAN 'file://${path.join(dir, file)}'`).then(
            () => "accepted",
            (e: unknown) => String(e),
        );
        return { jobId, submitAt, submit };
    };

    test("an aggregate that gained an accumulator, restored under its old operator id, fails the gate naming StateMigrationException in < 30 s", async () => {
        const v1File = path.join(dir, "v1.json");
        const v2File = path.join(dir, "v2-compiled.json");
        await inFreshSession({}, SRC, SNK_V1, `COMPILE PLAN 'file://${v1File}' FOR ${INSERT_V1}`);
        const v1 = newJobId();
        jobs.push(v1);
        const submitted = await inFreshSession(
            { ...JOB_CONFIG, "$internal.pipeline.job-id": v1, "pipeline.name": "it-failfast" },
            SRC,
            SNK_V1,
            `EXECUTE PLAN 'file://${v1File}'`,
        );
        expect(submitted.jobId).toBe(v1);
        const running = await waitFor(
            "v1 running with all tasks",
            async () => {
                const job = (await flink.jobsOverview()).find((j) => j.jid === v1);
                return job?.state === "RUNNING" && job.tasks?.running === job.tasks?.total ? job : undefined;
            },
            120_000,
            500,
        );
        await new Promise((r) => setTimeout(r, 3_000)); // some counts in the aggregate's state
        const ctx = { client: flink, restUrl: cluster!.restUrl, name: "it-failfast", progress };
        savepoint = await stopWithSavepoint(ctx, running, {
            savepointDir: `file://${path.join(dir, "sp")}`,
            savepointTimeoutSeconds: 120,
            formatType: "CANONICAL",
        });

        await inFreshSession({}, SRC, SNK_V2, `COMPILE PLAN 'file://${v2File}' FOR ${INSERT_V2}`);
        const prev = JSON.parse(fs.readFileSync(v1File, "utf8")) as Plan;
        v2Plan = keepNodeIds(prev, JSON.parse(fs.readFileSync(v2File, "utf8")) as Plan);
        expect(aggregate(v2Plan).id).toBe(aggregate(prev).id);

        const v2 = await submitRestored(v2Plan, "v2.json");
        expect(v2.submit).toBe("accepted"); // the JobMaster starts: the failure comes from the tasks' restore
        const gate = await healthGate(flink, cluster!.restUrl, v2.jobId, policy, progress);
        const elapsedMs = Date.now() - v2.submitAt;
        const state = (await flink.job(v2.jobId)).state;
        console.log(
            `[${version}] gate failed ${elapsedMs} ms after the submit (job ${state}, runningTimeoutSeconds ${policy.runningTimeoutSeconds}): ${gate.ok ? "(passed!)" : gate.reason}`,
        );
        expect(gate.ok).toBe(false);
        const reason = gate.ok ? "" : gate.reason;
        expect(reason).toMatch(
            new RegExp(
                `^job ${v2.jobId} cannot restore its state: StateMigrationException: For heap backends, the new state serializer .+ must not be incompatible .+: restarting does not help$`,
            ),
        );
        expect(reason).not.toContain("Error while getting state");
        expect(elapsedMs).toBeLessThan(30_000);
        // Still restart-looping: the fail-fast rule ended the wait, not a FAILED job.
        expect(isActive(state)).toBe(true);
    });

    test("an operator id that disappeared: the job FAILS at submit, the gate names the unmapped state", async () => {
        expect(v2Plan && savepoint).toBeTruthy(); // the previous test left its savepoint
        const old = aggregate(v2Plan!).id;
        const gone = 1 + Math.max(...v2Plan!.nodes.map((n) => n.id));
        const renumber = (id: number) => (id === old ? gone : id);
        const plan = {
            ...v2Plan!,
            nodes: v2Plan!.nodes.map((n) => ({ ...n, id: renumber(n.id) })),
            edges: v2Plan!.edges.map((e) => ({ ...e, source: renumber(e.source), target: renumber(e.target) })),
        };
        const v3 = await submitRestored(plan, "v3.json");
        console.log(`[${version}] submit: ${v3.submit}`);
        expect(v3.submit).toContain("Cannot map checkpoint/savepoint state for operator");
        const gate = await healthGate(flink, cluster!.restUrl, v3.jobId, policy, progress);
        console.log(`[${version}] gate failed ${Date.now() - v3.submitAt} ms after the submit: ${gate.ok ? "(passed!)" : gate.reason}`);
        expect((await flink.job(v3.jobId)).state).toBe("FAILED");
        expect(gate.ok ? "" : gate.reason).toMatch(
            new RegExp(
                `^job ${v3.jobId} cannot restore its state: IllegalStateException: Failed to rollback to checkpoint/savepoint \\S+\\. Cannot map checkpoint/savepoint state for operator [0-9a-f]{32} to the new program`,
            ),
        );
    });
});
