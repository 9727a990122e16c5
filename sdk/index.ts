/**
 * pulumi-flink: Apache Flink environments as Pulumi resources.
 * @packageDocumentation
 */
export { FlinkHome } from "./home";
export type { FlinkHomeArgs, FlinkConfigValue } from "./home";
export { SessionCluster } from "./cluster";
export type { SessionClusterArgs, LocalSessionClusterArgs, RemoteSessionClusterArgs } from "./cluster";
export { FlinkJob } from "./job";
export type { FlinkJobArgs, JarArtifact, UpgradePolicy, HealthGate } from "./job";
export type { ClusterConnection, LocalSqlGatewayArgs } from "./cluster";
export { VariableSet } from "./variables";
export type { VariableSetArgs } from "./variables";
export * from "./components";
