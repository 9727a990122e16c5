/**
 * Which restore point a job that is not running restarts from, and how that is said (pure).
 * The I/O that gathers the candidates is in restore.ts.
 */

export type RestoreMode = "latest-state" | "latest-savepoint" | "none";

export interface Snapshot {
    path: string;
    /** Completion time, epoch milliseconds; 0 when not known. */
    at: number;
    kind: "savepoint" | "checkpoint";
    /** The job (generation) the snapshot was taken of, when known. */
    jobId?: string;
    /** Who took it, when not the job's own deploy: "the cluster restart for libraries". */
    takenBy?: string;
}

/** Key and value that keep a job's checkpoints after a cancel (the same key on Flink 1.16–2.3). */
export const RETENTION_KEY = "execution.checkpointing.externalized-checkpoint-retention";
export const RETAIN_ON_CANCELLATION = "RETAIN_ON_CANCELLATION";

/** The job's configuration with retained checkpoints, unless the user chose a retention of their own. */
export function withRetainedCheckpoints(config: Record<string, string>): Record<string, string> {
    return RETENTION_KEY in config ? config : { ...config, [RETENTION_KEY]: RETAIN_ON_CANCELLATION };
}

/**
 * The newest snapshot the policy allows: both kinds for `latest-state`, savepoints only for
 * `latest-savepoint`, none for `none`. A snapshot of unknown time counts as older than any of
 * known time; on a tie a savepoint wins (it is self-contained).
 */
export function chooseRestorePoint(candidates: readonly Snapshot[], mode: RestoreMode): Snapshot | undefined {
    const allowed = candidates.filter((s) => mode === "latest-state" || (mode === "latest-savepoint" && s.kind === "savepoint"));
    return [...allowed].sort((a, b) => b.at - a.at || (a.kind === b.kind ? 0 : a.kind === "savepoint" ? -1 : 1))[0];
}

/** "3 s", "5 min", "2 h", "9 days" (rounded down; a negative age, from clock skew, is "0 s"). */
export function formatAge(ms: number): string {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 120) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 120) return `${m} min`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} h`;
    return `${Math.floor(h / 24)} days`;
}

/** The last path segment: `chk-42`, `savepoint-1a2b3c-4d5e6f7a8b9c`. */
function shortName(path: string): string {
    return path.replace(/\/+$/, "").split("/").pop() || path;
}

/** "retained checkpoint chk-42 taken 3 s ago", "savepoint savepoint-ab-cd taken 9 days ago". */
export function describeSnapshot(s: Pick<Snapshot, "path" | "at" | "kind" | "takenBy">, now: number): string {
    const what = s.kind === "checkpoint" ? `retained checkpoint ${shortName(s.path)}` : `savepoint ${shortName(s.path)}`;
    const by = s.takenBy ? ` by ${s.takenBy},` : "";
    return `${what} taken${by} ${s.at > 0 ? `${formatAge(now - s.at)} ago` : "at an unknown time"}`;
}

/**
 * A savepoint a local cluster took of the job when it restarted (for a changed library list):
 * the restarted JobManager (no HA) forgets the job, so the cluster's outputs hand it over.
 */
export interface HandoffPoint {
    /** The savepoint's URI. */
    path: string;
    /** When it completed (ISO 8601). */
    at: string;
    /** The Flink job id that was stopped. */
    jobId: string;
    /** Why the cluster restarted: "libraries". */
    reason: string;
}

/** What state records about a job's restore points (outputs of refresh and deploy). */
export interface RecordedPoints {
    lastSavepoint?: string;
    lastSavepointAt?: string;
    lastCheckpoint?: string;
    lastCheckpointAt?: string;
}

const epoch = (iso: string | undefined): number => (iso ? Date.parse(iso) || 0 : 0);

/** The restore points state records, newest first, as snapshots. */
export function recordedSnapshots(r: RecordedPoints): Snapshot[] {
    const out: Snapshot[] = [];
    if (r.lastCheckpoint) out.push({ path: r.lastCheckpoint, at: epoch(r.lastCheckpointAt), kind: "checkpoint" });
    if (r.lastSavepoint) out.push({ path: r.lastSavepoint, at: epoch(r.lastSavepointAt), kind: "savepoint" });
    return out.sort((a, b) => b.at - a.at);
}

/**
 * The preview's words for a restore it cannot see yet: Flink is asked only when the job starts,
 * so the preview says what the policy takes and the newest point state records, with its age.
 */
export function previewRestore(mode: RestoreMode, recorded: RecordedPoints, now: number): string {
    if (mode === "none") return "DROPS STATE: restarted from empty state (upgrade.restore is none)";
    const what = mode === "latest-state" ? "the newest retained checkpoint or savepoint" : "the newest savepoint";
    const last = chooseRestorePoint(recordedSnapshots(recorded), mode);
    return (
        `restores from ${what} Flink has at that time; ` +
        `last recorded: ${last ? describeSnapshot(last, now) : "none (empty state unless Flink still has one)"}`
    );
}
