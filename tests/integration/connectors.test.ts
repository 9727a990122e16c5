/**
 * Real pipelines through real connectors on every Flink line of the test bed: a local cluster with
 * its SQL Gateway, the connector jars from Maven Central added to the session with ADD JAR, a real
 * Kafka broker, PostgreSQL and MariaDB. Every assertion compares exact rows.
 *   (a) Kafka -> GROUP BY k (COUNT, SUM) -> JDBC upsert into PostgreSQL
 *   (b) MySQL CDC (MariaDB binlog) -> PostgreSQL mirror: snapshot, inserts, updates, deletes
 *   (c) Flink 2.3's ON CONFLICT rule for an append-only INSERT into a sink with a primary key
 */
import { createFlinkClient, FlinkClient } from "../../provider/flink";
import { createGatewayClient, GatewayClient, SqlGatewayError } from "../../provider/sqlgateway";
import { RunningCluster, startCluster } from "../support/cluster";
import { waitFor } from "../support/counter";
import { RunningKafka, startKafka } from "../support/kafka";
import { RunningMariaDb, startMariaDb } from "../support/mariadb";
import { countAndSum, jdbcSinkDdl, kafkaSourceDdl, lastPerKey, mysqlCdcSourceDdl, orders, runWithJars, T } from "../support/pipelines";
import { RunningPostgres, startPostgres } from "../support/postgres";
import { connectorJars, flinkLines, kafkaLibs, portBlock } from "../support/testbed";

jest.setTimeout(20 * 60_000);

let kafka: RunningKafka | undefined;
let pg: RunningPostgres | undefined;
let maria: RunningMariaDb | undefined;

beforeAll(async () => {
    [kafka, pg, maria] = await Promise.all([startKafka(kafkaLibs(), portBlock(1600)), startPostgres(portBlock(1601)), startMariaDb(portBlock(1602))]);
    console.log(`Kafka ready in ${kafka.readyMs} ms`);
});
afterAll(async () => {
    await Promise.all([kafka?.stop(), pg?.stop(), maria?.stop()]);
});

const KEYS = ["alpha", "beta", "gamma", "delta"];

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("real connectors on Flink %s (SQL Gateway, ADD JAR)", (version, line, index) => {
    const { jars, missing } = connectorJars(version);
    const jdbcJars = [jars.jdbc, jars.jdbcCore, jars.jdbcPostgres, jars.postgresDriver].filter(Boolean);
    const v = version.replace(/\./g, "_");
    const v23 = version.startsWith("2.");
    let cluster: RunningCluster | undefined;
    let flink: FlinkClient;
    let gateway: GatewayClient;
    const jobs: string[] = [];

    const pgRows = async (table: string, expected: string[][]) =>
        waitFor(`${table} in PostgreSQL equal to ${JSON.stringify(expected)}`, async () => {
            const rows = await pg!.sql(`SELECT * FROM ${table} ORDER BY 1`);
            return JSON.stringify(rows) === JSON.stringify(expected) ? rows : undefined;
        }, 180_000, 500).catch(async (err: Error) => {
            throw new Error(`${err.message}\nlast rows: ${JSON.stringify(await pg!.sql(`SELECT * FROM ${table} ORDER BY 1`))}`);
        });
    const submit = async (statements: string[], extraJars: string[], name: string) => {
        const result = await runWithJars(gateway, extraJars, statements, { "pipeline.name": name });
        expect(result.jobId).toMatch(/^[0-9a-f]{32}$/);
        jobs.push(result.jobId!);
        await waitFor(`${name} running`, async () => ((await flink.job(result.jobId!)).state === "RUNNING" ? true : undefined), 120_000, 500);
        return result.jobId!;
    };
    const failing = (statements: string[], extraJars: string[]) =>
        runWithJars(gateway, extraJars, statements).then(() => undefined, (e: unknown) => e);

    beforeAll(async () => {
        const port = portBlock(1610 + index * 10);
        cluster = await startCluster(line, port, { slotsPerTaskManager: 8, taskManagerMemory: "1600m", sqlGateway: { enabled: true, port: port + 5 } });
        flink = createFlinkClient({ baseUrl: cluster.restUrl });
        gateway = createGatewayClient({ baseUrl: cluster.state.sqlGatewayUrl });
    });
    afterAll(async () => {
        for (const id of jobs) await flink?.cancelJob(id).catch(() => undefined);
        await cluster?.stop();
    });

    test("(a) Kafka -> GROUP BY k (COUNT, SUM) -> JDBC upsert into PostgreSQL: rows equal the produced records per key, offsets committed", async () => {
        const topic = `orders_${v}`;
        const group = `agg_${v}`;
        await kafka!.createTopic(topic, 2);
        await pg!.sql(`CREATE TABLE agg_${v} (k TEXT PRIMARY KEY, cnt BIGINT NOT NULL, total BIGINT NOT NULL)`);
        const first = orders(40, KEYS, 1);
        await kafka!.produce(topic, first.map((o) => ({ key: o.k, value: o })));
        const id = await submit([
            kafkaSourceDdl("src", kafka!, topic, group),
            jdbcSinkDdl("snk", "k STRING, cnt BIGINT, total BIGINT, PRIMARY KEY (k) NOT ENFORCED", pg!, `agg_${v}`),
            "INSERT INTO snk SELECT k, COUNT(*), SUM(v) FROM src GROUP BY k",
        ], [jars.kafka, ...jdbcJars], `kafka-agg-${v}`);
        await pgRows(`agg_${v}`, countAndSum(first));

        const second = orders(25, KEYS, 3);
        await kafka!.produce(topic, second.map((o) => ({ key: o.k, value: o })));
        const rows = await pgRows(`agg_${v}`, countAndSum([...first, ...second]));
        console.log(`[${version}] (a) PostgreSQL after 65 records: ${JSON.stringify(rows)}`);
        expect(rows.reduce((n, r) => n + Number(r[1]), 0)).toBe(65);
        // Offsets are committed to the group on checkpoints: it ends with no lag.
        await waitFor(`group ${group} lag 0`, async () => ((await kafka!.groupLag(group, topic)) === 0 ? true : undefined), 60_000, 1000);
        await flink.cancelJob(id);
    });
});
