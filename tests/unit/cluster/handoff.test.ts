/**
 * A local cluster's restart for new libraries hands its jobs over (provider/cluster/handoff.ts),
 * against a stand-in JobManager over HTTP that answers savepoints, stops and job states. The real
 * restart through the pulumi CLI is tests/e2e/cluster-handoff.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describeHandoff, planHandoff, prepareRestart, readHandoff } from "../../../provider/cluster/handoff";
import { jobFolder, jobIdFor } from "../../../provider/deploy/identity";
import type { JobOverview } from "../../../provider/flink";

interface FakeJob {
    jid: string;
    name: string;
    state: string;
    "end-time": number;
    /** The plain savepoint of this job fails (Flink answers with a failure cause). */
    savepointFails?: boolean;
}

let server: Server;
let url: string;
let jobs: FakeJob[] = [];
/** The stand-in JobManager's configuration has a default savepoint directory. */
let savepointDirConfigured = true;
const requests: string[] = [];
const root = fs.mkdtempSync(path.join(os.tmpdir(), "pf-handoff-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const body = (req: IncomingMessage) =>
    new Promise<Record<string, unknown>>((r) => {
        let text = "";
        req.on("data", (c) => (text += c));
        req.on("end", () => r(text ? JSON.parse(text) : {}));
    });
const overview = (j: FakeJob) => ({
    jid: j.jid,
    name: j.name,
    state: j.state,
    "start-time": 1,
    "end-time": j["end-time"],
    duration: 1,
    "last-modification": 1,
});

beforeAll(async () => {
    server = createServer(async (req, res) => {
        const u = req.url ?? "";
        requests.push(`${req.method} ${u}`);
        res.setHeader("content-type", "application/json");
        const json = req.method === "POST" ? await body(req) : {};
        const [, jid, op, trigger] = /^\/jobs\/([0-9a-f]{32})(?:\/(savepoints|stop|checkpoints))?(?:\/([0-9a-f]{32}))?$/.exec(u) ?? [];
        const job = jobs.find((j) => j.jid === jid);
        if (u === "/jobs/overview") return res.end(JSON.stringify({ jobs: jobs.map(overview) }));
        if (u === "/jobmanager/config")
            return res.end(JSON.stringify(savepointDirConfigured ? [{ key: "execution.checkpointing.savepoint-dir", value: "file:///sp/" }] : []));
        if (job && req.method === "POST" && op === "stop") job.state = "FINISHED";
        if (job && req.method === "POST") return res.end(JSON.stringify({ "request-id": json.triggerId }));
        if (job && op === "savepoints" && trigger) {
            const done = job.savepointFails
                ? { "failure-cause": { class: "java.io.IOException", "stack-trace": "java.io.IOException: disk full" } }
                : { location: `file:/sp/${jobFolder(job.name)}/savepoint-${trigger.slice(0, 6)}` };
            return res.end(JSON.stringify({ status: { id: "COMPLETED" }, operation: done }));
        }
        if (job && !op) return res.end(JSON.stringify({ ...overview(job), timestamps: {}, vertices: [] }));
        res.statusCode = 404;
        return res.end(JSON.stringify({ errors: ["not found"] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => requests.splice(0));

const ours = (name: string, gen = 1) => ({ jid: jobIdFor(name, gen, "d".repeat(12)), name, state: "RUNNING", "end-time": -1 });
const foreign = { jid: "f".repeat(32), name: "by-hand", state: "RUNNING", "end-time": -1 };
const runDir = (name: string) => path.join(root, name, "run");
const stops = () => requests.filter((r) => /\/(stop|savepoints)$/.test(r));

test("planHandoff: pulumi-flink's active jobs by their id, others foreign, and ended ones of ours not running again", () => {
    const ended = { ...ours("orders", 3), state: "FINISHED", "end-time": 5 };
    const older = { ...ours("orders", 2), state: "FINISHED", "end-time": 2 };
    const plan = planHandoff([ours("clicks"), foreign, ended, older, { ...ours("clicks", 0), state: "CANCELED", "end-time": 1 }] as JobOverview[]);
    expect(plan.ours.map((j) => j.name)).toEqual(["clicks"]);
    expect(plan.foreign.map((j) => j.name)).toEqual(["by-hand"]);
    expect(plan.ended.map((j) => j.jid)).toEqual([ended.jid]);
    expect(describeHandoff(plan, "restart (changed: libraries)", true)).toMatch(/REFUSED at up: .*1 job\(s\) pulumi-flink did not start .*by-hand \(RUNNING\)/);
    expect(describeHandoff({ ...plan, foreign: [] }, "restart (changed: libraries)", true)).toBe(
        "restart (changed: libraries): stops 1 job(s) with a savepoint, then restarts the local cluster; the jobs restore from those savepoints: clicks (RUNNING)",
    );
});

test("libraries changed: every job of ours is stopped with a savepoint in its default folder, and the handoff is recorded", async () => {
    jobs = [ours("orders"), ours("clicks")];
    const lines: string[] = [];
    const handoff = await prepareRestart({ restUrl: url }, runDir("ok"), ["libraries"], (l) => lines.push(l));
    expect(Object.keys(handoff).sort()).toEqual(["clicks", "orders"]);
    expect(handoff.orders).toMatchObject({
        jobId: jobs[0].jid,
        reason: "libraries",
        path: expect.stringMatching(new RegExp(`^file:/sp/${jobFolder("orders")}/savepoint-`)),
    });
    expect(Date.parse(handoff.orders.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(jobs.map((j) => j.state)).toEqual(["FINISHED", "FINISHED"]);
    expect(readHandoff(runDir("ok"))).toEqual(handoff);
    expect(lines.at(-1)).toContain("stopped 2 job(s) with a savepoint for the restart");
});

test("a failed savepoint aborts the restart: the error names the job already stopped and its savepoint, the rest runs untouched", async () => {
    jobs = [ours("orders"), { ...ours("clicks"), savepointFails: true }, ours("views")];
    const err = await prepareRestart({ restUrl: url }, runDir("fail"), ["libraries"], () => undefined).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(/the cluster was not restarted: the savepoint of job clicks .* failed/);
    expect(msg).toMatch(/already stopped with a savepoint .*: orders \(job [0-9a-f]{32}\) at file:\/sp\//);
    expect(msg).toContain("still running, untouched: views");
    expect(msg).toMatch(/clicks: the old job [0-9a-f]{32} RUNNING, untouched/);
    expect(jobs.map((j) => j.state)).toEqual(["FINISHED", "RUNNING", "RUNNING"]);
    // The stopped one is recorded, so the next run hands it over even though Flink then forgets it.
    expect(Object.keys(readHandoff(runDir("fail")))).toEqual(["orders"]);
    expect(stops().filter((r) => r.includes(jobs[2].jid))).toEqual([]);
});

test("a cluster without a default savepoint directory: the restart is refused, the job named as running untouched (not 'unknown')", async () => {
    jobs = [ours("orders")];
    savepointDirConfigured = false;
    try {
        const err = await prepareRestart({ restUrl: url }, runDir("nodir"), ["libraries"], () => undefined).catch((e: Error) => e);
        expect((err as Error).message).toBe(
            `the cluster was not restarted: the savepoint of job orders (${jobs[0].jid}) failed: the cluster has no default savepoint directory\n` +
                `  left behind: the cluster and its processes as they were; orders: the job ${jobs[0].jid} RUNNING, untouched`,
        );
        expect(stops()).toEqual([]);
    } finally {
        savepointDirConfigured = true;
    }
});

test("the next run after a failed savepoint hands over the job stopped before too (Flink would forget it at the restart)", async () => {
    jobs = [{ ...ours("orders"), state: "FINISHED", "end-time": 5 }, ours("clicks"), ours("views")];
    const first = readHandoff(runDir("fail")).orders;
    const handoff = await prepareRestart({ restUrl: url }, runDir("fail"), ["libraries"], () => undefined);
    expect(Object.keys(handoff).sort()).toEqual(["clicks", "orders", "views"]);
    expect(handoff.orders).toEqual(first);
    expect(stops().filter((r) => r.includes(jobs[0].jid))).toEqual([]); // not stopped twice
});

test("a job pulumi-flink did not start keeps the restart refused, and nothing is stopped", async () => {
    jobs = [ours("orders"), foreign];
    await expect(prepareRestart({ restUrl: url }, runDir("foreign"), ["libraries"], () => undefined)).rejects.toThrow(
        /would kill 1 job\(s\) without a savepoint: by-hand \(RUNNING\) \(pulumi-flink did not start them/,
    );
    expect(stops()).toEqual([]);
    expect(jobs.map((j) => j.state)).toEqual(["RUNNING", "RUNNING"]);
});

test("a change other than libraries with jobs running keeps the refusal (their previews promise no restart)", async () => {
    jobs = [ours("orders")];
    await expect(prepareRestart({ restUrl: url }, runDir("config"), ["libraries", "taskManagerMemory"], () => undefined)).rejects.toThrow(
        /changing the cluster's configuration restarts the local cluster, which would kill 1 job\(s\).*changed: libraries, taskManagerMemory/,
    );
    expect(stops()).toEqual([]);
});
