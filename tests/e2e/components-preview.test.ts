/**
 * Team components at `pulumi preview` through the real pulumi CLI: a bad argument is an input
 * error with property, value and fix (no stack trace), and an argument taken from the stack's
 * VariableSet as `${NAME}` is checked by the component's own rule once resolved, in the job's
 * check. (real pulumi CLI preview; no Flink, Kafka or database is started)
 */
import { PulumiProject } from "../support/pulumi";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(5 * 60_000);

const program = (bootstrap: string, variables: Record<string, string>) => `
const flink = require("pulumi-flink");
const home = new flink.FlinkHome("home", { path: ${JSON.stringify(flinkLines()[0].home)} });
const cluster = new flink.SessionCluster("c", { target: "local", home, restPort: ${portBlock(1820)}, sqlGateway: { enabled: true, port: ${portBlock(1820) + 5} } });
const variables = new flink.VariableSet("stack", { values: ${JSON.stringify(variables)}, secrets: { DB_PASSWORD: "pw-not-shown-4c1e" } });
new flink.KafkaToJdbcSync("orders", {
    cluster, variables,
    kafka: { bootstrapServers: ${JSON.stringify(bootstrap)}, topic: "\${ORDERS_TOPIC}", groupId: "orders-sync" },
    columns: [{ name: "order_id", type: "BIGINT" }, { name: "amount", type: "DECIMAL(10, 2)" }],
    primaryKey: ["order_id"],
    sink: { jdbc: { url: "\${JDBC_URL}", table: "orders", username: "etl", passwordVariable: "DB_PASSWORD" } },
});
`;
const good = { KAFKA_BOOTSTRAP: "kafka-1:9092,kafka-2:9092", ORDERS_TOPIC: "shop.orders", JDBC_URL: "jdbc:postgresql://pg:5432/shop" };
const noStack = (output: string) => {
    expect(output).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
    expect(output).not.toContain("unhandled exception");
};

describe("team components at pulumi preview (real pulumi CLI preview; no Flink, Kafka or database is started)", () => {
    test("a bad literal argument: the input-error formula, no stack trace", async () => {
        const project = new PulumiProject("components-bad-arg", program("kafka", good));
        await project.init();
        const result = await project.run(["preview"]);
        expect(result.code).not.toBe(0);
        expect(result.output).toContain(
            'KafkaToJdbcSync "orders": kafka.bootstrapServers = "kafka": is not a list of host:port; fix: write "broker1:9092,broker2:9092"',
        );
        noStack(result.output);
    });

    test("brokers and URL from the stack's variables: accepted when valid, refused naming argument, variable and value when not", async () => {
        const project = new PulumiProject("components-vars", program("${KAFKA_BOOTSTRAP}", good));
        await project.init();
        const ok = await project.run(["preview"]);
        expect(ok.code).toBe(0);

        project.writeProgram(program("${KAFKA_BOOTSTRAP}", { ...good, KAFKA_BOOTSTRAP: "kafka-1" }));
        const bad = await project.run(["preview"]);
        expect(bad.code).not.toBe(0);
        expect(bad.output).toContain(
            'KafkaToJdbcSync "orders": kafka.bootstrapServers = "${KAFKA_BOOTSTRAP}": resolves to "kafka-1" (KAFKA_BOOTSTRAP = "kafka-1"), which is not a list of host:port; fix: change KAFKA_BOOTSTRAP',
        );
        expect(bad.output).not.toContain("pw-not-shown-4c1e");
        noStack(bad.output);
    });
});
