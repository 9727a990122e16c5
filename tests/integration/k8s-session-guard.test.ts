/**
 * A Kubernetes session cluster's spec change is refused while jobs run on it: the
 * k8sSessionGuard provider (updated before the FlinkDeployment) asks the JobManager's REST API,
 * here a REAL local Flink session cluster reached by `access.url`, with a real running job.
 * The preview line names the job; `up` refuses with what it left; with no job it lets the change
 * through; an unreachable cluster is "unknown" and refused. (real Flink REST; no Kubernetes, no pods run)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { k8sSessionGuardProvider as guard, type K8sSessionGuardState } from "../../provider/k8s/session-guard";
import { createFlinkClient } from "../../provider/flink";
import { messageOf } from "../../provider/core/errors";
import { RunningCluster, startCluster } from "../support/cluster";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(5 * 60_000);

const line = flinkLines()[flinkLines().length - 1]!;
const inputs = (url: string, specHash: string) => ({
    target: "kubernetes",
    namespace: "streaming",
    name: "sessions",
    flinkVersion: line.version,
    restService: "sessions-rest",
    restPort: 8081,
    access: { mode: "url", url },
    readyTimeoutSeconds: 60,
    specHash,
});

/** What the provider prints (progress goes to stderr) while `fn` runs, and its error. */
async function run(fn: () => Promise<unknown>): Promise<{ printed: string; error?: string }> {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    try {
        await fn();
        return { printed: lines.join("") };
    } catch (err) {
        return { printed: lines.join(""), error: messageOf(err) };
    } finally {
        spy.mockRestore();
    }
}

describe(`Kubernetes session spec change vs running jobs, Flink ${line.version} (real Flink REST via access.url; no Kubernetes, no pods run)`, () => {
    let cluster: RunningCluster;
    let olds: K8sSessionGuardState;
    let jobId: string;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "pf-guard-"));

    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(1410));
        const created = await guard.create(inputs(cluster.restUrl, "spec-1"));
        olds = created.outs as K8sSessionGuardState;
        expect(olds).not.toHaveProperty("kubeconfig");
        const client = createFlinkClient({ baseUrl: cluster.restUrl });
        const jar = await client.uploadJar(line.testJobJar);
        jobId = await client.runJar(jar, { programArgsList: ["--out", out, "--rate", "5", "--name", "guarded"] });
        for (let i = 0; i < 60 && (await client.jobsOverview()).find((j) => j.jid === jobId)?.state !== "RUNNING"; i++)
            await new Promise((r) => setTimeout(r, 1000));
        await client.close();
    });
    afterAll(async () => {
        await cluster?.stop();
        fs.rmSync(out, { recursive: true, force: true });
    });

    test("with a job running: the preview names it, up refuses and leaves the job running; the same spec passes", async () => {
        const news = inputs(cluster.restUrl, "spec-2");
        const preview = await run(() => guard.diff!("streaming/sessions", olds, news));
        expect(preview.printed).toMatch(
            /preview: the FlinkDeployment spec of session cluster streaming\/sessions changed, so the Operator restarts the session cluster: REFUSED at up: the restart would kill 1 job\(s\) without a savepoint: \S+ \(RUNNING\)/,
        );
        const up = await run(() => guard.update!("streaming/sessions", olds, news));
        expect(up.error).toMatch(/restarts the session cluster, which would kill 1 job\(s\) without a savepoint: .*\(RUNNING\)/);
        expect(up.error).toMatch(/the FlinkDeployment unchanged and its jobs running/);
        const client = createFlinkClient({ baseUrl: cluster.restUrl });
        expect((await client.jobsOverview()).find((j) => j.jid === jobId)?.state).toBe("RUNNING");
        expect((await guard.diff!("streaming/sessions", olds, inputs(cluster.restUrl, "spec-1"))).changes).toBe(false);
        await client.close();
    });

    test("with no job running the change goes through and the preview says so", async () => {
        const client = createFlinkClient({ baseUrl: cluster.restUrl });
        await client.cancelJob(jobId);
        for (let i = 0; i < 30 && (await client.jobsOverview()).some((j) => j.state === "RUNNING" || j.state === "CANCELLING"); i++)
            await new Promise((r) => setTimeout(r, 500));
        await client.close();
        const news = inputs(cluster.restUrl, "spec-2");
        expect((await run(() => guard.diff!("streaming/sessions", olds, news))).printed).toMatch(/restarts the session cluster: no job runs on it/);
        const up = await run(() => guard.update!("streaming/sessions", olds, news));
        expect(up.error).toBeUndefined();
    });

    test("an unreachable cluster (no kubeconfig to read the Operator's status): the preview says unknown, up refuses", async () => {
        const dead = `http://127.0.0.1:${portBlock(1410) + 7}`;
        const news = inputs(dead, "spec-3");
        const preview = await run(() => guard.diff!("streaming/sessions", olds, news));
        expect(preview.printed).toMatch(/which jobs run is unknown \(its REST API at http:\/\/127\.0\.0\.1:\d+\/? did not answer/);
        const up = await run(() => guard.update!("streaming/sessions", olds, news));
        expect(up.error).toMatch(
            /restarts the session cluster, and which jobs run on it is unknown: its REST API at .* did not answer; the Operator's JobManager status: unread/,
        );
    });
});
