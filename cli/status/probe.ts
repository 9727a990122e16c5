/**
 * Ask each cluster once (`GET /jobs/overview`, `GET /taskmanagers` for the log links), then, only
 * for declared jobs that run, their checkpoints and restart count: 2 + 2 x running declared jobs
 * requests per cluster (plus one retry per job whose restart metric Flink had not fetched yet,
 * and the checkpoints of a declared job's ended generations, at most 5 per job, for its restore
 * point), at most PER_CLUSTER_CONCURRENCY at a time so a status check never floods a JobManager.
 */
import * as fs from "fs";
import * as path from "path";
import { connect } from "../../provider/flink/connect";
// Status reads clusters on Kubernetes too: loading k8s/endpoint registers how their connections are reached.
import "../../provider/k8s/endpoint";
import { messageOf } from "../../provider/core/errors";
import { isActive } from "../../provider/flink/states";
import { ClusterObservation, JobObservation } from "./report";
import { Declared } from "./stack";
import { restoreNow } from "./restore";

/** A local cluster's log files, when its folder is on this machine. */
function logFiles(dir: string | undefined): string[] {
    if (!dir) return [];
    try {
        return fs
            .readdirSync(dir)
            .filter((f) => /\.(log|out)$/.test(f))
            .map((f) => path.join(dir, f));
    } catch {
        return [];
    }
}

const PER_CLUSTER_CONCURRENCY = 8;

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
        Array.from({ length: Math.min(limit, items.length) }, async () => {
            while (next < items.length) await work(items[next++]);
        }),
    );
}

export async function probeClusters(declared: Declared, timeoutMs = 10_000): Promise<{ seen: ClusterObservation[]; requests: number }> {
    let requests = 0;
    const seen = await Promise.all(
        declared.clusters.map(async (cluster): Promise<ClusterObservation> => {
            const client = connect({ ...(cluster.connection ?? {}), restUrl: cluster.restUrl, timeoutMs });
            const observation: ClusterObservation = { restUrl: cluster.restUrl, perJob: {}, restore: {}, logFiles: logFiles(cluster.logDir) };
            try {
                requests += 2;
                const [jobs, taskManagers] = await Promise.all([client.jobsOverview(), client.taskManagers().catch(() => undefined)]);
                observation.jobs = jobs;
                observation.taskManagers = taskManagers?.taskmanagers.map((t) => t.id);
            } catch (err) {
                observation.error = messageOf(err);
                return observation;
            }
            const names = new Set(declared.jobs.filter((j) => j.restUrl === cluster.restUrl).map((j) => j.name));
            const running = observation.jobs.filter((j) => names.has(j.name) && isActive(j.state));
            await pool(running, PER_CLUSTER_CONCURRENCY, async (job) => {
                const per: JobObservation = {};
                requests += 2;
                const [checkpoints, metrics] = await Promise.allSettled([client.checkpoints(job.jid), client.jobMetrics(job.jid, ["numRestarts"])]);
                if (checkpoints.status === "fulfilled") per.checkpoints = checkpoints.value;
                if (metrics.status === "fulfilled" && metrics.value.numRestarts !== undefined) per.restarts = Number(metrics.value.numRestarts);
                const failed = [checkpoints, metrics].filter((r): r is PromiseRejectedResult => r.status === "rejected");
                if (failed.length) per.error = messageOf(failed[0].reason);
                observation.perJob[job.jid] = per;
            });
            // Flink fetches metrics lazily: the first ask after a while can come back empty. Ask those once more.
            const missing = running.filter((j) => observation.perJob[j.jid]?.restarts === undefined && !observation.perJob[j.jid]?.error);
            if (missing.length) {
                await new Promise((r) => setTimeout(r, 1500));
                await pool(missing, PER_CLUSTER_CONCURRENCY, async (job) => {
                    requests++;
                    const value = await client.jobMetrics(job.jid, ["numRestarts"]).then(
                        (m) => m.numRestarts,
                        () => undefined,
                    );
                    if (value !== undefined) observation.perJob[job.jid].restarts = Number(value);
                });
            }
            // The restore point each declared job would use now: the deploy's choice, reusing the checkpoints asked above.
            const known = Object.fromEntries(Object.entries(observation.perJob).map(([jid, per]) => [jid, per.checkpoints]));
            await pool(
                declared.jobs.filter((j) => j.restUrl === cluster.restUrl),
                PER_CLUSTER_CONCURRENCY,
                async (job) => {
                    const r = await restoreNow(client, job, observation.jobs ?? [], known, Date.now());
                    requests += r.requests;
                    (observation.restore ??= {})[job.name] = r.point;
                },
            );
            await client.close();
            return observation;
        }),
    );
    return { seen, requests };
}
