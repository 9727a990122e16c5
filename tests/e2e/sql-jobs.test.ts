/**
 * SQL jobs through a real SQL Gateway and VariableSets with secrets, through the real pulumi CLI
 * on real Flink (every line of the test bed): A state continuity, B SQL errors stop nothing,
 * C a variable change restarts exactly its users, D secrets never leak, E unknown ${NAME}.
 */
import { randomBytes } from "crypto";
import { RunningCluster, startCluster } from "../support/cluster";
import { waitFor } from "../support/counter";
import { countingSql, JobStack, printedCounts, SQL_JOBS_PROGRAM } from "../support/jobs";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

const quick = { health: { stableSeconds: 2 } };

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("SQL jobs on Flink %s (real SQL Gateway, real pulumi CLI)", (version, line, index) => {
    let cluster: RunningCluster;
    const v = version.replace(/\./g, "-");
    const stackFor = async (name: string, variables: Record<string, string> = {}, secrets: Record<string, string> = {}) => {
        const stack = new JobStack(`sql-${name}-${v}`, cluster.restUrl, {}, SQL_JOBS_PROGRAM);
        await stack.init();
        await stack.project.ok(["config", "set", "sqlGatewayUrl", cluster.state.sqlGatewayUrl]);
        // The test cluster's gateway runs on this machine: the remote cluster says so, so SQL jobs run from compiled plans.
        await stack.project.ok(["config", "set", "gatewayHere", "true"]);
        await stack.project.ok(["config", "set", "variables", JSON.stringify(variables)]);
        await stack.project.ok(["config", "set", "secretNames", JSON.stringify(Object.keys(secrets))]);
        for (const [n, value] of Object.entries(secrets)) await stack.project.ok(["config", "set", "--secret", `secret_${n}`, value]);
        return stack;
    };
    const counted = (identifier: string, above = 0) =>
        waitFor(
            `${identifier} counting past ${above}`,
            () => {
                const c = printedCounts(cluster.workDir, identifier);
                return c && c.last > above ? c : undefined;
            },
            90_000,
        );

    beforeAll(async () => {
        const port = portBlock(900 + index * 10);
        cluster = await startCluster(line, port, { slotsPerTaskManager: 10, taskManagerMemory: "2g", sqlGateway: { enabled: true, port: port + 5 } });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("A: a changed SQL (sink option, filter) and parallelism restore from the savepoint; state continues", async () => {
        const stack = await stackFor("a");
        await stack.setJobs({ agg: { name: "sql-agg", sql: countingSql(`v1-a-${v}`), ...quick } });
        await stack.upOk();
        const v1 = await stack.job("agg");
        await counted(`v1-a-${v}`, 20);

        await stack.setJobs({ agg: { name: "sql-agg", sql: countingSql(`v2-a-${v}`, "WHERE v IS NOT NULL"), parallelism: 2, ...quick } });
        const preview = await stack.project.ok(["preview"]);
        expect(preview.output).toContain("sql-agg: savepoint-and-redeploy (changed: parallelism, sql) - state verdict: compatible; stopped with a savepoint");
        await stack.upOk();
        const final = printedCounts(cluster.workDir, `v1-a-${v}`)!.last; // v1 is stopped: its last count is the savepoint's
        const v2 = await counted(`v2-a-${v}`);
        expect(v2.first).toBeGreaterThan(final); // continued from the savepoint, not from zero
        const job = await stack.job("agg");
        expect(job.generation).toBe(v1.generation + 1);
        expect(job.restoredFrom).toMatch(/savepoint-/);
        expect(await stack.active("sql-agg")).toHaveLength(1);
        await stack.destroy();
    });

    test("B: a syntax error or an unknown table fails before anything is stopped, pointing at the line", async () => {
        const stack = await stackFor("b");
        await stack.setJobs({ agg: { name: "sql-b", sql: countingSql(`b-${v}`), ...quick } });
        await stack.upOk();
        const before = await stack.job("agg");

        await stack.setJobs({ agg: { name: "sql-b", sql: countingSql(`b-${v}`).replace("FROM src", "FORM src"), ...quick } });
        const syntax = await stack.up();
        expect(syntax.code).not.toBe(0);
        expect(syntax.output).toMatch(/fails at sql line 3, column \d+/);
        expect(syntax.output).toContain(`left behind: nothing stopped or submitted; job ${before.jobId} as it was`);

        await stack.setJobs({ agg: { name: "sql-b", sql: countingSql(`b-${v}`).replace("FROM src", "FROM no_such_table"), ...quick } });
        const unknown = await stack.up();
        expect(unknown.code).not.toBe(0);
        expect(unknown.output).toMatch(/no_such_table/);
        expect(unknown.output).toMatch(/fails at sql line 3/);

        const active = await stack.active("sql-b");
        expect(active.map((j) => [j.jid, j.state])).toEqual([[before.jobId, "RUNNING"]]);
        await stack.setJobs({ agg: { name: "sql-b", sql: countingSql(`b-${v}`), ...quick } });
        await stack.destroy();
    });

    test("C: changing a variable used by 2 of 5 jobs restarts exactly those 2, and the preview lists exactly them", async () => {
        const stack = await stackFor("c", { TAG_A: "a1", TAG_B: "b1" });
        const jobs = Object.fromEntries(
            [1, 2, 3, 4, 5].map((i) => [`j${i}`, { name: `sql-c${i}`, sql: countingSql(`\${${i <= 2 ? "TAG_A" : "TAG_B"}}-c${i}-${v}`), ...quick }]),
        );
        await stack.setJobs(jobs);
        await stack.upOk();
        const before = await stack.project.outputs();

        await stack.project.ok(["config", "set", "variables", JSON.stringify({ TAG_A: "a2", TAG_B: "b1" })]);
        const preview = await stack.project.ok(["preview"]);
        const restarts = preview.output.split("\n").filter((l) => /preview: sql-c\d: savepoint-and-redeploy/.test(l));
        const named = [...new Set(restarts.map((l) => /sql-c\d/.exec(l)![0]))].sort();
        expect(named).toEqual(["sql-c1", "sql-c2"]);
        expect(restarts.every((l) => l.includes("changed: variables (TAG_A)"))).toBe(true);

        await stack.upOk();
        const after = await stack.project.outputs();
        const id = (o: Record<string, unknown>, k: string) => (o[k] as { jobId: string }).jobId;
        for (const k of ["j1", "j2"]) expect(id(after, k)).not.toBe(id(before, k));
        for (const k of ["j3", "j4", "j5"]) expect(id(after, k)).toBe(id(before, k));
        await counted(`a2-c1-${v}`);
        await stack.destroy();
    });

    test("D: a secret used in SQL appears nowhere: not in state, CLI output of preview/up/destroy, or provider output", async () => {
        const secret = `pf-${randomBytes(8).toString("hex")}`;
        const stack = await stackFor("d", {}, { DB_PASSWORD: secret });
        const sql = (tag: string) => countingSql(`${tag}-d-${v}`, "WHERE CAST(v AS STRING) <> '${DB_PASSWORD}'");
        await stack.setJobs({ agg: { name: "sql-d", sql: sql("v1"), ...quick } });
        const outputs: string[] = [];
        outputs.push((await stack.project.ok(["preview", "--diff"])).output);
        outputs.push((await stack.upOk()).output);
        await counted(`v1-d-${v}`);
        await stack.setJobs({ agg: { name: "sql-d", sql: sql("v2"), ...quick } });
        outputs.push((await stack.project.ok(["preview", "--diff"])).output);
        outputs.push((await stack.upOk()).output);
        outputs.push((await stack.project.ok(["stack", "output", "--json"])).output);
        const state = await stack.project.exportState();
        expect(state).toContain('"ciphertext"'); // the variables are stored encrypted
        outputs.push(state);
        outputs.push((await stack.project.ok(["destroy", "--yes", "--skip-preview"])).output);
        for (const text of outputs) expect(text).not.toContain(secret);
    });

    test("E: an unknown ${NAME} fails the preview naming the job, the placeholder and the variables that exist", async () => {
        const stack = await stackFor("e", { BROKERS: "kafka:9092", TOPIC: "orders" });
        await stack.setJobs({ agg: { name: "sql-e", sql: countingSql("${TOPIK}") } });
        const preview = await stack.project.run(["preview"]);
        expect(preview.code).not.toBe(0);
        expect(preview.output).toContain('job "sql-e" uses ${TOPIK}');
        expect(preview.output).toContain("BROKERS, TOPIC");
        expect(await stack.active("sql-e")).toEqual([]);
    });
});
