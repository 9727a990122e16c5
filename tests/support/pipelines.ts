/**
 * Helpers for the connector tests: DDL for real Kafka / JDBC / MySQL CDC tables, a gateway
 * session with the connector jars added (ADD JAR, resolved by the gateway process on this machine),
 * and exact expectations computed from the records a test produced.
 */
import { GatewayClient, StatementResult } from "../../provider/sqlgateway";
import { RunningKafka } from "./kafka";
import { RunningMariaDb } from "./mariadb";
import { RunningPostgres } from "./postgres";

export const T = { timeoutMs: 180_000 };

export interface Order {
    k: string;
    v: number;
}

/** A deterministic batch: `n` records over `keys`, values from a small linear recurrence. */
export function orders(n: number, keys: string[], seed: number): Order[] {
    return Array.from({ length: n }, (_, i) => ({ k: keys[(i * 7 + seed) % keys.length], v: (i * 13 + seed * 5) % 97 }));
}

/** COUNT(*) and SUM(v) per key, as the rows psql prints them (sorted by key). */
export function countAndSum(batch: Order[]): string[][] {
    const agg = new Map<string, [number, number]>();
    for (const o of batch) {
        const [c, s] = agg.get(o.k) ?? [0, 0];
        agg.set(o.k, [c + 1, s + o.v]);
    }
    return [...agg.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, [c, s]]) => [k, String(c), String(s)]);
}

/** The last value per key, as psql prints it (sorted by key). */
export function lastPerKey(batch: Order[]): string[][] {
    const last = new Map(batch.map((o) => [o.k, o.v] as const));
    return [...last.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, String(v)]);
}

export function kafkaSourceDdl(name: string, kafka: RunningKafka, topic: string, group: string): string {
    return (
        `CREATE TABLE ${name} (k STRING, v BIGINT) WITH ('connector'='kafka', 'topic'='${topic}', ` +
        `'properties.bootstrap.servers'='${kafka.bootstrap}', 'properties.group.id'='${group}', ` +
        `'scan.startup.mode'='earliest-offset', 'format'='json')`
    );
}

/** A JDBC upsert sink into PostgreSQL; `columns` include the PRIMARY KEY clause. */
export function jdbcSinkDdl(name: string, columns: string, pg: RunningPostgres, table: string): string {
    return (
        `CREATE TABLE ${name} (${columns}) WITH ('connector'='jdbc', 'url'='${pg.jdbcUrl}', 'table-name'='${table}', ` +
        `'username'='${pg.user}', 'password'='${pg.password}', 'sink.buffer-flush.interval'='200ms', 'sink.buffer-flush.max-rows'='50')`
    );
}

export function mysqlCdcSourceDdl(name: string, columns: string, maria: RunningMariaDb, database: string, table: string, serverIds: string): string {
    return (
        `CREATE TABLE ${name} (${columns}) WITH ('connector'='mysql-cdc', 'hostname'='127.0.0.1', 'port'='${maria.port}', ` +
        `'username'='${maria.user}', 'password'='${maria.password}', 'database-name'='${database}', 'table-name'='${table}', ` +
        `'server-id'='${serverIds}', 'server-time-zone'='UTC')`
    );
}

/**
 * Open a session with `properties`, add `jars`, run `statements` in order; the last one's result.
 * Checkpoints every second: the Kafka source commits offsets and the CDC source leaves its
 * snapshot phase on checkpoints.
 */
export function runWithJars(gateway: GatewayClient, jars: string[], statements: string[], properties: Record<string, string> = {}): Promise<StatementResult> {
    return gateway.withSession({ "execution.checkpointing.interval": "1s", ...properties }, async (session) => {
        for (const jar of jars) await gateway.runStatement(session, `ADD JAR '${jar}'`, T);
        let last: StatementResult | undefined;
        for (const statement of statements) last = await gateway.runStatement(session, statement, T);
        return last!;
    });
}
