/**
 * Cluster `libraries` on real Flink, every release line of the test bed: a JDBC connector and the
 * PostgreSQL driver declared by Maven coordinates are resolved with their dependencies from the
 * real repository, land in the cluster's own lib folder (the home's stays as it was), are on the
 * classpath of the JobManager, TaskManager and SQL Gateway, and a SQL job writes to a real
 * PostgreSQL through them without any ADD JAR. Changing the list while a job pulumi-flink did not
 * start runs is refused (pulumi-flink's own jobs are handed over: tests/e2e/cluster-handoff.test.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { clusterProvider } from "../../provider/cluster";
import { localClusterSchema } from "../../provider/cluster/schema";
import { createFlinkClient, FlinkClient } from "../../provider/flink";
import { localLayout } from "../../provider/local/layout";
import { clusterProcesses } from "../../provider/local/processes";
import { createGatewayClient, GatewayClient } from "../../provider/sqlgateway";
import { RunningCluster, startCluster } from "../support/cluster";
import { waitFor } from "../support/counter";
import { ScratchPostgres, startScratchPostgres } from "../support/scratch-postgres";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

const T = { timeoutMs: 120_000 };
/** The JDBC connector release built for each Flink line (4.x splits the dialects into modules). */
const JDBC: Record<string, string> = {
    "1": "org.apache.flink:flink-connector-jdbc:3.3.0-1.20",
    "2": "org.apache.flink:flink-connector-jdbc-postgres:4.0.0-2.0",
};
const DRIVER = "org.postgresql:postgresql:42.7.4";

/** Names, sizes and modification times of a folder's entries: any change to the home's lib shows. */
const listing = (dir: string) =>
    fs
        .readdirSync(dir)
        .sort()
        .map((f) => {
            const s = fs.lstatSync(path.join(dir, f));
            return `${f} ${s.size} ${s.mtimeMs}`;
        });

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("cluster libraries on real Flink %s", (version, line, index) => {
    const restPort = portBlock(1650 + index * 10);
    const gatewayPort = restPort + 5;
    const pgPort = restPort + 7;
    const homeLib = path.join(line.home, "lib");
    const before = listing(homeLib);
    const libraries = [{ maven: JDBC[version.split(".")[0]] }, { maven: DRIVER }];
    let cluster: RunningCluster | undefined;
    let pg: ScratchPostgres | undefined;
    let flink: FlinkClient;
    let gateway: GatewayClient;
    const jobs: string[] = [];

    beforeAll(async () => {
        pg = startScratchPostgres(pgPort);
        pg.sql("CREATE TABLE counts (k INT PRIMARY KEY, c BIGINT)");
        cluster = await startCluster(line, restPort, { sqlGateway: { enabled: true, port: gatewayPort }, libraries });
        flink = createFlinkClient({ baseUrl: cluster.restUrl });
        gateway = createGatewayClient({ baseUrl: cluster.state.sqlGatewayUrl });
    });
    afterAll(async () => {
        for (const id of jobs) await flink?.cancelJob(id).catch(() => undefined);
        await cluster?.stop();
        pg?.stop();
    });

    test("the resolver brings the connector's runtime dependencies; they are in the cluster's own lib, not the home's", () => {
        const lib = fs.readdirSync(localLayout(cluster!.workDir).libDir);
        const added = lib.filter((f) => !fs.lstatSync(path.join(localLayout(cluster!.workDir).libDir, f)).isSymbolicLink()).sort();
        console.log(`[${version}] ${libraries.map((l) => l.maven).join(" + ")} resolved to: ${added.join(", ")}`);
        expect(added).toEqual(
            expect.arrayContaining([expect.stringMatching(/^flink-connector-jdbc-core-/), "postgresql-42.7.4.jar", expect.stringMatching(/^checker-qual-/)]),
        );
        // Every jar of the home is linked in, so the cluster still has Flink itself.
        for (const f of fs.readdirSync(homeLib)) expect(lib).toContain(f);
        expect(listing(homeLib)).toEqual(before);
        expect(fs.readdirSync(homeLib).filter((f) => /jdbc|postgres/.test(f))).toEqual([]);
        expect(cluster!.state.librariesHash).toMatch(/^[0-9a-f]+$/);
        expect(cluster!.state.gatewayLocal).toBe(true);
    });

    test("the JobManager, TaskManager and SQL Gateway JVMs all run with the cluster's lib folder", () => {
        const procs = clusterProcesses(localLayout(cluster!.workDir));
        expect(procs.map((p) => p.role).sort()).toEqual(["jobmanager", "sqlgateway", "taskmanager"]);
        const driver = path.join(localLayout(cluster!.workDir).libDir, "postgresql-42.7.4.jar");
        for (const p of procs) expect(fs.readFileSync(`/proc/${p.pid}/cmdline`, "utf8")).toContain(driver);
    });

    test("a SQL job writes to PostgreSQL through the jdbc connector without ADD JAR", async () => {
        const result = await gateway.withSession({ "pipeline.name": "libs-jdbc" }, async (s) => {
            await gateway.runStatement(
                s,
                "CREATE TABLE src (k INT, v BIGINT) WITH ('connector'='datagen','number-of-rows'='40','rows-per-second'='20','fields.k.min'='0','fields.k.max'='3')",
                T,
            );
            await gateway.runStatement(
                s,
                `CREATE TABLE counts (k INT, c BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector'='jdbc','url'='${pg!.jdbcUrl}','table-name'='counts')`,
                T,
            );
            const plan = await gateway.runStatement(s, "EXPLAIN INSERT INTO counts SELECT k, COUNT(*) FROM src GROUP BY k", T);
            expect(String(plan.rows[0]?.[0])).toContain("Sink(table=[default_catalog.default_database.counts]");
            return gateway.runStatement(s, "INSERT INTO counts SELECT k, COUNT(*) FROM src GROUP BY k", T);
        });
        jobs.push(result.jobId!);
        const done = await waitFor(
            "jdbc job finished",
            async () => {
                const job = await flink.job(result.jobId!);
                return ["FINISHED", "FAILED", "CANCELED"].includes(job.state) ? job.state : undefined;
            },
            180_000,
            1_000,
        );
        if (done !== "FINISHED") console.log(`[${version}] root exception: ${JSON.stringify(await flink.rootException(result.jobId!))}`);
        expect(done).toBe("FINISHED");
        expect(pg!.sql("SELECT SUM(c) FROM counts")).toBe("40");
    });

    test("changing the libraries while a job pulumi-flink did not start runs is refused; the cluster and the job keep running", async () => {
        const result = await gateway.withSession({ "pipeline.name": "libs-running" }, async (s) => {
            await gateway.runStatement(s, "CREATE TABLE g (k INT) WITH ('connector'='datagen','rows-per-second'='1')", T);
            await gateway.runStatement(s, "CREATE TABLE b (k INT) WITH ('connector'='blackhole')", T);
            return gateway.runStatement(s, "INSERT INTO b SELECT k FROM g", T);
        });
        jobs.push(result.jobId!);
        await waitFor("job running", async () => ((await flink.job(result.jobId!)).state === "RUNNING" ? true : undefined), 120_000, 500);
        const declared = Object.entries(cluster!.state).filter(([k]) => k in localClusterSchema.shape);
        const inputs = { ...Object.fromEntries(declared), libraries: [libraries[0]] };
        const pids = clusterProcesses(localLayout(cluster!.workDir))
            .map((p) => p.pid)
            .sort();
        await expect(clusterProvider.update!(cluster!.id, cluster!.state, inputs)).rejects.toThrow(
            /restarts the local cluster, which would kill 1 job\(s\) without a savepoint: libs-running \(RUNNING\) \(pulumi-flink did not start them/,
        );
        expect(
            clusterProcesses(localLayout(cluster!.workDir))
                .map((p) => p.pid)
                .sort(),
        ).toEqual(pids);
        expect((await flink.job(result.jobId!)).state).toBe("RUNNING");
        expect((await clusterProvider.diff!(cluster!.id, cluster!.state, inputs)).changes).toBe(true);
    });
});
