import * as pulumi from "@pulumi/pulumi";
import { prometheusReporterConfig, PrometheusReporterOptions } from "../provider/core/alerts/metrics";
import { providerFor } from "./provider";
import { type AlertRouteCluster, type AlertRouteJob, jobResources, routeClusters, routeJobs } from "./alerts-resources";

export type { PrometheusReporterOptions, ReporterTargets } from "../provider/core/alerts/metrics";
export type { AlertClusterResource, AlertJobResource, AlertRouteCluster, AlertRouteJob } from "./alerts-resources";

/**
 * Flink configuration that turns on Flink's Prometheus reporter. Spread it into a FlinkHome's
 * `defaultConfig` or a SessionCluster's `configuration`:
 * `configuration: { ...prometheusMetrics({ port: "9250-9253" }) }`. The environment and cluster
 * labels the alert rules select on are added at scrape time (see {@link AlertRoute} `targetsFile`).
 */
export function prometheusMetrics(options: PrometheusReporterOptions): Record<string, string> {
    return prometheusReporterConfig(options);
}

/** Severity label of an alert. */
export type AlertSeverity = "critical" | "warning" | "info";

/** Settings of one condition; `false` turns it off, `true` turns it on with defaults. */
export interface AlertCondition {
    /** @default true when the object is given */
    readonly enabled?: boolean;
    /** How long the condition must hold before the alert fires (Prometheus duration). @default per condition, see README */
    readonly for?: string;
    /** Range of `increase`/`avg_over_time`. @default per condition, see README */
    readonly window?: string;
    /**
     * restartLoop: restarts in the window (2); checkpointsFailing: failures in the window (0);
     * backpressure: ms/s 0–1000 (800); kafkaLag: records (100000). @default per condition
     */
    readonly threshold?: number;
    /** @default "critical" for jobNotRunning and restartLoop, "warning" otherwise */
    readonly severity?: AlertSeverity;
}

/** Conditions by name. */
export interface AlertConditions {
    /** The declared job has no RUNNING (non-terminal) instance: absence of its metrics. @default { for: "2m" } */
    readonly jobNotRunning?: AlertCondition | boolean;
    /** More than `threshold` restarts within `window`: one alert per incident. @default { window: "10m", threshold: 2 } */
    readonly restartLoop?: AlertCondition | boolean;
    /** Failed checkpoints within `window`. @default { window: "10m", threshold: 0, for: "5m" } */
    readonly checkpointsFailing?: AlertCondition | boolean;
    /** No completed checkpoint within `window` (jobs up longer than the window). @default false */
    readonly noCheckpoint?: AlertCondition | boolean;
    /** Average backpressure of the worst task over `window` above `threshold` ms/s. @default { window: "5m", threshold: 800, for: "10m" } */
    readonly backpressure?: AlertCondition | boolean;
    /** Kafka source `pendingRecords` summed over the job above `threshold`. @default false */
    readonly kafkaLag?: AlertCondition | boolean;
}

/** A cluster whose reporters Prometheus scrapes. */
export interface AlertCluster {
    /** Value of the `cluster` label. */
    readonly name: pulumi.Input<string>;
    /** `host:port` of the JobManager's Prometheus reporter. Its `up == 0` is the cluster-down alert. */
    readonly jobManagerTarget: pulumi.Input<string>;
    /** `host:port` of each TaskManager's reporter. @default [] */
    readonly taskManagerTargets?: pulumi.Input<pulumi.Input<string>[]>;
    /** `team` label of the cluster alert. @default none */
    readonly team?: pulumi.Input<string>;
}

/** A declared job whose absence, restarts, checkpoints, backpressure and lag alert. */
export interface AlertJob {
    /** The job name as declared on its FlinkJob (Flink's `job_name` label is its sanitised form). */
    readonly name: pulumi.Input<string>;
    /** Name of one of `clusters`. */
    readonly cluster: pulumi.Input<string>;
    /** `team` label, for routing. @default none */
    readonly team?: pulumi.Input<string>;
    /** Overrides of the route's `conditions` for this job. @default the route's conditions */
    readonly conditions?: AlertConditions;
}

/**
 * Where alerts go. DingTalk and Lark/Feishu have no native Alertmanager integration: point
 * `adapterUrl` at an adapter that accepts Alertmanager's webhook payload and signs the request
 * (Alertmanager itself cannot compute their per-request HMAC signatures). URLs, passwords and
 * secrets are stored encrypted in state and never quoted in messages.
 */
export type AlertReceiver =
    | { readonly name: string; readonly type: "webhook"; readonly url: pulumi.Input<string>; readonly maxAlerts?: number; readonly sendResolved?: boolean }
    | {
          readonly name: string;
          readonly type: "email";
          readonly to: string;
          readonly from: string;
          readonly smarthost: string;
          readonly authUsername?: string;
          readonly authPassword?: pulumi.Input<string>;
          readonly requireTls?: boolean;
          readonly sendResolved?: boolean;
      }
    | { readonly name: string; readonly type: "slack"; readonly apiUrl: pulumi.Input<string>; readonly channel: string; readonly sendResolved?: boolean }
    | {
          readonly name: string;
          readonly type: "wecom";
          readonly corpId: string;
          readonly apiSecret: pulumi.Input<string>;
          readonly agentId: string;
          readonly toUser?: string;
          readonly toParty?: string;
          readonly apiUrl?: string;
          readonly sendResolved?: boolean;
      }
    | { readonly name: string; readonly type: "dingtalk" | "lark"; readonly adapterUrl: pulumi.Input<string>; readonly sendResolved?: boolean };

/** A routing rule: alerts whose labels equal all of `match` go to `receiver`. */
export interface AlertRouteRule {
    /** Labels: environment, team, job (declared name), cluster, severity, alertname. */
    readonly match: Readonly<Partial<Record<"environment" | "team" | "job" | "cluster" | "severity" | "alertname", string>>>;
    readonly receiver: string;
    /** @default false */
    readonly continue?: boolean;
}

/** What alerts and who hears it: shared by {@link AlertRoute} and the Kubernetes variant. */
export interface AlertPolicyArgs {
    /** Value of the `environment` label (e.g. "prod"). */
    readonly environment: pulumi.Input<string>;
    /** The declared jobs. @default [] */
    readonly jobs?: pulumi.Input<pulumi.Input<AlertJob>[]>;
    /** Conditions for every job (each job may override). @default see {@link AlertConditions} */
    readonly conditions?: AlertConditions;
    /** The cluster-down alert (JobManager target `up == 0`); job alerts of a down cluster are inhibited. @default { for: "1m", severity: "critical" } */
    readonly clusterDown?: { readonly enabled?: boolean; readonly for?: string; readonly severity?: AlertSeverity } | boolean;
    /** Receivers (a secret input as a whole). */
    readonly receivers: pulumi.Input<AlertReceiver[]>;
    /** Receiver of alerts no route matches. */
    readonly defaultReceiver: string;
    /** Routing rules, first match wins unless `continue`. @default [] */
    readonly routes?: AlertRouteRule[];
    /** Alertmanager grouping timers. @default { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" } */
    readonly timing?: { readonly groupWait?: string; readonly groupInterval?: string; readonly repeatInterval?: string };
    /** Extra Prometheus rule groups (rule-file YAML with `groups:`), validated with promtool. @default none */
    readonly customRules?: pulumi.Input<string>;
}

/** Arguments of an {@link AlertRoute}. */
export interface AlertRouteArgs extends Omit<AlertPolicyArgs, "jobs"> {
    /**
     * The declared jobs: FlinkJob resources (their Flink name and cluster are taken; the route waits
     * for them, so a first deployment does not page), `{ job, team, conditions }`, or by hand `{ name, cluster }`.
     * @default []
     */
    readonly jobs?: pulumi.Input<pulumi.Input<AlertJob>[]> | readonly AlertRouteJob[];
    /**
     * Clusters whose reporters are scraped: SessionCluster resources (label = resource name, targets from
     * the SessionCluster's `prometheusTargets`), `{ cluster, name, team }`, or by hand `{ name, jobManagerTarget, ... }`
     * for clusters the program does not start (remote).
     */
    readonly clusters: pulumi.Input<pulumi.Input<AlertCluster>[]> | readonly AlertRouteCluster[];
    /** Absolute path of the rule file (list it under Prometheus `rule_files`). */
    readonly rulesFile: pulumi.Input<string>;
    /** Absolute path of the Alertmanager configuration file (written with mode 0600: it holds receiver secrets). */
    readonly alertmanagerConfigFile: pulumi.Input<string>;
    /** Absolute path of a file_sd_configs JSON file with every reporter target and its labels. @default none */
    readonly targetsFile?: pulumi.Input<string>;
    /** Prometheus base URL; when set, `POST /-/reload` after the files change (needs --web.enable-lifecycle). @default no reload */
    readonly prometheusUrl?: pulumi.Input<string>;
    /** Alertmanager base URL; when set, `POST /-/reload` after the files change. @default no reload */
    readonly alertmanagerUrl?: pulumi.Input<string>;
    /** promtool executable. @default "promtool" (from PATH) */
    readonly promtool?: pulumi.Input<string>;
    /** amtool executable. @default "amtool" (from PATH) */
    readonly amtool?: pulumi.Input<string>;
}

/** Output keys stored encrypted. */
export const ALERT_ROUTE_SECRET_OUTPUTS: readonly string[] = ["receivers"];

/**
 * Prometheus rules and an Alertmanager configuration for declared Flink jobs, written to files
 * (validated with promtool/amtool before they replace the old ones) and reloaded. One alert per
 * incident, grouped per cluster; job alerts are inhibited while their cluster is down.
 */
export class AlertRoute extends pulumi.dynamic.Resource {
    /** sha256 of the rule file. */
    public readonly rulesSha256!: pulumi.Output<string>;
    /** sha256 of the Alertmanager configuration. */
    public readonly alertmanagerConfigSha256!: pulumi.Output<string>;
    /** Number of alerting rules rendered. */
    public readonly ruleCount!: pulumi.Output<number>;
    /** False after a refresh found the rule or Alertmanager file edited or removed outside Pulumi (the next `up` rewrites them). */
    public readonly filesIntact!: pulumi.Output<boolean>;

    constructor(name: string, args: AlertRouteArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs: pulumi.Inputs = {
            ...args,
            clusters: routeClusters(args.clusters),
            jobs: routeJobs(args.jobs, args.clusters),
            receivers: pulumi.secret(args.receivers),
            rulesSha256: undefined,
            alertmanagerConfigSha256: undefined,
            ruleCount: undefined,
            filesIntact: undefined,
        };
        super(
            providerFor("alerts"),
            name,
            inputs,
            pulumi.mergeOptions(opts, { additionalSecretOutputs: [...ALERT_ROUTE_SECRET_OUTPUTS], dependsOn: jobResources(args.jobs) }),
            "flink",
            "AlertRoute",
        );
    }
}
