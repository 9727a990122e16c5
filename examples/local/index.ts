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

// A standalone session cluster on this machine: one JobManager, one TaskManager.
const cluster = new flink.SessionCluster("local", {
    target: "local",
    home,
    restPort: config.getNumber("restPort") ?? 8081,
    rpcPort: 6123,
    taskManagers: 1,
    slotsPerTaskManager: 4,
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

export const webUiUrl = cluster.webUiUrl;
export const counterJobId = counter?.jobId;
export const counterJobUrl = counter?.webUiUrl;
export const restUrl = cluster.restUrl;
export const flinkVersion = cluster.flinkVersion;
export const slots = cluster.slots;
