/** MysqlCdcMirror: MySQL tables mirrored (snapshot + binlog) into JDBC or Doris tables, one job. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { column, Column, createTable, identifier, quoteId, ref, variableName } from "./sql-text";
import { SINK_REFERENCES, syncSink, SyncSink, sinkOptions } from "./sinks";
import { GeneratedSqlJob, SqlJobParts } from "./table-sync";
import { deferredChecks, hint, parseComponentArgs, stackValue } from "./validate";
import type { DeferredArgumentCheck } from "../../provider/core/component-rules";

/** The MySQL side. Needs flink-sql-connector-mysql-cdc on the cluster or in `job.dependencies`. */
export interface MysqlCdcSource {
    /** MySQL host, or `${NAME}` of a variable holding it (checked once resolved). */
    readonly hostname: string;
    /**
     * MySQL port.
     * @default 3306
     */
    readonly port?: number;
    /** A user with REPLICATION SLAVE, REPLICATION CLIENT and SELECT, or `${NAME}` of a variable holding it. */
    readonly username: string;
    /** Name of the secret variable holding the password. */
    readonly passwordVariable: string;
    /** The database the tables are in, or `${NAME}` of a variable holding it. */
    readonly database: string;
    /**
     * Server id range, one id per source subtask, unique among the database's replicas, e.g. `"5400-5404"`.
     * @default "5400-5408"
     */
    readonly serverId?: string;
    /**
     * `initial`: snapshot then binlog; `latest-offset`: binlog from now.
     * @default "initial"
     */
    readonly startupMode?: "initial" | "latest-offset";
    /**
     * The server's time zone (for TIMESTAMP columns).
     * @default "UTC"
     */
    readonly serverTimeZone?: string;
}

/** One mirrored table. */
export interface MirroredTable {
    /** Table name in MySQL. */
    readonly table: string;
    /** Its columns (the mirrored subset). */
    readonly columns: readonly Column[];
    /** Its primary key (CDC needs one). */
    readonly primaryKey: readonly string[];
    /**
     * Table name on the sink side.
     * @default the MySQL table name
     */
    readonly sinkTable?: string;
}

/** Arguments of a {@link MysqlCdcMirror}. */
export interface MysqlCdcMirrorArgs extends SqlJobParts {
    /** The database to read the change log of. */
    readonly mysql: MysqlCdcSource;
    /** The tables to mirror: all in one job (one statement set). */
    readonly tables: readonly MirroredTable[];
    /** Where the mirrors are written; `table` names a default, each table uses its `sinkTable`. */
    readonly sink: SyncSink;
}

const table = z
    .object({
        table: identifier,
        columns: z.array(column).min(1, hint("has no columns", 'list the columns, e.g. [{ name: "id", type: "BIGINT" }]')),
        primaryKey: z.array(identifier).min(1, { ...hint("is empty", "CDC needs the table's primary key, e.g. ['id']") }),
        sinkTable: identifier.optional(),
    })
    .strict()
    .superRefine((t, ctx) => {
        const names = t.columns.map((c) => c.name.toLowerCase());
        t.primaryKey.forEach(
            (k, i) =>
                !names.includes(k.toLowerCase()) &&
                ctx.addIssue({
                    code: "custom",
                    path: ["primaryKey", i],
                    ...hint("is not one of the columns", `use column names: ${t.columns.map((c) => c.name).join(", ")}`),
                }),
        );
    });

const spec = z
    .object({
        mysql: z
            .object({
                hostname: stackValue("hostName"),
                port: z.number().int().min(1).max(65535).default(3306),
                username: stackValue("userName"),
                passwordVariable: variableName,
                database: stackValue("databaseName"),
                serverId: z
                    .string()
                    .regex(/^\d+(-\d+)?$/, { ...hint("is not an id or range", 'write "5400" or "5400-5404"') })
                    .default("5400-5408"),
                startupMode: z.enum(["initial", "latest-offset"]).default("initial"),
                serverTimeZone: z.string().min(1).default("UTC"),
            })
            .strict(),
        tables: z
            .array(table)
            .min(1, { ...hint("is empty", "list at least one table") })
            .superRefine((ts, ctx) => {
                const sinks = ts.map((t) => (t.sinkTable ?? t.table).toLowerCase());
                sinks.forEach(
                    (s, i) =>
                        sinks.indexOf(s) !== i &&
                        ctx.addIssue({
                            code: "custom",
                            path: [i, "sinkTable"],
                            ...hint("is written by another table too", "give each mirrored table its own sinkTable"),
                        }),
                );
            }),
        sink: syncSink,
    })
    .strict();

const REFERENCES = { "mysql.hostname": "hostName", "mysql.username": "userName", "mysql.database": "databaseName", ...SINK_REFERENCES } as const;

/**
 * Validate the args (throws InputError); the statements per Flink version (a CDC source and a sink
 * per table, then one statement set), and the checks of `${NAME}` arguments. Pure.
 */
export function mysqlCdc(jobName: string, args: unknown): { sql: (flinkVersion: string) => string[]; checks: DeferredArgumentCheck[] } {
    const s = parseComponentArgs("MysqlCdcMirror", jobName, spec, args);
    const m = s.mysql;
    const ddl: string[] = [];
    const inserts: string[] = [];
    for (const t of s.tables) {
        const src = `src_${t.table}`;
        const dst = `dst_${t.sinkTable ?? t.table}`;
        const source = {
            connector: "mysql-cdc",
            hostname: m.hostname,
            port: String(m.port),
            username: m.username,
            password: ref(m.passwordVariable),
            "database-name": m.database,
            "table-name": t.table,
            "server-id": m.serverId,
            "server-time-zone": m.serverTimeZone,
            "scan.startup.mode": m.startupMode,
        };
        ddl.push(createTable(src, t.columns, source, t.primaryKey));
        ddl.push(
            createTable(dst, t.columns, sinkOptions(s.sink, jobName, s.tables.length > 1 || t.sinkTable ? (t.sinkTable ?? t.table) : undefined), t.primaryKey),
        );
        // No ON CONFLICT on any version: the source's key is the sink's key, so the change log's upsert
        // key is the sink's primary key and Flink 2.3 has no conflict to resolve (checked on real 2.3).
        inserts.push(`  INSERT INTO ${quoteId(dst)} SELECT ${t.columns.map((c) => quoteId(c.name)).join(", ")} FROM ${quoteId(src)};`);
    }
    const statements = [...ddl, `EXECUTE STATEMENT SET BEGIN\n${inserts.join("\n")}\nEND`];
    return { sql: () => statements, checks: deferredChecks("MysqlCdcMirror", jobName, s, REFERENCES) };
}

/** The job's statements for a Flink version (pure; the unit tests pin them). */
export function mysqlCdcSql(jobName: string, args: unknown, flinkVersion: string): string[] {
    return mysqlCdc(jobName, args).sql(flinkVersion);
}

/** MySQL tables mirrored into a JDBC or Doris database by one CDC job. */
export class MysqlCdcMirror extends GeneratedSqlJob {
    constructor(name: string, args: MysqlCdcMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
        const { cluster, variables, jobName, job, ...structure } = args;
        const generated = mysqlCdc(jobName ?? name, structure);
        super("flink:components:MysqlCdcMirror", name, { cluster, variables, jobName, job }, generated.sql, generated.checks, opts);
    }
}
