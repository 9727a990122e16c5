/**
 * The k8sCluster provider against the stand-in API server (real client-node, HTTPS, token,
 * port-forward framing); the "JobManager" is a small HTTP server answering /overview like
 * Flink (the real-Flink run is tests/integration/k8s-portforward.test.ts). No pods run.
 */
import * as fs from "fs";
import * as http from "node:http";
import * as path from "path";
import { clearRoutes } from "../../../provider/flink/route";
import { connectionFor, k8sClusterProvider as typedK8sClusterProvider, timing } from "../../../provider/k8s/cluster-provider";
import { closeAllForwards } from "../../../provider/k8s/portforward";
import { DeployError } from "../../../provider/core/errors";
import { ApiServerStandIn, type Json, pod, restService } from "../../support/apiserver-standin";
import { portBlock } from "../../support/testbed";
import { asEngine } from "../../support/engine-view";

const k8sClusterProvider = asEngine(typedK8sClusterProvider);

jest.setTimeout(60_000);

const NS = "analytics";
const labels = { app: "sessions", component: "jobmanager", type: "flink-native-kubernetes" };
const DEPLOYMENT = `/apis/flink.apache.org/v1beta1/namespaces/${NS}/flinkdeployments/sessions`;

function fakeJobManager(port: number): Promise<http.Server> {
    const overview = {
        taskmanagers: 2,
        "slots-total": 8,
        "slots-available": 6,
        "jobs-running": 1,
        "jobs-finished": 3,
        "jobs-cancelled": 1,
        "jobs-failed": 0,
        "flink-version": "1.20.3",
        "flink-commit": "abc",
    };
    const server = http.createServer((req, res) => {
        res.setHeader("content-type", "application/json");
        if (req.url === "/overview") res.end(JSON.stringify(overview));
        else {
            res.statusCode = 404;
            res.end(JSON.stringify({ errors: ["Not found: " + req.url] }));
        }
    });
    return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

describe("k8sCluster provider (mocked apiserver; no pods run)", () => {
    const base = portBlock(1130);
    let api: ApiServerStandIn;
    let jm: http.Server;
    let inputs: Record<string, unknown>;
    let stderr: jest.SpyInstance;

    beforeAll(async () => {
        api = await new ApiServerStandIn({ port: base, token: "cluster-token-1" }).start();
        jm = await fakeJobManager(base + 1);
        timing.pollMs = 20;
    });
    beforeEach(() => {
        api.setObject(`/api/v1/namespaces/${NS}/services/sessions-rest`, restService(NS, "sessions-rest", 8081, labels));
        api.setPods(NS, [pod(NS, "sessions-6f7d9c-abcde", labels)]);
        api.mapPodPort(NS, "sessions-6f7d9c-abcde", 8081, { host: "127.0.0.1", port: base + 1 });
        inputs = {
            target: "kubernetes",
            namespace: NS,
            name: "sessions",
            flinkVersion: "1.20.3",
            restService: "sessions-rest",
            restPort: 8081,
            access: { mode: "auto" },
            kubeconfig: api.kubeconfig(),
            readyTimeoutSeconds: 20,
            specHash: "s1",
        };
        stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    });
    afterEach(async () => {
        stderr.mockRestore();
        await closeAllForwards();
        clearRoutes();
    });
    afterAll(async () => {
        await api.close();
        jm.closeAllConnections();
        await new Promise((r) => jm.close(r));
    });

    it("create (outside Kubernetes): reaches the JobManager through a port-forward; outputs like any cluster", async () => {
        const { id, outs } = await k8sClusterProvider.create(inputs);
        expect(id).toBe(`${NS}/sessions`);
        expect(outs).toMatchObject({
            restUrl: "http://sessions-rest.analytics.svc:8081",
            webUiUrl: "http://sessions-rest.analytics.svc:8081/#/overview",
            flinkVersion: "1.20.3",
            taskManagers: 2,
            slots: 8,
            jobsTotal: 5,
            jobsRunning: 1,
            status: "running",
            sqlGatewayUrl: "",
            handoff: {}, // present: an absent output is unknown in every preview of the jobs that read it
            connection: {
                restUrl: "http://sessions-rest.analytics.svc:8081",
                kubernetes: { namespace: NS, service: "sessions-rest", port: 8081, mode: "auto" },
            },
        });
        expect(outs.connection.kubernetes.kubeconfig).toBe(api.kubeconfig());
        expect(api.requests).toContain(`WS /api/v1/namespaces/${NS}/pods/sessions-6f7d9c-abcde/portforward?ports=8081`);
        const said = stderr.mock.calls.map((c) => String(c[0])).join("");
        expect(said).toMatch(/\[SessionCluster analytics\/sessions\] ready: Flink 1\.20\.3, 2 TaskManager\(s\), 8 slot\(s\), 1 running job\(s\)/);
        expect(said).not.toContain("cluster-token-1");
    });

    it("create with access.url: uses the URL as given, no port-forward, no kubernetes in the connection", async () => {
        const before = api.forwardsOpened;
        const { outs } = await k8sClusterProvider.create({ ...inputs, access: { mode: "url", url: `http://127.0.0.1:${base + 1}` } });
        expect(outs.restUrl).toBe(`http://127.0.0.1:${base + 1}`);
        expect(outs.connection.kubernetes).toBeUndefined();
        expect(api.forwardsOpened).toBe(before);
    });

    it("the JobManager pod is not ready yet: waits, prints why, then succeeds once it is", async () => {
        api.setPods(NS, [pod(NS, "sessions-6f7d9c-abcde", labels, { ready: false })]);
        // later than the REST client's own retries (at most ~1.75 s), so the provider's wait loop sees it
        setTimeout(() => api.setPods(NS, [pod(NS, "sessions-6f7d9c-abcde", labels)]), 2500);
        const { outs } = await k8sClusterProvider.create(inputs);
        expect(outs.status).toBe("running");
        const said = stderr.mock.calls.map((c) => String(c[0])).join("");
        expect(said).toMatch(/waiting for the JobManager REST API at http:\/\/sessions-rest\.analytics\.svc:8081.*has no running and ready pod/);
    }, 30_000); // real timers: 2.5 s of waiting, more on a loaded machine than jest's 5 s default allows

    it("the Operator reports a failed deployment: fails fast with its message, not at the timeout", async () => {
        api.setPods(NS, []);
        const failed = (JSON.parse(fs.readFileSync(path.join(__dirname, "../../fixtures/operator-status/deploy-failed.json"), "utf8")) as { objects: Json[] })
            .objects;
        api.setObject(DEPLOYMENT, failed[failed.length - 1]!);
        const started = Date.now();
        const err = await k8sClusterProvider.create({ ...inputs, readyTimeoutSeconds: 60 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DeployError);
        expect((err as Error).message).toMatch(
            /session cluster analytics\/sessions: the deployment failed \(lifecycle FAILED, job FAILED\): .*Recovery is suppressed/,
        );
        expect(Date.now() - started).toBeLessThan(30_000);
        api.deleteObject(DEPLOYMENT);
    });

    it("never ready within readyTimeoutSeconds: DeployError with the last reason, the FlinkDeployment left in place", async () => {
        api.setPods(NS, []);
        await expect(k8sClusterProvider.create({ ...inputs, readyTimeoutSeconds: 1 })).rejects.toThrow(
            /not ready within 1 s: still waiting for the JobManager REST API at .*no pods match its selector[\s\S]*left behind: the FlinkDeployment in place/,
        );
    });

    it("a spec change the Operator has not reconciled yet: waits for its generation although the old JobManager answers", async () => {
        const deployment = (generation: number, seen: number) => ({
            apiVersion: "flink.apache.org/v1beta1",
            kind: "FlinkDeployment",
            metadata: { name: "sessions", namespace: NS, generation },
            status: { observedGeneration: seen, lifecycleState: "STABLE", jobManagerDeploymentStatus: "READY", reconciliationStatus: { state: "DEPLOYED" } },
        });
        api.setObject(DEPLOYMENT, deployment(2, 1));
        setTimeout(() => api.setObject(DEPLOYMENT, deployment(2, 2)), 1500);
        const started = Date.now();
        const { outs } = await k8sClusterProvider.create(inputs);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
        expect(outs.status).toBe("running");
        const said = stderr.mock.calls.map((c) => String(c[0])).join("");
        expect(said).toMatch(/waiting for the Operator \(waiting for the Operator to reconcile generation 2 \(observed 1\)/);
        api.deleteObject(DEPLOYMENT);
    });

    it("minSlots: ready only once that many slots registered; never: fails naming the count", async () => {
        const err = await k8sClusterProvider.create({ ...inputs, minSlots: 12, readyTimeoutSeconds: 1 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DeployError);
        expect((err as Error).message).toMatch(
            /not ready within 1 s: still waiting for TaskManagers: 8 of the 12 slots kept up have registered \(2 TaskManager\(s\)\)/,
        );
        const { outs } = await k8sClusterProvider.create({ ...inputs, minSlots: 8 });
        expect(outs.slots).toBe(8);
    });

    it("read refreshes counts through the stored connection; unreachable when the pod is gone", async () => {
        const { outs } = await k8sClusterProvider.create(inputs);
        const read = await k8sClusterProvider.read!(`${NS}/sessions`, { ...outs, jobsRunning: 0 });
        expect(read.props).toMatchObject({ jobsRunning: 1, status: "running" });
        await closeAllForwards();
        api.setPods(NS, []);
        expect((await k8sClusterProvider.read!(`${NS}/sessions`, outs)).props.status).toBe("unreachable");
    });
});

describe("k8sCluster connection, check and diff (pure)", () => {
    const args = {
        target: "kubernetes" as const,
        namespace: "ns",
        name: "s",
        flinkVersion: "2.3.0",
        restService: "s-rest",
        restPort: 8081,
        access: { mode: "auto" as const },
        readyTimeoutSeconds: 600,
        specHash: "h",
    };

    it("inside Kubernetes: the service URL, with kubernetes kept for a later run outside", () => {
        const conn = connectionFor(args, { KUBERNETES_SERVICE_HOST: "10.0.0.1" });
        expect(conn).toEqual({
            restUrl: "http://s-rest.ns.svc:8081",
            timeoutMs: 30_000,
            kubernetes: { namespace: "ns", service: "s-rest", port: 8081, mode: "auto" },
        });
    });

    it("explicit service mode: no port-forward ever; explicit port-forward: always", () => {
        expect(connectionFor({ ...args, access: { mode: "service" } }, {}).kubernetes).toBeUndefined();
        expect(connectionFor({ ...args, access: { mode: "port-forward" } }, { KUBERNETES_SERVICE_HOST: "x" }).kubernetes?.mode).toBe("port-forward");
    });

    it("the SQL Gateway service is forwarded like the REST service; an explicit gateway URL is used as is", () => {
        const conn = connectionFor({ ...args, sqlGateway: { service: "s-sql-gateway", port: 8083 } }, {});
        expect(conn.sqlGatewayUrl).toBe("http://s-sql-gateway.ns.svc:8083");
        expect(conn.kubernetes?.sqlGateway).toEqual({ service: "s-sql-gateway", port: 8083 });
        const viaIngress = connectionFor(
            {
                ...args,
                access: { mode: "url", url: "https://flink.example.com/ns/s/" },
                sqlGateway: { service: "g", port: 8083, url: "https://flink.example.com/ns/s-sql/" },
            },
            {},
        );
        expect(viaIngress).toEqual({ restUrl: "https://flink.example.com/ns/s/", timeoutMs: 30_000, sqlGatewayUrl: "https://flink.example.com/ns/s-sql/" });
    });

    it.each([
        ["target", { target: "k8s" }, /target = "k8s": Invalid literal value, expected "kubernetes"/],
        ["namespace missing", { namespace: undefined }, /namespace = undefined: is required; fix: set namespace/],
        ["bad name", { name: "Sessions" }, /name = "Sessions": must be a FlinkDeployment name.*fix: use e\.g\. "sessions"/],
        ["flinkVersion", { flinkVersion: "latest" }, /flinkVersion = "latest": must be a Flink version such as "1\.20\.3"/],
        ["restPort", { restPort: 70000 }, /restPort = 70000: Number must be less than or equal to 65535/],
        ["access.mode", { access: { mode: "ingress" } }, /access\.mode = "ingress".*fix: use one of "auto", "url", "service", "port-forward"/],
        ["access.url not http", { access: { mode: "url", url: "ftp://x" } }, /access\.url = "ftp:\/\/x": must be an http\(s\) URL/],
        [
            "access.url with port-forward",
            { access: { mode: "port-forward", url: "http://x" } },
            /access\.url = "http:\/\/x": is ignored when access\.mode is "port-forward"; fix: remove access\.url/,
        ],
        [
            "gateway on the REST port",
            { sqlGateway: { service: "s-rest", port: 8081 } },
            /sqlGateway\.service = "s-rest": is the REST service and port of the cluster/,
        ],
        ["specHash missing", { specHash: undefined }, /specHash = undefined: is required/],
    ])("check rejects %s", async (_name, patch, reason) => {
        const { failures } = await k8sClusterProvider.check!({}, { ...args, ...patch });
        expect(failures).toHaveLength(1);
        expect(failures![0]!.reason).toMatch(reason);
    });

    const olds = { ...args, restUrl: "http://s-rest.ns.svc:8081", status: "running" };
    it.each([
        ["nothing changed", {}, { changes: false, replaces: [] }],
        ["specHash changed: update", { specHash: "h2" }, { changes: true, replaces: [] }],
        ["access changed: update", { access: { mode: "port-forward" } }, { changes: true, replaces: [] }],
        ["name changed: replace", { name: "s2" }, { changes: true, replaces: ["name"] }],
        ["namespace changed: replace", { namespace: "ns2" }, { changes: true, replaces: ["namespace"] }],
    ])("diff: %s", async (_name, patch, expected) => {
        expect(await k8sClusterProvider.diff!("ns/s", olds, { ...args, ...patch })).toMatchObject(expected);
    });

    it('diff: nothing changed against the state create stores (no libraries: librariesHash "") is no change', async () => {
        // Seen on the node: every preview updated the cluster, so its jobs saw its outputs as unknown.
        expect(await k8sClusterProvider.diff!("ns/s", { ...olds, librariesHash: "" }, args)).toMatchObject({ changes: false });
        expect(await k8sClusterProvider.diff!("ns/s", { ...olds, librariesHash: "" }, { ...args, librariesHash: "l1" })).toMatchObject({ changes: true });
        expect(await k8sClusterProvider.diff!("ns/s", { ...olds, librariesHash: "l1" }, args)).toMatchObject({ changes: true });
    });

    it("diff after a refresh found it unreachable: update (wait for it again)", async () => {
        expect(await k8sClusterProvider.diff!("ns/s", { ...olds, status: "unreachable" }, args)).toMatchObject({ changes: true, replaces: [] });
    });
});
