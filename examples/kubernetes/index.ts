import * as pulumi from "@pulumi/pulumi";
import * as flink from "pulumi-flink";

const config = new pulumi.Config();
const namespace = config.require("namespace");
const storage = config.require("storageRoot");
const nodePool = config.get("nodePool") || undefined;
const uiUser = config.get("uiUser") || undefined;
const tlsSecret = config.get("tlsSecret") || undefined;

// The Flink image every cluster runs, with the version inside it declared (checked against the
// Operator's CRD at preview) and the configuration every cluster starts from.
const home = new flink.FlinkHome("flink", {
    image: config.get("image") ?? "flink:1.20.3-java17",
    version: config.get("flinkVersion") ?? "1.20.3",
    defaultConfig: {
        "parallelism.default": 1,
        "state.backend.type": "rocksdb",
        "state.checkpoints.dir": `${storage}/checkpoints`,
        "state.savepoints.dir": `${storage}/savepoints`,
        "execution.checkpointing.interval": "30s",
    },
});

// Pod placement shared by the session cluster and the application job.
const placement = nodePool
    ? {
          nodeSelector: { "node-pool": nodePool },
          tolerations: [{ key: "dedicated", operator: "Equal" as const, value: "flink", effect: "NoSchedule" as const }],
          annotations: { "image-cache.example.com/preload": "true" },
      }
    : {};

// A session cluster: the namespace, a service account with Flink's RBAC, an HA FlinkDeployment,
// and a SQL Gateway beside the JobManager for SQL jobs.
const cluster = new flink.SessionCluster("shared", {
    target: "kubernetes",
    home,
    kubernetes: {
        namespace,
        createNamespace: true,
        jobManager: { memory: "2048m", replicas: 1 },
        taskManager: { cpu: 1, memory: config.get("taskManagerMemory") ?? "2048m", replicas: config.getNumber("taskManagers") ?? 1, slots: 4 },
        highAvailability: { storageDir: `${storage}/ha` },
        restService: { exposedType: "ClusterIP" },
        access: { mode: (config.get("accessMode") ?? "auto") as "auto" },
        sqlGateway: { enabled: true },
        ...placement,
    },
});

// The web UI at https://<host>/<namespace>/shared/, with basic auth when a user is configured.
const ui = new flink.FlinkIngress("shared-ui", {
    cluster,
    host: config.require("ingressHost"),
    ingressClassName: config.get("ingressClass") ?? "nginx",
    ...(tlsSecret ? { tls: { secretName: tlsSecret } } : {}),
    ...(uiUser ? { basicAuth: { username: uiUser, password: config.requireSecret("uiPassword") } } : {}),
});

// A JAR job on the session cluster (downloaded from Maven Central at `up`, uploaded through REST).
const stateMachine = new flink.FlinkJob("state-machine", {
    cluster,
    jar: { maven: "org.apache.flink:flink-examples-streaming:1.20.3" },
    entryClass: "org.apache.flink.streaming.examples.statemachine.StateMachineExample",
    parallelism: 1,
});

// A SQL job on the session cluster, through its SQL Gateway.
const ordersPerKey = new flink.FlinkJob("orders-per-key", {
    cluster,
    sql: `
        CREATE TABLE orders (k INT, amount BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5', 'fields.k.min' = '0', 'fields.k.max' = '3');
        CREATE TABLE totals (k INT, orders BIGINT) WITH ('connector' = 'print');
        INSERT INTO totals SELECT k, COUNT(*) FROM orders GROUP BY k`,
});

// An application-mode job: its own FlinkDeployment, upgraded by the Operator from a savepoint,
// rolled back by the Operator when the new version does not become ready.
const topSpeed = new flink.FlinkJob(
    "top-speed",
    {
        jar: { url: "local:///opt/flink/examples/streaming/TopSpeedWindowing.jar" },
        parallelism: 2,
        upgrade: { mode: "savepoint", savepointDir: `${storage}/savepoints/top-speed` },
        health: { runningTimeoutSeconds: 300 },
        application: {
            home,
            kubernetes: { namespace, taskManager: { memory: "2048m", slots: 2 }, highAvailability: { storageDir: `${storage}/ha` }, ...placement },
            autoscaler: { enabled: config.getBoolean("autoscaler") ?? false },
        },
    },
    { dependsOn: [cluster] },
); // the cluster creates the namespace

export const webUiUrl = ui.url;
export const flinkVersion = cluster.flinkVersion;
export const stateMachineJobId = stateMachine.jobId;
export const ordersJobId = ordersPerKey.jobId;
export const topSpeedLifecycle = topSpeed.lifecycleState;
