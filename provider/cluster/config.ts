import { InputError, invalid } from "../core/errors";
import { FlinkConfig, mergeConfig, renderConfig } from "../core/flink-config";
import { distributionConfig } from "../home/distribution";
import { LocalLayout } from "../local/layout";
import { configDialect, ConfigDialect, tryParseFlinkVersion, stateKeys } from "../core/version";
import { LocalClusterArgs, sqlGatewayOf } from "./schema";

/**
 * The effective configuration of a local cluster: what the distribution ships, home defaults,
 * then the cluster's own
 * configuration, then what the cluster manages itself (ports, addresses, sizes). Pure.
 */
export function localClusterConfig(args: LocalClusterArgs, layout: LocalLayout): { dialect: ConfigDialect; config: FlinkConfig; text: string } {
    const version = tryParseFlinkVersion(args.home.flinkVersion);
    if (!version)
        throw new InputError([
            invalid(
                "home.flinkVersion",
                args.home.flinkVersion,
                "is not a Flink version",
                "declare the home with a Flink distribution (its version is read from it)",
            ),
        ]); // check rejects it first
    const dialect = configDialect(version);
    const keys = stateKeys(version);
    const defaults: FlinkConfig = {
        [keys.savepointDir]: `file://${layout.savepointDir}`,
        [keys.checkpointDir]: `file://${layout.checkpointDir}`,
    };
    const managed: FlinkConfig = {
        "rest.port": args.restPort,
        "rest.address": args.host,
        "rest.bind-address": args.host,
        "jobmanager.rpc.address": args.host,
        "jobmanager.rpc.port": args.rpcPort,
        "jobmanager.bind-host": args.host,
        "taskmanager.bind-host": args.host,
        "taskmanager.host": args.host,
        "taskmanager.numberOfTaskSlots": args.slotsPerTaskManager,
        "jobmanager.memory.process.size": args.jobManagerMemory,
        "taskmanager.memory.process.size": args.taskManagerMemory,
    };
    const shipped = distributionConfig(args.home.homePath, dialect);
    const config = mergeConfig(shipped, defaults, args.home.defaultConfig, args.configuration, managed);
    return { dialect, config, text: renderConfig(dialect, config) };
}

/** The REST URL of a local cluster as seen from the deploying machine. */
export function localRestUrl(args: Pick<LocalClusterArgs, "host" | "restPort">): string {
    const host = args.host === "0.0.0.0" ? "localhost" : args.host;
    return `http://${host.includes(":") ? `[${host}]` : host}:${args.restPort}`;
}

/** The SQL Gateway URL of a local cluster as seen from the deploying machine; "" when it has none. */
export function localSqlGatewayUrl(args: Pick<LocalClusterArgs, "host" | "sqlGateway">): string {
    const gateway = sqlGatewayOf(args);
    return gateway.enabled ? localRestUrl({ host: args.host, restPort: gateway.port }) : "";
}
