/**
 * `restoreFrom` (a savepoint the user names) and moves between clusters: the check rules, which
 * read the local file system (a savepoint that is not there, or belongs to another job, is refused
 * at preview), and the preview's words for them.
 */
import * as fs from "fs";
import * as path from "path";
import { InputFailure, invalid, quote } from "../core/errors";
import { compareVersions, tryParseFlinkVersion } from "../core/version";
import { identityPrefix } from "../deploy/identity";
import { formatAge, type Snapshot } from "../deploy/restore-point";
import type { Classification } from "../deploy/classify";
import { containsUnknown } from "../core/unknown";

export interface RestoreFromArgs {
    savepointPath: string;
    fromOtherJob: boolean;
}

const asRecord = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The local folder of a `file:` URI or an absolute path; undefined for other file systems (s3, hdfs, ...). */
export function localFolder(uri: string): string | undefined {
    if (/^file:/i.test(uri)) return uri.replace(/^file:(\/\/)?/i, "/").replace(/^\/+/, "/");
    return uri.startsWith("/") ? uri : undefined;
}

/**
 * The job id prefix in a savepoint folder's name: Flink names the folders it writes
 * `savepoint-<first 6 hex of the job id>-<12 random hex>`; undefined for any other name (renamed
 * or copied by hand: whose it is cannot be told).
 */
export function savepointOwner(uri: string): string | undefined {
    return /^savepoint-([0-9a-f]{6})-[0-9a-f]+$/.exec(path.basename(uri.replace(/\/+$/, "")))?.[1];
}

/** When a local savepoint was written (its `_metadata`): undefined when it is not there, null when not readable from here. */
function writtenAt(uri: string): number | undefined | null {
    const local = localFolder(uri);
    if (local === undefined) return null;
    try {
        return fs.statSync(path.join(local, "_metadata")).mtimeMs;
    } catch {
        return undefined;
    }
}

/** The check rules of `restoreFrom`, on the raw inputs (`known` says whether a property is known at preview). */
export function checkRestoreFrom(probe: Record<string, unknown>, known: (property: string) => boolean): InputFailure[] {
    const given = asRecord(probe.restoreFrom);
    const uri = given.savepointPath;
    if (typeof uri !== "string" || !known("restoreFrom.savepointPath")) return [];
    const property = "restoreFrom.savepointPath";
    if (writtenAt(uri) === undefined)
        return [
            invalid(
                property,
                uri,
                `is not a savepoint: ${path.join(localFolder(uri) ?? uri, "_metadata")} does not exist on this machine`,
                "give the folder of a completed savepoint (it holds a _metadata file), or remove restoreFrom",
            ),
        ];
    const owner = savepointOwner(uri);
    const name = probe.name;
    if (owner === undefined || given.fromOtherJob === true || typeof name !== "string" || !known("name")) return [];
    const ours = identityPrefix(name).slice(0, 6);
    if (owner === ours) return [];
    return [
        invalid(
            property,
            uri,
            `belongs to another job: Flink named the folder after job ${owner}…, and the jobs pulumi-flink runs as ${quote(name)} have ids starting ${ours}`,
            "give a savepoint of this job, or set restoreFrom.fromOtherJob to true to restore another job's state on purpose",
        ),
    ];
}

/**
 * A move (a change of the cluster's address) between Flink lines whose savepoints are not known to
 * restore: to an older version (Flink restores only forward), or across major versions (1.x
 * savepoints are not guaranteed to restore on 2.x). Skipped while either version is unknown, and
 * for stateless jobs (a move carries no state then).
 */
export function checkMove(olds: Record<string, unknown>, probe: Record<string, unknown>): InputFailure[] {
    const before = asRecord(olds.cluster);
    const after = asRecord(probe.cluster);
    if (containsUnknown(after.restUrl) || containsUnknown(after.flinkVersion) || before.restUrl === undefined || before.restUrl === after.restUrl) return [];
    if (asRecord(probe.upgrade).mode === "stateless") return [];
    const from = tryParseFlinkVersion(String(before.flinkVersion ?? ""));
    const to = tryParseFlinkVersion(String(after.flinkVersion ?? ""));
    if (!from || !to) return [];
    const fromText = `${from.major}.${from.minor}`;
    const problem =
        from.major !== to.major
            ? `moves the job from a Flink ${fromText} cluster to a Flink ${to.major}.${to.minor} one: ` +
              `savepoints of Flink ${from.major}.x are not guaranteed to restore on ${to.major}.x`
            : compareVersions(to, from) < 0
              ? `moves the job from a Flink ${fromText} cluster to an older Flink ${to.major}.${to.minor} one: ` +
                `Flink restores savepoints only on the same or a newer version`
              : undefined;
    if (!problem) return [];
    return [
        invalid(
            "cluster.flinkVersion",
            after.flinkVersion,
            problem,
            `move it to a Flink ${from.major}.x cluster of version ${fromText} or newer; ` +
                `to change lines, delete the job and create it on the new cluster (its state starts empty, or from a restoreFrom savepoint you checked)`,
        ),
    ];
}

/** The snapshot `restoreFrom` names, dated by its `_metadata` when local (0: not known). */
export function restoreFromSnapshot(r: RestoreFromArgs): Snapshot {
    return { path: r.savepointPath, at: writtenAt(r.savepointPath) || 0, kind: "savepoint" };
}

/** "restores from <path>, taken 3 min ago", or why its age is not known. */
export function describeRestoreFrom(uri: string, now = Date.now()): string {
    const at = writtenAt(uri);
    if (typeof at === "number") return `restores from ${uri}, taken ${formatAge(now - at)} ago`;
    if (at === null) return `restores from ${uri}, taken at an unknown time (cannot read ${/^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1] ?? uri} from here)`;
    return `restores from ${uri}, which is not there any more (the start fails)`;
}

/**
 * Whether `restoreFrom` is used by this change, and the preview's words: on create always; on an
 * update only when the job is not running and the input changed (a deliberate restore). On a
 * running job it is not used: the job's own newest state wins.
 */
export function withRestoreFrom(c: Classification, olds: Record<string, unknown> | undefined, news: { restoreFrom?: RestoreFromArgs }): Classification {
    const given = news.restoreFrom;
    if (!olds) return given ? { ...c, stateImpact: describeRestoreFrom(given.savepointPath) } : c;
    const changed = JSON.stringify(olds.restoreFrom ?? null) !== JSON.stringify(given ?? null);
    if (!changed || !given) return c;
    if (c.action === "restore")
        return {
            ...c,
            changed: [...c.changed, "restoreFrom"],
            stateImpact: `the job is ${olds.state}; it is started again and ${describeRestoreFrom(given.savepointPath)}`,
        };
    const why = "restoreFrom not used: it applies only when no instance of the job runs; the job's own newest state wins";
    return { ...c, stateImpact: c.action === "none" && c.stateImpact === "untouched" ? why : `${c.stateImpact}; ${why}` };
}

/** Whether this update starts the job from `restoreFrom` (the job is not running and the input changed). */
export function usesRestoreFrom(c: Classification, olds: Record<string, unknown>, news: { restoreFrom?: RestoreFromArgs }): boolean {
    return news.restoreFrom !== undefined && c.action === "restore" && JSON.stringify(olds.restoreFrom ?? null) !== JSON.stringify(news.restoreFrom);
}
