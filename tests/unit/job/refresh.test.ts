/**
 * Refresh of many jobs costs one GET /jobs/overview per cluster plus one GET /jobs/:id/checkpoints
 * per job (its latest checkpoint is recorded), never more (fake JobManager over HTTP).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { jobProvider, JobState } from "../../../provider/job";

let server: Server;
let url: string;
const requests: string[] = [];
const JOBS = 40;
const ENDED: Record<number, string> = { 7: "CANCELED", 8: "FINISHED", 9: "FINISHED" };
const overview = {
    jobs: Array.from({ length: JOBS }, (_, i) => ({
        jid: `${String(i).padStart(2, "0")}`.padEnd(32, "a"),
        name: `job-${i}`,
        state: ENDED[i] ?? "RUNNING",
        "start-time": 1,
        "end-time": ENDED[i] ? 2 : -1,
        duration: 1,
        "last-modification": 1,
        tasks: { total: 1, running: 1 },
    })),
};
const ACK = Date.parse("2026-12-05T10:00:00Z");
/** Every job has a completed checkpoint; job 9 was stopped with a savepoint (synchronous), job 8 finished by itself. */
function checkpointsOf(jid: string) {
    const completed = { id: 42, external_path: `file:/ck/${jid}/chk-42`, latest_ack_timestamp: ACK, checkpoint_type: "CHECKPOINT" };
    const savepoint = jid.startsWith("09")
        ? { id: 43, external_path: "file:/sp/savepoint-09-abc", latest_ack_timestamp: ACK + 1, checkpoint_type: "SYNC_SAVEPOINT", is_savepoint: true }
        : null;
    return { counts: { restored: 0, total: 1, in_progress: 0, completed: 1, failed: 0 }, latest: { completed, savepoint, failed: null, restored: null } };
}

beforeAll(async () => {
    server = createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res.setHeader("content-type", "application/json");
        const jid = /^\/jobs\/([0-9a-f]{32})\/checkpoints$/.exec(req.url ?? "")?.[1];
        res.end(JSON.stringify(req.url === "/jobs/overview" ? overview : jid ? checkpointsOf(jid) : {}));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
    server.closeAllConnections(); // undici keeps connections alive: close them, or the worker waits on them
    return new Promise<void>((r) => server.close(() => r()));
});

const props = (i: number) =>
    ({ name: `job-${i}`, jobId: overview.jobs[i].jid, generation: 1, cluster: { restUrl: url, flinkVersion: "2.3.0", webUiUrl: url } }) as unknown as JobState;

test(`${JOBS} job reads, in parallel and one after another, make one overview request plus one checkpoints request per job`, async () => {
    requests.splice(0);
    const half = await Promise.all(Array.from({ length: JOBS / 2 }, (_, i) => jobProvider.read!(`id-${i}`, props(i))));
    const rest = [];
    for (let i = JOBS / 2; i < JOBS; i++) rest.push(await jobProvider.read!(`id-${i}`, props(i)));
    expect(requests.filter((r) => r === "GET /jobs/overview")).toHaveLength(1);
    expect(requests.filter((r) => r.endsWith("/checkpoints")).sort()).toEqual(overview.jobs.map((j) => `GET /jobs/${j.jid}/checkpoints`).sort());
    expect(requests).toHaveLength(1 + JOBS);
    const outs = [...half, ...rest].map((r) => r.props as JobState);
    expect(outs.filter((o) => o.state === "RUNNING")).toHaveLength(JOBS - 3);
    expect(outs.map((o) => o.state).slice(7, 10)).toEqual(["CANCELED", "FINISHED", "FINISHED"]);
    // The latest checkpoint is recorded (the restore point if the JobManager is lost), with its time.
    expect(outs[3]).toMatchObject({
        lastCheckpoint: `file:/ck/${overview.jobs[3].jid}/chk-42`,
        lastCheckpointAt: "2026-12-05T10:00:00.000Z",
        finishedBySelf: false,
    });
    // FINISHED without a stop savepoint: finished by itself (left alone by the next up); with one: stopped.
    expect(outs.map((o) => o.finishedBySelf).slice(7, 10)).toEqual([false, true, false]);
});
