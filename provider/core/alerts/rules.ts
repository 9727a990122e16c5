/**
 * Render Prometheus alerting rules for the declared jobs of an AlertRoute (pure).
 *
 * Every job alert is aggregated `by (environment, cluster, job_name)`, so task, TaskManager and
 * job-id labels never split one incident into many alerts (a redeploy changes the job id).
 */
import { stringify } from "yaml";
import { sanitizeLabelValue } from "./metrics";
import { AlertSpec, ClusterSpec, Condition, ConditionName, JobSpec } from "./spec";

/** Metric names the rules use, as Flink's Prometheus reporter exports them (1.20 and 2.x). */
export const RULE_METRICS = {
    running: "flink_jobmanager_job_uptime",
    restarts: "flink_jobmanager_job_numRestarts",
    completedCheckpoints: "flink_jobmanager_job_numberOfCompletedCheckpoints",
    failedCheckpoints: "flink_jobmanager_job_numberOfFailedCheckpoints",
    backpressure: "flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
    sourcePendingRecords: "flink_taskmanager_job_task_operator_pendingRecords",
} as const;

/** Alert names, one per condition, plus the cluster alert. */
export const ALERT_NAMES: Record<ConditionName | "clusterDown", string> = {
    jobNotRunning: "FlinkJobNotRunning",
    restartLoop: "FlinkJobRestartLoop",
    checkpointsFailing: "FlinkJobCheckpointsFailing",
    noCheckpoint: "FlinkJobNoCompletedCheckpoint",
    backpressure: "FlinkJobBackpressured",
    kafkaLag: "FlinkJobKafkaLag",
    clusterDown: "FlinkClusterDown",
};

/** Label that marks every alert rendered here; `scope` is "job" or "cluster" (inhibition uses it). */
export const SCOPE_LABEL = "pulumi_flink_scope";
/** The declared job name (Flink's `job_name` label is the sanitised form). */
export const JOB_LABEL = "flink_job";
/** Scrape-target label naming the Flink process role. */
export const ROLE_LABEL = "flink_role";
const BY = "environment, cluster, job_name";

export interface PrometheusRule {
    alert: string;
    expr: string;
    for?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}
export interface RuleGroup {
    name: string;
    rules: PrometheusRule[];
}

const q = (value: string) => JSON.stringify(value);
const selector = (labels: Record<string, string>) =>
    `{${Object.entries(labels)
        .map(([k, v]) => `${k}=${q(v)}`)
        .join(", ")}}`;

/** Prometheus duration -> milliseconds (for comparing with Flink's uptime gauge). */
export function durationMs(duration: string): number {
    const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
    let total = 0;
    for (const m of duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * units[m[2]];
    return total;
}

/** The PromQL of one job condition. */
export function conditionExpr(name: ConditionName, c: Condition, sel: string): string {
    const m = RULE_METRICS;
    switch (name) {
        case "jobNotRunning":
            // A job in a terminal state loses all its series: absence against the declared name.
            return `absent(${m.running}${sel})`;
        case "restartLoop":
            return `sum by (${BY}) (increase(${m.restarts}${sel}[${c.window}])) > ${c.threshold}`;
        case "checkpointsFailing":
            return `sum by (${BY}) (increase(${m.failedCheckpoints}${sel}[${c.window}])) > ${c.threshold}`;
        case "noCheckpoint":
            // Only for jobs up longer than the window: a fresh job has not had time to checkpoint.
            return (
                `sum by (${BY}) (increase(${m.completedCheckpoints}${sel}[${c.window}])) == 0 ` +
                `and on (${BY}) max by (${BY}) (${m.running}${sel}) > ${durationMs(c.window)}`
            );
        case "backpressure":
            return `max by (${BY}) (avg_over_time(${m.backpressure}${sel}[${c.window}])) > ${c.threshold}`;
        case "kafkaLag":
            return `sum by (${BY}) (${m.sourcePendingRecords}${sel}) > ${c.threshold}`;
    }
}

const SUMMARY: Record<ConditionName, string> = {
    jobNotRunning: "is not running (no RUNNING job with this name reports metrics)",
    restartLoop: "restarts in a loop",
    checkpointsFailing: "has failing checkpoints",
    noCheckpoint: "completed no checkpoint",
    backpressure: "is backpressured",
    kafkaLag: "lags behind its Kafka source",
};

function jobRules(spec: AlertSpec, job: JobSpec): PrometheusRule[] {
    const sel = selector({ environment: spec.environment, cluster: job.cluster, job_name: sanitizeLabelValue(job.name) });
    const rules: PrometheusRule[] = [];
    for (const [name, c] of Object.entries(job.conditions) as [ConditionName, Condition][]) {
        if (!c.enabled) continue;
        const summary = name === "restartLoop" ? `restarted more than ${c.threshold} times in ${c.window}` : SUMMARY[name];
        rules.push({
            alert: ALERT_NAMES[name],
            expr: conditionExpr(name, c, sel),
            ...(c.for !== "0s" ? { for: c.for } : {}),
            labels: {
                severity: c.severity,
                environment: spec.environment,
                cluster: job.cluster,
                [JOB_LABEL]: job.name,
                ...(job.team ? { team: job.team } : {}),
                [SCOPE_LABEL]: "job",
            },
            annotations: {
                summary: `Flink job ${job.name} (${spec.environment}/${job.cluster}) ${summary}`,
            },
        });
    }
    return rules;
}

function clusterRule(spec: AlertSpec, cluster: ClusterSpec): PrometheusRule {
    const c = spec.clusterDown;
    return {
        alert: ALERT_NAMES.clusterDown,
        expr: `up${selector({ environment: spec.environment, cluster: cluster.name, [ROLE_LABEL]: "jobmanager" })} == 0`,
        ...(c.for !== "0s" ? { for: c.for } : {}),
        labels: {
            severity: c.severity,
            environment: spec.environment,
            cluster: cluster.name,
            ...(cluster.team ? { team: cluster.team } : {}),
            [SCOPE_LABEL]: "cluster",
        },
        annotations: {
            summary: `Flink cluster ${cluster.name} (${spec.environment}) is down: its JobManager does not answer; alerts of its jobs are held back`,
        },
    };
}

/** One rule group per cluster: its cluster alert and the alerts of its jobs. */
export function renderRuleGroups(spec: AlertSpec): RuleGroup[] {
    return spec.clusters.map((cluster) => ({
        name: `pulumi-flink/${spec.environment}/${cluster.name}`,
        rules: [
            ...(spec.clusterDown.enabled ? [clusterRule(spec, cluster)] : []),
            ...spec.jobs.filter((j) => j.cluster === cluster.name).flatMap((j) => jobRules(spec, j)),
        ],
    }));
}

/** The rule file: our groups, then the user's custom groups (already parsed and checked). */
export function renderRuleFile(spec: AlertSpec, customGroups: unknown[] = []): string {
    return (
        `# Written by pulumi-flink (AlertRoute). Manual edits are overwritten.\n` +
        `${stringify({ groups: [...renderRuleGroups(spec), ...customGroups] }, { lineWidth: 0 })}`
    );
}

/** file_sd targets for Prometheus: every reporter endpoint with the labels the rules select on. */
export function renderTargets(spec: AlertSpec): { targets: string[]; labels: Record<string, string> }[] {
    return spec.clusters.flatMap((c) => [
        { targets: [c.jobManagerTarget], labels: { environment: spec.environment, cluster: c.name, [ROLE_LABEL]: "jobmanager" } },
        ...(c.taskManagerTargets.length
            ? [{ targets: c.taskManagerTargets, labels: { environment: spec.environment, cluster: c.name, [ROLE_LABEL]: "taskmanager" } }]
            : []),
    ]);
}
