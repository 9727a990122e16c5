/**
 * The components' SQL per Flink version (ON CONFLICT from 2.3 for an unkeyed query into a keyed
 * upsert sink), and arguments written as `${NAME}`: skipped at construction, checked by the job's
 * check on the resolved value with the component's own rule.
 */
import { kafkaToJdbc, kafkaToJdbcSql } from "../../../sdk/components/kafka-jdbc";
import { mysqlCdc, mysqlCdcSql } from "../../../sdk/components/mysql-cdc";
import { optionChecks, tableSyncSpec, tableSyncSql } from "../../../sdk/components/table-sync";
import { onConflictClause } from "../../../sdk/components/sql-version";
import { checkDeferredArguments } from "../../../provider/core/component-rules";
import { checkJobArgs } from "../../../provider/job/schema";

const columns = [
    { name: "id", type: "BIGINT" },
    { name: "v", type: "STRING" },
];
const kafka = {
    kafka: { bootstrapServers: "${KAFKA_BOOTSTRAP}", topic: "${ORDERS_TOPIC}", groupId: "orders-${STAGE}" },
    columns,
    primaryKey: ["id"],
    sink: { jdbc: { url: "${JDBC_URL}", table: "orders", username: "${DB_USER}", passwordVariable: "DB_PASSWORD" } },
};
const cdc = {
    mysql: { hostname: "${MYSQL_HOST}", username: "cdc", passwordVariable: "MYSQL_PASSWORD", database: "shop" },
    tables: [{ table: "orders", columns, primaryKey: ["id"] }],
    sink: { jdbc: { url: "jdbc:postgresql://pg:5432/m", table: "t" } },
};

describe("generated SQL follows the cluster's Flink version", () => {
    test.each([
        ["1.20.3", ""],
        ["2.0.0", ""],
        ["2.2.1", ""],
        ["2.3.0", " ON CONFLICT DO DEDUPLICATE"],
        ["2.4.0", " ON CONFLICT DO DEDUPLICATE"],
    ])("KafkaToJdbcSync's INSERT on Flink %s ends with %j", (version, clause) => {
        expect(kafkaToJdbcSql("j", kafka, version)[2]).toBe(`INSERT INTO \`sink_table\` SELECT \`id\`, \`v\` FROM \`kafka_source\`${clause}`);
    });

    test("no clause for an unkeyed sink, a connector that is no upsert sink (2.3 refuses the clause there), or an unparsable version", () => {
        expect(onConflictClause("2.3.0", { connector: "jdbc", primaryKey: [] })).toBe("");
        expect(onConflictClause("2.3.0", { connector: "blackhole", primaryKey: ["id"] })).toBe("");
        expect(onConflictClause("2.3.0", { connector: "print", primaryKey: ["id"] })).toBe("");
        expect(onConflictClause("not-a-version", { connector: "jdbc", primaryKey: ["id"] })).toBe("");
        expect(onConflictClause("2.3.0", { connector: "doris", primaryKey: ["id"] })).toBe(" ON CONFLICT DO DEDUPLICATE");
    });

    test("TableSync into a keyed JDBC table gets the clause on 2.3 only", () => {
        const spec = tableSyncSpec.parse({
            columns,
            primaryKey: ["id"],
            source: { options: { connector: "datagen" } },
            sink: { options: { connector: "jdbc", url: "jdbc:postgresql://pg/db", "table-name": "t" } },
        });
        expect(tableSyncSql(spec, "2.3.0")[2]).toMatch(/ ON CONFLICT DO DEDUPLICATE$/);
        expect(tableSyncSql(spec, "1.20.3")[2]).not.toContain("ON CONFLICT");
    });

    test("MysqlCdcMirror: the same SQL on every version (source key = sink key, no conflict to resolve)", () => {
        expect(mysqlCdcSql("m", cdc, "2.3.0")).toEqual(mysqlCdcSql("m", cdc, "1.20.3"));
        expect(mysqlCdcSql("m", cdc, "2.3.0").join("\n")).not.toContain("ON CONFLICT");
    });
});

describe("arguments written as ${NAME} are checked once the job's variables are resolved", () => {
    const vars = {
        KAFKA_BOOTSTRAP: "k1:9092,k2:9092",
        ORDERS_TOPIC: "shop.orders",
        STAGE: "test",
        JDBC_URL: "jdbc:postgresql://pg:5432/dw",
        DB_USER: "etl",
        MYSQL_HOST: "mysql.test",
    };
    const checksOf = () => kafkaToJdbc("orders-sync", kafka).checks;

    test("the component records one check per referencing argument, and the SQL keeps the references", () => {
        expect(checksOf().map((c) => [c.argument, c.rule])).toEqual([
            ["kafka.bootstrapServers", "kafkaBootstrap"],
            ["kafka.topic", "kafkaTopic"],
            ["kafka.groupId", "groupId"],
            ["sink.jdbc.url", "jdbcUrl"],
            ["sink.jdbc.username", "userName"],
        ]);
        expect(kafkaToJdbcSql("orders-sync", kafka, "2.3.0")[0]).toContain("'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}'");
    });

    test("valid resolved values pass", () => {
        expect(checkDeferredArguments(checksOf(), vars, new Set())).toEqual([]);
        expect(checkDeferredArguments(mysqlCdc("m", cdc).checks, vars, new Set())).toEqual([]);
    });

    test.each([
        [
            "a broker list without port",
            "KAFKA_BOOTSTRAP",
            "kafka",
            'KafkaToJdbcSync "orders-sync": kafka.bootstrapServers = "${KAFKA_BOOTSTRAP}": resolves to "kafka" (KAFKA_BOOTSTRAP = "kafka"), which is not a list of host:port; fix: change KAFKA_BOOTSTRAP',
        ],
        ["a topic with a space", "ORDERS_TOPIC", "shop orders", 'kafka.topic = "${ORDERS_TOPIC}": resolves to "shop orders"'],
        ["a group id built from a variable with whitespace", "STAGE", "a b", 'kafka.groupId = "orders-${STAGE}": resolves to "orders-a b" (STAGE = "a b")'],
        ["a URL that is no JDBC URL", "JDBC_URL", "postgresql://pg/dw", 'sink.jdbc.url = "${JDBC_URL}": resolves to "postgresql://pg/dw"'],
        ["an empty user", "DB_USER", "", 'sink.jdbc.username = "${DB_USER}": resolves to ""'],
    ])("%s is refused naming the argument, the variable and the value", (_t, name, value, expected) => {
        const message = checkDeferredArguments(checksOf(), { ...vars, [name]: value }, new Set())
            .map((f) => f.reason)
            .join("\n");
        expect(message).toContain(expected);
        expect(message).toMatch(/; fix: change \w+ in the job's VariableSet: /);
    });

    test("a secret variable's value is never shown", () => {
        const message = checkDeferredArguments(checksOf(), { ...vars, JDBC_URL: "hunter2" }, new Set(["JDBC_URL"]))
            .map((f) => f.reason)
            .join("\n");
        expect(message).toContain("uses the secret ${JDBC_URL}; its resolved value (not shown) is not a JDBC URL");
        expect(message).not.toContain("hunter2");
    });

    test("a reference no VariableSet defines is left to the SQL check (reported once, with the job name)", () => {
        const { KAFKA_BOOTSTRAP: _dropped, ...rest } = vars;
        expect(checkDeferredArguments(checksOf(), rest, new Set())).toEqual([]);
    });

    test("MysqlCdcMirror's host and TableSync's connector options get the same treatment", () => {
        expect(
            checkDeferredArguments(mysqlCdc("m", cdc).checks, { ...vars, MYSQL_HOST: "mysql:3306" }, new Set())
                .map((f) => f.reason)
                .join(),
        ).toContain('MysqlCdcMirror "m": mysql.hostname = "${MYSQL_HOST}": resolves to "mysql:3306"');
        const spec = tableSyncSpec.parse({
            columns,
            source: { options: { connector: "kafka", "properties.bootstrap.servers": "${KAFKA_BOOTSTRAP}", topic: "t" } },
            sink: { options: { connector: "print" } },
        });
        const failures = checkDeferredArguments(optionChecks('TableSync "s"', spec), { KAFKA_BOOTSTRAP: "no-port" }, new Set());
        expect(failures.map((f) => f.reason).join()).toContain(
            'TableSync "s": source.options["properties.bootstrap.servers"] = "${KAFKA_BOOTSTRAP}": resolves to "no-port"',
        );
    });

    test("the job's check runs them with the job's VariableSets (at preview, even while the SQL is not known)", () => {
        const job = {
            name: "orders-sync",
            cluster: { restUrl: "http://localhost:8081", flinkVersion: "2.3.0" },
            sql: kafkaToJdbcSql("orders-sync", kafka, "2.3.0"),
            variables: [{ values: { ...vars, KAFKA_BOOTSTRAP: "kafka" }, secrets: { DB_PASSWORD: "pw" } }],
            componentChecks: checksOf(),
        };
        const reasons = checkJobArgs(job).failures.map((f) => f.reason);
        expect(reasons).toEqual([expect.stringContaining('kafka.bootstrapServers = "${KAFKA_BOOTSTRAP}": resolves to "kafka"')]);
        expect(checkJobArgs({ ...job, variables: [{ values: vars, secrets: { DB_PASSWORD: "pw" } }] }).failures).toEqual([]);
    });
});
