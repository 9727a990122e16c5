/** KafkaToJdbcSync: a Kafka topic into a JDBC or Doris table, upserting by key. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { column, Column, connectorOptions, identifier } from "./sql-text";
import { SINK_REFERENCES, syncSink, SyncSink, sinkOptions } from "./sinks";
import { GeneratedSqlJob, SqlJobParts, tableSyncSpec, tableSyncSql } from "./table-sync";
import { deferredChecks, hint, parseComponentArgs, stackValue } from "./validate";
import type { DeferredArgumentCheck } from "../../provider/core/component-rules";

/** The Kafka side of a {@link KafkaToJdbcSync}. Needs flink-sql-connector-kafka on the cluster or in `job.dependencies`. */
export interface KafkaSource {
    /** `host:port[,host:port...]`, or `${NAME}` of a variable holding it (checked once resolved). */
    readonly bootstrapServers: string;
    /** The topic to read, or `${NAME}` of a variable holding it. */
    readonly topic: string;
    /** Consumer group (offsets are also kept in the job's state), or `${NAME}` of a variable holding it. */
    readonly groupId: string;
    /**
     * Value format.
     * @default "json"
     */
    readonly format?: "json" | "csv" | "avro" | "debezium-json" | "canal-json" | "maxwell-json";
    /**
     * Where a job without state starts reading.
     * @default "group-offsets"
     */
    readonly startupMode?: "earliest-offset" | "latest-offset" | "group-offsets";
    /**
     * More connector options, e.g. `{ "properties.security.protocol": "SASL_SSL" }`. Credentials
     * (`properties.sasl.jaas.config`) must be `${NAME}` references to secret variables.
     * @default {}
     */
    readonly options?: Record<string, string>;
}

/** Arguments of a {@link KafkaToJdbcSync}. */
export interface KafkaToJdbcSyncArgs extends SqlJobParts {
    /** The topic and how to read it. */
    readonly kafka: KafkaSource;
    /** Columns of the records (and of the target table). */
    readonly columns: readonly Column[];
    /** Key of the target table: rows are upserted by it. */
    readonly primaryKey: readonly string[];
    /** The target table. */
    readonly sink: SyncSink;
    /**
     * A SQL boolean expression; only matching records are written.
     * @default every record
     */
    readonly filter?: string;
}

const spec = z
    .object({
        kafka: z
            .object({
                bootstrapServers: stackValue("kafkaBootstrap"),
                topic: stackValue("kafkaTopic"),
                groupId: stackValue("groupId"),
                format: z.enum(["json", "csv", "avro", "debezium-json", "canal-json", "maxwell-json"]).default("json"),
                startupMode: z.enum(["earliest-offset", "latest-offset", "group-offsets"]).default("group-offsets"),
                options: connectorOptions.default({}),
            })
            .strict(),
        columns: z.array(column).min(1, hint("has no columns", 'list the columns, e.g. [{ name: "id", type: "BIGINT" }]')),
        primaryKey: z.array(identifier).min(1, { ...hint("is empty", "name the column(s) rows are upserted by, e.g. ['order_id']") }),
        sink: syncSink,
        filter: z.string().optional(),
    })
    .strict();

/** Arguments that may be `${NAME}`, with their rule. */
const REFERENCES = { "kafka.bootstrapServers": "kafkaBootstrap", "kafka.topic": "kafkaTopic", "kafka.groupId": "groupId", ...SINK_REFERENCES } as const;

/** Validate the args (throws InputError); the statements per Flink version, and the checks of `${NAME}` arguments. Pure. */
export function kafkaToJdbc(jobName: string, args: unknown): { sql: (flinkVersion: string) => string[]; checks: DeferredArgumentCheck[] } {
    const s = parseComponentArgs("KafkaToJdbcSync", jobName, spec, args);
    const k = s.kafka;
    const source = {
        ...k.options,
        connector: "kafka",
        topic: k.topic,
        "properties.bootstrap.servers": k.bootstrapServers,
        "properties.group.id": k.groupId,
        "scan.startup.mode": k.startupMode,
        format: k.format,
        ...(k.startupMode === "group-offsets" ? { "properties.auto.offset.reset": k.options["properties.auto.offset.reset"] ?? "earliest" } : {}),
    };
    const sink = sinkOptions(s.sink, jobName);
    // TableSync's rules (key among the columns, distinct names) apply here too.
    const table = parseComponentArgs("KafkaToJdbcSync", jobName, tableSyncSpec, {
        columns: s.columns,
        primaryKey: s.primaryKey,
        source: { table: "kafka_source", options: source },
        sink: { table: "sink_table", options: sink },
        filter: s.filter,
    });
    return { sql: (v) => tableSyncSql(table, v), checks: deferredChecks("KafkaToJdbcSync", jobName, s, REFERENCES) };
}

/** The job's statements for a Flink version (pure; the unit tests pin them per version). */
export function kafkaToJdbcSql(jobName: string, args: unknown, flinkVersion: string): string[] {
    return kafkaToJdbc(jobName, args).sql(flinkVersion);
}

/** A Kafka topic continuously written into a JDBC or Doris table, upserting by `primaryKey`; the SQL follows the cluster's Flink version. */
export class KafkaToJdbcSync extends GeneratedSqlJob {
    constructor(name: string, args: KafkaToJdbcSyncArgs, opts?: pulumi.ComponentResourceOptions) {
        const { cluster, variables, jobName, job, ...structure } = args;
        const generated = kafkaToJdbc(jobName ?? name, structure);
        super("flink:components:KafkaToJdbcSync", name, { cluster, variables, jobName, job }, generated.sql, generated.checks, opts);
    }
}
