/**
 * Alerts that wire themselves: a StreamingEnvironment with an `alerts` block turns Flink's
 * Prometheus reporter on for each of its local clusters, with ports chosen so that no two
 * processes of the environment collide. Pure: settings in, reporter ports (or failures) out.
 *
 * The rule: local clusters, in key order, take consecutive blocks of `1 + taskManagers` ports
 * from `alerts.metricsPort` (default 9250): the JobManager the first port of its cluster's block,
 * TaskManager i the port after it plus i. A cluster whose configuration (or the home's default
 * configuration) already sets the reporter keeps its own setting and takes no block. Every block
 * is checked against the ports the environment's clusters declare (REST, RPC, SQL Gateway,
 * reporter ranges set by hand).
 */
import { InputFailure as Failure, invalid } from "../../provider/core/errors";
import { parsePortRange, REPORTER_PORT_KEY } from "../../provider/core/alerts/metrics";
import type { ParsedEnvironmentSettings } from "./environment-settings";

/** The first reporter port of an environment's local clusters unless `alerts.metricsPort` says otherwise. */
export const DEFAULT_METRICS_PORT = 9250;

type Cluster = Record<string, unknown>;

/** Whether a cluster's own configuration or the home's default configuration already sets up the reporter. */
function configuresReporter(c: Cluster, home: ParsedEnvironmentSettings["home"]): boolean {
    const config = { ...(home.defaultConfig ?? {}), ...((c.configuration as Record<string, unknown> | undefined) ?? {}) };
    return Object.keys(config).some((k) => k.startsWith("metrics.reporter.prom."));
}

/** The ports a local cluster declares (with SessionCluster's defaults), by property. */
function declaredPorts(key: string, c: Cluster, home: ParsedEnvironmentSettings["home"]): [string, number][] {
    const gateway = (c.sqlGateway ?? {}) as { enabled?: boolean; port?: number };
    const ports: [string, number][] = [
        [`clusters.${key}.restPort`, typeof c.restPort === "number" ? c.restPort : 8081],
        [`clusters.${key}.rpcPort`, typeof c.rpcPort === "number" ? c.rpcPort : 6123],
    ];
    if (gateway.enabled === true) ports.push([`clusters.${key}.sqlGateway.port`, typeof gateway.port === "number" ? gateway.port : 8083]);
    if (configuresReporter(c, home)) {
        const own = { ...(home.defaultConfig ?? {}), ...((c.configuration as Record<string, unknown> | undefined) ?? {}) }[REPORTER_PORT_KEY];
        const range = own === undefined ? undefined : parsePortRange(own as string | number);
        if (range) for (let p = range[0]; p <= range[1]; p++) ports.push([`clusters.${key}.configuration["${REPORTER_PORT_KEY}"]`, p]);
    }
    return ports;
}

/**
 * The reporter port range (`"first-last"`) each local cluster is given, by cluster key, or the
 * collisions found. Empty without alerts, and on Kubernetes (the PodMonitor finds the pods).
 */
export function reporterPortPlan(s: ParsedEnvironmentSettings): { ranges: Record<string, string>; failures: Failure[] } {
    const a = s.alerts;
    if (!a) return { ranges: {}, failures: [] };
    const local = Object.keys(s.clusters)
        .sort()
        .filter((k) => s.clusters[k].target === "local");
    const taken = local.flatMap((k) => declaredPorts(k, s.clusters[k] as Cluster, s.home));
    const base = a.metricsPort ?? DEFAULT_METRICS_PORT;
    const ranges: Record<string, string> = {};
    const failures: Failure[] = [];
    let next = base;
    for (const key of local) {
        const c = s.clusters[key] as Cluster;
        if (configuresReporter(c, s.home)) continue;
        const processes = 1 + (typeof c.taskManagers === "number" ? c.taskManagers : 1);
        const [first, last] = [next, next + processes - 1];
        next = last + 1;
        const block = `${first}-${last}`;
        if (last > 65535) {
            failures.push(invalid("alerts.metricsPort", base, `leaves cluster ${key} the reporter ports ${block}, past 65535`, "choose a lower metricsPort"));
            continue;
        }
        const hit = taken.find(([, p]) => p >= first && p <= last);
        if (hit)
            failures.push(
                invalid(
                    "alerts.metricsPort",
                    base,
                    `gives cluster ${key} the reporter ports ${block}, which include ${hit[0]} (${hit[1]})`,
                    "choose a metricsPort whose blocks (1 + taskManagers ports per local cluster, in key order) miss every declared port",
                ),
            );
        ranges[key] = block;
    }
    return { ranges, failures };
}
