/**
 * Kubernetes for real (issue 13's acceptance), through the real pulumi CLI and Pulumi's real
 * Kubernetes provider: a single-node cluster started here (tests/support/kube-node.ts), the real
 * Flink Kubernetes Operator 1.7.0 reconciling what the package emits, Flink pods of a locally
 * built image. Flink 1.19.3: the newest line Operator 1.7.0's CRD accepts (v1_19); its image
 * carries flink-sql-gateway 1.19.1 (Maven Central publishes none for 1.19.3; scripts/kube-images.sh).
 * State and the counter job's output live on a hostPath directory mounted at the same path in
 * every Flink pod, so the host reads what the pods write (one node: that is "shared storage").
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isActive } from "../../provider/flink";
import { countAbove, counterJob, countingSql } from "../support/jobs";
import { KubeNode, kubeProviderDir, startKubeNode } from "../support/kube-node";
import { PulumiProject } from "../support/pulumi";
import { runCli } from "../support/review";
import { readCounter, waitFor } from "../support/counter";
import { olderLine, portBlock } from "../support/testbed";

jest.setTimeout(20 * 60_000);

const NS = "flink-e2e";
const APP_NS = "flink-app";
const line = olderLine();
const DATA = fs.mkdtempSync(path.join(os.tmpdir(), "pf-kube-data-"));
const volumes = {
    spec: {
        containers: [{ name: "flink-main-container", volumeMounts: [{ name: "data", mountPath: DATA }] }],
        volumes: [{ name: "data", hostPath: { path: DATA, type: "Directory" } }],
    },
};

/**
 * The node has 2 CPUs for up to 4 Flink pods: small CPU requests so they all schedule, and a limit
 * factor so a JVM is not throttled to its request (Flink sets limit = request x factor, default 1).
 */
const LIMITS_JS = JSON.stringify({ "kubernetes.jobmanager.cpu.limit-factor": 4, "kubernetes.taskmanager.cpu.limit-factor": 4 });

const PROGRAM = `
const LIMITS = ${LIMITS_JS};
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const home = new flink.FlinkHome("flink", {
    image: "localhost/pulumi-flink/flink:${line.version}", version: "${line.version}", imagePullPolicy: "Never",
    defaultConfig: { "parallelism.default": 1 },
});
const cluster = new flink.SessionCluster("sessions", {
    target: "kubernetes", home,
    kubernetes: {
        namespace: "${NS}", createNamespace: true,
        jobManager: { memory: "1024m", cpu: 0.25 },
        taskManager: { memory: "1024m", cpu: 0.25, replicas: 1, slots: cfg.getNumber("slots") || 2 },
        configuration: { ...LIMITS, "state.savepoints.dir": "file://${DATA}/savepoints", "state.checkpoints.dir": "file://${DATA}/checkpoints" },
        podTemplate: ${JSON.stringify(volumes)},
        sqlGateway: { enabled: true, cpu: 0.25, memory: "1024m" },
        readyTimeoutSeconds: 300,
    },
});
const jobs = JSON.parse(cfg.get("jobs") || "{}");
for (const [resource, args] of Object.entries(jobs)) {
    const job = new flink.FlinkJob(resource, { cluster, ...args });
    exports[resource] = { jobId: job.jobId, state: job.state, generation: job.generation, restoredFrom: job.restoredFrom };
}
exports.slots = cluster.slots;
exports.taskManagers = cluster.taskManagers;
exports.flinkVersion = cluster.flinkVersion;
exports.restUrl = cluster.restUrl;
`;

/** An application-mode job (its own FlinkDeployment) of the counter jar, from config. */
const APP_PROGRAM = `
const LIMITS = ${LIMITS_JS};
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const home = new flink.FlinkHome("flink", { image: "localhost/pulumi-flink/flink:${line.version}", version: "${line.version}", imagePullPolicy: "Never" });
const app = new flink.FlinkJob("app", {
    name: "k8s-app",
    jar: { url: "local://${DATA}/counter-job.jar" },
    entryClass: cfg.get("entryClass"),
    args: JSON.parse(cfg.require("args")),
    parallelism: 1,
    upgrade: { mode: "savepoint", savepointDir: "file://${DATA}/app-savepoints" },
    health: { runningTimeoutSeconds: 90 },
    // onDelete "savepoint" (the default): destroy suspends the job with a savepoint first, and that
    // patch turns the Operator's own savepoint-on-deletion off (its cleanup hung on it before).
    application: {
        home,
        kubernetes: {
            namespace: "${APP_NS}", createNamespace: true,
            jobManager: { memory: "1024m", cpu: 0.25 },
            taskManager: { memory: "1024m", cpu: 0.25, slots: 1 },
            highAvailability: { storageDir: "file://${DATA}/ha" },
            configuration: { ...LIMITS, "state.checkpoints.dir": "file://${DATA}/app-checkpoints" },
            podTemplate: ${JSON.stringify(volumes)},
            readyTimeoutSeconds: 600,
        },
    },
});
exports.app = { jobId: app.jobId, state: app.state, lifecycle: app.lifecycleState };
`;

const readCount = (out: string) => readCounter(out)?.count ?? 0;
/** The counter job's tag once B is through (its last upgrade, interrupted by kill -9); the later tests keep it. */
const SETTLED = "v4";

type Job = { jobId: string; state: string; generation: number; restoredFrom: string };
type Pod = { metadata: { name: string; labels: Record<string, string> }; status: { phase: string } };
type GatewaySpec = {
    volumes: { name: string; hostPath?: { path: string } }[];
    containers: { name: string; volumeMounts?: { name: string; mountPath: string }[] }[];
};

describe(`Kubernetes for real: one node, the Flink Kubernetes Operator 1.7.0, Flink ${line.version} pods (real pulumi CLI, real Pulumi Kubernetes provider)`, () => {
    let node: KubeNode;
    let project: PulumiProject;

    beforeAll(async () => {
        node = await startKubeNode(portBlock(1420), line.version);
        project = new PulumiProject("k8s-node", PROGRAM);
        project.env.KUBECONFIG = node.kubeconfig;
        project.env.PATH = `${kubeProviderDir()}${path.delimiter}${project.env.PATH}`;
        await project.init();
    });
    afterAll(async () => {
        await project?.run(["destroy", "--yes", "--skip-preview"]);
        await node?.stop();
        fs.rmSync(DATA, { recursive: true, force: true });
    });

    const pods = async (component: string, app = "sessions") =>
        (JSON.parse(await node.kubectl(["get", "pods", "-n", NS, "-l", `app=${app},component=${component}`, "-o", "json"])) as { items: Pod[] }).items;

    /** The active jobs named `name`, asked of the JobManager in its pod (kubectl exec through the real kubelet). */
    const activeOnJobManager = async (name: string) => {
        const [jm] = await pods("jobmanager");
        const http = "exec 3<>/dev/tcp/localhost/8081 && printf 'GET /jobs/overview HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3";
        const response = await node.kubectl(["exec", "-n", NS, jm.metadata.name, "--", "bash", "-c", http]);
        const overview = JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4)) as { jobs: { jid: string; name: string; state: string }[] };
        return overview.jobs.filter((j) => j.name === name && isActive(j.state as never)).map((j) => j.jid);
    };

    /** Counts the SQL job's print sink wrote as `<identifier>> +U[0, N]` to the TaskManagers' stdout (pod logs). */
    const printed = async (identifier: string) => {
        const logs = await node.kubectl(["logs", "-n", NS, "-l", "app=sessions,component=taskmanager", "--tail=-1", "--max-log-requests=10"]);
        const pattern = new RegExp(`^${identifier}(?::\\d+)?> \\+[IU]\\[0, (\\d+)\\]`);
        const counts = logs.split("\n").flatMap((l) => {
            const m = pattern.exec(l);
            return m ? [Number(m[1])] : [];
        });
        return counts.length ? { first: counts[0]!, last: Math.max(...counts) } : undefined;
    };
    const printedPast = (identifier: string, above = 0) =>
        waitFor(
            `${identifier} counting past ${above}`,
            async () => {
                const c = await printed(identifier);
                return c && c.last > above ? c : undefined;
            },
            180_000,
            2_000,
        );

    test("A: pulumi up of a session cluster: the Operator deploys the JobManager, the TaskManager pod registers, outputs show the slots", async () => {
        const up = await project.ok(["up", "--yes", "--skip-preview"], 900_000);
        expect(up.output).toMatch(/\[SessionCluster flink-e2e\/sessions\] ready: Flink 1\.19\.3/);
        const outputs = await project.outputs();
        expect(outputs).toMatchObject({ slots: 2, taskManagers: 1, flinkVersion: line.version });
        const deployment = await node.get<{ status: { jobManagerDeploymentStatus: string; lifecycleState: string } }>("flinkdeployment", "sessions", NS);
        expect(deployment?.status.jobManagerDeploymentStatus).toBe("READY");
        expect((await pods("jobmanager")).map((p) => p.status.phase)).toEqual(["Running"]);
        // The TaskManager pod was created by the JobManager (Flink's native mode) with the package's service account.
        expect((await pods("taskmanager")).map((p) => p.status.phase)).toEqual(["Running"]);
        // The SQL Gateway pod runs with the cluster's pod template: the data volume and its mount.
        const [gateway] = (await pods("sql-gateway", "sessions-sql-gateway")) as (Pod & { spec: GatewaySpec })[];
        expect(gateway?.status.phase).toBe("Running");
        expect(gateway!.spec.volumes.find((v) => v.name === "data")?.hostPath?.path).toBe(DATA);
        expect(gateway!.spec.containers.find((c) => c.name === "sql-gateway")?.volumeMounts).toEqual(
            expect.arrayContaining([expect.objectContaining({ name: "data", mountPath: DATA })]),
        );
    });

    test("E: the package's service account may do what Flink's native mode needs and is denied anything more", async () => {
        const sa = `system:serviceaccount:${NS}:sessions-flink`;
        const can = async (verb: string, resource: string) =>
            (await node.kubectl(["auth", "can-i", verb, resource, "-n", NS, "--as", sa]).catch((e: { stdout?: string }) => e.stdout ?? "")).trim();
        expect(await can("create", "pods")).toBe("yes");
        expect(await can("delete", "pods")).toBe("yes");
        expect(await can("update", "configmaps")).toBe("yes");
        expect(await can("get", "secrets")).toBe("no");
        expect(await can("create", "services")).toBe("no");
        expect(await can("patch", "deployments")).toBe("no");
        const other = (
            await node.kubectl(["auth", "can-i", "create", "pods", "-n", "default", "--as", sa]).catch((e: { stdout?: string }) => e.stdout ?? "")
        ).trim();
        expect(other).toBe("no");
    });

    test("B: a JAR job through the port-forward: savepoint-and-redeploy keeps the count, exactly one job; a bad version rolled back; kill -9 of the CLI after the stop converges", async () => {
        const out = path.join(DATA, "out", "counter");
        fs.mkdirSync(out, { recursive: true });
        await project.ok(["config", "set", "jobs", JSON.stringify({ counter: counterJob(line, "k8s-counter", out) })]);
        await project.ok(["up", "--yes", "--skip-preview"]);
        const v1 = (await project.outputs()).counter as Job;
        expect(v1).toMatchObject({ state: "RUNNING", generation: 1, restoredFrom: "" });
        const before = await countAbove(out, 40);

        await project.ok(["config", "set", "jobs", JSON.stringify({ counter: counterJob(line, "k8s-counter", out, ["--tag", "v2"]) })]);
        const preview = await project.ok(["preview"]);
        expect(preview.output).toContain("k8s-counter: savepoint-and-redeploy (changed: args) - keeps state");
        const up = await project.ok(["up", "--yes", "--skip-preview"]);
        expect(up.output).toContain(`savepoint at file:${DATA}/savepoints/`);
        const v2 = (await project.outputs()).counter as Job;
        expect(v2.generation).toBe(2);
        expect(v2.restoredFrom).toMatch(/savepoint-/);
        expect(fs.existsSync(path.join(v2.restoredFrom.replace(/^file:/, ""), "_metadata"))).toBe(true); // written by the pods, read here
        const after = await countAbove(out, before.count, "v2");
        expect(after.count).toBe(after.seq + 1); // restored: nothing lost, nothing counted twice

        expect(await activeOnJobManager("k8s-counter")).toEqual([v2.jobId]); // exactly one copy

        // A bad version (throws when it opens): stopped with a savepoint, tried, rolled back from that savepoint.
        const v2Job = counterJob(line, "k8s-counter", out, ["--tag", "v2"]);
        await project.ok(["config", "set", "jobs", JSON.stringify({ counter: counterJob(line, "k8s-counter", out, ["--tag", "v3", "--fail-in-open"]) })]);
        const bad = await project.run(["up", "--yes", "--skip-preview"]);
        expect(bad.code).not.toBe(0);
        expect(bad.output).toContain("rolled back");
        expect(bad.output).toContain("failing in open");
        const m = /the previous version RUNNING again as job ([0-9a-f]{32}) \(generation \d+\), restored from (\S+)/.exec(bad.output);
        expect(m?.[2]).toMatch(new RegExp(`^file:${DATA}/savepoints/`));
        expect(await activeOnJobManager("k8s-counter")).toEqual([m![1]]);
        const rolledBack = await countAbove(out, readCount(out) + 20, "v2");
        expect(rolledBack.count).toBe(rolledBack.seq + 1); // the rollback restored the stop savepoint: nothing lost or doubled

        // Back to the good version: up converges, one job, still counting on.
        await project.ok(["config", "set", "jobs", JSON.stringify({ counter: v2Job })]);
        await project.ok(["up", "--yes", "--skip-preview"]);
        expect(await activeOnJobManager("k8s-counter")).toHaveLength(1);
        const converged = await countAbove(out, readCount(out) + 20, "v2");
        expect(converged.count).toBe(converged.seq + 1);

        // kill -9 of the CLI (its provider host and port-forward die with it) just after the old job
        // stopped with its savepoint: no stray job appears, and the next up converges from that savepoint.
        await project.ok(["config", "set", "jobs", JSON.stringify({ counter: counterJob(line, "k8s-counter", out, ["--tag", SETTLED]) })]);
        const cli = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
            cwd: project.dir,
            env: project.env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const ended = new Promise<void>((resolve) => cli.on("close", () => resolve()));
        let output = "";
        cli.stdout.on("data", (d: Buffer) => (output += d));
        cli.stderr.on("data", (d: Buffer) => (output += d));
        await waitFor('"submitting generation" in the provider\'s progress', () => output.includes("submitting generation") || undefined, 300_000, 20);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
        process.kill(cli.pid!, "SIGKILL");
        await ended;
        await new Promise((r) => setTimeout(r, 5_000)); // whatever the killed run did is done by now
        const afterKill = await activeOnJobManager("k8s-counter");
        expect(afterKill.length).toBeLessThanOrEqual(1); // never two copies
        await project.run(["cancel", "--yes"]); // a killed CLI may leave the stack locked
        const next = await project.ok(["up", "--yes", "--skip-preview"]);
        const active = await activeOnJobManager("k8s-counter");
        expect(active).toEqual([((await project.outputs()).counter as Job).jobId]);
        for (const jid of active.filter((j) => !afterKill.includes(j))) expect(next.output).toContain(jid); // a new job is the next up's own
        const resumed = await countAbove(out, readCount(out), SETTLED, 180_000);
        expect(resumed.count).toBe(resumed.seq + 1); // the count continued: state kept across the kill
    });

    test("B (SQL): a SQL job through the SQL Gateway pod: an edit checked at preview (a broken one fails it) is a savepoint-and-redeploy, the count continues, exactly one job; removed with a savepoint", async () => {
        const out = path.join(DATA, "out", "counter");
        const counter = counterJob(line, "k8s-counter", out, ["--tag", SETTLED]);
        const sqlJob = (identifier: string, filter = "") => ({ name: "k8s-sql", sql: countingSql(identifier, filter), health: { stableSeconds: 2 } });
        await project.ok(["config", "set", "jobs", JSON.stringify({ counter, agg: sqlJob("k8s-sql-v1") })]);
        const counterBefore = ((await project.outputs()).counter as Job).jobId;
        await project.ok(["up", "--yes", "--skip-preview"], 900_000);
        expect(((await project.outputs()).counter as Job).jobId).toBe(counterBefore); // the JAR job is untouched
        const v1 = (await project.outputs()).agg as Job;
        expect(v1).toMatchObject({ state: "RUNNING", generation: 1 });
        await printedPast("k8s-sql-v1", 20);

        // The preview checks an edit through the port-forward to the SQL Gateway pod: a broken one fails it.
        await project.ok(["config", "set", "jobs", JSON.stringify({ counter, agg: sqlJob("k8s-sql-v2", "WHERE no_such_column IS NOT NULL") })]);
        const broken = await project.run(["preview"]);
        expect(broken.code).not.toBe(0);
        expect(broken.output).toMatch(/the SQL of job "k8s-sql" fails at sql line 3, column \d+: .*no_such_column/);
        await project.ok(["config", "set", "jobs", JSON.stringify({ counter, agg: sqlJob("k8s-sql-v2", "WHERE v IS NOT NULL") })]);
        const preview = await project.ok(["preview"]);
        // Only the job changes (the cluster was updated on every preview before), and its state
        // verdict says why it is unknown: the plan the gateway pod compiles stays in the pod.
        expect(preview.output).toMatch(/~ 1 to update/);
        expect(preview.output).toContain(
            "k8s-sql: savepoint-and-redeploy (changed: sql) - state verdict: unknown: its SQL Gateway runs on another machine: the plan it compiles cannot be read here",
        );
        process.stdout.write(`the SQL edit's preview line: ${/k8s-sql: savepoint-and-redeploy.*/.exec(preview.output)?.[0]}\n`);
        await project.ok(["up", "--yes", "--skip-preview"], 900_000);
        const final = (await printed("k8s-sql-v1"))!.last; // v1 stopped: its last count is the savepoint's
        const v2 = await printedPast("k8s-sql-v2");
        expect(v2.first).toBeGreaterThan(final); // continued from the savepoint, not from zero
        const job = (await project.outputs()).agg as Job;
        expect(job.generation).toBe(2);
        expect(job.restoredFrom).toMatch(new RegExp(`^file:${DATA}/savepoints/.*savepoint-`));
        expect(await activeOnJobManager("k8s-sql")).toEqual([job.jobId]);

        // Removed from the program: stopped with a final savepoint; the JAR job keeps running.
        await project.ok(["config", "set", "jobs", JSON.stringify({ counter })]);
        const removed = await project.ok(["up", "--yes", "--skip-preview"]);
        expect(removed.output).toMatch(new RegExp(`stopped job ${job.jobId} with a final savepoint at file:${DATA}/savepoints/`));
        expect(await activeOnJobManager("k8s-sql")).toEqual([]);
        expect(await activeOnJobManager("k8s-counter")).toHaveLength(1);
    });

    test("D: a session spec change while a job runs is refused (preview, review, up); the job keeps running; stopped with a savepoint, the change applies and the job restores", async () => {
        const out = path.join(DATA, "out", "counter");
        const running = (await project.outputs()).counter as Job;
        await project.ok(["config", "set", "slots", "3"]);
        const preview = await project.ok(["preview"]);
        expect(preview.output).toContain("REFUSED at up: the restart would kill 1 job(s) without a savepoint: k8s-counter (RUNNING)");
        const review = await runCli(["review"], { stdin: (await project.ok(["preview", "--json"])).stdout });
        expect(review.stdout).toContain("> **Session cluster `sessions` restarts: REFUSED at up while jobs run**");
        expect(review.stdout).toContain("> - `k8s-counter` runs on it: the restart would kill it without a savepoint");

        const refused = await project.run(["up", "--yes", "--skip-preview"]);
        expect(refused.code).not.toBe(0);
        expect(refused.output).toContain("which would kill 1 job(s) without a savepoint: k8s-counter (RUNNING)");
        const spec = await node.get<{ spec: { flinkConfiguration: Record<string, string> } }>("flinkdeployment", "sessions", NS);
        expect(spec?.spec.flinkConfiguration["taskmanager.numberOfTaskSlots"]).toBe("2"); // unchanged
        const still = await countAbove(out, readCount(out) + 10, SETTLED);
        expect(still.seq + 1).toBe(still.count);
        expect(((await project.outputs()).counter as Job).jobId).toBe(running.jobId);

        expect(refused.output).toContain("deploy the jobs again with restoreFrom: { savepointPath: <that path> }");

        // The way through the refusal says: remove the job without the cluster change (a stop savepoint),
        // then the cluster change and the job again from that savepoint in one up.
        await project.ok(["config", "set", "slots", "2"]);
        await project.ok(["config", "set", "jobs", "{}"]);
        const removed = await project.ok(["up", "--yes", "--skip-preview"]);
        const savepointPath = /savepoint at (file:\S+?)[\s,;)]/.exec(removed.output)?.[1];
        expect(savepointPath).toMatch(new RegExp(`^file:${DATA}/savepoints/k8s-counter-[0-9a-f]+/savepoint-`));
        const stoppedAt = readCount(out);
        const v3Job = counterJob(line, "k8s-counter", out, ["--tag", "v3"], { restoreFrom: { savepointPath } });
        await project.ok(["config", "set", "slots", "3"]);
        await project.ok(["config", "set", "jobs", JSON.stringify({ counter: v3Job })]);
        const up = await project.ok(["up", "--yes", "--skip-preview"], 900_000);
        expect(up.output).toMatch(/no job runs on it/);
        expect(await project.outputs()).toMatchObject({ slots: 3 });
        const v3 = (await project.outputs()).counter as Job;
        expect(v3.restoredFrom).toBe(savepointPath);
        const after = await countAbove(out, stoppedAt, "v3", 180_000);
        expect(after.count).toBeGreaterThan(stoppedAt);
        expect(after.count).toBe(after.seq + 1); // the count continued from the stop savepoint
    });

    test("C: an application-mode job: deploy, upgrade with a savepoint (UPGRADING -> STABLE seen live), a bad version ROLLED_BACK with the Operator's message, the fix applied, delete with a savepoint (the job suspended first)", async () => {
        fs.copyFileSync(line.testJobJar, path.join(DATA, "counter-job.jar"));
        const out = path.join(DATA, "out", "app");
        fs.mkdirSync(out, { recursive: true });
        const app = new PulumiProject("k8s-app", APP_PROGRAM);
        Object.assign(app.env, { KUBECONFIG: node.kubeconfig, PATH: project.env.PATH });
        await app.init();
        const args = (tag?: string) => ["--out", out, "--rate", "20", "--name", "k8s-app", ...(tag ? ["--tag", tag] : [])];
        await app.ok(["config", "set", "args", JSON.stringify(args())]);
        await app.ok(["up", "--yes", "--skip-preview"], 900_000);
        expect((await app.outputs()).app).toMatchObject({ state: "RUNNING", lifecycle: "STABLE" });
        const before = await countAbove(out, 40);

        // Upgrade: watch the FlinkDeployment's lifecycle while pulumi up runs.
        const seen: string[] = [];
        let watching = true;
        const watcher = (async () => {
            while (watching) {
                const d = await node.get<{ status?: { lifecycleState?: string } }>("flinkdeployment", "k8s-app", APP_NS).catch(() => undefined);
                const state = d?.status?.lifecycleState;
                if (state && seen[seen.length - 1] !== state) seen.push(state);
                await new Promise((r) => setTimeout(r, 300));
            }
        })();
        await app.ok(["config", "set", "args", JSON.stringify(args("v2"))]);
        const up = await app.ok(["up", "--yes", "--skip-preview"], 900_000);
        watching = false;
        await watcher;
        // And what it is once up returned (the last poll may have been in flight when up saw STABLE).
        const settled = (await node.get<{ status?: { lifecycleState?: string } }>("flinkdeployment", "k8s-app", APP_NS))?.status?.lifecycleState;
        if (settled && seen[seen.length - 1] !== settled) seen.push(settled);
        expect(seen).toEqual(expect.arrayContaining(["UPGRADING", "STABLE"]));
        expect(seen.lastIndexOf("STABLE")).toBeGreaterThan(seen.indexOf("UPGRADING"));
        expect(up.output).toMatch(/STABLE/);
        const after = await countAbove(out, before.count, "v2", 180_000);
        expect(after.count).toBe(after.seq + 1); // restored from the Operator's upgrade savepoint
        const savepoints = () => (fs.existsSync(path.join(DATA, "app-savepoints")) ? fs.readdirSync(path.join(DATA, "app-savepoints")) : []);
        expect(savepoints().length).toBeGreaterThanOrEqual(1);

        // A bad version: the entry class does not exist. The Operator rolls back to v2 and says why.
        await app.ok(["config", "set", "entryClass", "org.example.NoSuchEntryClass"]);
        const bad = await app.run(["up", "--yes", "--skip-preview"], 900_000);
        expect(bad.code).not.toBe(0);
        expect(bad.output).toContain("the Operator rolled back to the last stable spec");
        expect(bad.output).toContain("left behind: the previous (last stable) spec running again, restored by the Operator");
        const stoppedAt = readCount(out); // v2 stopped with the upgrade savepoint before the bad version was tried
        type Status = { status: { lifecycleState: string; jobStatus?: { state?: string } } };
        const rolledBack = await waitFor(
            "the rolled-back version RUNNING",
            async () => {
                const d = await node.get<Status>("flinkdeployment", "k8s-app", APP_NS);
                return d?.status.jobStatus?.state === "RUNNING" ? d : undefined;
            },
            300_000,
            2_000,
        );
        expect(rolledBack.status.lifecycleState).toBe("ROLLED_BACK");
        const resumed = await countAbove(out, stoppedAt + 20, "v2", 300_000); // v2 runs again from the upgrade savepoint
        expect(resumed.count).toBe(resumed.seq + 1);

        // The fixed program applied again (STABLE), then destroyed: suspended with a savepoint, then deleted.
        await app.ok(["config", "rm", "entryClass"]);
        await app.ok(["up", "--yes", "--skip-preview"], 900_000);
        expect((await app.outputs()).app).toMatchObject({ state: "RUNNING", lifecycle: "STABLE" });
        const known = new Set(savepoints());
        const destroyed = await app.ok(["destroy", "--yes", "--skip-preview"], 600_000);
        const finalSavepoint = /suspended with a savepoint at (\S+)/.exec(destroyed.output)?.[1] ?? "";
        expect(finalSavepoint).toMatch(new RegExp(`^file:${DATA}/app-savepoints/savepoint-`));
        process.stdout.write(`destroy of the application job: suspended with a savepoint at ${finalSavepoint}\n`);
        const written = savepoints().filter((s) => !known.has(s));
        expect(written).toEqual([path.basename(finalSavepoint)]);
        expect(fs.existsSync(path.join(DATA, "app-savepoints", written[0]!, "_metadata"))).toBe(true);
        expect(await node.get("flinkdeployment", "k8s-app", APP_NS)).toBeUndefined();
    });
});
