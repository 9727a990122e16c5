/**
 * pulumi-flink: Apache Flink environments as Pulumi resources.
 * @packageDocumentation
 */
export { FlinkHome, FlinkHomeArgs, FlinkConfigValue } from "./home";
export { SessionCluster, SessionClusterArgs, LocalSessionClusterArgs, RemoteSessionClusterArgs } from "./cluster";
