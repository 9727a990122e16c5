/**
 * One program for every environment. What differs between `test` and `prod` (clusters, ports,
 * parallelism, which jobs run, variables, secrets) lives in Pulumi.<stack>.yaml; this file is the
 * job catalogue, reviewed like any code. Secrets: `pulumi config set --secret --path secrets.DB_PASSWORD ...`.
 */
import * as flink from "pulumi-flink";

const env = flink.StreamingEnvironment.fromConfig("shop", {
    jobs: {
        // A SQL job written by hand. ${REGION} comes from the stack's variables.
        "orders-per-region": {
            sql: `
                CREATE TABLE orders (k INT, amount BIGINT) WITH (
                  'connector' = 'datagen', 'rows-per-second' = '\${ROWS_PER_SECOND}', 'fields.k.min' = '0', 'fields.k.max' = '3');
                CREATE TABLE totals (k INT, orders BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'orders-\${REGION}');
                INSERT INTO totals SELECT k, COUNT(*) FROM orders GROUP BY k`,
            configuration: { "execution.checkpointing.interval": "10s" },
        },
        // A team component: its SQL is generated from typed args. In production the same component
        // would take { connector: "kafka", ... } and { connector: "jdbc", ... } (see KafkaToJdbcSync).
        "clicks-sync": (name, ctx, opts) =>
            new flink.TableSync(
                name,
                {
                    cluster: ctx.cluster,
                    variables: ctx.variables,
                    job: ctx.job,
                    jobName: ctx.key,
                    columns: [
                        { name: "user_id", type: "BIGINT" },
                        { name: "url", type: "STRING" },
                    ],
                    source: { options: { connector: "datagen", "rows-per-second": "${ROWS_PER_SECOND}" } },
                    sink: { options: { connector: "blackhole" } },
                    filter: "user_id IS NOT NULL",
                },
                opts,
            ),
        // Uses the secret: it exists in the SQL only as ${DB_PASSWORD}, never in state or previews.
        audit: {
            sql: [
                "CREATE TABLE events (v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '1')",
                "CREATE TABLE audit_sink (v BIGINT) WITH ('connector' = 'blackhole')",
                "INSERT INTO audit_sink SELECT v FROM events WHERE CAST(v AS STRING) <> '${DB_PASSWORD}'",
            ],
        },
    },
});

/** What this stack runs: clusters, jobs (cluster, parallelism, state), variables, secret names. */
export const summary = env.summary;
