/** Refresh of many jobs costs one GET /jobs/overview per cluster, not one per job (fake JobManager over HTTP). */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { jobProvider, JobState } from "../../../provider/job";

let server: Server;
let url: string;
const requests: string[] = [];
const JOBS = 40;
const overview = { jobs: Array.from({ length: JOBS }, (_, i) => ({ jid: `${String(i).padStart(2, "0")}`.padEnd(32, "a"), name: `job-${i}`, state: i === 7 ? "CANCELED" : "RUNNING", "start-time": 1, "end-time": i === 7 ? 2 : -1, duration: 1, "last-modification": 1, tasks: { total: 1, running: 1 } })) };

beforeAll(async () => {
    server = createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(req.url === "/jobs/overview" ? overview : {}));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const props = (i: number) => ({ name: `job-${i}`, jobId: overview.jobs[i].jid, generation: 1, cluster: { restUrl: url, flinkVersion: "2.3.0", webUiUrl: url } }) as unknown as JobState;

test(`${JOBS} job reads, in parallel and one after another, make one overview request and see each job's state`, async () => {
    requests.splice(0);
    const half = await Promise.all(Array.from({ length: JOBS / 2 }, (_, i) => jobProvider.read!(`id-${i}`, props(i))));
    const rest = [];
    for (let i = JOBS / 2; i < JOBS; i++) rest.push(await jobProvider.read!(`id-${i}`, props(i)));
    expect(requests).toEqual(["GET /jobs/overview"]);
    const states = [...half, ...rest].map((r) => (r.props as JobState).state);
    expect(states.filter((s) => s === "RUNNING")).toHaveLength(JOBS - 1);
    expect(states[7]).toBe("CANCELED");
});
