/** KafkaToJdbcSync: a Kafka topic into a JDBC or Doris table, upserting by key. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { column, Column, connectorOptions, identifier } from "./sql-text";
import { syncSink, SyncSink, sinkOptions } from "./sinks";
import { GeneratedSqlJob, SqlJobParts, tableSyncSpec, tableSyncSql } from "./table-sync";
import { hint, parseComponentArgs } from "./validate";

/** The Kafka side of a {@link KafkaToJdbcSync}. Needs flink-sql-connector-kafka on the cluster or in `job.dependencies`. */
export interface KafkaSource {
    /** `host:port[,host:port...]`. */
    readonly bootstrapServers: string;
    /** The topic to read. */
    readonly topic: string;
    /** Consumer group (offsets are also kept in the job's state). */
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
                bootstrapServers: z.string().regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, { ...hint("is not a list of host:port", 'write "broker1:9092,broker2:9092"') }),
                topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, { ...hint("is not a Kafka topic name", "use letters, digits, '.', '_' and '-'") }),
                groupId: z.string().min(1),
                format: z.enum(["json", "csv", "avro", "debezium-json", "canal-json", "maxwell-json"]).default("json"),
                startupMode: z.enum(["earliest-offset", "latest-offset", "group-offsets"]).default("group-offsets"),
                options: connectorOptions.default({}),
            })
            .strict(),
        columns: z.array(column).min(1, hint("has no columns", "list the columns, e.g. [{ name: \"id\", type: \"BIGINT\" }]")),
        primaryKey: z.array(identifier).min(1, { ...hint("is empty", "name the column(s) rows are upserted by, e.g. ['order_id']") }),
        sink: syncSink,
        filter: z.string().optional(),
    })
    .strict();

/** The job's statements (pure; the unit tests pin them). */
export function kafkaToJdbcSql(jobName: string, args: unknown): string[] {
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
    const table = parseComponentArgs("KafkaToJdbcSync", jobName, tableSyncSpec, { columns: s.columns, primaryKey: s.primaryKey, source: { table: "kafka_source", options: source }, sink: { table: "sink_table", options: sink }, filter: s.filter });
    return tableSyncSql(table);
}

/** A Kafka topic continuously written into a JDBC or Doris table, upserting by `primaryKey`. */
export class KafkaToJdbcSync extends GeneratedSqlJob {
    constructor(name: string, args: KafkaToJdbcSyncArgs, opts?: pulumi.ComponentResourceOptions) {
        const { cluster, variables, jobName, job, ...structure } = args;
        super("flink:components:KafkaToJdbcSync", name, { cluster, variables, jobName, job }, kafkaToJdbcSql(jobName ?? name, structure), opts);
    }
}

