/**
 * TableSync: the shape of most platform SQL jobs, "read table A, write table B", with the SQL
 * generated from typed args. KafkaToJdbcSync and MysqlCdcMirror are built on it; use it directly
 * for any pair of connectors (datagen, filesystem, print, blackhole, ...).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { FlinkJob, FlinkJobArgs } from "../job";
import { SessionCluster } from "../cluster";
import { VariableSet } from "../variables";
import { Column, column, connectorOptions, createTable, identifier, quoteId } from "./sql-text";
import { onConflictClause } from "./sql-version";
import { hint, parseComponentArgs, ruleHint, stackValueValid } from "./validate";
import { ArgumentRuleName, DeferredArgumentCheck, hasReference } from "../../provider/core/component-rules";

/** Job settings a component passes through to its {@link FlinkJob} unchanged. */
export type ComponentJobOptions = Omit<FlinkJobArgs, "cluster" | "name" | "sql" | "jar" | "variables" | "entryClass" | "args">;

/** One side of a sync: a table name in the job's SQL and its connector options. */
export interface TableEndpoint {
    /**
     * Table name inside the job's SQL (not the external table).
     * @default "source" / "sink"
     */
    readonly table?: string;
    /** Connector options, e.g. `{ connector: "datagen", "rows-per-second": "1" }`. Credentials must be `${NAME}` references. */
    readonly options: Record<string, string>;
}

/** Arguments of a {@link TableSync}. Structure (columns, keys, options) is plain data, validated at program time. */
export interface TableSyncArgs {
    /** The session cluster the job runs on. */
    readonly cluster: SessionCluster;
    /**
     * VariableSets for `${NAME}` references in options (secrets such as passwords).
     * @default []
     */
    readonly variables?: VariableSet | VariableSet[];
    /**
     * The Flink job name.
     * @default the component name
     */
    readonly jobName?: string;
    /** Columns of both tables, in order. */
    readonly columns: readonly Column[];
    /**
     * Primary key of the sink (an upsert sink needs one).
     * @default none
     */
    readonly primaryKey?: readonly string[];
    /** Where rows come from. */
    readonly source: TableEndpoint;
    /** Where rows go. */
    readonly sink: TableEndpoint;
    /**
     * A SQL boolean expression over the columns; only matching rows are written.
     * @default every row
     */
    readonly filter?: string;
    /**
     * Parallelism, configuration, upgrade policy, health gate, dependencies, ... of the job.
     * @default {}
     */
    readonly job?: ComponentJobOptions;
}

/** Connector options that differ between stacks, with their rule, per connector. */
const OPTION_RULES: Readonly<Record<string, Readonly<Record<string, ArgumentRuleName>>>> = {
    kafka: { "properties.bootstrap.servers": "kafkaBootstrap", topic: "kafkaTopic", "properties.group.id": "groupId" },
    "upsert-kafka": { "properties.bootstrap.servers": "kafkaBootstrap", topic: "kafkaTopic" },
    jdbc: { url: "jdbcUrl", "table-name": "tableName", username: "userName" },
    "mysql-cdc": { hostname: "hostName", "database-name": "databaseName", username: "userName" },
    doris: { fenodes: "dorisFenodes", "table.identifier": "dorisTable", username: "userName" },
};
const rulesOf = (options: Record<string, string>) => OPTION_RULES[options.connector] ?? {};

const endpoint = (side: string) =>
    z
        .object({
            table: identifier.default(side),
            options: connectorOptions.refine((o) => typeof o.connector === "string" && o.connector !== "", {
                ...hint("has no 'connector'", `set options.connector, e.g. "datagen" or "jdbc"`),
            }),
        })
        .strict()
        .superRefine((e, ctx) => {
            for (const [key, rule] of Object.entries(rulesOf(e.options))) {
                const value = e.options[key];
                if (value !== undefined && !stackValueValid(rule, value)) ctx.addIssue({ code: "custom", path: ["options", key], ...ruleHint(rule) });
            }
        });

/** Connector options of both sides written with `${NAME}`: checked by their rule once resolved. */
export function optionChecks(component: string, spec: Pick<TableSyncSpec, "source" | "sink">): DeferredArgumentCheck[] {
    return (["source", "sink"] as const).flatMap((side) =>
        Object.entries(rulesOf(spec[side].options))
            .filter(([key]) => spec[side].options[key] !== undefined && hasReference(spec[side].options[key]))
            .map(([key, rule]) => ({ component, argument: `${side}.options[${JSON.stringify(key)}]`, text: spec[side].options[key], rule })),
    );
}

/** The validated, plain part of {@link TableSyncArgs} the SQL is generated from. */
export const tableSyncSpec = z
    .object({
        columns: z.array(column).min(1, hint("has no columns", 'list the columns, e.g. [{ name: "id", type: "BIGINT" }]')),
        primaryKey: z.array(identifier).default([]),
        source: endpoint("source"),
        sink: endpoint("sink"),
        filter: z
            .string()
            .trim()
            .min(1)
            .refine((f) => !f.includes(";"), { ...hint("contains ';'", "write a single boolean expression, e.g. amount > 0") })
            .optional(),
    })
    .superRefine((spec, ctx) => {
        const names = spec.columns.map((c) => c.name.toLowerCase());
        names.forEach(
            (n, i) =>
                names.indexOf(n) !== i &&
                ctx.addIssue({ code: "custom", path: ["columns", i, "name"], ...hint("is a duplicate column", "give every column a distinct name") }),
        );
        spec.primaryKey.forEach(
            (k, i) =>
                !names.includes(k.toLowerCase()) &&
                ctx.addIssue({
                    code: "custom",
                    path: ["primaryKey", i],
                    ...hint("is not one of the columns", `use column names: ${spec.columns.map((c) => c.name).join(", ")}`),
                }),
        );
        if (spec.source.table.toLowerCase() === spec.sink.table.toLowerCase())
            ctx.addIssue({ code: "custom", path: ["sink", "table"], ...hint("is the source's table name too", "name the two tables differently") });
    });
export type TableSyncSpec = z.infer<typeof tableSyncSpec>;

/** The job's statements for a Flink version: two CREATE TABLEs and one INSERT. Pure; the unit tests pin it per version. */
export function tableSyncSql(spec: TableSyncSpec, flinkVersion: string): string[] {
    const select = spec.columns.map((c) => quoteId(c.name)).join(", ");
    const where = spec.filter ? ` WHERE ${spec.filter}` : "";
    return [
        createTable(spec.source.table, spec.columns, spec.source.options),
        createTable(spec.sink.table, spec.columns, spec.sink.options, spec.primaryKey),
        // The source has no key: into a keyed upsert sink, Flink 2.3+ needs ON CONFLICT.
        `INSERT INTO ${quoteId(spec.sink.table)} SELECT ${select} FROM ${quoteId(spec.source.table)}${where}` +
            `${onConflictClause(flinkVersion, { connector: spec.sink.options.connector, primaryKey: spec.primaryKey })}`,
    ];
}

/** What a component needs to create its job once its SQL is known. */
export interface SqlJobParts {
    readonly cluster: SessionCluster;
    readonly variables?: VariableSet | VariableSet[];
    readonly jobName?: string;
    readonly job?: ComponentJobOptions;
}

/** Base of the generated-SQL components: one FlinkJob, its SQL and its main outputs. */
export abstract class GeneratedSqlJob extends pulumi.ComponentResource {
    /** The generated statements for the cluster's Flink version, as submitted (with `${NAME}` placeholders, never secret values). */
    public readonly sql!: pulumi.Output<string[]>;
    /** The job. */
    public readonly job!: FlinkJob;
    /** The job's name in Flink. */
    public readonly jobName!: string;
    /** Flink job id of the running generation. */
    public readonly jobId!: pulumi.Output<string>;
    /** The job's page in the Flink web UI. */
    public readonly webUiUrl!: pulumi.Output<string>;

    /**
     * @param generate the statements for a Flink version (pure; the args are validated already).
     * @param checks arguments written as `${NAME}`, checked by the job's check once resolved.
     */
    protected constructor(
        type: string,
        name: string,
        parts: SqlJobParts,
        generate: (flinkVersion: string) => string[],
        checks: DeferredArgumentCheck[],
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(type, name, {}, opts);
        const jobName = parts.jobName ?? name;
        const sql = parts.cluster.flinkVersion.apply(generate);
        const job = new FlinkJob(
            name,
            { ...parts.job, cluster: parts.cluster, variables: parts.variables, name: jobName, sql, componentChecks: checks },
            { parent: this },
        );
        Object.assign(this, { sql, job, jobName, jobId: job.jobId, webUiUrl: job.webUiUrl });
        this.registerOutputs({ jobId: job.jobId, webUiUrl: job.webUiUrl });
    }
}

/** A SQL job copying rows from one table to another, generated from typed args. */
export class TableSync extends GeneratedSqlJob {
    constructor(name: string, args: TableSyncArgs, opts?: pulumi.ComponentResourceOptions) {
        const { cluster, variables, jobName, job, ...structure } = args;
        const spec = parseComponentArgs("TableSync", name, tableSyncSpec, structure);
        super(
            "flink:components:TableSync",
            name,
            { cluster, variables, jobName, job },
            (v) => tableSyncSql(spec, v),
            optionChecks(`TableSync "${name}"`, spec),
            opts,
        );
    }
}
