import type { ClusterConnection } from "../core/connection";
import { connect } from "../flink/connect";

/** What a cluster reports about itself. */
export interface ClusterSnapshot {
    flinkVersion: string;
    taskManagers: number;
    slots: number;
    jobsTotal: number;
    jobsRunning: number;
}

/** The few cluster-level calls the SessionCluster provider needs. */
export function clusterApi(conn: ClusterConnection) {
    // One client per call: with TLS options a client owns a connection pool that must be closed.
    async function withClient<T>(fn: (client: ReturnType<typeof connect>) => Promise<T>): Promise<T> {
        const client = connect(conn);
        try {
            return await fn(client);
        } finally {
            await client.close();
        }
    }
    return {
        async snapshot(): Promise<ClusterSnapshot> {
            const o = await withClient((c) => c.overview());
            const ended = (o["jobs-finished"] ?? 0) + (o["jobs-cancelled"] ?? 0) + (o["jobs-failed"] ?? 0);
            return {
                flinkVersion: o["flink-version"],
                taskManagers: o.taskmanagers,
                slots: o["slots-total"],
                jobsTotal: o["jobs-running"] + ended,
                jobsRunning: o["jobs-running"],
            };
        },
        async jobs(): Promise<{ id: string; name: string; state: string }[]> {
            return (await withClient((c) => c.jobsOverview())).map((j) => ({ id: j.jid, name: j.name, state: j.state }));
        },
    };
}
