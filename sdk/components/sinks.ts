/** Sinks shared by the team components: JDBC (upsert when keyed) and Apache Doris. Pure. */
import { z } from "zod";
import { connectorOptions, ref, variableName } from "./sql-text";
import { hint, stackValue } from "./validate";

/** A JDBC table (MySQL, PostgreSQL, ...). Needs flink-connector-jdbc and the driver on the cluster or in `dependencies`. */
export interface JdbcSink {
    /** JDBC URL, e.g. `jdbc:postgresql://db:5432/shop`, or with `${NAME}` references (checked once resolved). */
    readonly url: string;
    /** Table in the database (`table` or `schema.table`), or `${NAME}` of a variable holding it. */
    readonly table: string;
    /**
     * User name, or `${NAME}` of a variable holding it.
     * @default none
     */
    readonly username?: string;
    /**
     * Name of the secret variable holding the password (written as `${NAME}`, substituted at submit).
     * @default none
     */
    readonly passwordVariable?: string;
    /**
     * More connector options, e.g. `{ "sink.buffer-flush.max-rows": "500" }`.
     * @default {}
     */
    readonly options?: Record<string, string>;
}

/** An Apache Doris table through the Doris Flink connector (stream load). */
export interface DorisSink {
    /** Doris frontends `host:http_port[,...]`, or `${NAME}` of a variable holding them. */
    readonly fenodes: string;
    /** `database.table`, or `${NAME}` of a variable holding it. */
    readonly table: string;
    /** User name, or `${NAME}` of a variable holding it. */
    readonly username: string;
    /** Name of the secret variable holding the password. */
    readonly passwordVariable: string;
    /**
     * Stream-load label prefix; must be unique per job across the Doris cluster.
     * @default the job name
     */
    readonly labelPrefix?: string;
    /**
     * More connector options.
     * @default {}
     */
    readonly options?: Record<string, string>;
}

/** Exactly one of `jdbc` and `doris`. */
export type SyncSink = { readonly jdbc: JdbcSink; readonly doris?: undefined } | { readonly doris: DorisSink; readonly jdbc?: undefined };

export const jdbcSink = z
    .object({
        url: stackValue("jdbcUrl"),
        table: stackValue("tableName"),
        username: stackValue("userName").optional(),
        passwordVariable: variableName.optional(),
        options: connectorOptions.default({}),
    })
    .strict();

export const dorisSink = z
    .object({
        fenodes: stackValue("dorisFenodes"),
        table: stackValue("dorisTable"),
        username: stackValue("userName"),
        passwordVariable: variableName,
        labelPrefix: z
            .string()
            .regex(/^[A-Za-z0-9_-]+$/)
            .optional(),
        options: connectorOptions.default({}),
    })
    .strict();

/** Sink arguments that may be `${NAME}` (checked once resolved), with their rule. */
export const SINK_REFERENCES = {
    "sink.jdbc.url": "jdbcUrl",
    "sink.jdbc.table": "tableName",
    "sink.jdbc.username": "userName",
    "sink.doris.fenodes": "dorisFenodes",
    "sink.doris.table": "dorisTable",
    "sink.doris.username": "userName",
} as const;

export const syncSink = z
    .object({ jdbc: jdbcSink.optional(), doris: dorisSink.optional() })
    .strict()
    .refine((s) => (s.jdbc === undefined) !== (s.doris === undefined), {
        ...hint("needs exactly one of jdbc and doris", "set sink: { jdbc: {...} } or sink: { doris: {...} }"),
    });

/** Connector options of a sink; the password is only ever a `${NAME}` reference. */
export function sinkOptions(sink: z.infer<typeof syncSink>, jobName: string, table?: string): Record<string, string> {
    if (sink.jdbc) {
        const j = sink.jdbc;
        return {
            ...j.options,
            connector: "jdbc",
            url: j.url,
            "table-name": table ?? j.table,
            ...(j.username ? { username: j.username } : {}),
            ...(j.passwordVariable ? { password: ref(j.passwordVariable) } : {}),
        };
    }
    const d = sink.doris!;
    return {
        ...d.options,
        connector: "doris",
        fenodes: d.fenodes,
        "table.identifier": table ? `${d.table.split(".")[0]}.${table}` : d.table,
        username: d.username,
        password: ref(d.passwordVariable),
        "sink.label-prefix": `${d.labelPrefix ?? jobName.replace(/[^A-Za-z0-9_-]/g, "_")}${table ? `_${table}` : ""}`,
    };
}
