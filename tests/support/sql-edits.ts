/**
 * The SQL edits of tests/e2e/sql-state-edits.test.ts: one stateful SQL job per edit, each in a
 * version 1 and a version 2, printing a running count through the `print` connector, and a stack
 * program with a local cluster (its SQL Gateway on this machine, so SQL jobs deploy from compiled
 * plans) holding all of them.
 */
import * as fs from "fs";
import * as path from "path";

export const SQL_EDITS_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const port = cfg.requireNumber("restPort");
const home = new flink.FlinkHome("home", { path: cfg.require("flinkHome"), defaultConfig: { "parallelism.default": 1, "taskmanager.memory.jvm-metaspace.size": "512m" } });
const cluster = new flink.SessionCluster("cluster", {
    target: "local", home, workDir: cfg.require("workDir"), restPort: port, rpcPort: port + 1,
    slotsPerTaskManager: 32, taskManagerMemory: "3g", jobManagerMemory: "1536m", sqlGateway: { enabled: true, port: port + 5 },
});
for (const [resource, args] of Object.entries(JSON.parse(cfg.get("jobs") || "{}"))) {
    const job = new flink.FlinkJob(resource, { cluster, ...args });
    exports[resource] = { jobId: job.jobId, state: job.state, generation: job.generation, lastSavepoint: job.lastSavepoint, restoredFrom: job.restoredFrom };
}
`;

/** One version of an edited job: its SQL given the print identifier, and other FlinkJob args. */
interface Version {
    sql: (id: string) => string;
    more?: Record<string, unknown>;
}

export interface Edit {
    /** Resource name; the job is named `se-<key>`. */
    key: string;
    what: string;
    v1: Version;
    v2: Version;
    /** Whether the printed number is a running total that continues across a restore (not per window). */
    runningTotal: boolean;
}

const datagen = (table: string, columns: string, rate: number, fields: Record<string, [number, number]>) =>
    `CREATE TABLE ${table} (${columns}) WITH ('connector' = 'datagen', 'rows-per-second' = '${rate}', ${Object.entries(fields)
        .map(([f, [min, max]]) => `'fields.${f}.min' = '${min}', 'fields.${f}.max' = '${max}'`)
        .join(", ")})`;

/** k and g are always 0 (one key, one running count); v is wide enough to be unique in practice. */
const src = (rate = 5) => datagen("src", "k INT, g INT, v BIGINT, pt AS PROCTIME()", rate, { k: [0, 0], g: [0, 0], v: [0, 1_000_000_000] });
const snk = (id: string, columns = "k INT, c BIGINT") => `CREATE TABLE snk (${columns}) WITH ('connector' = 'print', 'print-identifier' = '${id}')`;
const script =
    (insert: string, opts: { rate?: number; columns?: string } = {}) =>
    (id: string) =>
        [src(opts.rate), snk(id, opts.columns), insert].join(";\n");

const COUNT = "INSERT INTO snk SELECT k, COUNT(*) FROM src GROUP BY k";
const COUNT_SUM = "INSERT INTO snk SELECT k, COUNT(*), SUM(v) FROM src GROUP BY k";
const WITH_SUM = { columns: "k INT, c BIGINT, s BIGINT" };
const window = (seconds: number) =>
    script(
        `INSERT INTO snk SELECT 0, COUNT(*), window_start FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(pt), INTERVAL '${seconds}' SECOND)) GROUP BY window_start, window_end`,
        {
            columns: "z INT, c BIGINT, ws TIMESTAMP(3)",
        },
    );
const joined = (on: string) => (id: string) =>
    [
        datagen("a", "k INT, j INT, v BIGINT", 2, { k: [0, 4], j: [0, 4], v: [0, 9] }),
        datagen("b", "k INT, j INT, w BIGINT", 2, { k: [0, 4], j: [0, 4], w: [0, 9] }),
        snk(id),
        `INSERT INTO snk SELECT z, COUNT(*) FROM (SELECT 0 AS z FROM a JOIN b ON ${on}) GROUP BY z`,
    ].join(";\n");
const dedupThenCount =
    "INSERT INTO snk SELECT k, COUNT(*) FROM (SELECT k, ROW_NUMBER() OVER (PARTITION BY v ORDER BY pt ASC) AS rn FROM src) WHERE rn = 1 GROUP BY k";

export const EDITS: Edit[] = [
    {
        key: "filter",
        what: "add a filter before the aggregate",
        v1: { sql: script(COUNT) },
        v2: { sql: script("INSERT INTO snk SELECT k, COUNT(*) FROM src WHERE v >= 0 GROUP BY k") },
        runningTotal: true,
    },
    {
        key: "addcol",
        what: "add a projected column after the aggregate",
        v1: { sql: script(COUNT) },
        v2: { sql: script("INSERT INTO snk SELECT k, c, c * 2 FROM (SELECT k, COUNT(*) AS c FROM src GROUP BY k)", { columns: "k INT, c BIGINT, d BIGINT" }) },
        runningTotal: true,
    },
    {
        key: "whereconst",
        what: "change a WHERE constant",
        v1: { sql: script("INSERT INTO snk SELECT k, COUNT(*) FROM src WHERE v >= 0 GROUP BY k") },
        v2: { sql: script("INSERT INTO snk SELECT k, COUNT(*) FROM src WHERE v >= 10 GROUP BY k") },
        runningTotal: true,
    },
    {
        key: "addagg",
        what: "add an aggregate: COUNT(*) -> COUNT(*), SUM(v)",
        v1: { sql: script(COUNT) },
        v2: { sql: script(COUNT_SUM, WITH_SUM) },
        runningTotal: true,
    },
    {
        key: "removeagg",
        what: "remove an aggregate: COUNT(*), SUM(v) -> COUNT(*)",
        v1: { sql: script(COUNT_SUM, WITH_SUM) },
        v2: { sql: script(COUNT) },
        runningTotal: true,
    },
    {
        key: "groupkey",
        what: "GROUP BY another INT column",
        v1: { sql: script(COUNT) },
        v2: { sql: script("INSERT INTO snk SELECT g, COUNT(*) FROM src GROUP BY g") },
        runningTotal: true,
    },
    {
        key: "keytype",
        what: "change the key's type: k -> CAST(k AS BIGINT)",
        v1: { sql: script(COUNT) },
        v2: { sql: script("INSERT INTO snk SELECT CAST(k AS BIGINT), COUNT(*) FROM src GROUP BY CAST(k AS BIGINT)", { columns: "k BIGINT, c BIGINT" }) },
        runningTotal: true,
    },
    { key: "window", what: "window TVF TUMBLE 10 s -> 20 s", v1: { sql: window(10) }, v2: { sql: window(20) }, runningTotal: false },
    {
        key: "join",
        what: "change a join's condition: a.k = b.k -> a.j = b.j",
        v1: { sql: joined("a.k = b.k") },
        v2: { sql: joined("a.j = b.j") },
        runningTotal: true,
    },
    { key: "sinkopts", what: "change only sink options (print-identifier)", v1: { sql: script(COUNT) }, v2: { sql: script(COUNT) }, runningTotal: true },
    {
        key: "srcopts",
        what: "change only source options (rows-per-second 5 -> 6)",
        v1: { sql: script(COUNT) },
        v2: { sql: script(COUNT, { rate: 6 }) },
        runningTotal: true,
    },
    {
        key: "rename",
        what: "rename columns (aliases)",
        v1: { sql: script(COUNT) },
        v2: { sql: script("INSERT INTO snk SELECT k AS key_renamed, COUNT(*) AS cnt FROM src GROUP BY k") },
        runningTotal: true,
    },
    {
        key: "ttl",
        what: 'state TTL: unset -> table.exec.state.ttl = "1 h"',
        v1: { sql: script(COUNT) },
        v2: { sql: script(COUNT), more: { configuration: { "table.exec.state.ttl": "1 h" } } },
        runningTotal: true,
    },
    { key: "parallelism", what: "parallelism 1 -> 2", v1: { sql: script(COUNT) }, v2: { sql: script(COUNT), more: { parallelism: 2 } }, runningTotal: true },
    {
        key: "dedup",
        what: "add a stateful operator upstream (ROW_NUMBER dedup; shifts ids)",
        v1: { sql: script(COUNT) },
        v2: { sql: script(dedupThenCount) },
        runningTotal: true,
    },
];

/** The job of acceptance C: the add-aggregate edit with the default upgrade.onIncompatible ("fail"). */
export const REFUSED: Edit = { ...EDITS.find((e) => e.key === "addagg")!, key: "refused", what: "add an aggregate, default onIncompatible (fail)" };

export const jobName = (key: string) => `se-${key}`;
export const printId = (key: string, version: 1 | 2, line: string) => `${key}-v${version}-${line}`;

/**
 * First and highest number in column `column` of the rows printed (+I/+U) under `identifier` in
 * the cluster's TaskManager stdout files, how many rows, and how often the number went down.
 */
export function printedColumn(workDir: string, identifier: string, column = 1): { first: number; last: number; rows: number; resets: number } | undefined {
    const logDir = path.join(workDir, "log");
    const pattern = new RegExp(`^${identifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?::\\d+)?> \\+[IU]\\[(.*)\\]$`);
    const values: number[] = [];
    for (const file of fs.existsSync(logDir)
        ? fs
              .readdirSync(logDir)
              .filter((f) => f.endsWith(".out"))
              .sort()
        : []) {
        for (const line of fs.readFileSync(path.join(logDir, file), "utf8").split("\n")) {
            const m = pattern.exec(line);
            if (m) values.push(Number(m[1].split(", ")[column]));
        }
    }
    // A reset: a number below the one before it (a job that started over instead of restoring).
    const resets = values.filter((x, i) => i > 0 && x < values[i - 1]).length;
    return values.length ? { first: values[0], last: Math.max(...values), rows: values.length, resets } : undefined;
}
