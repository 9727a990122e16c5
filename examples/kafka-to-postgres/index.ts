/**
 * Kafka and MySQL into PostgreSQL on one local session cluster:
 * - `orders-sync`: a KafkaToJdbcSync (team component) upserting every order into `orders`;
 * - `customer-totals`: a hand-written FlinkJob, Kafka -> COUNT and SUM per customer -> JDBC upsert;
 * - `customers-mirror`: a MysqlCdcMirror (snapshot + binlog) of MySQL's `customers`.
 * What differs between stacks (brokers, topic, group, JDBC URL, users, MySQL host, passwords) is
 * stack config, handed to the jobs through one VariableSet as ${NAME}: the SQL text is the same in
 * every stack, and a bad value (say a broker without port) is refused at `pulumi preview`.
 *
 * Needs the `SessionCluster.libraries` argument (cluster connector jars from Maven).
 */
import * as pulumi from "@pulumi/pulumi";
import * as flink from "pulumi-flink";

const config = new pulumi.Config();

/**
 * Connector jars per Flink release line (Maven coordinates; their runtime dependencies come along).
 * The home is pinned to 1.20.3 because of MySQL CDC: Flink CDC 3.5.0 (flink-sql-connector-mysql-cdc)
 * is built for Flink 1.19/1.20, and no Flink CDC MySQL connector for Flink 2.x is on Maven Central.
 * On 2.3.0 the other two jobs run unchanged (the components then generate `ON CONFLICT DO DEDUPLICATE`)
 * and the mirror is left out.
 */
const FLINK_VERSION: string = "1.20.3";
const LIBRARIES: Record<string, string[]> = {
    "1.20.3": [
        "org.apache.flink:flink-sql-connector-kafka:3.2.0-1.19", // the Kafka connector's build for 1.19/1.20
        "org.apache.flink:flink-connector-jdbc:3.3.0-1.20",
        "org.postgresql:postgresql:42.7.14",
        "org.apache.flink:flink-sql-connector-mysql-cdc:3.5.0",
        "com.mysql:mysql-connector-j:8.0.33", // the CDC connector no longer bundles the MySQL driver
    ],
    "2.3.0": [
        "org.apache.flink:flink-sql-connector-kafka:4.0.1-2.0",
        "org.apache.flink:flink-connector-jdbc-postgres:4.0.0-2.0", // brings flink-connector-jdbc-core
        "org.postgresql:postgresql:42.7.14",
    ],
};
const withCdc = LIBRARIES[FLINK_VERSION].some((c) => c.includes(":flink-sql-connector-mysql-cdc:"));

const home = new flink.FlinkHome("flink", { version: FLINK_VERSION });

const cluster = new flink.SessionCluster("local", {
    target: "local",
    home,
    restPort: config.getNumber("restPort") ?? 8081,
    slotsPerTaskManager: 4,
    sqlGateway: { enabled: true, port: config.getNumber("gatewayPort") ?? 8083 },
    libraries: LIBRARIES[FLINK_VERSION].map((maven) => ({ maven })),
});

// The stack's values, as variables. Secrets are encrypted in state and only ever appear as ${NAME}.
const variables = new flink.VariableSet("shop", {
    values: {
        KAFKA_BOOTSTRAP: config.require("kafkaBootstrap"),
        ORDERS_TOPIC: config.get("ordersTopic") ?? "shop.orders",
        CONSUMER_GROUP: config.require("consumerGroup"),
        JDBC_URL: config.require("jdbcUrl"),
        DB_USER: config.require("dbUser"),
        MYSQL_HOST: config.require("mysqlHost"),
        MYSQL_USER: config.get("mysqlUser") ?? "flink_cdc",
    },
    secrets: { DB_PASSWORD: config.requireSecret("dbPassword"), MYSQL_PASSWORD: config.requireSecret("mysqlPassword") },
});

const checkpointed = { configuration: { "execution.checkpointing.interval": "30s" } };

// Team component: every order upserted by order_id (last write wins per key).
const ordersSync = new flink.KafkaToJdbcSync("orders-sync", {
    cluster,
    variables,
    kafka: { bootstrapServers: "${KAFKA_BOOTSTRAP}", topic: "${ORDERS_TOPIC}", groupId: "${CONSUMER_GROUP}-orders" },
    columns: [
        { name: "order_id", type: "BIGINT" },
        { name: "customer_id", type: "BIGINT" },
        { name: "amount", type: "DECIMAL(10, 2)" },
    ],
    primaryKey: ["order_id"],
    sink: { jdbc: { url: "${JDBC_URL}", table: "orders", username: "${DB_USER}", passwordVariable: "DB_PASSWORD" } },
    job: checkpointed,
});

// Hand-written: a keyed aggregation. Its GROUP BY key is the sink's primary key, so Flink 2.3
// plans it without ON CONFLICT too (the query's upsert key is the sink's key).
const totals = new flink.FlinkJob("customer-totals", {
    cluster,
    variables,
    sql: [
        `CREATE TABLE orders (order_id BIGINT, customer_id BIGINT, amount DECIMAL(10, 2)) WITH (
           'connector' = 'kafka', 'topic' = '\${ORDERS_TOPIC}', 'properties.bootstrap.servers' = '\${KAFKA_BOOTSTRAP}',
           'properties.group.id' = '\${CONSUMER_GROUP}-totals', 'scan.startup.mode' = 'group-offsets',
           'properties.auto.offset.reset' = 'earliest', 'format' = 'json')`,
        `CREATE TABLE customer_totals (customer_id BIGINT, orders BIGINT, total DECIMAL(20, 2), PRIMARY KEY (customer_id) NOT ENFORCED) WITH (
           'connector' = 'jdbc', 'url' = '\${JDBC_URL}', 'table-name' = 'customer_totals',
           'username' = '\${DB_USER}', 'password' = '\${DB_PASSWORD}')`,
        "INSERT INTO customer_totals SELECT customer_id, COUNT(*), SUM(amount) FROM orders GROUP BY customer_id",
    ],
    ...checkpointed,
});

// Team component: MySQL's customers table mirrored into PostgreSQL (snapshot, then binlog).
const mirror = withCdc
    ? new flink.MysqlCdcMirror("customers-mirror", {
          cluster,
          variables,
          mysql: { hostname: "${MYSQL_HOST}", username: "${MYSQL_USER}", passwordVariable: "MYSQL_PASSWORD", database: "shop", serverId: "5400-5403" },
          tables: [
              {
                  table: "customers",
                  columns: [
                      { name: "id", type: "BIGINT" },
                      { name: "name", type: "STRING" },
                      { name: "city", type: "STRING" },
                  ],
                  primaryKey: ["id"],
              },
          ],
          sink: { jdbc: { url: "${JDBC_URL}", table: "customers", username: "${DB_USER}", passwordVariable: "DB_PASSWORD" } },
          job: checkpointed,
      })
    : undefined;

export const webUi = cluster.webUiUrl;
export const jobs = { ordersSync: ordersSync.webUiUrl, totals: totals.webUiUrl, mirror: mirror?.webUiUrl };
export const ordersSyncSql = ordersSync.sql;
