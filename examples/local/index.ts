import * as pulumi from "@pulumi/pulumi";
import * as flink from "pulumi-flink";

const config = new pulumi.Config();

// A Flink distribution, downloaded once into ~/.cache/pulumi-flink and shared by every stack.
const home = new flink.FlinkHome("flink", {
    version: config.get("flinkVersion") ?? "2.3.0",
    defaultConfig: {
        "parallelism.default": 1,
    },
});

const metricsPort = config.getNumber("metricsPort") ?? 9249;

// A standalone session cluster on this machine: one JobManager, one TaskManager.
const cluster = new flink.SessionCluster("local", {
    target: "local",
    home,
    workDir: config.get("workDir"),
    restPort: config.getNumber("restPort") ?? 8081,
    rpcPort: config.getNumber("rpcPort") ?? 6123,
    taskManagers: 1,
    slotsPerTaskManager: 4,
    sqlGateway: { enabled: true, port: config.getNumber("sqlGatewayPort") ?? 8083 },
    // Flink's Prometheus reporter: the JobManager and the TaskManager each take a port of the range.
    configuration: { ...flink.prometheusMetrics({ port: `${metricsPort}-${metricsPort + 1}` }) },
});

// A stateful JAR job: it counts events in keyed state. Change its args (e.g. --tag v2) and run
// `pulumi up`: it is stopped with a savepoint and the new version continues the count.
const counterJar = config.get("counterJar");
const counter = counterJar
    ? new flink.FlinkJob("counter", {
          cluster,
          name: "counter",
          jar: { path: counterJar },
          args: ["--out", config.get("counterOut") ?? "/tmp/pulumi-flink-quickstart/counter", "--rate", "10", "--tag", config.get("counterTag") ?? "v1"],
          parallelism: 1,
          configuration: { "execution.checkpointing.interval": "10s" },
      })
    : undefined;

// Variables for SQL: plain values, and a secret that is encrypted in state and never printed.
const vars = new flink.VariableSet("shop", {
    values: { REGION: config.get("region") ?? "eu" },
    secrets: { DB_PASSWORD: config.requireSecret("dbPassword") },
});

// A stateful SQL job through the cluster's SQL Gateway: a running count per key, printed to the
// TaskManager's stdout (see the .out file in the cluster's log folder).
const ordersPerRegion = new flink.FlinkJob("orders-per-region", {
    cluster,
    variables: vars,
    sql: `
        CREATE TABLE orders (k INT, amount BIGINT) WITH (
          'connector' = 'datagen', 'rows-per-second' = '5', 'fields.k.min' = '0', 'fields.k.max' = '3');
        -- A real job would pass the secret to a sink, e.g. 'password' = '\${DB_PASSWORD}' of a JDBC table.
        CREATE TABLE totals (k INT, orders BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'orders-\${REGION}');
        INSERT INTO totals SELECT k, COUNT(*) FROM orders WHERE CAST(amount AS STRING) <> '\${DB_PASSWORD}' GROUP BY k`,
    configuration: { "execution.checkpointing.interval": "10s" },
});

// Alerts for the jobs declared above: a rule file for Prometheus and an Alertmanager config, both
// validated with promtool/amtool before they replace the previous ones. Point your Prometheus at
// the files (see README "Alerts"); set alertPrometheusUrl / alertAlertmanagerUrl to reload them.
const alertDir = config.get("alertDir") ?? `${process.env.HOME}/.local/share/pulumi-flink/quickstart-alerts`;
const alerts = new flink.AlertRoute(
    "alerts",
    {
        environment: pulumi.getStack(),
        clusters: [{ name: "local", jobManagerTarget: `localhost:${metricsPort}`, taskManagerTargets: [`localhost:${metricsPort + 1}`] }],
        jobs: [...(counter ? [{ name: "counter", cluster: "local", team: "platform" }] : []), { name: "orders-per-region", cluster: "local", team: "shop" }],
        receivers: [{ name: "webhook", type: "webhook", url: config.getSecret("alertWebhookUrl") ?? "http://localhost:9095/alerts" }],
        defaultReceiver: "webhook",
        rulesFile: `${alertDir}/rules/flink.yml`,
        alertmanagerConfigFile: `${alertDir}/alertmanager.yml`,
        targetsFile: `${alertDir}/targets/flink.json`,
        prometheusUrl: config.get("alertPrometheusUrl"),
        alertmanagerUrl: config.get("alertAlertmanagerUrl"),
    },
    { dependsOn: [ordersPerRegion, ...(counter ? [counter] : [])] },
); // rules go live once the jobs run

export const alertRuleCount = alerts.ruleCount;
export const webUiUrl = cluster.webUiUrl;
export const ordersJobUrl = ordersPerRegion.webUiUrl;
export const counterJobId = counter?.jobId;
export const counterJobUrl = counter?.webUiUrl;
export const restUrl = cluster.restUrl;
export const flinkVersion = cluster.flinkVersion;
export const slots = cluster.slots;
