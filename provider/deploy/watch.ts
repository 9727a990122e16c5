/**
 * Many jobs deploy at once (Pulumi runs independent updates in parallel inside one provider
 * host). Two things keep a JobManager from being flooded:
 * - one shared poll of GET /jobs/overview per cluster serves every job waiting on that cluster;
 * - at most N deploy operations per cluster run at the same time.
 */
import type { FlinkClient, JobOverview } from "../flink";

const POLL_MS = 200;

interface Watcher {
    client: FlinkClient;
    jobs: JobOverview[];
    fetchedAt: number;
    inflight?: Promise<JobOverview[]>;
}

const watchers = new Map<string, Watcher>();

/**
 * The cluster's jobs, at most POLL_MS old, fetched once for all callers. `now` is the caller's
 * clock (the health gate's tests run on a fake one); callers sharing a cluster share a clock.
 */
export function clusterJobs(restUrl: string, client: FlinkClient, maxAgeMs = POLL_MS, now: () => number = Date.now): Promise<JobOverview[]> {
    let w = watchers.get(restUrl);
    if (!w) {
        w = { client, jobs: [], fetchedAt: -Infinity };
        watchers.set(restUrl, w);
    }
    const watcher = w;
    if (now() - watcher.fetchedAt <= maxAgeMs) return Promise.resolve(watcher.jobs);
    if (!watcher.inflight) {
        watcher.inflight = watcher.client
            .jobsOverview()
            .then((jobs) => {
                watcher.jobs = jobs;
                watcher.fetchedAt = now();
                return jobs;
            })
            .finally(() => {
                watcher.inflight = undefined;
            });
    }
    return watcher.inflight;
}

/** Forget cached job lists (after this process changed something, read fresh). */
export function invalidate(restUrl: string): void {
    const w = watchers.get(restUrl);
    if (w) w.fetchedAt = -Infinity;
}

const slots = new Map<string, { active: number; queue: (() => void)[] }>();

/** Run `fn` holding one of `limit` deploy slots of this cluster. */
export async function withClusterSlot<T>(restUrl: string, limit: number, fn: () => Promise<T>): Promise<T> {
    let s = slots.get(restUrl);
    if (!s) {
        s = { active: 0, queue: [] };
        slots.set(restUrl, s);
    }
    const state = s;
    if (state.active >= limit) await new Promise<void>((resolve) => state.queue.push(resolve));
    state.active++;
    try {
        return await fn();
    } finally {
        state.active--;
        state.queue.shift()?.();
    }
}

/** Default number of concurrent deploy operations per cluster. */
export const DEFAULT_CLUSTER_CONCURRENCY = Number(process.env.PULUMI_FLINK_CLUSTER_CONCURRENCY ?? 16);
