/**
 * What the generated SQL must say differently per Flink version. Pure: the components call it in
 * `apply` on the cluster's `flinkVersion`, the unit tests call it per version.
 */
import { atLeast, tryParseFlinkVersion } from "../../provider/core/version";

/**
 * Connectors whose keyed sinks take updates (upsert sinks). Flink 2.3 plans an INSERT into such a
 * sink from a query whose upsert key differs from the sink's PRIMARY KEY (an append-only Kafka
 * topic has none) only with an ON CONFLICT clause, and refuses the clause for any other sink.
 */
const UPSERT_CONNECTORS = new Set([
    "jdbc",
    "doris",
    "upsert-kafka",
    "elasticsearch-6",
    "elasticsearch-7",
    "opensearch",
    "mongodb",
    "hbase-1.4",
    "hbase-2.2",
    "starrocks",
]);

/**
 * The clause that ends an INSERT from an unkeyed query into a keyed upsert sink: "" before Flink
 * 2.3 (whose parser has no ON CONFLICT) or when not needed, else ` ON CONFLICT DO DEDUPLICATE`.
 *
 * Why DEDUPLICATE: it is the one strategy that keeps "last write wins per key", what 1.x and
 * 2.0-2.2 do for a keyed sink. DO NOTHING keeps the first record of each key (later changes are
 * dropped) and needs watermarks on every source; DO ERROR fails the job on the second record of a
 * key. On Flink 2.3.0, for this insert-only query, EXPLAIN shows the sink with
 * `conflictStrategy=[DEDUPLICATE]` and no upsert materializer, i.e. no extra state. Emitted from
 * 2.3 on: later versions still parse the clause, and an explicit strategy means the same whatever
 * their default for `table.exec.sink.require-on-conflict`.
 * @param flinkVersion the cluster's version; unknown or unparsable gives "" (the job's check
 * rejects an unparsable version anyway).
 */
export function onConflictClause(flinkVersion: string | undefined, sink: { connector?: string; primaryKey: readonly string[] }): string {
    const v = flinkVersion === undefined ? undefined : tryParseFlinkVersion(flinkVersion);
    if (!v || !atLeast(v, 2, 3) || sink.primaryKey.length === 0 || !UPSERT_CONNECTORS.has(sink.connector ?? "")) return "";
    return " ON CONFLICT DO DEDUPLICATE";
}
