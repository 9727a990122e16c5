/**
 * The Kubernetes runtime through the real pulumi CLI and the real dynamic-provider host (plain
 * Node requiring @kubernetes/client-node from the installed package): a `k8sCluster` resource
 * reached by port-forward through the stand-in API server (tests/support/apiserver-standin.ts)
 * to a real local Flink and its real SQL Gateway, and two FlinkJobs deployed on it, unchanged,
 * through the forwards: the counter JAR (REST) and a SQL job (SQL Gateway). The kubeconfig is a secret: it must not appear in the state in plaintext.
 * The SDK's SessionCluster for `target: "kubernetes"` comes from the K8S-EMIT branch; this
 * program declares the provider kind directly, as that class does.
 */
import { ApiServerStandIn, pod, restService } from "../support/apiserver-standin";
import { RunningCluster, startCluster } from "../support/cluster";
import { countAbove, counterJob, countingSql, outDirFor, printedCounts } from "../support/jobs";
import { waitFor } from "../support/counter";
import { PulumiProject } from "../support/pulumi";
import { flinkLines, portBlock } from "../support/testbed";
import { createFlinkClient } from "../../provider/flink";

jest.setTimeout(15 * 60_000);

const NS = "streaming";
const labels = { app: "sessions", component: "jobmanager", type: "flink-native-kubernetes" };

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
// Same serialization-safe stub as the SDK's providerFor(kind).
const kind = "k8sCluster";
const provider = {
    check: (o, n) => require("pulumi-flink/provider").providers[kind].check(o, n),
    diff: (id, o, n) => require("pulumi-flink/provider").providers[kind].diff(id, o, n),
    create: (i) => require("pulumi-flink/provider").providers[kind].create(i),
    read: (id, p) => require("pulumi-flink/provider").providers[kind].read(id, p),
    update: (id, o, n) => require("pulumi-flink/provider").providers[kind].update(id, o, n),
    delete: (id, p) => require("pulumi-flink/provider").providers[kind].delete(id, p),
};
class K8sSessionCluster extends pulumi.dynamic.Resource {
    constructor(name, args, opts) {
        const outs = { restUrl: undefined, webUiUrl: undefined, flinkVersion: undefined, taskManagers: undefined, slots: undefined, jobsTotal: undefined, jobsRunning: undefined, status: undefined, sqlGatewayUrl: undefined, connection: undefined };
        super(provider, name, { ...outs, ...args }, { ...opts, additionalSecretOutputs: ["connection"] }, "flink", "SessionCluster");
    }
}
const cluster = new K8sSessionCluster("cluster", {
    target: "kubernetes", namespace: "${NS}", name: "sessions", flinkVersion: cfg.require("flinkVersion"),
    restService: "sessions-rest", restPort: 8081, access: { mode: "auto" },
    sqlGateway: { service: "sessions-sql-gateway", port: 8083 },
    kubeconfig: cfg.requireSecret("kubeconfig"), readyTimeoutSeconds: 120, specHash: "spec-1",
});
const jobs = JSON.parse(cfg.require("jobs"));
for (const [resource, args] of Object.entries(jobs)) {
    const job = new flink.FlinkJob(resource, { cluster, ...args });
    exports[resource] = { jobId: job.jobId, state: job.state };
}
exports.restUrl = cluster.restUrl;
exports.sqlGatewayUrl = cluster.sqlGatewayUrl;
exports.flinkVersion = cluster.flinkVersion;
`;

const line = flinkLines()[flinkLines().length - 1]!;

describe(`FlinkJob on a Kubernetes session cluster through the real pulumi CLI, Flink ${line.version} (stand-in apiserver, real Flink; no pods run)`, () => {
    let cluster: RunningCluster;
    let api: ApiServerStandIn;
    let project: PulumiProject;

    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(1210), {
            slotsPerTaskManager: 6,
            taskManagerMemory: "2g",
            sqlGateway: { enabled: true, port: portBlock(1210) + 5 },
        });
        api = await new ApiServerStandIn({ port: portBlock(1220), token: "e2e-secret-token-4f1a" }).start();
        api.setObject(`/api/v1/namespaces/${NS}/services/sessions-rest`, restService(NS, "sessions-rest", 8081, labels));
        api.setPods(NS, [pod(NS, "sessions-jm-0", labels)]);
        const local = new URL(cluster.restUrl);
        api.mapPodPort(NS, "sessions-jm-0", 8081, { host: local.hostname, port: Number(local.port) });
        api.setObject(`/api/v1/namespaces/${NS}/services/sessions-sql-gateway`, restService(NS, "sessions-sql-gateway", 8083, { app: "sessions-sql-gateway" }));
        api.setPods(NS, [pod(NS, "sessions-jm-0", labels), pod(NS, "sessions-sql-gateway-0", { app: "sessions-sql-gateway" }, { containerPort: 8083 })]);
        api.mapPodPort(NS, "sessions-sql-gateway-0", 8083, { host: local.hostname, port: portBlock(1210) + 5 });
        project = new PulumiProject("k8s-portforward", PROGRAM);
        await project.init();
        await project.ok(["config", "set", "flinkVersion", line.version]);
        await project.ok(["config", "set", "--secret", "kubeconfig", api.kubeconfig()]);
    });
    afterAll(async () => {
        await project?.run(["destroy", "--yes", "--skip-preview"]);
        await api?.close();
        await cluster?.stop();
    });

    test("pulumi up: the cluster is reached by port-forward; a JAR job and a SQL job are deployed through it", async () => {
        const out = outDirFor(cluster.workDir, "k8s-counter");
        const jobs = {
            counter: counterJob(line, "k8s-counter", out),
            agg: { name: "k8s-sql", sql: countingSql(`k8s-sql-${line.version}`), health: { stableSeconds: 2 } },
        };
        await project.ok(["config", "set", "jobs", JSON.stringify(jobs)]);
        const up = await project.ok(["up", "--yes", "--skip-preview"]);
        expect(up.output).toMatch(/\[SessionCluster streaming\/sessions\] ready: Flink/);
        const outputs = await project.outputs();
        expect(outputs.restUrl).toBe(`http://sessions-rest.${NS}.svc:8081`);
        expect(outputs.sqlGatewayUrl).toBe(`http://sessions-sql-gateway.${NS}.svc:8083`);
        expect(outputs.flinkVersion).toBe(line.version);
        const counter = outputs.counter as { jobId: string; state: string };
        const agg = outputs.agg as { jobId: string; state: string };
        expect(counter.state).toBe("RUNNING");
        expect(agg.state).toBe("RUNNING");
        await countAbove(out, 5);
        await waitFor("SQL counts printed", () => printedCounts(cluster.workDir, `k8s-sql-${line.version}`));
        // The jobs really run on the local Flink; REST and SQL Gateway calls went through the stand-in's forwards.
        const direct = createFlinkClient({ baseUrl: cluster.restUrl });
        const running = (await direct.jobsOverview()).filter((j) => j.state === "RUNNING").map((j) => j.jid);
        expect(running).toEqual(expect.arrayContaining([counter.jobId, agg.jobId]));
        expect(api.requests.some((r) => r.startsWith(`WS /api/v1/namespaces/${NS}/pods/sessions-jm-0/portforward`))).toBe(true);
        expect(api.requests.some((r) => r.startsWith(`WS /api/v1/namespaces/${NS}/pods/sessions-sql-gateway-0/portforward?ports=8083`))).toBe(true);
        expect(api.bytesToPods).toBeGreaterThan(1000);
        const state = await project.exportState();
        expect(state).not.toContain("e2e-secret-token-4f1a");
    });

    test("pulumi refresh reads the cluster through a new forward (a new provider host process)", async () => {
        const before = api.forwardsOpened;
        const refresh = await project.ok(["refresh", "--yes", "--skip-preview"]);
        expect(refresh.code).toBe(0);
        expect(api.forwardsOpened).toBeGreaterThan(before);
        expect(((await project.outputs()).counter as { state: string }).state).toBe("RUNNING");
    });
});
