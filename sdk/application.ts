import * as pulumi from "@pulumi/pulumi";
import { FlinkConfigValue, FlinkHome } from "./home";
import type { KubernetesDeploymentArgs } from "./kubernetes";

/**
 * Application mode on Kubernetes: the job gets its own FlinkDeployment (with `spec.job`), which
 * the Flink Kubernetes Operator deploys and upgrades. `upgrade`, `rollbackOnFailure`,
 * `health.runningTimeoutSeconds` and `onDelete` map onto the Operator's settings (see the README).
 */
export interface FlinkApplicationArgs {
    /** An image home (image + version); the JAR must be reachable from the pods (`jar.url` local:// or http(s)/s3, or `jar.maven`). */
    readonly home: FlinkHome;
    /** Namespace, resources, HA, pod settings, REST service and access of the job's cluster. */
    readonly kubernetes: KubernetesDeploymentArgs;
    /**
     * Savepoint the job starts from when it is first deployed (Operator `initialSavepointPath`).
     * @default none (empty state)
     */
    readonly initialSavepointPath?: pulumi.Input<string>;
    /**
     * Change it to make the Operator redeploy the job from a new savepoint (Operator `savepointRedeployNonce`).
     * @default none
     */
    readonly savepointRedeployNonce?: pulumi.Input<number>;
    /**
     * Flink autoscaler settings, passed through as `job.autoscaler.<key>` (the prefix may be omitted),
     * e.g. `{ enabled: true, "target.utilization": 0.7 }`.
     * @default {} (the autoscaler stays off)
     */
    readonly autoscaler?: pulumi.Input<Record<string, pulumi.Input<FlinkConfigValue>>>;
}
