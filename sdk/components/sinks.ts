/** Sinks shared by the team components: JDBC (upsert when keyed) and Apache Doris. Pure. */
import { z } from "zod";
import { connectorOptions, ref, variableName } from "./sql-text";
import { hint } from "./validate";

/** A JDBC table (MySQL, PostgreSQL, ...). Needs flink-connector-jdbc and the driver on the cluster or in `dependencies`. */
export interface JdbcSink {
    /** JDBC URL, e.g. `jdbc:mysql://db:3306/shop`. */
    readonly url: string;
    /** Table in the database. */
    readonly table: string;
    /**
     * User name.
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
    /** Doris frontends `host:http_port[,...]`. */
    readonly fenodes: string;
    /** `database.table`. */
    readonly table: string;
    /** User name. */
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
        url: z.string().regex(/^jdbc:[a-z0-9]+:/i, { ...hint("is not a JDBC URL", 'use jdbc:<driver>://host:port/database, e.g. "jdbc:mysql://db:3306/shop"') }),
        table: z.string().min(1),
        username: z.string().min(1).optional(),
        passwordVariable: variableName.optional(),
        options: connectorOptions.default({}),
    })
    .strict();

export const dorisSink = z
    .object({
        fenodes: z.string().regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, { ...hint("is not a list of host:port", 'use the frontends\' HTTP addresses, e.g. "doris-fe:8030"') }),
        table: z.string().regex(/^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/, { ...hint("is not database.table", 'write "database.table", e.g. "ods.orders"') }),
        username: z.string().min(1),
        passwordVariable: variableName,
        labelPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
        options: connectorOptions.default({}),
    })
    .strict();

export const syncSink = z
    .object({ jdbc: jdbcSink.optional(), doris: dorisSink.optional() })
    .strict()
    .refine((s) => (s.jdbc === undefined) !== (s.doris === undefined), { ...hint("needs exactly one of jdbc and doris", "set sink: { jdbc: {...} } or sink: { doris: {...} }") });

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
