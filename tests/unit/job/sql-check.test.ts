/** Bad input for SQL jobs and variables, rejected at preview with property, value and fix. */
import { checkJobArgs } from "../../../provider/job/schema";
import { UNKNOWN } from "../../../provider/core/unknown";

const cluster = { restUrl: "http://flink:8081", flinkVersion: "2.3.0", connection: { restUrl: "http://flink:8081", sqlGatewayUrl: "http://flink:8083" } };
const DDL =
    "CREATE TABLE src (k INT) WITH ('connector' = 'datagen');\nCREATE TABLE snk (k INT, c BIGINT) WITH ('connector' = 'jdbc', 'url' = '${DB_URL}', 'password' = '${DB_PASSWORD}')";
const SQL = `${DDL};\nINSERT INTO snk SELECT k, COUNT(*) FROM src GROUP BY k`;
const vars = [{ values: { DB_URL: "jdbc:mysql://db/x", TOPIC: "orders" }, secrets: { DB_PASSWORD: "s3cr3t-pa55" } }];
const base = { name: "orders", cluster, sql: SQL, variables: vars };
const SECRET = "s3cr3t-pa55";

describe("SQL job check accepts valid input", () => {
    test.each<[string, Record<string, unknown>]>([
        ["script", base],
        ["list of statements", { ...base, sql: [...DDL.split(";\n"), "INSERT INTO snk SELECT k, COUNT(*) FROM src GROUP BY k"] }],
        ["statement set", { ...base, sql: `${DDL};\nEXECUTE STATEMENT SET BEGIN INSERT INTO snk SELECT 1, 2; INSERT INTO snk SELECT 3, 4; END` }],
        ["escaped placeholder", { ...base, sql: SQL.replace("'orders'", "'$${NOT_A_VAR}'") }],
        ["dependencies by maven", { ...base, dependencies: [{ maven: "org.apache.flink:flink-connector-jdbc:3.2.0-1.19" }] }],
        [
            "plain variable in args of a JAR job is fine",
            { name: "j", cluster, jar: { url: "https://x.example/a.jar" }, args: ["--topic", "${TOPIC}"], variables: vars },
        ],
        ["unknown variables in preview", { ...base, variables: UNKNOWN }],
    ])("%s", (_name, inputs) => {
        expect(checkJobArgs(inputs).failures).toEqual([]);
    });
});

describe("SQL job check rejects bad input", () => {
    test.each<[string, Record<string, unknown>, string, string]>([
        ["empty SQL", { ...base, sql: "" }, "sql", "is empty"],
        ["only comments", { ...base, sql: "-- todo\n/* later */" }, "sql", "is empty"],
        ["no INSERT", { ...base, sql: DDL }, "sql", "produces no Flink job"],
        ["two INSERTs outside a statement set", { ...base, sql: `${SQL};\nINSERT INTO snk SELECT 1, 2` }, "sql (line 4)", "would produce 2 Flink jobs"],
        ["a SELECT", { ...base, sql: `${DDL};\nSELECT * FROM src` }, "sql (line 3)", "not a job that keeps running"],
        ["statement after the INSERT", { ...base, sql: `${SQL};\nDROP TABLE src` }, "sql (line 4)", "after the job's INSERT"],
        ["SQL as a number", { ...base, sql: 42 }, "sql", "must be one SQL script (a string) or a list of statements"],
        ["a list with a non-string", { ...base, sql: [DDL, 7] }, "sql", "must be one SQL script"],
        ["unknown variable", { ...base, sql: SQL.replace("${DB_URL}", "${DB_URI}") }, "sql", "which no VariableSet defines"],
        ["unknown variable lists the defined ones", { ...base, sql: SQL.replace("${DB_URL}", "${NOPE}") }, "sql", "DB_PASSWORD, DB_URL, TOPIC"],
        ["unknown variable in a list element", { ...base, sql: [DDL.replace("${DB_URL}", "${X}"), "INSERT INTO snk SELECT 1, 2"] }, "sql[0]", "uses ${X}"],
        ["entryClass on a SQL job", { ...base, entryClass: "com.example.Main" }, "entryClass", "is for JAR jobs"],
        ["args on a SQL job", { ...base, args: ["--x"] }, "args", "are for JAR jobs"],
        [
            "dependencies on a JAR job",
            { name: "j", cluster, jar: { url: "https://x.example/a.jar" }, dependencies: [{ maven: "a:b:1" }] },
            "dependencies",
            "are for SQL jobs",
        ],
        ["bad dependency coordinates", { ...base, dependencies: [{ maven: "not-coordinates" }] }, "dependencies[0].maven", "group:artifact:version"],
        [
            "dependency with two sources",
            { ...base, dependencies: [{ maven: "a:b:1", url: "https://x/a.jar" }] },
            "dependencies[0]",
            "exactly one of path, url or maven",
        ],
        [
            "secret in program args",
            { name: "j", cluster, jar: { url: "https://x.example/a.jar" }, args: ["--password", "${DB_PASSWORD}"], variables: vars },
            "args[1]",
            "Flink shows program arguments",
        ],
        [
            "secret in job configuration",
            { ...base, configuration: { "my.password": "${DB_PASSWORD}" } },
            'configuration["my.password"]',
            "Flink shows job configuration",
        ],
        [
            "secret as SQL code (outside quotes)",
            { ...base, sql: SQL.replace("'${DB_PASSWORD}'", "${DB_PASSWORD}") },
            "sql",
            "uses the secret ${DB_PASSWORD} outside a SQL string literal (as SQL code)",
        ],
        ["secret in double quotes", { ...base, sql: SQL.replace("'${DB_PASSWORD}'", '"${DB_PASSWORD}"') }, "sql", "(in double quotes)"],
        [
            "secret in a backquoted identifier (list element)",
            { ...base, sql: [DDL.replace("'${DB_PASSWORD}'", "`${DB_PASSWORD}`"), "INSERT INTO snk SELECT 1, 2"] },
            "sql[0]",
            "(in a backquoted identifier)",
        ],
        ["unknown variable in configuration", { ...base, configuration: { "pipeline.jars": "${JARS}" } }, 'configuration["pipeline.jars"]', "uses ${JARS}"],
        [
            "unknown variable in JAR args",
            { name: "j", cluster, jar: { url: "https://x.example/a.jar" }, args: ["${MISSING}"], variables: vars },
            "args",
            "uses ${MISSING}",
        ],
        ["a name in two sets with different values", { ...base, variables: [...vars, { values: { TOPIC: "payments" } }] }, "variables", "TOPIC"],
        ["variables not a list", { ...base, variables: { values: {} } }, "variables", "Expected array"],
        ["variable values not strings", { ...base, variables: [{ values: { N: 1 } }] }, "variables", "Expected string"],
        ["unknown key in a variable set", { ...base, variables: [{ vals: {} }] }, "variables", "unknown property"],
    ])("%s", (_name, inputs, property, problem) => {
        const { failures } = checkJobArgs(inputs);
        const failure = failures.find((f) => f.property === property) ?? failures.find((f) => f.property.startsWith(property));
        expect(failure).toBeDefined();
        expect(failure!.reason).toContain(problem);
        expect(failure!.reason).toMatch(/; fix: \S/);
        expect(JSON.stringify(failures)).not.toContain(SECRET);
    });
});
