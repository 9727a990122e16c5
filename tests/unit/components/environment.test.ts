/** StreamingEnvironment wiring from stack settings (mocked engine; no Flink run) and its bad settings, one row each. */
import * as pulumi from "@pulumi/pulumi";
import { expectRefused } from "../../support/input-error";

interface Made {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}
const made: Made[] = [];

pulumi.runtime.setMocks(
    {
        newResource(args) {
            made.push({ type: args.type, name: args.name, inputs: args.inputs });
            const outs: Record<string, unknown> = { ...args.inputs };
            if (args.name.includes("-main") || args.name.includes("-side"))
                Object.assign(outs, {
                    restUrl: `http://localhost:${args.inputs.restPort}`,
                    webUiUrl: "ui",
                    flinkVersion: "2.3.0",
                    slots: 4,
                    sqlGatewayUrl: "gw",
                });
            if (args.inputs.sql !== undefined) Object.assign(outs, { jobId: `id-${args.name}`, state: "RUNNING", webUiUrl: `ui/${args.name}` });
            return { id: `${args.name}-id`, state: outs };
        },
        call: (args) => args.inputs,
    },
    "envs",
    "test",
    true,
);

// Loaded after the mocks are set.

const { StreamingEnvironment, TableSync, KafkaToJdbcSync, MysqlCdcMirror, kafkaToJdbcSql, mysqlCdcSql } =
    require("../../../sdk") as typeof import("../../../sdk");
type Settings = import("../../../sdk").EnvironmentSettings;

const settings = (over: Partial<Record<keyof Settings, unknown>> = {}): Settings =>
    ({
        home: { version: "2.3.0" },
        clusters: { main: { target: "local", restPort: 31301, sqlGateway: { enabled: true, port: 31302 } } },
        variables: { REGION: "eu" },
        ...over,
    }) as Settings;

const sql = "CREATE TABLE s (v INT) WITH ('connector' = 'datagen'); CREATE TABLE k (v INT) WITH ('connector' = 'blackhole'); INSERT INTO k SELECT v FROM s";

function output<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

beforeEach(() => made.splice(0));

describe("StreamingEnvironment wiring (mocked engine; no Flink run)", () => {
    test("home, clusters, one VariableSet with the secrets, and the jobs the stack enables, sized by its config", async () => {
        const env = new StreamingEnvironment("shop", {
            settings: settings({
                clusters: { main: { target: "local", restPort: 31301 }, side: { target: "local", restPort: 31311 } },
                jobs: {
                    orders: { cluster: "side", parallelism: 3 },
                    audit: { enabled: false, cluster: "main" },
                    adhoc: { sql, cluster: "main" },
                    sync: { cluster: "main" },
                },
                jobDefaults: { parallelism: 2, health: { stableSeconds: 1 }, onDelete: "cancel" },
            }),
            secrets: { DB_PASSWORD: pulumi.secret("pw") },
            jobs: {
                orders: { sql, configuration: { "pipeline.name-suffix": "x" } },
                adhoc2: { sql, cluster: "main", health: { stableSeconds: 9 }, parallelism: 5 },
                audit: { sql },
                sync: (name, ctx, opts) =>
                    new TableSync(
                        name,
                        {
                            cluster: ctx.cluster,
                            variables: ctx.variables,
                            job: ctx.job,
                            columns: [{ name: "v", type: "INT" }],
                            source: { options: { connector: "datagen" } },
                            sink: { options: { connector: "blackhole" } },
                        },
                        opts,
                    ),
            },
        });
        const summary = (await output(env.summary)) as {
            jobs: Record<string, { cluster: string; parallelism: unknown; name: string }>;
            variables: unknown;
            secretNames: unknown;
            clusters: Record<string, { restUrl: string }>;
        };
        expect(Object.keys(summary.jobs).sort()).toEqual(["adhoc", "adhoc2", "orders", "sync"]);
        expect(summary.jobs.orders).toMatchObject({ cluster: "side", parallelism: 3, name: "orders" });
        expect(summary.jobs.adhoc).toMatchObject({ cluster: "main", parallelism: 2 });
        expect(summary.variables).toEqual({ REGION: "eu" });
        expect(summary.secretNames).toEqual(["DB_PASSWORD"]);
        expect(summary.clusters.side.restUrl).toBe("http://localhost:31311");
        const orders = made.find((m) => m.name === "shop-orders")!;
        expect(orders.inputs).toMatchObject({ parallelism: 3, name: "orders", health: { stableSeconds: 1 }, configuration: { "pipeline.name-suffix": "x" } });
        expect(made.some((m) => m.name === "shop-audit")).toBe(false);
        // The catalogue's own health and parallelism win over the stack's defaults; onDelete comes from the defaults.
        expect(made.find((m) => m.name === "shop-adhoc2")!.inputs).toMatchObject({ parallelism: 5, health: { stableSeconds: 9 }, onDelete: "cancel" });
        expect(summary.jobs.adhoc2).toMatchObject({ parallelism: 5 });
    }, 20_000);

    test("labels: jobDefaults < the catalogue's < the stack's per-job config, per key; component jobs get them too", async () => {
        new StreamingEnvironment("lab", {
            settings: settings({
                clusters: { main: { target: "local", restPort: 31321 } },
                jobs: { orders: { labels: { owner: "analytics" } } },
                jobDefaults: { labels: { owner: "data-platform", tier: "2" } },
            }),
            jobs: {
                orders: { sql, labels: { tier: "1", runbook: "wiki/orders" } },
                sync: (name, ctx, opts) =>
                    new TableSync(
                        name,
                        {
                            cluster: ctx.cluster,
                            variables: ctx.variables,
                            job: ctx.job,
                            columns: [{ name: "v", type: "INT" }],
                            source: { options: { connector: "datagen" } },
                            sink: { options: { connector: "blackhole" } },
                        },
                        opts,
                    ),
            },
        });
        await new Promise((r) => setTimeout(r, 200));
        const labels = (n: string) => made.find((m) => m.name === n)?.inputs.labels;
        expect(labels("lab-orders")).toEqual({ owner: "analytics", tier: "1", runbook: "wiki/orders" });
        expect(
            made
                .filter((m) => m.inputs.name === "sync" || m.name.includes("sync"))
                .map((m) => m.inputs.labels)
                .filter(Boolean),
        ).toEqual([{ owner: "data-platform", tier: "2" }]);
    }, 20_000);
});

describe("StreamingEnvironment settings are validated like resources (property, value, fix)", () => {
    const catalogue = { orders: { sql } };
    const two = { main: { target: "local", restPort: 1 }, side: { target: "local", restPort: 2 } };
    type Row = [string, Partial<Record<keyof Settings, unknown>>, string, string, string];
    const rows: Row[] = [
        ["home without version or path", { home: {} }, "home", "{}", "home.version"],
        ["home version that is no version", { home: { version: "latest" } }, "home.version", '"latest"', '"2.3.0"'],
        ["no clusters", { clusters: {} }, "clusters", "{}", "at least one cluster"],
        ["cluster key with upper case", { clusters: { Main: { target: "local" } } }, "clusters.Main", "", "lower-case"],
        ["cluster with an unknown target", { clusters: { main: { target: "yarn" } } }, "clusters.main.target", '"yarn"', '"local"'],
        ["remote cluster without restUrl", { clusters: { main: { target: "remote" } } }, "clusters.main.restUrl", "undefined", "http://flink-jobmanager:8081"],
        ["cluster with its own home", { clusters: { main: { target: "local", home: "x" } } }, "clusters.main.home", '"x"', "environment's `home`"],
        ["variable name with a dash", { variables: { "DB-HOST": "x" } }, `variables["DB-HOST"]`, "", "letters, digits and _"],
        ["variable value that is a number", { variables: { PORT: 5432 } }, "variables.PORT", "5432", "string"],
        ["job parallelism 0", { jobs: { orders: { parallelism: 0 } } }, "jobs.orders.parallelism", "0", "from 1 to 32768"],
        ["job on an undeclared cluster", { jobs: { orders: { cluster: "other" } } }, "jobs.orders.cluster", '"other"', "main"],
        ["job setting with a typo", { jobs: { orders: { paralelism: 2 } } }, "jobs.orders", "", "spelling"],
        ["config job not in the catalogue and without sql", { jobs: { ordrs: { parallelism: 2 } } }, "jobs.ordrs", "", "orders"],
        ["config sql replacing a catalogue job's", { jobs: { orders: { sql } } }, "jobs.orders.sql", "", "change the SQL in the program"],
        ["two clusters and a job placed on neither", { clusters: two }, "jobs.orders.cluster", "undefined", "main, side"],
        ["jobDefaults with an unknown key", { jobDefaults: { restarts: 3 } }, "jobDefaults", "", "spelling"],
        ["an unknown top-level key", { receivers: {} } as never, "(args)", "", "spelling"],
    ];
    test.each(rows)("%s", (_title, over, property, value, fixText) => {
        expectRefused(
            () => new StreamingEnvironment("bad", { settings: settings(over), jobs: catalogue }),
            'StreamingEnvironment "bad"',
            property,
            value,
            fixText,
        );
    });
});

describe("team components create one FlinkJob with the generated SQL (mocked engine; no Flink run)", () => {
    test("KafkaToJdbcSync and MysqlCdcMirror in a catalogue: SQL, job name, stack settings and variables reach the job", async () => {
        const columns = [{ name: "id", type: "BIGINT" }];
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
        const env = new StreamingEnvironment("team", {
            settings: settings({ jobs: { sync: { parallelism: 4 } } }),
            secrets: { PW: "pw" },
            jobs: {
                sync: (name, ctx, opts) =>
                    new KafkaToJdbcSync(name, { cluster: ctx.cluster, variables: ctx.variables, job: ctx.job, jobName: "orders-sync", ...kafka }, opts),
                mirror: (name, ctx, opts) => new MysqlCdcMirror(name, { cluster: ctx.cluster, variables: ctx.variables, job: ctx.job, ...cdc }, opts),
            },
        });
        const summary = (await output(env.summary)) as { jobs: Record<string, { name: string; parallelism: unknown }> };
        expect(Object.keys(summary.jobs)).toEqual(["mirror", "sync"]);
        expect([summary.jobs.sync.name, summary.jobs.mirror.name]).toEqual(["orders-sync", "team-mirror"]);
        const sync = made.find((m) => m.name === "team-sync" && m.inputs.sql !== undefined)!;
        expect(sync.inputs).toMatchObject({ sql: kafkaToJdbcSql("orders-sync", kafka, "2.3.0"), name: "orders-sync", parallelism: 4 });
        const mirror = made.find((m) => m.name === "team-mirror" && m.inputs.sql !== undefined)!;
        expect(mirror.inputs.sql).toEqual(mysqlCdcSql("team-mirror", cdc, "2.3.0"));
        expect(
            made
                .filter((m) => m.type.includes("KafkaToJdbcSync") || m.type.includes("MysqlCdcMirror"))
                .map((m) => m.type)
                .sort(),
        ).toEqual(["flink:components:KafkaToJdbcSync", "flink:components:MysqlCdcMirror"]);
    });
});

describe("a bad component argument stops the program as a RunError (printed by pulumi without a stack trace)", () => {
    test.each([
        [
            "KafkaToJdbcSync",
            () =>
                new KafkaToJdbcSync("bad", {
                    cluster: undefined as never,
                    kafka: { bootstrapServers: "kafka", topic: "t", groupId: "g" },
                    columns: [{ name: "id", type: "BIGINT" }],
                    primaryKey: ["id"],
                    sink: { jdbc: { url: "jdbc:postgresql://pg/x", table: "t" } },
                }),
            'KafkaToJdbcSync "bad": kafka.bootstrapServers = "kafka": is not a list of host:port; fix: ',
        ],
        [
            "MysqlCdcMirror",
            () =>
                new MysqlCdcMirror("bad", {
                    cluster: undefined as never,
                    mysql: { hostname: "db:3306", username: "u", passwordVariable: "PW", database: "shop" },
                    tables: [{ table: "t", columns: [{ name: "id", type: "BIGINT" }], primaryKey: ["id"] }],
                    sink: { jdbc: { url: "jdbc:postgresql://pg/x", table: "t" } },
                }),
            'MysqlCdcMirror "bad": mysql.hostname = "db:3306": is not a host name; fix: ',
        ],
        [
            "TableSync",
            () =>
                new TableSync("bad", {
                    cluster: undefined as never,
                    columns: [],
                    source: { options: { connector: "datagen" } },
                    sink: { options: { connector: "print" } },
                }),
            'TableSync "bad": columns = []: has no columns; fix: ',
        ],
        // It threw a plain InputError (an unhandled exception with a stack trace in `pulumi preview`).
        [
            "StreamingEnvironment",
            () => new StreamingEnvironment("bad", { settings: settings({ home: { version: "latest" } }), jobs: {} }),
            'StreamingEnvironment "bad": home.version = "latest": is not a Flink version; fix: write e.g. "2.3.0"',
        ],
    ])("%s", (_name, make, message) => {
        let thrown: unknown;
        try {
            make();
        } catch (err) {
            thrown = err;
        }
        expect(pulumi.RunError.isInstance(thrown)).toBe(true);
        expect((thrown as Error).message.startsWith(message)).toBe(true);
        expect((thrown as Error).message).not.toMatch(/invalid input|[\u241e\u241f]/);
    });
});
