/**
 * Where a job that is not running restarts from: the truth is in Flink (the ended job's
 * savepoint or retained checkpoint), then in state (the last savepoint we took).
 */
import * as fs from "fs";
import type { FlinkClient, JobOverview } from "../flink";
import { DeployError } from "../util/errors";
import { Progress } from "../util/log";

export interface RestorePolicy {
    restore: "latest-savepoint" | "latest-state" | "none";
}

export interface Snapshot {
    path: string;
    at: number;
    kind: "savepoint" | "checkpoint";
}

/** A local snapshot that was deleted is no restore point; remote schemes are trusted. */
function exists(uri: string): boolean {
    if (!uri.startsWith("file:") && !uri.startsWith("/")) return true;
    return fs.existsSync(uri.replace(/^file:(\/\/)?/, "/").replace(/^\/+/, "/"));
}

type Entry = { external_path?: string | null; discarded?: boolean; trigger_timestamp?: number; latest_ack_timestamp?: number } | null | undefined;

function snapshotOf(entry: Entry, kind: Snapshot["kind"]): Snapshot | undefined {
    const path = entry?.external_path;
    if (!path || entry?.discarded || path === "<checkpoint-not-externally-addressable>" || !exists(path)) return undefined;
    return { path, at: entry?.latest_ack_timestamp ?? entry?.trigger_timestamp ?? 0, kind };
}

export async function findRestorePoint(
    client: FlinkClient,
    name: string,
    endedOurs: JobOverview[],
    prior: { lastSavepoint: string; generation: number } | undefined,
    policy: RestorePolicy,
    progress: Progress,
): Promise<Snapshot | undefined> {
    for (const job of endedOurs.slice(0, 5)) {
        const stats = await client.checkpoints(job.jid).catch(() => undefined);
        const latest = stats?.latest as { savepoint?: Entry; completed?: Entry } | undefined;
        const savepoint = snapshotOf(latest?.savepoint, "savepoint");
        // A job that FINISHED was stopped with a savepoint (by us, interrupted, or by hand):
        // that is an upgrade in flight, and its state is kept whatever the restore policy.
        if (job.state === "FINISHED" && savepoint) {
            progress(`job ${job.jid} was stopped with a savepoint; restoring from ${savepoint.path}`);
            return savepoint;
        }
        if (policy.restore === "none") break;
        const checkpoint = policy.restore === "latest-state" ? snapshotOf(latest?.completed, "checkpoint") : undefined;
        const best = [savepoint, checkpoint].filter((s): s is Snapshot => !!s).sort((a, b) => b.at - a.at)[0];
        if (best) {
            progress(`job ${job.jid} is ${job.state}; restoring from its latest ${best.kind} ${best.path}`);
            return best;
        }
    }
    if (policy.restore === "none") {
        progress("restore policy is none: starting from empty state");
        return undefined;
    }
    if (prior?.lastSavepoint && exists(prior.lastSavepoint)) {
        progress(`restoring from the last savepoint in state, ${prior.lastSavepoint}`);
        return { path: prior.lastSavepoint, at: 0, kind: "savepoint" };
    }
    if (prior && prior.generation > 0) {
        throw new DeployError(
            `job "${name}" is not running and no savepoint${policy.restore === "latest-state" ? " or retained checkpoint" : ""} of it was found, so starting it would lose its state`,
            `nothing started; to start it from empty state on purpose set upgrade.restore to "none" for this run`,
        );
    }
    return undefined;
}
