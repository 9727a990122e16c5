/**
 * Flink's Prometheus reporter: the configuration that turns it on, where its jar must be, and
 * how Flink names what it exports. Pure, apart from {@link findReporterJar}.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError, invalid } from "../errors";

/** The reporter's factory class (Flink 1.16+ and 2.x). */
export const PROMETHEUS_REPORTER_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
/** The configuration key of the reporter's port (range). */
export const REPORTER_PORT_KEY = "metrics.reporter.prom.port";

/** Options of {@link prometheusReporterConfig}. */
export interface PrometheusReporterOptions {
    /**
     * Port or port range the reporter listens on ("9249" or "9250-9260"). Every JobManager and
     * TaskManager process on one host takes the next free port of the range, so give a range at
     * least as large as the number of Flink processes per host.
     */
    port: number | string;
    /** Scrape-time metric filter `metrics.reporter.prom.filter.excludes`, if any. */
    excludes?: string;
}

/** `9249` or `9250-9260`: the range syntax Flink's reporter accepts. */
export const PORT_RANGE = /^([1-9][0-9]{0,4})(?:-([1-9][0-9]{0,4}))?$/;

/** The first and last port of a reporter port setting, or undefined when it is not a valid range. */
export function parsePortRange(port: number | string): [number, number] | undefined {
    const m = PORT_RANGE.exec(String(port));
    if (!m) return undefined;
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    return first <= last && last <= 65535 ? [first, last] : undefined;
}

/**
 * Flink configuration entries enabling the Prometheus reporter. Merge them into a home's
 * `defaultConfig` or a cluster's `configuration`. Environment and cluster labels are NOT set
 * here: they come from the scrape configuration (`AlertRoute` writes file_sd targets with them),
 * so one home serves every environment.
 */
export function prometheusReporterConfig(options: PrometheusReporterOptions): Record<string, string> {
    // Called by the program (prometheusMetrics): an InputError stops it without a stack trace.
    if (!parsePortRange(options.port))
        throw new InputError([
            invalid("port", options.port, "is not a port or a port range", 'use e.g. 9249, or "9250-9260" for several processes on one machine'),
        ]);
    const config: Record<string, string> = {
        "metrics.reporter.prom.factory.class": PROMETHEUS_REPORTER_FACTORY,
        [REPORTER_PORT_KEY]: String(options.port),
    };
    if (options.excludes) config["metrics.reporter.prom.filter.excludes"] = options.excludes;
    return config;
}

/** Where each process of a local cluster serves its metrics: `host:port` of the JobManager and of each TaskManager. */
export interface ReporterTargets {
    jobManager: string;
    taskManagers: string[];
}

/**
 * One reporter port per process of a local cluster, from the configured range: the JobManager
 * takes its first port and TaskManager i the port after it (first + 1 + i). Flink alone would let
 * each process take the next free port of the range, so which process serves which port would
 * depend on start order; a local cluster starts each process with its own port instead, so the
 * scrape targets are known before it starts. Undefined when the reporter is off or the range has
 * fewer ports than processes (Flink's own choice then stands, and the targets are not known).
 */
export function reporterPorts(config: Record<string, unknown>, taskManagers: number): { jobManager: number; taskManagers: number[] } | undefined {
    const factory = config["metrics.reporter.prom.factory.class"];
    const port = config[REPORTER_PORT_KEY];
    if (factory !== PROMETHEUS_REPORTER_FACTORY || (typeof port !== "string" && typeof port !== "number")) return undefined;
    const range = parsePortRange(port);
    if (!range || range[1] - range[0] < taskManagers) return undefined;
    return { jobManager: range[0], taskManagers: Array.from({ length: taskManagers }, (_, i) => range[0] + 1 + i) };
}

/** The scrape targets of {@link reporterPorts} on `host`. */
export function reporterTargets(host: string, config: Record<string, unknown>, taskManagers: number): ReporterTargets | undefined {
    const ports = reporterPorts(config, taskManagers);
    return ports && { jobManager: `${host}:${ports.jobManager}`, taskManagers: ports.taskManagers.map((p) => `${host}:${p}`) };
}

/**
 * The reporter's jar as Flink loads it: `plugins/metrics-prometheus/*.jar`, or undefined. A home
 * that only has it under `opt/` needs it copied into `plugins/metrics-prometheus/` first.
 */
export function findReporterJar(homePath: string): { plugin?: string; opt?: string } {
    const find = (dir: string) => {
        const full = path.join(homePath, dir);
        if (!fs.existsSync(full)) return undefined;
        const jar = fs.readdirSync(full).find((f) => /^flink-metrics-prometheus.*\.jar$/.test(f));
        return jar ? path.join(full, jar) : undefined;
    };
    return { plugin: find("plugins/metrics-prometheus"), opt: find("opt") };
}

/**
 * A job, task or operator name as the reporter writes it into a label value: every character
 * outside `[a-zA-Z0-9:_]` becomes `_` (Flink's default `filterLabelValueCharacters: true`).
 */
export function sanitizeLabelValue(name: string): string {
    return name.replace(/[^a-zA-Z0-9:_]/g, "_");
}
