import * as pulumi from "@pulumi/pulumi";
import * as flink from "pulumi-flink";

const config = new pulumi.Config();

// A Flink distribution, downloaded once into ~/.cache/pulumi-flink and shared by every stack.
const home = new flink.FlinkHome("flink", {
    version: config.get("flinkVersion") ?? "2.3.0",
    defaultConfig: {
        "parallelism.default": 1,
        "execution.checkpointing.interval": "10s",
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

export const webUiUrl = cluster.webUiUrl;
export const restUrl = cluster.restUrl;
export const flinkVersion = cluster.flinkVersion;
export const slots = cluster.slots;
