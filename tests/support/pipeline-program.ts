/**
 * The Pulumi program of the pipeline acceptance tests (issue 11): what a platform team declares —
 * a home, a local cluster with its connector libraries, a VariableSet holding the broker, the
 * database and a secret password, a KafkaToJdbcSync, a hand-written Kafka -> keyed aggregation ->
 * JDBC upsert job, a MysqlCdcMirror (where the line has a CDC connector) and a bounded job. Every
 * stack-dependent value comes from `${NAME}` variables; tests change the program through config.
 */
export const PIPELINE_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const home = new flink.FlinkHome("home", { path: cfg.require("homePath") });
const cluster = new flink.SessionCluster("cluster", {
    target: "local", home, workDir: cfg.require("workDir"),
    restPort: cfg.requireNumber("restPort"), rpcPort: cfg.requireNumber("restPort") + 1,
    taskManagers: 1, slotsPerTaskManager: 8, taskManagerMemory: "2g",
    configuration: { "execution.checkpointing.interval": "2s" },
    sqlGateway: { enabled: true, port: cfg.requireNumber("restPort") + 5 },
    libraries: JSON.parse(cfg.require("libraries")),
});
const vars = new flink.VariableSet("vars", {
    values: JSON.parse(cfg.require("values")),
    secrets: { DB_PASSWORD: cfg.requireSecret("dbPassword"), MYSQL_PASSWORD: cfg.requireSecret("mysqlPassword") },
});
const quick = { health: { stableSeconds: 2 } };
const columns = [{ name: "k", type: "STRING" }, { name: "v", type: "BIGINT" }];
const sync = new flink.KafkaToJdbcSync("sync", {
    cluster, variables: vars, jobName: "orders-sync",
    kafka: { bootstrapServers: "\${KAFKA_BOOTSTRAP}", topic: "\${TOPIC}", groupId: "orders-sync", startupMode: "earliest-offset" },
    columns, primaryKey: ["k"],
    sink: { jdbc: { url: "\${JDBC_URL}", table: "sync_latest", username: "\${DB_USER}", passwordVariable: "DB_PASSWORD", options: { "sink.buffer-flush.interval": "200ms" } } },
    job: quick,
});
const password = cfg.getBoolean("brokenAgg") ? "'password' '\${DB_PASSWORD}'" : "'password' = '\${DB_PASSWORD}'";
const agg = new flink.FlinkJob("agg", {
    cluster, variables: vars, name: "orders-totals", parallelism: cfg.getNumber("aggParallelism") || 1, ...quick,
    sql: [
        "CREATE TABLE orders (k STRING, v BIGINT) WITH ('connector' = 'kafka', 'topic' = '\${TOPIC}', 'properties.bootstrap.servers' = '\${KAFKA_BOOTSTRAP}', 'properties.group.id' = 'orders-totals', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json')",
        "CREATE TABLE totals (k STRING, c BIGINT, s BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = '\${JDBC_URL}', 'table-name' = 'agg_totals', 'username' = '\${DB_USER}', " + password + ", 'sink.buffer-flush.interval' = '" + (cfg.get("aggFlush") || "200ms") + "')",
        "INSERT INTO totals SELECT k, COUNT(*), SUM(v) FROM orders GROUP BY k",
    ],
});
exports.sync = { jobId: sync.jobId };
exports.agg = { jobId: agg.jobId, state: agg.state, generation: agg.generation, restoredFrom: agg.restoredFrom, lastCheckpoint: agg.lastCheckpoint };
if (cfg.getBoolean("mirror")) {
    const mirror = new flink.MysqlCdcMirror("mirror", {
        cluster, variables: vars, jobName: "customers-mirror",
        mysql: { hostname: "\${MYSQL_HOST}", port: cfg.requireNumber("mysqlPort"), username: "\${MYSQL_USER}", passwordVariable: "MYSQL_PASSWORD", database: "\${MYSQL_DB}", serverId: "5400-5404" },
        tables: [{ table: "customers", columns: [{ name: "id", type: "INT" }, { name: "name", type: "STRING" }, { name: "balance", type: "BIGINT" }], primaryKey: ["id"], sinkTable: "customers_mirror" }],
        sink: { jdbc: { url: "\${JDBC_URL}", table: "customers_mirror", username: "\${DB_USER}", passwordVariable: "DB_PASSWORD", options: { "sink.buffer-flush.interval": "200ms" } } },
        job: { ...quick, parallelism: cfg.getNumber("mirrorParallelism") || 1 },
    });
    exports.mirror = { jobId: mirror.jobId };
}
const backfill = new flink.FlinkJob("backfill", {
    cluster, variables: vars, name: "ids-backfill", bounded: true,
    sql: [
        "CREATE TABLE ids (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '100', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100')",
        "CREATE TABLE seen (id BIGINT) WITH ('connector' = 'jdbc', 'url' = '\${JDBC_URL}', 'table-name' = 'backfill_ids', 'username' = '\${DB_USER}', 'password' = '\${DB_PASSWORD}')",
        "INSERT INTO seen SELECT id FROM ids",
    ],
});
exports.backfill = { jobId: backfill.jobId, state: backfill.state };
`;

/**
 * A stack on an adopted remote cluster: the aggregation job alone, optionally with a deploying-machine
 * JAR in `dependencies` (which a gateway elsewhere cannot read).
 */
export const REMOTE_PIPELINE_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const cluster = new flink.SessionCluster("cluster", { target: "remote", restUrl: cfg.require("restUrl"), sqlGatewayUrl: cfg.require("sqlGatewayUrl") });
const vars = new flink.VariableSet("vars", { values: JSON.parse(cfg.require("values")), secrets: { DB_PASSWORD: cfg.requireSecret("dbPassword") } });
const localJar = cfg.get("localJar");
const agg = new flink.FlinkJob("agg", {
    cluster, variables: vars, name: "remote-totals", health: { stableSeconds: 2 },
    ...(localJar ? { dependencies: [{ path: localJar }] } : {}),
    sql: [
        "CREATE TABLE orders (k STRING, v BIGINT) WITH ('connector' = 'kafka', 'topic' = '\${TOPIC}', 'properties.bootstrap.servers' = '\${KAFKA_BOOTSTRAP}', 'properties.group.id' = 'remote-totals', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json')",
        "CREATE TABLE totals (k STRING, c BIGINT, s BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = '\${JDBC_URL}', 'table-name' = 'remote_totals', 'username' = '\${DB_USER}', 'password' = '\${DB_PASSWORD}', 'sink.buffer-flush.interval' = '200ms')",
        "INSERT INTO totals SELECT k, COUNT(*), SUM(v) FROM orders GROUP BY k",
    ],
});
exports.agg = { jobId: agg.jobId, state: agg.state };
`;

/** Every run of `size` characters of `secret`: none may appear in anything the package prints or stores. */
export function fragments(secret: string, size = 4): string[] {
    const chars = [...secret];
    return [...new Set(chars.slice(0, chars.length - size + 1).map((_, i) => chars.slice(i, i + size).join("")))];
}

/** The fragments of `secret` found in `text` (empty when none). */
export function leakedFragments(text: string, secret: string): string[] {
    return fragments(secret).filter((f) => text.includes(f));
}
