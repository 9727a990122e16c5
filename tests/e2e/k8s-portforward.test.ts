/**
 * The Kubernetes runtime through the real pulumi CLI and the real dynamic-provider host (plain
 * Node requiring @kubernetes/client-node from the installed package): a `k8sCluster` resource
 * reached by port-forward through the stand-in API server (tests/support/apiserver-standin.ts)
 * to a real local Flink, and a FlinkJob (the counter JAR) deployed on it, unchanged, through
 * the forward. The kubeconfig is a secret: it must not appear in the state in plaintext.
 * The SDK's SessionCluster for `target: "kubernetes"` comes from the K8S-EMIT branch; this
 * program declares the provider kind directly, as that class does.
 */
import { ApiServerStandIn, pod, restService } from "../support/apiserver-standin";
import { RunningCluster, startCluster } from "../support/cluster";
import { countAbove, counterJob, outDirFor } from "../support/jobs";
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
    kubeconfig: cfg.requireSecret("kubeconfig"), readyTimeoutSeconds: 120, specHash: "spec-1",
});
const job = new flink.FlinkJob("counter", { cluster, ...JSON.parse(cfg.require("job")) });
exports.restUrl = cluster.restUrl;
exports.flinkVersion = cluster.flinkVersion;
exports.jobId = job.jobId;
exports.state = job.state;
`;

const line = flinkLines()[flinkLines().length - 1]!;

describe(`FlinkJob on a Kubernetes session cluster through the real pulumi CLI, Flink ${line.version} (stand-in apiserver, real Flink; no pods run)`, () => {
    let cluster: RunningCluster;
    let api: ApiServerStandIn;
    let project: PulumiProject;

    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(1160));
        api = await new ApiServerStandIn({ port: portBlock(1170), token: "e2e-secret-token-4f1a" }).start();
        api.setObject(`/api/v1/namespaces/${NS}/services/sessions-rest`, restService(NS, "sessions-rest", 8081, labels));
        api.setPods(NS, [pod(NS, "sessions-jm-0", labels)]);
        const local = new URL(cluster.restUrl);
        api.mapPodPort(NS, "sessions-jm-0", 8081, { host: local.hostname, port: Number(local.port) });
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

    test("pulumi up: the cluster is reached by port-forward and the JAR job is deployed through it", async () => {
        const out = outDirFor(cluster.workDir, "k8s-counter");
        await project.ok(["config", "set", "job", JSON.stringify(counterJob(line, "k8s-counter", out))]);
        const up = await project.ok(["up", "--yes", "--skip-preview"]);
        expect(up.output).toMatch(/\[SessionCluster streaming\/sessions\] ready: Flink/);
        const outputs = await project.outputs();
        expect(outputs.restUrl).toBe(`http://sessions-rest.${NS}.svc:8081`);
        expect(outputs.flinkVersion).toBe(line.version);
        expect(outputs.state).toBe("RUNNING");
        await countAbove(out, 5);
        // The job really runs on the local Flink, and every REST call went through the stand-in's forward.
        const direct = createFlinkClient({ baseUrl: cluster.restUrl });
        expect((await direct.jobsOverview()).find((j) => j.jid === outputs.jobId)?.state).toBe("RUNNING");
        expect(api.requests.some((r) => r.startsWith(`WS /api/v1/namespaces/${NS}/pods/sessions-jm-0/portforward`))).toBe(true);
        expect(api.bytesToPods).toBeGreaterThan(1000);
        const state = await project.exportState();
        expect(state).not.toContain("e2e-secret-token-4f1a");
    });

    test("pulumi refresh reads the cluster through a new forward (a new provider host process)", async () => {
        const before = api.forwardsOpened;
        const refresh = await project.ok(["refresh", "--yes", "--skip-preview"]);
        expect(refresh.code).toBe(0);
        expect(api.forwardsOpened).toBeGreaterThan(before);
        expect((await project.outputs()).state).toBe("RUNNING");
    });
});
