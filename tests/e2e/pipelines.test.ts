/**
 * Real pipelines (issue 11 acceptance), through the real pulumi CLI on real Flink (every line of
 * the test bed), a real Kafka broker, PostgreSQL and MariaDB, with the real connectors declared as
 * cluster libraries and resolved from Maven Central:
 *   A  KafkaToJdbcSync + a Kafka -> keyed COUNT/SUM -> JDBC upsert job: Postgres equals the batch
 *   B  parallelism and a sink option change, another batch: totals exact
 *   C  out-of-band cancel, another batch, up --refresh: restored from a retained checkpoint, exact;
 *      kill -9 of every cluster process, another batch, up --refresh: exact again
 *   D  MysqlCdcMirror (lines with a CDC connector): inserts, updates, deletes mirrored, an upgrade
 *      in the middle loses nothing
 *   E  a password with ' $ \ " ${ and non-ASCII: the jobs connect, no 4-character fragment of it
 *      in CLI output, provider logs, state or the gateway's log, also after a broken statement
 *   F  a bounded job runs to FINISHED; refresh + up leave it alone
 *   G  a remote cluster whose gateway cannot see the deploying machine's files: with libraries on
 *      the cluster the job works; with a local `dependencies` path it is refused at preview
 *   H  the broker and database of every job come from `${...}` variables
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { createFlinkClient } from "../../provider/flink";
import { waitFor } from "../support/counter";
import { startIsolatedCluster, IsolatedCluster } from "../support/isolated-cluster";
import { RunningKafka, startKafka } from "../support/kafka";
import { RunningMariaDb, startMariaDb } from "../support/mariadb";
import { countAndSum, Order, orders } from "../support/pipelines";
import { leakedFragments, PIPELINE_PROGRAM, REMOTE_PIPELINE_PROGRAM } from "../support/pipeline-program";
import { RunningPostgres, startPostgres } from "../support/postgres";
import { PulumiProject } from "../support/pulumi";
import { connectorTable, flinkLines, kafkaLibs, portBlock } from "../support/testbed";

jest.setTimeout(40 * 60_000);

/** ' $ \ " ${ and non-ASCII; no 4-character window of it is an ordinary word. */
const PASSWORD = `Qz'7$k\\Wm"\${x}éJ`;
const MYSQL_PASSWORD = `Mb'4$r\\Tn"ü8`;
const KEYS = ["alpha", "bravo", "charlie", "delta", "echo"];
const sqlLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

let kafka: RunningKafka;
let pg: RunningPostgres;
let maria: RunningMariaDb;

beforeAll(async () => {
    [kafka, pg, maria] = await Promise.all([startKafka(kafkaLibs(), portBlock(1900)), startPostgres(portBlock(1902)), startMariaDb(portBlock(1904))]);
    await pg.sql(`ALTER ROLE ${pg.user} PASSWORD ${sqlLiteral(PASSWORD)}`);
    await maria.sql(`ALTER USER '${maria.user}'@'%' IDENTIFIED BY ${sqlLiteral(MYSQL_PASSWORD).replace(/\\/g, "\\\\")}`);
}, 10 * 60_000);
afterAll(async () => {
    await Promise.all([kafka?.stop(), pg?.stop(), maria?.stop()]);
});

/** Cluster libraries for a line: the connectors of the test bed's table, by Maven coordinates. */
function librariesFor(version: string): Array<{ maven: string }> {
    const jars = connectorTable(version).jars;
    const wanted = Object.entries(jars).filter(([name]) => name !== "jdbcCore"); // jdbc-core comes transitively with jdbc-postgres
    return wanted.map(([, coordinates]) => ({ maven: coordinates }));
}

async function produce(topic: string, batch: Order[]): Promise<void> {
    await kafka.produce(
        topic,
        batch.map((o) => ({ key: o.k, value: o })),
    );
}

async function rowsEqual(label: string, query: string, expected: string[][], timeoutMs = 180_000): Promise<void> {
    let last: string[][] = [];
    await waitFor(
        `${label}: Postgres rows equal the expectation`,
        async () => {
            last = await pg.sql(query);
            return JSON.stringify(last) === JSON.stringify(expected) || undefined;
        },
        timeoutMs,
        500,
    ).catch((err: Error) => {
        throw new Error(`${err.message}\nexpected ${JSON.stringify(expected)}\nlast seen ${JSON.stringify(last)}`);
    });
}

const outputsSeen: string[] = [];
const remember = <T extends { output: string }>(r: T): T => {
    outputsSeen.push(r.output);
    return r;
};

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))(
    "pipelines on Flink %s (real Kafka, PostgreSQL, MariaDB, connectors, pulumi CLI)",
    (version, line, index) => {
        const v = version.replace(/\./g, "-");
        const topic = `orders-${v}`;
        const hasCdc = "mysqlCdc" in connectorTable(version).jars;
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pf-pipe-${v}-`));
        const restPort = portBlock(1910 + index * 10);
        const project = new PulumiProject(`pipelines-${v}`, PIPELINE_PROGRAM);
        const produced: Order[] = [];
        const client = createFlinkClient({ baseUrl: `http://localhost:${restPort}` });
        const up = async (extra: string[] = []) => remember(await project.ok(["up", "--yes", "--skip-preview", ...extra]));
        const totals = () => rowsEqual(`agg on ${version}`, "SELECT k, c, s FROM agg_totals ORDER BY k", countAndSum(produced));
        const batch = async (n: number, seed: number) => {
            const b = orders(n, KEYS, seed);
            await produce(topic, b);
            produced.push(...b);
        };

        beforeAll(async () => {
            await kafka.createTopic(topic, 2);
            for (const t of ["agg_totals", "sync_latest", "customers_mirror", "backfill_ids"]) await pg.sql(`DROP TABLE IF EXISTS ${t}`);
            await pg.sql("CREATE TABLE agg_totals (k TEXT PRIMARY KEY, c BIGINT, s BIGINT)");
            await pg.sql("CREATE TABLE sync_latest (k TEXT PRIMARY KEY, v BIGINT)");
            await pg.sql("CREATE TABLE customers_mirror (id INT PRIMARY KEY, name TEXT, balance BIGINT)");
            await pg.sql("CREATE TABLE backfill_ids (id BIGINT PRIMARY KEY)");
            if (hasCdc) {
                await maria.sql("CREATE DATABASE IF NOT EXISTS shop");
                await maria.sql("DROP TABLE IF EXISTS shop.customers");
                await maria.sql("CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(40), balance BIGINT)");
                await maria.sql("INSERT INTO shop.customers VALUES (1, 'ada', 10), (2, 'bob', 20), (3, 'cy', 30)");
            }
            await project.init();
            const config: Record<string, string> = {
                homePath: line.home,
                workDir,
                restPort: String(restPort),
                libraries: JSON.stringify(librariesFor(version)),
                values: JSON.stringify({
                    KAFKA_BOOTSTRAP: kafka.bootstrap,
                    TOPIC: topic,
                    JDBC_URL: pg.jdbcUrl,
                    DB_USER: pg.user,
                    MYSQL_HOST: "127.0.0.1",
                    MYSQL_USER: maria.user,
                    MYSQL_DB: "shop",
                }),
                mysqlPort: String(maria.port),
                mirror: String(hasCdc),
            };
            for (const [k, value] of Object.entries(config)) await project.ok(["config", "set", k, value]);
            await project.ok(["config", "set", "--secret", "dbPassword", PASSWORD]);
            await project.ok(["config", "set", "--secret", "mysqlPassword", MYSQL_PASSWORD]);
        });
        afterAll(async () => {
            await project.run(["destroy", "--yes", "--skip-preview"]);
        });

        test("A + H + F: KafkaToJdbcSync and the aggregation write exactly the batch; the bounded job FINISHES", async () => {
            remember(await project.ok(["preview"]));
            await up();
            await batch(300, 1);
            await totals();
            const latest = new Map(produced.map((o) => [o.k, o.v] as const));
            await rowsEqual(
                "sync",
                "SELECT k, v FROM sync_latest ORDER BY k",
                [...latest.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, val]) => [k, String(val)]),
            );
            const out = await project.outputs();
            expect((out.backfill as { state: string }).state).toBe("FINISHED");
            expect(await pg.sql("SELECT COUNT(*), MIN(id), MAX(id) FROM backfill_ids")).toEqual([["100", "1", "100"]]);
        });

        test("D: the MySQL CDC mirror follows inserts, updates and deletes, across an upgrade", async () => {
            if (!hasCdc) {
                // Not faked: this line has no MySQL CDC connector on Maven Central here (see connectors.json).
                expect(connectorTable(version).missing).toHaveProperty("mysqlCdc");
                return;
            }
            await maria.sql(
                "INSERT INTO shop.customers VALUES (4, 'dee', 40); UPDATE shop.customers SET balance = 21 WHERE id = 2; DELETE FROM shop.customers WHERE id = 1",
            );
            await rowsEqual("mirror", "SELECT id, name, balance FROM customers_mirror ORDER BY id", [
                ["2", "bob", "21"],
                ["3", "cy", "30"],
                ["4", "dee", "40"],
            ]);
            await project.ok(["config", "set", "mirrorParallelism", "2"]);
            const upgrading = up();
            await maria.sql("INSERT INTO shop.customers VALUES (5, 'eve', 50); UPDATE shop.customers SET name = 'cyd' WHERE id = 3");
            await upgrading;
            await maria.sql("DELETE FROM shop.customers WHERE id = 4; INSERT INTO shop.customers VALUES (6, 'fay', 60)");
            await rowsEqual("mirror after upgrade", "SELECT id, name, balance FROM customers_mirror ORDER BY id", [
                ["2", "bob", "21"],
                ["3", "cyd", "30"],
                ["5", "eve", "50"],
                ["6", "fay", "60"],
            ]);
        });

        test("B: a parallelism and sink-option change keeps the totals exact", async () => {
            const before = (await project.outputs()).agg as { jobId: string; generation: number };
            await project.ok(["config", "set", "aggParallelism", "2"]);
            await project.ok(["config", "set", "aggFlush", "300ms"]);
            const preview = remember(await project.ok(["preview"]));
            expect(preview.output).toMatch(/orders-totals: savepoint-and-redeploy \(changed: [^)]*parallelism[^)]*\)/);
            await up();
            const after = (await project.outputs()).agg as { jobId: string; generation: number; restoredFrom: string };
            expect(after.jobId).not.toBe(before.jobId);
            expect(after.restoredFrom).toMatch(/savepoint/);
            await batch(200, 2);
            await totals();
        });

        test("C: out-of-band cancel, then kill -9 of the cluster: up --refresh restores from retained checkpoints, totals exact", async () => {
            const agg = (await project.outputs()).agg as { jobId: string };
            await client.cancelJob(agg.jobId);
            await waitFor("cancelled", async () => ((await client.job(agg.jobId)).state === "CANCELED" ? true : undefined), 60_000);
            await batch(150, 3);
            const restored = await up(["--refresh"]);
            expect(restored.output).toMatch(/retained checkpoint chk-\d+ taken [\d.]+ (s|min)/);
            await totals();

            const pids = execFileSync("pgrep", ["-f", "--", workDir], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
            expect(pids.length).toBeGreaterThanOrEqual(3); // JobManager, TaskManager, SQL Gateway
            execFileSync("kill", ["-9", ...pids]);
            await batch(150, 4);
            const afterCrash = await up(["--refresh"]);
            expect(afterCrash.output).toMatch(/checkpoint/);
            await totals();
            const jobs = (await client.jobsOverview()).filter((j) => j.name === "orders-totals" && j.state === "RUNNING");
            expect(jobs).toHaveLength(1);
        });

        test("F: refresh + up leave the FINISHED bounded job alone", async () => {
            const before = (await project.outputs()).backfill as { jobId: string };
            remember(await project.ok(["refresh", "--yes", "--skip-preview"]));
            await up();
            const after = (await project.outputs()).backfill as { jobId: string; state: string };
            expect(after).toEqual({ jobId: before.jobId, state: "FINISHED" });
            // Nothing was submitted again (after C's JobManager restart Flink may not list the finished run at all).
            const inFlink = (await client.jobsOverview()).filter((j) => j.name === "ids-backfill").map((j) => j.jid);
            expect(inFlink.filter((jid) => jid !== before.jobId)).toEqual([]);
            expect(await pg.sql("SELECT COUNT(*) FROM backfill_ids")).toEqual([["100"]]);
        });

        test("E: no 4-character fragment of the password anywhere, also after a broken statement quoting it", async () => {
            const healthy = (await project.outputs()).agg as { jobId: string };
            await project.ok(["config", "set", "brokenAgg", "true"]);
            const broken = remember(await project.run(["up", "--yes", "--skip-preview"]));
            expect(broken.code).not.toBe(0);
            expect(broken.output).toMatch(/orders-totals/);
            const running = (await client.jobsOverview()).filter((j) => j.name === "orders-totals" && j.state === "RUNNING");
            expect(running.map((j) => j.jid)).toEqual([healthy.jobId]); // the old job untouched
            await project.ok(["config", "rm", "brokenAgg"]);

            const state = await project.exportState();
            const gatewayLogs = fs
                .readdirSync(path.join(workDir, "log"))
                .filter((f) => /sql-gateway/.test(f))
                .map((f) => fs.readFileSync(path.join(workDir, "log", f), "utf8"));
            expect(gatewayLogs.length).toBeGreaterThan(0);
            for (const [what, text] of [
                ["state", state],
                ...outputsSeen.map((o, i) => [`CLI output ${i}`, o]),
                ...gatewayLogs.map((g, i) => [`gateway log ${i}`, g]),
            ] as const) {
                expect({ what, leaked: leakedFragments(text, PASSWORD) }).toEqual({ what, leaked: [] });
                expect({ what, leaked: leakedFragments(text, MYSQL_PASSWORD) }).toEqual({ what, leaked: [] });
            }
        });
    },
);

describe("G: a remote cluster whose gateway cannot see the deploying machine's files", () => {
    const line = flinkLines()[flinkLines().length - 1];
    const v = line.version.replace(/\./g, "-");
    const deployer = fs.mkdtempSync(path.join(os.tmpdir(), "pf-deployer-"));
    const topic = `remote-orders-${v}`;
    let cluster: IsolatedCluster;
    const project = new PulumiProject(`pipelines-remote-${v}`, REMOTE_PIPELINE_PROGRAM);

    beforeAll(async () => {
        await kafka.createTopic(topic, 1);
        await pg.sql("DROP TABLE IF EXISTS remote_totals");
        await pg.sql("CREATE TABLE remote_totals (k TEXT PRIMARY KEY, c BIGINT, s BIGINT)");
        // The ops side: a cluster with the connectors in its own lib, started where `deployer` is an empty tmpfs.
        cluster = await startIsolatedCluster(line, portBlock(1940), [deployer], { libraries: librariesFor(line.version) });
        fs.writeFileSync(path.join(deployer, "udf.jar"), "a jar only the deploying machine has");
        await project.init();
        await project.ok(["config", "set", "restUrl", cluster.restUrl]);
        await project.ok(["config", "set", "sqlGatewayUrl", cluster.sqlGatewayUrl]);
        await project.ok([
            "config",
            "set",
            "values",
            JSON.stringify({ KAFKA_BOOTSTRAP: kafka.bootstrap, TOPIC: topic, JDBC_URL: pg.jdbcUrl, DB_USER: pg.user }),
        ]);
        await project.ok(["config", "set", "--secret", "dbPassword", PASSWORD]);
    }, 10 * 60_000);
    afterAll(async () => {
        await project.run(["destroy", "--yes", "--skip-preview"]);
        await cluster?.stop();
    });

    test(`on Flink ${line.version}: the job runs with the cluster's own libraries; a local dependencies path is refused at preview`, async () => {
        await project.ok(["config", "set", "localJar", path.join(deployer, "udf.jar")]);
        const refused = await project.run(["preview"]);
        expect(refused.code).not.toBe(0);
        expect(refused.output).toMatch(/dependencies\[0\]/);
        expect(refused.output).toMatch(/fix:/);
        await project.ok(["config", "rm", "localJar"]);

        await project.ok(["up", "--yes", "--skip-preview"]);
        const batch = orders(120, KEYS, 9);
        await produce(topic, batch);
        await rowsEqual("remote totals", "SELECT k, c, s FROM remote_totals ORDER BY k", countAndSum(batch));
    });
});
