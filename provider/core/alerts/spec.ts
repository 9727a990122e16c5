/**
 * The checked shape of an AlertRoute: which conditions alert for which declared jobs, and where
 * the alerts go. Produced by `check.ts`, consumed by the pure renderers.
 */

/** Condition names, in the order they are rendered. */
export const CONDITIONS = ["jobNotRunning", "restartLoop", "checkpointsFailing", "noCheckpoint", "backpressure", "kafkaLag"] as const;
export type ConditionName = (typeof CONDITIONS)[number];

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One condition's settings after defaults are applied. Durations are Prometheus durations ("30s", "5m"). */
export interface Condition {
    enabled: boolean;
    /** How long the expression must hold before the alert fires. */
    for: string;
    /** Range of `increase` / `avg_over_time` (not used by jobNotRunning and kafkaLag). */
    window: string;
    /** restartLoop: restarts in the window; backpressure: ms/s (0–1000); kafkaLag: records; checkpointsFailing: failures in the window. */
    threshold: number;
    severity: Severity;
}

export type Conditions = Record<ConditionName, Condition>;

/** Defaults: what a platform team wants paged for without configuring anything. */
export const DEFAULT_CONDITIONS: Conditions = {
    jobNotRunning: { enabled: true, for: "2m", window: "5m", threshold: 0, severity: "critical" },
    restartLoop: { enabled: true, for: "0s", window: "10m", threshold: 2, severity: "critical" },
    checkpointsFailing: { enabled: true, for: "5m", window: "10m", threshold: 0, severity: "warning" },
    // Opt-in: a job without checkpointing would alert forever.
    noCheckpoint: { enabled: false, for: "0s", window: "15m", threshold: 0, severity: "warning" },
    backpressure: { enabled: true, for: "10m", window: "5m", threshold: 800, severity: "warning" },
    // Opt-in: only Kafka (FLIP-33 `pendingRecords`) sources report lag, and the threshold is per job.
    kafkaLag: { enabled: false, for: "10m", window: "5m", threshold: 100000, severity: "warning" },
};

/** The cluster-level condition: its JobManager's metrics endpoint does not answer. */
export interface ClusterDownCondition {
    enabled: boolean;
    for: string;
    severity: Severity;
}
export const DEFAULT_CLUSTER_DOWN: ClusterDownCondition = { enabled: true, for: "1m", severity: "critical" };

export interface ClusterSpec {
    /** Label value `cluster`. */
    name: string;
    /** `host:port` of the JobManager's Prometheus reporter. */
    jobManagerTarget: string;
    /** `host:port` of each TaskManager's reporter. */
    taskManagerTargets: string[];
    team?: string;
}

export interface JobSpec {
    /** The job name as declared (the FlinkJob `name`). */
    name: string;
    cluster: string;
    team?: string;
    conditions: Conditions;
}

export type ReceiverSpec =
    | { name: string; type: "webhook"; url: string; maxAlerts?: number; sendResolved: boolean }
    | {
          name: string;
          type: "email";
          to: string;
          from: string;
          smarthost: string;
          authUsername?: string;
          authPassword?: string;
          requireTls: boolean;
          sendResolved: boolean;
      }
    | { name: string; type: "slack"; apiUrl: string; channel: string; sendResolved: boolean }
    | {
          name: string;
          type: "wecom";
          corpId: string;
          apiSecret: string;
          agentId: string;
          toUser?: string;
          toParty?: string;
          apiUrl?: string;
          sendResolved: boolean;
      }
    | { name: string; type: "dingtalk" | "lark"; adapterUrl: string; sendResolved: boolean };
export type ReceiverType = ReceiverSpec["type"];
export const RECEIVER_TYPES: readonly ReceiverType[] = ["webhook", "email", "slack", "wecom", "dingtalk", "lark"];

/** A routing rule: alerts whose labels match go to `receiver`. */
export interface RouteSpec {
    receiver: string;
    /** Equality on labels: environment, team, job (declared name), cluster, severity, alertname. */
    match: Partial<Record<MatchLabel, string>>;
    /** Keep matching later routes after this one. */
    continue: boolean;
}
export const MATCH_LABELS = ["environment", "team", "job", "cluster", "severity", "alertname"] as const;
export type MatchLabel = (typeof MATCH_LABELS)[number];

export interface TimingSpec {
    groupWait: string;
    groupInterval: string;
    repeatInterval: string;
}
export const DEFAULT_TIMING: TimingSpec = { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" };

export interface AlertSpec {
    environment: string;
    clusters: ClusterSpec[];
    jobs: JobSpec[];
    clusterDown: ClusterDownCondition;
    receivers: ReceiverSpec[];
    defaultReceiver: string;
    routes: RouteSpec[];
    timing: TimingSpec;
    /** Extra rule groups, Prometheus rule-file YAML (`groups: [...]`), appended as is. */
    customRules?: string;
}
