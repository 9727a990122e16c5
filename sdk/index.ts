/**
 * pulumi-flink: Apache Flink environments as Pulumi resources.
 * @packageDocumentation
 */
export { FlinkHome } from "./home";
export type { FlinkHomeArgs, FlinkConfigValue } from "./home";
export { SessionCluster } from "./cluster";
export type { SessionClusterArgs, LocalSessionClusterArgs, RemoteSessionClusterArgs } from "./cluster";
