/** The team components' SQL, generated from typed args: pinned text, and accepted by the job provider's own SQL checks. */
import { kafkaToJdbcSql } from "../../../sdk/components/kafka-jdbc";
import { mysqlCdcSql } from "../../../sdk/components/mysql-cdc";
import { tableSyncSpec, tableSyncSql } from "../../../sdk/components/table-sync";
import { checkSqlAndVariables } from "../../../provider/job/sql-schema";
import { mergeVariables } from "../../../provider/variables/merge";

const columns = [
    { name: "order_id", type: "BIGINT" },
    { name: "amount", type: "decimal(10, 2)" },
    { name: "city", type: "STRING" },
];

/** What the job provider's check says about the SQL, with the given variables. */
function providerFailures(jobName: string, sql: string[], values: Record<string, string>, secrets: Record<string, string>) {
    return checkSqlAndVariables({ name: jobName, sql, args: [], configuration: {}, dependencies: [] }, mergeVariables([{ values, secrets }])).map(
        (f) => f.reason,
    );
}

describe("TableSync SQL", () => {
    test("two tables and one INSERT, options sorted, identifiers quoted, types normalized", () => {
        const spec = tableSyncSpec.parse({
            columns,
            primaryKey: ["order_id"],
            source: { options: { connector: "datagen", "rows-per-second": "1" } },
            sink: { options: { connector: "blackhole" } },
            filter: "amount > 0",
        });
        expect(tableSyncSql(spec, "1.20.3")).toEqual([
            "CREATE TABLE `source` (\n  `order_id` BIGINT,\n  `amount` DECIMAL(10, 2),\n  `city` STRING\n) WITH (\n  'connector' = 'datagen',\n  'rows-per-second' = '1'\n)",
            "CREATE TABLE `sink` (\n  `order_id` BIGINT,\n  `amount` DECIMAL(10, 2),\n  `city` STRING,\n  PRIMARY KEY (`order_id`) NOT ENFORCED\n) WITH (\n  'connector' = 'blackhole'\n)",
            "INSERT INTO `sink` SELECT `order_id`, `amount`, `city` FROM `source` WHERE amount > 0",
        ]);
    });

    test("a quote in an option value is doubled", () => {
        const spec = tableSyncSpec.parse({ columns, source: { options: { connector: "datagen", "x.y": "it's" } }, sink: { options: { connector: "print" } } });
        expect(tableSyncSql(spec, "1.20.3")[0]).toContain("'x.y' = 'it''s'");
    });
});

describe("KafkaToJdbcSync SQL", () => {
    const base = {
        kafka: { bootstrapServers: "kafka-1:9092,kafka-2:9092", topic: "shop.orders", groupId: "orders-sync" },
        columns,
        primaryKey: ["order_id"],
        sink: { jdbc: { url: "jdbc:mysql://db:3306/dw", table: "orders", username: "etl", passwordVariable: "DW_PASSWORD" } },
    };

    test("Kafka source and upsert JDBC sink, password as ${NAME}", () => {
        const sql = kafkaToJdbcSql("orders-sync", base, "1.20.3");
        expect(sql).toHaveLength(3);
        expect(sql[0]).toBe(
            "CREATE TABLE `kafka_source` (\n  `order_id` BIGINT,\n  `amount` DECIMAL(10, 2),\n  `city` STRING\n) WITH (\n  'connector' = 'kafka',\n  'format' = 'json',\n  'properties.auto.offset.reset' = 'earliest',\n  'properties.bootstrap.servers' = 'kafka-1:9092,kafka-2:9092',\n  'properties.group.id' = 'orders-sync',\n  'scan.startup.mode' = 'group-offsets',\n  'topic' = 'shop.orders'\n)",
        );
        expect(sql[1]).toBe(
            "CREATE TABLE `sink_table` (\n  `order_id` BIGINT,\n  `amount` DECIMAL(10, 2),\n  `city` STRING,\n  PRIMARY KEY (`order_id`) NOT ENFORCED\n) WITH (\n  'connector' = 'jdbc',\n  'password' = '${DW_PASSWORD}',\n  'table-name' = 'orders',\n  'url' = 'jdbc:mysql://db:3306/dw',\n  'username' = 'etl'\n)",
        );
        expect(sql[2]).toBe("INSERT INTO `sink_table` SELECT `order_id`, `amount`, `city` FROM `kafka_source`");
    });

    test("the job provider's checks accept it with the secret defined, and name the secret when it is not", () => {
        const sql = kafkaToJdbcSql("orders-sync", base, "1.20.3");
        expect(providerFailures("orders-sync", sql, {}, { DW_PASSWORD: "s3cret" })).toEqual([]);
        expect(providerFailures("orders-sync", sql, {}, {}).join("\n")).toContain("${DW_PASSWORD}");
        expect(sql.join("\n")).not.toContain("s3cret");
    });

    test("Doris sink: stream-load options, label prefix from the job name", () => {
        const sql = kafkaToJdbcSql(
            "orders-sync",
            { ...base, sink: { doris: { fenodes: "doris-fe:8030", table: "ods.orders", username: "root", passwordVariable: "DORIS_PASSWORD" } } },
            "1.20.3",
        );
        expect(sql[1]).toContain("'connector' = 'doris'");
        expect(sql[1]).toContain("'fenodes' = 'doris-fe:8030'");
        expect(sql[1]).toContain("'table.identifier' = 'ods.orders'");
        expect(sql[1]).toContain("'password' = '${DORIS_PASSWORD}'");
        expect(sql[1]).toContain("'sink.label-prefix' = 'orders-sync'");
    });

    test("same args, same SQL (no spurious redeploy from option order)", () => {
        const a = kafkaToJdbcSql("j", { ...base, kafka: { ...base.kafka, options: { "properties.a": "1", "properties.b": "2" } } }, "1.20.3");
        const b = kafkaToJdbcSql("j", { ...base, kafka: { ...base.kafka, options: { "properties.b": "2", "properties.a": "1" } } }, "1.20.3");
        expect(a).toEqual(b);
    });
});

describe("MysqlCdcMirror SQL", () => {
    const args = {
        mysql: { hostname: "mysql.internal", username: "cdc", passwordVariable: "MYSQL_PASSWORD", database: "shop" },
        tables: [
            {
                table: "orders",
                columns: [
                    { name: "id", type: "BIGINT" },
                    { name: "total", type: "DECIMAL(10,2)" },
                ],
                primaryKey: ["id"],
            },
            {
                table: "users",
                columns: [
                    { name: "id", type: "BIGINT" },
                    { name: "name", type: "STRING" },
                ],
                primaryKey: ["id"],
                sinkTable: "dim_users",
            },
        ],
        sink: { jdbc: { url: "jdbc:postgresql://pg:5432/mirror", table: "unused", username: "w", passwordVariable: "PG_PASSWORD" } },
    };

    test("a CDC source and a sink per table, one statement set", () => {
        const sql = mysqlCdcSql("shop-mirror", args, "2.3.0");
        expect(sql).toHaveLength(5);
        expect(sql[0]).toContain("CREATE TABLE `src_orders`");
        expect(sql[0]).toContain("'connector' = 'mysql-cdc'");
        expect(sql[0]).toContain("'password' = '${MYSQL_PASSWORD}'");
        expect(sql[0]).toContain("'server-id' = '5400-5408'");
        expect(sql[0]).toContain("'port' = '3306'");
        expect(sql[0]).toContain("PRIMARY KEY (`id`) NOT ENFORCED");
        expect(sql[3]).toContain("CREATE TABLE `dst_dim_users`");
        expect(sql[3]).toContain("'table-name' = 'dim_users'");
        expect(sql[4]).toBe(
            "EXECUTE STATEMENT SET BEGIN\n  INSERT INTO `dst_orders` SELECT `id`, `total` FROM `src_orders`;\n  INSERT INTO `dst_dim_users` SELECT `id`, `name` FROM `src_users`;\nEND",
        );
    });

    test("the job provider's checks accept it as exactly one job", () => {
        expect(providerFailures("shop-mirror", mysqlCdcSql("shop-mirror", args, "2.3.0"), {}, { MYSQL_PASSWORD: "a", PG_PASSWORD: "b" })).toEqual([]);
    });
});
