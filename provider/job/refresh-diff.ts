/**
 * Which diff call is a refresh's. Since Pulumi 3.15x a refresh reads a resource and then diffs it
 * (refreshed outputs against the inputs in state) to show what changed; `preview --refresh` and
 * `up --refresh` then diff it again for the update. Both calls reach the job provider, so its
 * preview line ("restart (changed: state) …") was printed twice. The first diff after a read in
 * this provider process is the refresh's: it prints nothing, the update's diff prints the line.
 * With Pulumi's legacy refresh diff (PULUMI_ENABLE_LEGACY_REFRESH_DIFF) there is no such diff.
 */

const readNotDiffed = new Set<string>();

function legacyRefreshDiff(env: NodeJS.ProcessEnv): boolean {
    return /^(1|true)$/i.test(env.PULUMI_ENABLE_LEGACY_REFRESH_DIFF ?? "");
}

/** The key of a job for {@link markRead}/{@link isRefreshDiff}: its cluster and name. */
export function refreshKey(props: { name?: unknown; cluster?: unknown }): string {
    const cluster = props.cluster as { restUrl?: unknown } | undefined;
    return `${String(cluster?.restUrl ?? "")}|${String(props.name ?? "")}`;
}

/** A refresh read this job: the next diff of it is the refresh's own. */
export function markRead(key: string, env: NodeJS.ProcessEnv = process.env): void {
    if (!legacyRefreshDiff(env)) readNotDiffed.add(key);
}

/** Whether this diff is the refresh's (the first since a read); consumes the mark. */
export function isRefreshDiff(key: string): boolean {
    return readNotDiffed.delete(key);
}
