/**
 * pulumi-flink: Apache Flink environments as Pulumi resources.
 * @packageDocumentation
 */
export { FlinkHome } from "./home";
export type { FlinkHomeArgs, FlinkConfigValue } from "./home";
export { SessionCluster } from "./cluster";
export type { SessionClusterArgs, LocalSessionClusterArgs, RemoteSessionClusterArgs } from "./cluster";
export { FlinkJob } from "./job";
export type { FlinkJobArgs, JarArtifact, JobDependency, UpgradePolicy, HealthGate, RestoreFrom } from "./job";
export type { ClusterConnection, LocalSqlGatewayArgs } from "./cluster";
export type { ClusterLibrary, MavenRepositoryArgs } from "./libraries";
export { VariableSet } from "./variables";
export type { VariableSetArgs } from "./variables";
export type { KubernetesSessionClusterArgs } from "./cluster";
export type { FlinkApplicationArgs } from "./application";
export type {
    KubernetesDeploymentArgs,
    KubernetesSessionArgs,
    KubernetesSqlGatewayArgs,
    KubernetesResources,
    KubernetesToleration,
    KubernetesAccess,
    KubernetesTarget,
} from "./kubernetes";
export { FlinkIngress } from "./ingress";
export type { FlinkIngressArgs, FlinkIngressBasicAuth } from "./ingress";
export { AlertRoute, prometheusMetrics } from "./alerts";
export type {
    AlertPolicyArgs,
    AlertRouteArgs,
    AlertCluster,
    AlertJob,
    AlertCondition,
    AlertConditions,
    AlertReceiver,
    AlertRouteRule,
    AlertSeverity,
    PrometheusReporterOptions,
    ReporterTargets,
    AlertClusterResource,
    AlertJobResource,
    AlertRouteCluster,
    AlertRouteJob,
} from "./alerts";
export { KubernetesAlertRoute } from "./alerts-kubernetes";
export type { KubernetesAlertRouteArgs } from "./alerts-kubernetes";
export * from "./components";
