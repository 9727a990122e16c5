/**
 * The SQL Gateway client against a real gateway started with the local cluster, every release
 * line of the test bed: sessions, DDL, INSERT returning its job id at once, a job id and name fixed
 * through session properties (how the provider controls job ids), EXPLAIN, typed SQL errors with
 * positions, restore from a savepoint through session properties, and delete stopping the gateway.
 */
import { randomBytes } from "crypto";
import * as path from "path";
import { createFlinkClient, FlinkClient } from "../../provider/flink";
import { localLayout } from "../../provider/local/layout";
import { clusterProcesses } from "../../provider/local/processes";
import { portFree } from "../../provider/local/start";
import { createGatewayClient, GatewayClient, isSqlGatewayNotFound, SqlGatewayError } from "../../provider/sqlgateway";
import { RunningCluster, startCluster } from "../support/cluster";
import { waitFor } from "../support/counter";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

const SRC = "CREATE TABLE src (k INT, v BIGINT) WITH ('connector'='datagen','rows-per-second'='5','fields.k.min'='0','fields.k.max'='3')";
const SNK = "CREATE TABLE snk (k INT, c BIGINT) WITH ('connector'='blackhole')";
const INSERT = "INSERT INTO snk SELECT k, COUNT(*) FROM src GROUP BY k";
const T = { timeoutMs: 120_000 };
const newJobId = () => randomBytes(16).toString("hex");

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("SQL Gateway on real Flink %s", (version, line, index) => {
    const restPort = portBlock(800 + index * 10);
    const gatewayPort = restPort + 5;
    let cluster: RunningCluster | undefined;
    let flink: FlinkClient;
    let gateway: GatewayClient;
    const jobs: string[] = [];
    const v120 = version.startsWith("1.");

    const tables = async (session: string) => {
        await gateway.runStatement(session, SRC, T);
        await gateway.runStatement(session, SNK, T);
    };
    const running = (id: string) => async () => {
        const job = await flink.job(id);
        return job.state === "RUNNING" && job.vertices.every((v) => v.status === "RUNNING") ? job : undefined;
    };
    const cancel = async (id: string) => {
        await flink.cancelJob(id);
        await waitFor(`job ${id} canceled`, async () => ((await flink.job(id)).state === "CANCELED" ? true : undefined));
    };
    const failure = async (statement: string): Promise<SqlGatewayError> => {
        const err = await gateway.withSession(undefined, async (s) => {
            await tables(s);
            return gateway.runStatement(s, statement, T).then(
                () => undefined,
                (e: unknown) => e,
            );
        });
        expect(err).toBeInstanceOf(SqlGatewayError);
        return err as SqlGatewayError;
    };

    beforeAll(async () => {
        cluster = await startCluster(line, restPort, { sqlGateway: { enabled: true, port: gatewayPort } });
        flink = createFlinkClient({ baseUrl: cluster.restUrl });
        gateway = createGatewayClient({ baseUrl: cluster.state.sqlGatewayUrl });
    });
    afterAll(async () => {
        for (const id of jobs) await flink?.cancelJob(id).catch(() => undefined);
        await cluster?.stop();
    });

    test("the cluster outputs the gateway URL; it reports the cluster's version and is one of its processes", async () => {
        expect(cluster!.state.sqlGatewayUrl).toBe(`http://localhost:${gatewayPort}`);
        expect(cluster!.state.connection.sqlGatewayUrl).toBe(`http://localhost:${gatewayPort}`);
        expect(await gateway.info()).toEqual({ productName: "Apache Flink", version });
        const roles = clusterProcesses(localLayout(cluster!.workDir))
            .map((p) => p.role)
            .sort();
        expect(roles).toEqual(["jobmanager", "sqlgateway", "taskmanager"]);
    });

    test("DDL answers OK; INSERT returns its job id at once; the job runs on this cluster after the session closed", async () => {
        const result = await gateway.withSession({ "pipeline.name": "it-sql-insert" }, async (s) => {
            const ddl = await gateway.runStatement(s, SRC, T);
            expect(ddl).toEqual({ columns: ["result"], rows: [["OK"]], resultKind: "SUCCESS", isQueryResult: false });
            await gateway.runStatement(s, SNK, T);
            return gateway.runStatement(s, INSERT, T);
        });
        expect(result.jobId).toMatch(/^[0-9a-f]{32}$/);
        expect(result).toMatchObject({ columns: ["job id"], rows: [[result.jobId]], isQueryResult: false });
        jobs.push(result.jobId!);
        await waitFor("INSERT job running", running(result.jobId!), 120_000, 500);
        expect((await flink.jobsOverview()).find((j) => j.jid === result.jobId)?.name).toBe("it-sql-insert");
        await cancel(result.jobId!);
    });

    test("session properties $internal.pipeline.job-id and pipeline.name fix the job's id and name", async () => {
        const wanted = newJobId();
        const result = await gateway.withSession({ "$internal.pipeline.job-id": wanted, "pipeline.name": "named" }, async (s) => {
            await tables(s);
            return gateway.runStatement(s, INSERT, T);
        });
        jobs.push(wanted);
        expect(result.jobId).toBe(wanted);
        const job = await waitFor("fixed-id job running", running(wanted), 120_000, 500);
        expect(job.jid).toBe(wanted);
        expect(job.name).toBe("named");
        await cancel(wanted);

        // A terminated job's id cannot be used again: the provider needs a fresh id per submission.
        const again = await gateway.withSession({ "$internal.pipeline.job-id": wanted, "pipeline.name": "named" }, async (s) => {
            await tables(s);
            return gateway.runStatement(s, INSERT, T).then(
                () => undefined,
                (e: unknown) => e,
            );
        });
        expect(again).toBeInstanceOf(SqlGatewayError);
        expect(again).toMatchObject({ statementFailed: true });
        expect((again as Error).message).toMatch(
            v120 ? /DuplicateJobSubmissionException: Job has already been submitted/ : /Duplicate\w*SubmissionException: \w+ has already been submitted/,
        );
        console.log(`[${version}] resubmitting a terminated job id: ${(again as Error).message}`);
    });

    test("the job id can also be fixed per statement (executionConfig)", async () => {
        const wanted = newJobId();
        const result = await gateway.withSession({ "pipeline.name": "per-statement" }, async (s) => {
            await tables(s);
            return gateway.runStatement(s, INSERT, { ...T, executionConfig: { "$internal.pipeline.job-id": wanted } });
        });
        jobs.push(wanted);
        expect(result.jobId).toBe(wanted);
        await waitFor("per-statement job running", running(wanted), 120_000, 500);
        await cancel(wanted);
    });

    test("EXPLAIN of a valid INSERT returns the plan and submits nothing", async () => {
        const before = (await flink.jobsOverview()).length;
        const plan = await gateway.withSession(undefined, async (s) => {
            await tables(s);
            return gateway.runStatement(s, `EXPLAIN ${INSERT}`, T);
        });
        expect(plan.jobId).toBeUndefined();
        expect(String(plan.rows[0]?.[0])).toContain("== Abstract Syntax Tree ==");
        expect(String(plan.rows[0]?.[0])).toContain("Sink(table=[default_catalog.default_database.snk]");
        expect((await flink.jobsOverview()).length).toBe(before);
    });

    test("configureSession (v2) runs DDL synchronously; a query reads to the end", async () => {
        const rows = await gateway.withSession(undefined, async (s) => {
            await gateway.configureSession(s, SNK);
            return gateway.runStatement(s, "SHOW TABLES", T);
        });
        expect(rows.rows).toEqual([["snk"]]);
        const query = await gateway.withSession({ "execution.runtime-mode": "batch" }, (s) => gateway.runStatement(s, "SELECT 1 + 1 AS two", T));
        expect(query).toMatchObject({ columns: ["two"], rows: [[2]], isQueryResult: true, resultKind: "SUCCESS_WITH_CONTENT" });
    });

    test("a syntax error is a typed error with line and column", async () => {
        const err = await failure("SELECT k,\n  COUNT(*)\nFORM src GROUP BY k");
        console.log(`[${version}] syntax error: ${err.message}`);
        expect(err).toMatchObject({ statementFailed: true, status: 500 });
        expect(err.message).toMatch(/SQL parse failed\. Encountered "src" at line 3, column 6\./);
        expect(err.sqlPosition).toEqual({ line: 3, column: 6 });
    });

    test("an unknown table is a typed error naming it, with its position", async () => {
        const err = await failure("INSERT INTO snk SELECT k, COUNT(*) FROM nope GROUP BY k");
        console.log(`[${version}] unknown table: ${err.message}`);
        expect(err.message).toContain("Object 'nope' not found");
        expect(err.sqlPosition).toEqual({ line: 1, column: 41 });
    });

    test("a missing connector names it and lists the available ones (datagen, blackhole, print are built in)", async () => {
        const err = await gateway.withSession(undefined, async (s) => {
            await tables(s);
            await gateway.runStatement(s, "CREATE TABLE k (k INT, c BIGINT) WITH ('connector'='kafka','topic'='t')", T);
            return gateway.runStatement(s, "INSERT INTO k SELECT k, COUNT(*) FROM src GROUP BY k", T).then(
                () => undefined,
                (e: unknown) => e,
            );
        });
        console.log(`[${version}] missing connector: ${(err as Error).message}`);
        expect(err).toBeInstanceOf(SqlGatewayError);
        expect((err as Error).message).toContain("Could not find any factory for identifier 'kafka'");
        expect((err as Error).message).toMatch(/Available factory identifiers are: blackhole, datagen, .*print/);
    });

    test("unknown sessions and operations are typed not-found errors; closing twice is harmless", async () => {
        const s = await gateway.openSession({ sessionName: "it-close" });
        await gateway.closeSession(s);
        await gateway.closeSession(s);
        const err = await gateway.executeStatement(s, { statement: "SELECT 1" }).catch((e: unknown) => e);
        expect(isSqlGatewayNotFound(err)).toBe(true);
        const op = await gateway.withSession(undefined, async (live) =>
            gateway.fetchResults(live, "00000000-0000-0000-0000-000000000000", 0).catch((e: unknown) => e),
        );
        console.log(`[${version}] unknown operation: ${(op as Error).message}`);
        expect(isSqlGatewayNotFound(op)).toBe(true);
    });

    test("a session property restores the job from a savepoint (both restore keys checked)", async () => {
        const first = await gateway.withSession({ "pipeline.name": "it-sql-restore" }, async (s) => {
            await tables(s);
            return gateway.runStatement(s, INSERT, T);
        });
        jobs.push(first.jobId!);
        await waitFor("stateful job running", running(first.jobId!), 120_000, 500);
        await new Promise((r) => setTimeout(r, 3_000)); // some state to snapshot
        const trigger = await flink.stopWithSavepoint(first.jobId!, { drain: false, targetDirectory: path.join(cluster!.workDir, "it-sp") });
        const savepoint = await flink.waitForSavepoint(first.jobId!, trigger, { timeoutMs: 120_000 });

        const outcome: Record<string, string | undefined> = {};
        for (const key of ["execution.state-recovery.path", "execution.savepoint.path"]) {
            const id = newJobId();
            await gateway.withSession({ [key]: savepoint, "$internal.pipeline.job-id": id, "pipeline.name": `restored-${key}` }, async (s) => {
                await tables(s);
                return gateway.runStatement(s, INSERT, T);
            });
            jobs.push(id);
            await waitFor(`job restored with ${key} running`, running(id), 120_000, 500);
            const started = Date.now();
            const restored = await waitFor(
                `checkpoint stats of ${id}`,
                async () => {
                    const stats = await flink.checkpoints(id);
                    // Restore is reported once the job runs; give it a few polls before deciding "no restore".
                    return stats.latest?.restored ? stats : Date.now() - started > 10_000 ? stats : undefined;
                },
                60_000,
                500,
            );
            outcome[key] = restored.latest?.restored?.external_path;
            await cancel(id);
        }
        console.log(`[${version}] restore keys: ${JSON.stringify(outcome)} (savepoint ${savepoint})`);
        // The key the provider uses for this version restores the job.
        expect(outcome["execution.state-recovery.path"]).toBe(savepoint);
        if (v120) expect(outcome["execution.savepoint.path"]).toBe(savepoint); // deprecated key still honoured in 1.20
    });

    test("delete stops the gateway with the cluster and frees its port", async () => {
        const layout = localLayout(cluster!.workDir);
        const gw = clusterProcesses(layout).find((p) => p.role === "sqlgateway");
        expect(gw).toBeDefined();
        for (const id of jobs) await flink.cancelJob(id).catch(() => undefined);
        await cluster!.stop();
        cluster = undefined;
        expect(clusterProcesses(layout)).toEqual([]);
        expect(() => process.kill(gw!.pid, 0)).toThrow();
        expect(await portFree("localhost", gatewayPort)).toBe(true);
        await expect(gateway.info()).rejects.toMatchObject({ kind: "unreachable" });
    });
});
