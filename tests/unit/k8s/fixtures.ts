/** Shared inputs for the Kubernetes renderer tests. */
import type { ImageHome } from "../../../provider/core/k8s/render/types";

export const home: ImageHome = {
    image: "flink:1.20.3-java17",
    version: "1.20.3",
    imagePullPolicy: "IfNotPresent",
    imagePullSecrets: ["registry-cred"],
    defaultConfig: { "parallelism.default": 2, "state.backend.type": "rocksdb" },
};

export const sessionSpec = {
    namespace: "streaming",
    createNamespace: true,
    name: "analytics",
    jobManager: { cpu: 1, memory: "2g", replicas: 2 },
    taskManager: { cpu: 2, memory: "4g", replicas: 3, slots: 4 },
    configuration: { "execution.checkpointing.interval": "30s" },
    nodeSelector: { "node-role.kubernetes.io/flink": "true" },
    tolerations: [{ key: "dedicated", operator: "Equal" as const, value: "flink", effect: "NoSchedule" as const }],
    annotations: { "image-cache.example.com/preload": "true" },
    highAvailability: { storageDir: "s3://bucket/flink/ha" },
    restService: { exposedType: "ClusterIP" as const },
    sqlGateway: { enabled: true },
};

export const application = {
    name: "orders-enricher",
    kubernetes: { namespace: "streaming", highAvailability: { storageDir: "s3://bucket/flink/ha" }, taskManager: { slots: 2 } },
    jar: { url: "local:///opt/flink/usrlib/orders-enricher.jar" },
    entryClass: "com.example.OrdersEnricher",
    args: ["--topic", "orders"],
    parallelism: 4,
    configuration: { "state.checkpoints.dir": "s3://bucket/checkpoints" },
    upgrade: { restore: "latest-state" as const, savepointDir: "s3://bucket/savepoints/orders-enricher", allowNonRestoredState: true },
    health: { runningTimeoutSeconds: 300 },
    initialSavepointPath: "s3://bucket/savepoints/orders-enricher/savepoint-1",
    savepointRedeployNonce: 3,
    autoscaler: { enabled: true, "job.autoscaler.target.utilization": "0.7" },
};
