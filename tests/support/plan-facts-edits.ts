/**
 * The edits of the SQL state-compatibility facts (tests/fixtures/sql-plans): each a tiny job in
 * two versions. A version is its DDL, the statement COMPILE PLAN compiles (an INSERT or a
 * STATEMENT SET) and the session configuration that differs between versions (TTL, parallelism).
 */

export interface JobVersion {
    ddl: string[];
    statement: string;
    config: Record<string, string>;
}
export interface PlanEdit {
    /** Folder and pipeline.name, e.g. `04-add-aggregate`. */
    name: string;
    v1: JobVersion;
    v2: JobVersion;
    /** v1 compiled and run on the 1.20 line, v2 compiled on this one (home upgrade). */
    v1Line?: string;
}

/** Bounded keys and values keep the state of every job tiny. */
const SRC_FIELDS = "'fields.k.min'='0','fields.k.max'='3','fields.k2.min'='0','fields.k2.max'='3','fields.amount.min'='-100','fields.amount.max'='100'";
export const src = (rowsPerSecond = 5) =>
    `CREATE TEMPORARY TABLE src (k INT, k2 INT, amount INT) WITH ('connector'='datagen','rows-per-second'='${rowsPerSecond}',${SRC_FIELDS})`;
const SRC_TS = `CREATE TEMPORARY TABLE src (k INT, k2 INT, amount INT, ts AS LOCALTIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector'='datagen','rows-per-second'='5',${SRC_FIELDS})`;
const SRC_PT = `CREATE TEMPORARY TABLE src (k INT, k2 INT, amount INT, pt AS PROCTIME()) WITH ('connector'='datagen','rows-per-second'='5',${SRC_FIELDS})`;
const SRC2 = `CREATE TEMPORARY TABLE src2 (k INT, k2 INT, amount INT) WITH ('connector'='datagen','rows-per-second'='5',${SRC_FIELDS})`;
const sink = (name: string, columns: string, options = "'connector'='blackhole'") => `CREATE TEMPORARY TABLE ${name} (${columns}) WITH (${options})`;
const SNK = sink("snk", "k INT, c BIGINT");
const COUNT = "INSERT INTO snk SELECT k, COUNT(*) AS c FROM src GROUP BY k";

const job = (ddl: string[], statement: string, config: Record<string, string> = {}): JobVersion => ({ ddl, statement, config });
const edit = (name: string, v1: JobVersion, v2: JobVersion, extra: Partial<PlanEdit> = {}): PlanEdit => ({ name, v1, v2, ...extra });
const count = job([src(), SNK], COUNT);

export const EDITS: PlanEdit[] = [
    edit("01-add-filter-before-agg", count, job([src(), SNK], "INSERT INTO snk SELECT k, COUNT(*) AS c FROM src WHERE amount > -2147483648 GROUP BY k")),
    edit(
        "02-add-projected-column-after-agg",
        count,
        job([src(), sink("snk", "k INT, c BIGINT, c2 BIGINT")], "INSERT INTO snk SELECT k, c, c * 2 AS c2 FROM (SELECT k, COUNT(*) AS c FROM src GROUP BY k)"),
    ),
    edit(
        "03-change-where-constant",
        job([src(), SNK], "INSERT INTO snk SELECT k, COUNT(*) AS c FROM src WHERE amount > 0 GROUP BY k"),
        job([src(), SNK], "INSERT INTO snk SELECT k, COUNT(*) AS c FROM src WHERE amount > 10 GROUP BY k"),
    ),
    edit(
        "04-add-aggregate",
        count,
        job([src(), sink("snk", "k INT, c BIGINT, s INT")], "INSERT INTO snk SELECT k, COUNT(*) AS c, SUM(amount) AS s FROM src GROUP BY k"),
    ),
    edit(
        "05-remove-aggregate",
        job([src(), sink("snk", "k INT, c BIGINT, s INT")], "INSERT INTO snk SELECT k, COUNT(*) AS c, SUM(amount) AS s FROM src GROUP BY k"),
        count,
    ),
    edit("06-change-group-by-key", count, job([src(), SNK], "INSERT INTO snk SELECT k2, COUNT(*) AS c FROM src GROUP BY k2")),
    edit(
        "07-add-group-by-key",
        count,
        job([src(), sink("snk", "k INT, k2 INT, c BIGINT")], "INSERT INTO snk SELECT k, k2, COUNT(*) AS c FROM src GROUP BY k, k2"),
    ),
    edit(
        "08-change-key-type",
        count,
        job([src(), sink("snk", "k BIGINT, c BIGINT")], "INSERT INTO snk SELECT CAST(k AS BIGINT) AS k, COUNT(*) AS c FROM src GROUP BY CAST(k AS BIGINT)"),
    ),
    edit(
        "09-change-window-size",
        ...([10, 20].map((seconds) =>
            job(
                [SRC_TS, sink("snk", "k INT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), c BIGINT")],
                `INSERT INTO snk SELECT k, window_start, window_end, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '${seconds}' SECOND)) GROUP BY k, window_start, window_end`,
            ),
        ) as [JobVersion, JobVersion]),
    ),
    edit(
        "10-change-join-condition",
        ...(["k", "k2"].map((key) =>
            job(
                [src(), SRC2, sink("snk", "k INT, a INT, b INT")],
                `INSERT INTO snk SELECT s.k, s.amount AS a, t.amount AS b FROM src AS s JOIN src2 AS t ON s.${key} = t.${key}`,
            ),
        ) as [JobVersion, JobVersion]),
    ),
    edit(
        "11-sink-options-only",
        ...(["a", "b"].map((id) => job([src(), sink("snk", "k INT, c BIGINT", `'connector'='print','print-identifier'='${id}'`)], COUNT)) as [
            JobVersion,
            JobVersion,
        ]),
    ),
    edit("12-source-options-only", count, job([src(10), SNK], COUNT)),
    edit("13-rename-column", count, job([src(), SNK], "INSERT INTO snk SELECT k AS key_renamed, COUNT(*) AS cnt FROM src GROUP BY k")),
    edit("14-state-ttl-enable", count, job([src(), SNK], COUNT, { "table.exec.state.ttl": "1 h" })),
    edit("15-state-ttl-change", job([src(), SNK], COUNT, { "table.exec.state.ttl": "1 h" }), job([src(), SNK], COUNT, { "table.exec.state.ttl": "2 h" })),
    edit("16-parallelism-change", job([src(), SNK], COUNT, { "parallelism.default": "1" }), job([src(), SNK], COUNT, { "parallelism.default": "2" })),
    edit(
        "17-add-stateful-operator-upstream",
        count,
        job([src(), SNK], "INSERT INTO snk SELECT k, COUNT(*) AS c FROM (SELECT DISTINCT k, k2, amount FROM src) GROUP BY k"),
    ),
    edit(
        "18-remove-aggregate-operator",
        job([src(), SNK], COUNT),
        job([src(), sink("snk", "k INT, c BIGINT")], "INSERT INTO snk SELECT k, CAST(amount AS BIGINT) AS c FROM src"),
    ),
    edit(
        "19-statement-set-add-insert",
        job([src(), SNK], `STATEMENT SET BEGIN ${COUNT}; END`),
        job(
            [src(), SNK, sink("snk2", "k2 INT, c BIGINT")],
            `STATEMENT SET BEGIN ${COUNT}; INSERT INTO snk2 SELECT k2, COUNT(*) AS c FROM src GROUP BY k2; END`,
        ),
    ),
    edit("20-home-upgrade", count, count, { v1Line: "1.20" }),
    // 17 with an upstream operator of another type (deduplicate), which leaves the aggregate's ordinal alone.
    edit(
        "21-add-dedup-upstream",
        job([SRC_PT, SNK], COUNT),
        job(
            [SRC_PT, SNK],
            "INSERT INTO snk SELECT k, COUNT(*) AS c FROM (SELECT k, ROW_NUMBER() OVER (PARTITION BY k2 ORDER BY pt) AS rn FROM src) WHERE rn = 1 GROUP BY k",
        ),
    ),
];
