/**
 * The status table from what a stack declares and what each cluster answered (pure): one row per
 * declared job, flagged when it is not RUNNING, missing, duplicated or its cluster unreachable.
 */
import type { CheckpointStats, JobOverview } from "../../provider/flink";
import { isActive, isRunning } from "../../provider/flink/states";
import { Declared, DeclaredJob } from "./stack";
import { LogLinks, logLinks, webRoot } from "./logs";
import type { RestoreNow } from "./restore";

export interface JobObservation {
    checkpoints?: CheckpointStats;
    restarts?: number;
    error?: string;
}

export interface ClusterObservation {
    restUrl: string;
    /** `GET /jobs/overview`, or why it failed. */
    jobs?: JobOverview[];
    error?: string;
    /** Per running declared job (by Flink job id). */
    perJob: Record<string, JobObservation>;
    /** The TaskManager ids the cluster has (for their log pages); undefined when not known. */
    taskManagers?: string[];
    /** A local cluster's log files found on this machine. */
    logFiles?: string[];
    /** Per declared job name: the restore point it would use now. */
    restore?: Record<string, RestoreNow>;
}

export interface StatusRow {
    /** The stack that declares the job (set when several stacks are asked). */
    stack?: string;
    job: string;
    /** From the job's `owner` label, else `team`. */
    owner?: string;
    labels?: Record<string, string>;
    resource: string;
    cluster: string;
    state: string;
    ok: boolean;
    problem?: string;
    jobId?: string;
    uptimeMs?: number;
    lastCheckpointAgeMs?: number;
    /** True when Flink reports no completed checkpoint (checkpointing off, or none yet). */
    noCheckpoint?: boolean;
    lastSavepoint?: string;
    lastSavepointAgeMs?: number;
    restarts?: number;
    webUi?: string;
    /** What a restart now would restore from (the deploy's choice); undefined when the cluster was not reached. */
    restorePoint?: RestoreNow;
    logs?: LogLinks;
}

export interface StatusReport {
    stack?: string;
    rows: StatusRow[];
    /** Running jobs on the asked clusters that this stack does not declare, per cluster. */
    undeclaredRunning: Record<string, number>;
    notes: string[];
    requests: number;
    ok: boolean;
}

function webUiFor(base: string | undefined, restUrl: string, jid: string, running: boolean): string {
    const root = webRoot(base, restUrl);
    return `${root}/#/job/${running ? "running" : "completed"}/${jid}/overview`;
}

/** Overview entries by job name, built once per cluster (hundreds of jobs per cluster). */
const byNameCache = new WeakMap<ClusterObservation, Map<string, JobOverview[]>>();
function namesOf(seen: ClusterObservation): Map<string, JobOverview[]> {
    let map = byNameCache.get(seen);
    if (!map) {
        map = new Map();
        for (const j of seen.jobs ?? []) map.set(j.name, [...(map.get(j.name) ?? []), j]);
        byNameCache.set(seen, map);
    }
    return map;
}

function rowFor(job: DeclaredJob, cluster: string, seen: ClusterObservation | undefined, now: number): StatusRow {
    const base = {
        job: job.name,
        resource: job.resource,
        cluster,
        lastSavepoint: job.lastSavepoint || undefined,
        ...(job.owner ? { owner: job.owner } : {}),
        ...(Object.keys(job.labels ?? {}).length ? { labels: job.labels } : {}),
        ...(seen?.restore?.[job.name] ? { restorePoint: seen.restore[job.name] } : {}),
        ...(seen?.jobs ? { logs: logLinks(webRoot(job.webUiBase, job.restUrl), seen.taskManagers ?? [], seen.logFiles ?? []) } : {}),
    };
    if (!seen || !seen.jobs) return { ...base, state: "UNKNOWN", ok: false, problem: `cluster unreachable: ${seen?.error ?? "not asked"}` };
    const named = [...(namesOf(seen).get(job.name) ?? [])].sort((a, b) => b["start-time"] - a["start-time"]);
    const active = named.filter((j) => isActive(j.state));
    if (active.length > 1) return { ...base, state: "DUPLICATE", ok: false, problem: `${active.length} copies active: ${active.map((j) => j.jid).join(", ")}` };
    if (active.length === 0) {
        const last = named.find((j) => j.jid === job.jobId) ?? named[0];
        if (!last) return { ...base, state: "MISSING", ok: false, problem: "no job of this name on the cluster" };
        return {
            ...base,
            state: last.state,
            ok: false,
            jobId: last.jid,
            problem: `not running (${last.state.toLowerCase()} ${fmtAge(now - (last["end-time"] > 0 ? last["end-time"] : last["start-time"]))} ago)`,
            webUi: webUiFor(job.webUiBase, job.restUrl, last.jid, false),
        };
    }
    const j = active[0];
    const per = seen.perJob[j.jid] ?? {};
    const completed = per.checkpoints?.latest.completed;
    const savepoint = per.checkpoints?.latest.savepoint;
    const ackOf = (c: { latest_ack_timestamp?: number; trigger_timestamp?: number } | null | undefined) => c?.latest_ack_timestamp ?? c?.trigger_timestamp;
    const row: StatusRow = {
        ...base,
        state: j.state,
        ok: isRunning(j.state),
        jobId: j.jid,
        uptimeMs: Math.max(0, now - j["start-time"]),
        restarts: per.restarts,
        webUi: webUiFor(job.webUiBase, job.restUrl, j.jid, true),
    };
    if (!row.ok) row.problem = `state ${j.state}`;
    const ack = ackOf(completed);
    if (ack) row.lastCheckpointAgeMs = Math.max(0, now - ack);
    else if (per.checkpoints) row.noCheckpoint = true;
    if (savepoint) {
        row.lastSavepoint = savepoint.external_path;
        const at = ackOf(savepoint);
        if (at) row.lastSavepointAgeMs = Math.max(0, now - at);
    }
    if (per.error) row.problem = [row.problem, `details unavailable: ${per.error}`].filter(Boolean).join("; ");
    return row;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Build the report; `now` is injected so tests are exact. */
export function buildStatus(declared: Declared, seen: readonly ClusterObservation[], requests: number, now: number): StatusReport {
    const byUrl = new Map(seen.map((s) => [s.restUrl, s]));
    const labelOf = (restUrl: string) => declared.clusters.find((c) => c.restUrl === restUrl)?.resource ?? restUrl;
    const rows = declared.jobs
        .map((j) => rowFor(j, labelOf(j.restUrl), byUrl.get(j.restUrl), now))
        .sort((a, b) => Number(a.ok) - Number(b.ok) || byName(a.cluster, b.cluster) || byName(a.job, b.job));
    const undeclaredRunning: Record<string, number> = {};
    for (const s of seen) {
        const names = new Set(declared.jobs.filter((j) => j.restUrl === s.restUrl).map((j) => j.name));
        const n = (s.jobs ?? []).filter((j) => isActive(j.state) && !names.has(j.name)).length;
        if (n) undeclaredRunning[labelOf(s.restUrl)] = n;
    }
    const notes = declared.clusters
        .filter((c) => c.connectionSecret && !c.connection)
        .map(
            (c) => `cluster ${c.resource}: its connection settings (headers, TLS) are a secret in state; asked without them (pass --show-secrets to use them)`,
        );
    return { stack: declared.stack, rows, undeclaredRunning, notes, requests, ok: rows.every((r) => r.ok) };
}

/** 42s, 5m12s, 3h04m, 2d03h. */
export function fmtAge(ms: number): string {
    const s = Math.floor(ms / 1000);
    if (s < 60) return `${s}s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h}h${String(m % 60).padStart(2, "0")}m`;
    return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, "0")}h`;
}
