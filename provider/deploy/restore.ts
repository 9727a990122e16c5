/**
 * Where a job that is not running restarts from (the I/O half; the choice itself is pure, in
 * restore-point.ts). The truth is in Flink first (the ended generations' savepoints and retained
 * checkpoints), then in state (the checkpoint refresh recorded, the last savepoint we took), so a
 * job whose JobManager died without HA (gone from /jobs/overview) still restores from its newest state.
 */
import * as fs from "fs";
import * as path from "path";
import type { CheckpointStats, FlinkClient, JobOverview } from "../flink";
import { DeployError } from "../core/errors";
import { Progress } from "../core/log";
import { chooseRestorePoint, describeSnapshot, HandoffPoint, RecordedPoints, RestoreMode, Snapshot } from "./restore-point";
import { parseJobId } from "./identity";

export type { Snapshot } from "./restore-point";

export interface RestorePolicy {
    restore: RestoreMode;
}

/** What state says about the job, for choosing a restore point. */
export interface PriorPoints extends RecordedPoints {
    generation: number;
    /** The savepoint the cluster took when it restarted, from the job's cluster reference. */
    handoff?: HandoffPoint;
}

export type RestoreDecision =
    | { kind: "snapshot"; snapshot: Snapshot }
    /** The newest generation FINISHED by itself (bounded): nothing to restore, it starts over. */
    | { kind: "finished"; jobId: string }
    | { kind: "empty" };

/** A local file path of a `file:` URI or absolute path; undefined for remote schemes. */
function localPath(uri: string): string | undefined {
    if (uri.startsWith("file:")) return uri.replace(/^file:(\/\/)?/, "/").replace(/^\/+/, "/");
    return uri.startsWith("/") ? uri : undefined;
}

/** A local snapshot that was deleted is no restore point; remote schemes are trusted. */
function exists(uri: string): boolean {
    const local = localPath(uri);
    return local === undefined || fs.existsSync(local);
}

/** When a local snapshot was written (its `_metadata`), 0 when not known. */
function writtenAt(uri: string): number {
    const local = localPath(uri);
    try {
        return local ? fs.statSync(path.join(local, "_metadata")).mtimeMs : 0;
    } catch {
        return 0;
    }
}

type Entry = CheckpointStats["latest"]["completed"];

function snapshotOf(entry: Entry | undefined, kind: Snapshot["kind"], jobId: string): Snapshot | undefined {
    const p = entry?.external_path;
    if (!p || entry?.discarded || p === "<checkpoint-not-externally-addressable>" || !exists(p)) return undefined;
    return { path: p, at: entry?.latest_ack_timestamp ?? entry?.trigger_timestamp ?? 0, kind, jobId };
}

/**
 * Whether a FINISHED job was stopped with a savepoint rather than ending by itself: Flink reports a
 * stop-with-savepoint as a synchronous savepoint (older answers carry no type: then every savepoint counts).
 */
export function stoppedWithSavepoint(stats: CheckpointStats | undefined, job: Pick<JobOverview, "state">): boolean {
    const entry = stats?.latest.savepoint;
    if (job.state !== "FINISHED" || !entry?.external_path) return false;
    return entry.checkpoint_type === undefined || entry.checkpoint_type === "SYNC_SAVEPOINT";
}

/**
 * The newest retained checkpoint of this job on a local file system, starting from the one state
 * recorded. With one retained checkpoint Flink deletes the recorded `chk-N` once `chk-N+1`
 * completes, and a later generation (restored after the record was taken) checkpoints into its own
 * `<job id>/` folder: so every folder of this job's generations beside the recorded one is listed,
 * and the newest completed `chk-*` wins. A remote recorded path is trusted as it is.
 */
function recordedCheckpoint(recorded: RecordedPoints, name: string): Snapshot | undefined {
    const uri = recorded.lastCheckpoint;
    if (!uri) return undefined;
    const jobId = /\/([0-9a-f]{32})\/chk-\d+\/?$/.exec(uri)?.[1];
    const at = recorded.lastCheckpointAt ? Date.parse(recorded.lastCheckpointAt) || 0 : 0;
    const local = localPath(uri);
    if (local === undefined) return { path: uri, at, kind: "checkpoint", jobId };
    const base = path.dirname(path.dirname(local.replace(/\/+$/, "")));
    const found: Snapshot[] = [];
    for (const id of listDir(base).filter((d) => d === jobId || parseJobId(name, d) !== undefined)) {
        for (const chk of listDir(path.join(base, id)).filter((n) => /^chk-\d+$/.test(n))) {
            const metadata = path.join(base, id, chk, "_metadata");
            if (fs.existsSync(metadata))
                found.push({ path: `file:${path.join(base, id, chk)}`, at: Math.max(fs.statSync(metadata).mtimeMs, 0), kind: "checkpoint", jobId: id });
        }
    }
    // Newest first; within one folder written in the same instant, the higher checkpoint number.
    const number = (s: Snapshot) => Number(/chk-(\d+)$/.exec(s.path)?.[1] ?? 0);
    return found.sort((a, b) => b.at - a.at || (a.jobId === b.jobId ? number(b) - number(a) : 0))[0];
}

function listDir(dir: string): string[] {
    try {
        return fs.readdirSync(dir);
    } catch {
        return [];
    }
}

/** The cluster's handoff savepoint as a snapshot, when it still exists. */
function handoffSnapshot(h: HandoffPoint | undefined): Snapshot | undefined {
    if (!h?.path || !exists(h.path)) return undefined;
    return { path: h.path, at: Date.parse(h.at) || writtenAt(h.path), kind: "savepoint", jobId: h.jobId, takenBy: `the cluster restart for ${h.reason}` };
}

/**
 * Whether the handoff is the job's last stop: no generation of it ran after the one the cluster
 * stopped (none in state, none ended in Flink). Then it is an upgrade in flight, like a stop
 * savepoint; otherwise it is just one more candidate.
 */
function handoffInFlight(name: string, h: HandoffPoint, endedOurs: JobOverview[], prior: PriorPoints | undefined): boolean {
    const gen = parseJobId(name, h.jobId)?.generation;
    if (gen === undefined) return false;
    const later = (jid: string) => (parseJobId(name, jid)?.generation ?? -1) > gen;
    return (prior?.generation ?? 0) <= gen && !endedOurs.some((j) => later(j.jid));
}

/** How long after a job ends its checkpoint statistics may still be the cached ones from before. */
export const STATS_SETTLE_MS = 10_000;

export async function findRestorePoint(
    // Only its checkpoint statistics are read (pulumi-flink status passes the ones it already has).
    client: Pick<FlinkClient, "checkpoints">,
    name: string,
    endedOurs: JobOverview[],
    prior: PriorPoints | undefined,
    policy: RestorePolicy,
    progress: Progress,
    now = Date.now(),
    /** Waits out Flink's stats cache (see STATS_SETTLE_MS); the deploy passes its clock's. */
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<RestoreDecision> {
    const handoff = handoffSnapshot(prior?.handoff);
    if (handoff && prior?.handoff && handoffInFlight(name, prior.handoff, endedOurs, prior)) {
        // The cluster stopped it with a savepoint to restart: its state is kept whatever the restore policy.
        progress(`restoring from ${describeSnapshot(handoff, now)} (${handoff.path})`);
        return { kind: "snapshot", snapshot: handoff };
    }
    const recent = endedOurs.slice(0, 5);
    const stats = await Promise.all(recent.map((j) => client.checkpoints(j.jid).catch(() => undefined)));
    const newest = recent[0];
    const endedAgo = newest ? now - newest["end-time"] : Infinity;
    if (newest?.state === "FINISHED" && !stoppedWithSavepoint(stats[0], newest) && endedAgo >= 0 && endedAgo < STATS_SETTLE_MS) {
        // Flink's REST caches checkpoint statistics (rest.cache.checkpoint-statistics.timeout,
        // default web.refresh-interval, 3 s): just after a stop they may not show its savepoint
        // yet, and "FINISHED by itself" would start the new version from empty state.
        progress(`job ${newest.jid} FINISHED ${Math.round(endedAgo / 1000)} s ago and shows no stop savepoint yet: reading its checkpoints again`);
        await sleep(STATS_SETTLE_MS - endedAgo);
        stats[0] = await client.checkpoints(newest.jid).catch(() => stats[0]);
    }
    if (newest?.state === "FINISHED") {
        // Stopped with a savepoint (by us, a run that died, or by hand): an upgrade in flight,
        // its state is kept whatever the restore policy.
        const stop = stoppedWithSavepoint(stats[0], newest) ? snapshotOf(stats[0]?.latest.savepoint, "savepoint", newest.jid) : undefined;
        if (stop) {
            progress(`job ${newest.jid} was stopped with a savepoint; restoring from ${describeSnapshot(stop, now)} (${stop.path})`);
            return { kind: "snapshot", snapshot: stop };
        }
        if (!stoppedWithSavepoint(stats[0], newest)) {
            progress(`job ${newest.jid} FINISHED by itself (a bounded job, no stop savepoint): the new version starts from empty state`);
            return { kind: "finished", jobId: newest.jid };
        }
        // Its stop savepoint was deleted: the newest other restore point below.
    }
    if (policy.restore === "none") {
        progress("restore policy is none: starting from empty state");
        return { kind: "empty" };
    }
    const candidates: Snapshot[] = [];
    recent.forEach((job, i) => {
        const latest = stats[i]?.latest;
        for (const s of [snapshotOf(latest?.savepoint, "savepoint", job.jid), snapshotOf(latest?.completed, "checkpoint", job.jid)]) if (s) candidates.push(s);
    });
    if (handoff && !candidates.some((c) => c.path === handoff.path)) candidates.push(handoff);
    const checkpoint = prior ? recordedCheckpoint(prior, name) : undefined;
    if (checkpoint && !candidates.some((c) => c.path === checkpoint.path)) candidates.push(checkpoint);
    if (prior?.lastSavepoint && exists(prior.lastSavepoint) && !candidates.some((c) => c.path === prior.lastSavepoint)) {
        const at = prior.lastSavepointAt ? Date.parse(prior.lastSavepointAt) || 0 : writtenAt(prior.lastSavepoint);
        candidates.push({ path: prior.lastSavepoint, at, kind: "savepoint" });
    }
    const best = chooseRestorePoint(candidates, policy.restore);
    if (best) {
        const of = best.jobId ? ` of job ${best.jobId}` : "";
        // The generation that ended last is the one to name (the cancelled one), whichever generation's state restores.
        progress(`${newest ? `job ${newest.jid} is ${newest.state}; ` : ""}restoring from ${describeSnapshot(best, now)}${of} (${best.path})`);
        return { kind: "snapshot", snapshot: best };
    }
    if (prior && prior.generation > 0) {
        throw new DeployError(
            `job "${name}" is not running and no savepoint${policy.restore === "latest-state" ? " or retained checkpoint" : ""} of it was found, ` +
                `so starting it would lose its state`,
            `nothing started; to start it from empty state on purpose set upgrade.restore to "none" for this run`,
        );
    }
    return { kind: "empty" };
}
