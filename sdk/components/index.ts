/** Components built only on the public API: an environment from stack config, and generated-SQL jobs. */
export { StreamingEnvironment, settingsFromConfig } from "./environment";
export type {
    StreamingEnvironmentArgs,
    EnvironmentJob,
    EnvironmentJobSpec,
    EnvironmentJobFactory,
    EnvironmentJobContext,
    EnvironmentJobSummary,
    FromConfigOptions,
} from "./environment";
export type { EnvironmentSettings, EnvironmentCluster, EnvironmentJobSettings, EnvironmentJobDefaults } from "./environment-settings";
export type { EnvironmentAlerts, EnvironmentAlertReceiver, EnvironmentIngress } from "./environment-alerts-settings";
export { TableSync, GeneratedSqlJob, tableSyncSql } from "./table-sync";
export type { TableSyncArgs, TableEndpoint, ComponentJobOptions, SqlJobParts } from "./table-sync";
export { KafkaToJdbcSync, kafkaToJdbcSql } from "./kafka-jdbc";
export type { KafkaToJdbcSyncArgs, KafkaSource } from "./kafka-jdbc";
export { MysqlCdcMirror, mysqlCdcSql } from "./mysql-cdc";
export type { MysqlCdcMirrorArgs, MysqlCdcSource, MirroredTable } from "./mysql-cdc";
export type { JdbcSink, DorisSink, SyncSink } from "./sinks";
export type { Column } from "./sql-text";
