/** Every bad component arg is refused at program time with the property, the bad value and the fix (one row each). */
import { kafkaToJdbc } from "../../../sdk/components/kafka-jdbc";
import { mysqlCdc } from "../../../sdk/components/mysql-cdc";
import { tableSyncSpec } from "../../../sdk/components/table-sync";
import { parseComponentArgs } from "../../../sdk/components/validate";
import { inputErrorOf } from "../../support/input-error";

const columns = [
    { name: "id", type: "BIGINT" },
    { name: "v", type: "STRING" },
];
const kafka = {
    kafka: { bootstrapServers: "k:9092", topic: "t", groupId: "g" },
    columns,
    primaryKey: ["id"],
    sink: { jdbc: { url: "jdbc:mysql://db/x", table: "t", passwordVariable: "PW" } },
};
const cdc = {
    mysql: { hostname: "db", username: "u", passwordVariable: "PW", database: "shop" },
    tables: [{ table: "orders", columns, primaryKey: ["id"] }],
    sink: { jdbc: { url: "jdbc:mysql://db/x", table: "t" } },
};
const sync = { columns, source: { options: { connector: "datagen" } }, sink: { options: { connector: "blackhole" } } };

type Row = [string, () => unknown, string, string, string];
const rows: Row[] = [
    [
        "KafkaToJdbcSync: bootstrapServers without a port",
        () => kafkaToJdbc("j", { ...kafka, kafka: { ...kafka.kafka, bootstrapServers: "kafka" } }),
        "kafka.bootstrapServers",
        '"kafka"',
        "broker1:9092",
    ],
    [
        "KafkaToJdbcSync: topic with a space",
        () => kafkaToJdbc("j", { ...kafka, kafka: { ...kafka.kafka, topic: "my topic" } }),
        "kafka.topic",
        '"my topic"',
        "letters, digits",
    ],
    ["KafkaToJdbcSync: unknown format", () => kafkaToJdbc("j", { ...kafka, kafka: { ...kafka.kafka, format: "xml" } }), "kafka.format", '"xml"', '"json"'],
    [
        "KafkaToJdbcSync: plain-text SASL credentials",
        () => kafkaToJdbc("j", { ...kafka, kafka: { ...kafka.kafka, options: { "properties.sasl.jaas.config": "user=a password=b" } } }),
        `kafka.options["properties.sasl.jaas.config"]`,
        '"***"',
        "secrets",
    ],
    ["KafkaToJdbcSync: empty primary key", () => kafkaToJdbc("j", { ...kafka, primaryKey: [] }), "primaryKey", "[]", "upserted by"],
    ["KafkaToJdbcSync: primary key not a column", () => kafkaToJdbc("j", { ...kafka, primaryKey: ["order_id"] }), "primaryKey[0]", '"order_id"', "id, v"],
    [
        "KafkaToJdbcSync: column name with a quote",
        () => kafkaToJdbc("j", { ...kafka, columns: [{ name: "a`b", type: "INT" }] }),
        "columns[0].name",
        '"a`b"',
        "letters, digits",
    ],
    [
        "KafkaToJdbcSync: column type that is no SQL type",
        () => kafkaToJdbc("j", { ...kafka, columns: [{ name: "a", type: "INT); DROP TABLE x" }] }),
        "columns[0].type",
        "DROP TABLE",
        "DECIMAL(10, 2)",
    ],
    [
        "KafkaToJdbcSync: not a JDBC URL",
        () => kafkaToJdbc("j", { ...kafka, sink: { jdbc: { ...kafka.sink.jdbc, url: "mysql://db" } } }),
        "sink.jdbc.url",
        '"mysql://db"',
        "jdbc:",
    ],
    [
        "KafkaToJdbcSync: password variable that is no name",
        () => kafkaToJdbc("j", { ...kafka, sink: { jdbc: { ...kafka.sink.jdbc, passwordVariable: "${PW}" } } }),
        "sink.jdbc.passwordVariable",
        '"${PW}"',
        "DB_PASSWORD",
    ],
    [
        "KafkaToJdbcSync: a plain password in sink options",
        () => kafkaToJdbc("j", { ...kafka, sink: { jdbc: { ...kafka.sink.jdbc, options: { password: "hunter2" } } } }),
        "",
        "",
        "'${NAME}'",
    ],
    [
        "KafkaToJdbcSync: both jdbc and doris",
        () => kafkaToJdbc("j", { ...kafka, sink: { ...kafka.sink, doris: { fenodes: "fe:8030", table: "a.b", username: "u", passwordVariable: "P" } } }),
        "sink",
        "",
        "sink: { jdbc",
    ],
    [
        "KafkaToJdbcSync: Doris table without database",
        () => kafkaToJdbc("j", { ...kafka, sink: { doris: { fenodes: "fe:8030", table: "orders", username: "u", passwordVariable: "P" } } }),
        "sink.doris.table",
        '"orders"',
        "database.table",
    ],
    ["KafkaToJdbcSync: unknown arg", () => kafkaToJdbc("j", { ...kafka, topic: "t" }), "(args)", "", "spelling"],
    [
        "MysqlCdcMirror: host with a port",
        () => mysqlCdc("j", { ...cdc, mysql: { ...cdc.mysql, hostname: "db:3306" } }),
        "mysql.hostname",
        '"db:3306"',
        "host only",
    ],
    ["MysqlCdcMirror: port out of range", () => mysqlCdc("j", { ...cdc, mysql: { ...cdc.mysql, port: 70000 } }), "mysql.port", "70000", ""],
    ["MysqlCdcMirror: bad server id", () => mysqlCdc("j", { ...cdc, mysql: { ...cdc.mysql, serverId: "a-b" } }), "mysql.serverId", '"a-b"', "5400-5404"],
    [
        "MysqlCdcMirror: missing password variable",
        () => mysqlCdc("j", { ...cdc, mysql: { ...cdc.mysql, passwordVariable: undefined } }),
        "mysql.passwordVariable",
        "undefined",
        "set mysql.passwordVariable",
    ],
    ["MysqlCdcMirror: no tables", () => mysqlCdc("j", { ...cdc, tables: [] }), "tables", "[]", "at least one table"],
    [
        "MysqlCdcMirror: table without primary key",
        () => mysqlCdc("j", { ...cdc, tables: [{ ...cdc.tables[0], primaryKey: [] }] }),
        "tables[0].primaryKey",
        "[]",
        "primary key",
    ],
    [
        "MysqlCdcMirror: two tables into one sink table",
        () => mysqlCdc("j", { ...cdc, tables: [cdc.tables[0], { ...cdc.tables[0], table: "o2", sinkTable: "orders" }] }),
        "tables[1].sinkTable",
        "",
        "own sinkTable",
    ],
    [
        "TableSync: no connector",
        () => parseComponentArgs("TableSync", "j", tableSyncSpec, { ...sync, source: { options: {} } }),
        "source.options",
        "{}",
        "options.connector",
    ],
    [
        "TableSync: duplicate column",
        () => parseComponentArgs("TableSync", "j", tableSyncSpec, { ...sync, columns: [...columns, { name: "ID", type: "INT" }] }),
        "columns[2].name",
        "",
        "distinct",
    ],
    [
        "TableSync: same table on both sides",
        () => parseComponentArgs("TableSync", "j", tableSyncSpec, { ...sync, sink: { table: "source", options: { connector: "print" } } }),
        "sink.table",
        "",
        "differently",
    ],
    [
        "TableSync: filter with a second statement",
        () => parseComponentArgs("TableSync", "j", tableSyncSpec, { ...sync, filter: "1=1; DROP TABLE x" }),
        "filter",
        "DROP TABLE",
        "single boolean",
    ],
    [
        "KafkaToJdbcSync: a malformed variable reference is no reference",
        () => kafkaToJdbc("j", { ...kafka, kafka: { ...kafka.kafka, bootstrapServers: "${KAFKA BOOTSTRAP}" } }),
        "kafka.bootstrapServers",
        '"${KAFKA BOOTSTRAP}"',
        "${NAME}",
    ],
    [
        "KafkaToJdbcSync: group id with a space",
        () => kafkaToJdbc("j", { ...kafka, kafka: { ...kafka.kafka, groupId: "orders sync" } }),
        "kafka.groupId",
        '"orders sync"',
        "orders-sync",
    ],
    ["KafkaToJdbcSync: empty group id", () => kafkaToJdbc("j", { ...kafka, kafka: { ...kafka.kafka, groupId: "" } }), "kafka.groupId", '""', "group id"],
    [
        "KafkaToJdbcSync: topic longer than Kafka allows",
        () => kafkaToJdbc("j", { ...kafka, kafka: { ...kafka.kafka, topic: "t".repeat(250) } }),
        "kafka.topic",
        "ttt",
        "at most 249",
    ],
    [
        "KafkaToJdbcSync: JDBC table with a statement in it",
        () => kafkaToJdbc("j", { ...kafka, sink: { jdbc: { ...kafka.sink.jdbc, table: "orders; DROP TABLE x" } } }),
        "sink.jdbc.table",
        '"orders; DROP TABLE x"',
        "public.orders",
    ],
    [
        "KafkaToJdbcSync: JDBC user with a space",
        () => kafkaToJdbc("j", { ...kafka, sink: { jdbc: { ...kafka.sink.jdbc, username: "etl user" } } }),
        "sink.jdbc.username",
        '"etl user"',
        "database user",
    ],
    [
        "KafkaToJdbcSync: JDBC URL with a space",
        () => kafkaToJdbc("j", { ...kafka, sink: { jdbc: { ...kafka.sink.jdbc, url: "jdbc:postgresql:// pg/x" } } }),
        "sink.jdbc.url",
        '"jdbc:postgresql:// pg/x"',
        "jdbc:postgresql://db:5432/shop",
    ],
    [
        "KafkaToJdbcSync: Doris frontends without port",
        () => kafkaToJdbc("j", { ...kafka, sink: { doris: { fenodes: "doris-fe", table: "a.b", username: "u", passwordVariable: "P" } } }),
        "sink.doris.fenodes",
        '"doris-fe"',
        "doris-fe:8030",
    ],
    [
        "MysqlCdcMirror: database name with a dash",
        () => mysqlCdc("j", { ...cdc, mysql: { ...cdc.mysql, database: "shop-db" } }),
        "mysql.database",
        '"shop-db"',
        "letters, digits",
    ],
    ["MysqlCdcMirror: empty user", () => mysqlCdc("j", { ...cdc, mysql: { ...cdc.mysql, username: "" } }), "mysql.username", '""', "database user"],
    [
        "MysqlCdcMirror: host given as a URL",
        () => mysqlCdc("j", { ...cdc, mysql: { ...cdc.mysql, hostname: "mysql://db" } }),
        "mysql.hostname",
        '"mysql://db"',
        "without port or scheme",
    ],
    [
        "TableSync: Kafka option bootstrap servers without port",
        () =>
            parseComponentArgs("TableSync", "j", tableSyncSpec, {
                ...sync,
                source: { options: { connector: "kafka", "properties.bootstrap.servers": "kafka", topic: "t" } },
            }),
        'source.options["properties.bootstrap.servers"]',
        '"kafka"',
        "broker1:9092",
    ],
    [
        "TableSync: JDBC option url that is no JDBC URL",
        () =>
            parseComponentArgs("TableSync", "j", tableSyncSpec, {
                ...sync,
                sink: { options: { connector: "jdbc", url: "postgresql://pg/db", "table-name": "t" } },
            }),
        "sink.options.url",
        '"postgresql://pg/db"',
        "jdbc:postgresql",
    ],
    [
        "TableSync: mysql-cdc option hostname with a port",
        () => parseComponentArgs("TableSync", "j", tableSyncSpec, { ...sync, source: { options: { connector: "mysql-cdc", hostname: "db:3306" } } }),
        "source.options.hostname",
        '"db:3306"',
        "without port",
    ],
    ["TableSync: no columns", () => parseComponentArgs("TableSync", "j", tableSyncSpec, { ...sync, columns: [] }), "columns", "[]", ""],
];

describe("component args are validated like resources (property, value, fix)", () => {
    test.each(rows)("%s", (_title, fn, property, value, fixText) => {
        const message = inputErrorOf(fn);
        expect(message).toContain(`${property} = `);
        if (value) expect(message).toContain(value);
        expect(message).toMatch(/; fix: /);
        if (fixText) expect(message.split("; fix: ")[1]).toContain(fixText);
        expect(message).toMatch(/^(KafkaToJdbcSync|MysqlCdcMirror|TableSync) "j": /);
    });

    test("a plain password in options is refused without echoing it", () => {
        const message = inputErrorOf(() => kafkaToJdbc("j", { ...kafka, sink: { jdbc: { ...kafka.sink.jdbc, options: { password: "hunter2" } } } }));
        expect(message).toContain("credential as plain text");
        expect(message).toContain(`options.password = "***"`);
        expect(message).not.toContain("hunter2");
    });
});
