/**
 * The port-forward helper with the real @kubernetes/client-node against a stand-in API server
 * that speaks the kubelet's v4.channel.k8s.io port-forward protocol; behind the "pods" are
 * plain local HTTP servers (no Flink here: tests/integration/k8s-portforward.test.ts has it).
 */
import * as http from "node:http";
import { z } from "zod";
import { clearRoutes } from "../../../provider/flink/route";
import { createTransport } from "../../../provider/flink/http";
import { connect } from "../../../provider/flink/connect";
import { routeKubernetes } from "../../../provider/k8s/endpoint";
import { hasKubeAccess, loadKubeConfig } from "../../../provider/core/k8s/kubeconfig";
import { closeAllForwards, forwardInfo, forwardUrl } from "../../../provider/k8s/portforward";
import { createGatewayClient } from "../../../provider/sqlgateway";
import { ApiServerStandIn, pod, restService } from "../../support/apiserver-standin";
import { portBlock } from "../../support/testbed";

// The first forward loads client-node (transpiled ESM) and opens TLS + WebSocket: seconds on a busy machine.
jest.setTimeout(60_000);

const NS = "flink";
const labels = { app: "sessions", component: "jobmanager" };

function whoServer(name: string, port: number): Promise<http.Server> {
    const server = http.createServer((req, res) => {
        if (req.url === "/upload" && req.method === "POST") {
            let n = 0;
            req.on("data", (c: Buffer) => (n += c.length));
            req.on("end", () => res.end(JSON.stringify({ pod: name, received: n })));
            return;
        }
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ pod: name, path: req.url }));
    });
    return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

async function getJson(url: string): Promise<Record<string, unknown>> {
    const res = await fetch(url);
    return (await res.json()) as Record<string, unknown>;
}

describe("port-forward on demand (stand-in apiserver; no pods run)", () => {
    const port = portBlock(1100);
    let api: ApiServerStandIn;
    let podA: http.Server;
    let podB: http.Server;
    const target = () => ({ namespace: NS, service: "sessions-rest", port: 8081, kubeconfig: api.kubeconfig() });

    beforeAll(async () => {
        api = await new ApiServerStandIn({ port, token: "t0ken-for-tests" }).start();
        podA = await whoServer("jm-a", port + 1);
        podB = await whoServer("jm-b", port + 2);
    });
    beforeEach(() => {
        api.setObject(`/api/v1/namespaces/${NS}/services/sessions-rest`, restService(NS, "sessions-rest", 8081, labels));
        api.setPods(NS, [pod(NS, "jm-a", labels), pod(NS, "jm-b", labels, { ready: false, startTime: "2026-02-01T00:00:00Z" })]);
        api.mapPodPort(NS, "jm-a", 8081, { host: "127.0.0.1", port: port + 1 });
        api.mapPodPort(NS, "jm-b", 8081, { host: "127.0.0.1", port: port + 2 });
    });
    afterEach(async () => {
        await closeAllForwards();
        clearRoutes();
    });
    afterAll(async () => {
        await api.close();
        for (const pod of [podA, podB]) {
            pod.closeAllConnections();
            await new Promise((r) => pod.close(r));
        }
    });

    it("reaches the ready pod behind the service, with the kubeconfig's token", async () => {
        const url = await forwardUrl(target());
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(await getJson(`${url}/overview`)).toEqual({ pod: "jm-a", path: "/overview" });
        expect(api.requests).toEqual(
            expect.arrayContaining([
                `GET /api/v1/namespaces/${NS}/services/sessions-rest`,
                `GET /api/v1/namespaces/${NS}/pods?labelSelector=app%3Dsessions%2Ccomponent%3Djobmanager`,
                `WS /api/v1/namespaces/${NS}/pods/jm-a/portforward?ports=8081`,
            ]),
        );
    });

    it("reuses one listener per service port; every TCP connection gets its own forward", async () => {
        const before = api.forwardsOpened;
        const [u1, u2] = await Promise.all([forwardUrl(target()), forwardUrl(target())]);
        expect(u1).toBe(u2);
        expect(await forwardUrl(target())).toBe(u1);
        const agent = new http.Agent({ keepAlive: false });
        for (let i = 0; i < 3; i++) {
            const body = await new Promise<string>((resolve, reject) =>
                http
                    .get(`${u1}/n${i}`, { agent }, (res) => {
                        let text = "";
                        res.on("data", (c) => (text += c));
                        res.on("end", () => resolve(text));
                    })
                    .on("error", reject),
            );
            expect(JSON.parse(body)).toEqual({ pod: "jm-a", path: `/n${i}` });
        }
        expect(api.forwardsOpened - before).toBe(3);
        expect((await forwardInfo(target()))?.connections).toBe(3);
    });

    it("carries a 2 MB request body intact (client frames to the pod)", async () => {
        const url = await forwardUrl(target());
        const body = Buffer.alloc(2 * 1024 * 1024, 7);
        const res = await fetch(`${url}/upload`, { method: "POST", body });
        expect(await res.json()).toEqual({ pod: "jm-a", received: body.length });
    });

    it("the pod was replaced: the next request re-resolves and reaches the new pod", async () => {
        const route = {
            restUrl: "http://sessions-rest.flink.svc:8081",
            kubernetes: { namespace: NS, service: "sessions-rest", port: 8081, kubeconfig: api.kubeconfig() },
        };
        routeKubernetes(route);
        const transport = createTransport({ baseUrl: route.restUrl, retries: 3, retryBaseMs: 10 });
        const who = z.object({ pod: z.string() });
        expect((await transport.call({ method: "GET", path: "/a", idempotent: true }, who)).pod).toBe("jm-a");
        // jm-a goes away (its connections drop, its port no longer answers), jm-b becomes the ready JobManager.
        podA.closeAllConnections();
        api.mapPodPort(NS, "jm-a", 8081, { host: "127.0.0.1", port: port + 9 });
        api.setPods(NS, [pod(NS, "jm-b", labels, { startTime: "2026-02-01T00:00:00Z" })]);
        expect((await transport.call({ method: "GET", path: "/b", idempotent: true }, who)).pod).toBe("jm-b");
        const info = await forwardInfo(target());
        expect(info?.pod).toBe("jm-b");
        expect(info?.lastError).toMatch(/error forwarding port 8081 to pod jm-a/);
        await transport.close();
    });

    it("the SQL Gateway URL of the connection is routed through its own Service's forward", async () => {
        const gateway = http.createServer((req, res) => {
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify(req.url === "/v1/info" ? { productName: "Apache Flink", version: "2.3.0" } : {}));
        });
        await new Promise<void>((resolve) => gateway.listen(port + 3, "127.0.0.1", () => resolve()));
        try {
            api.setObject(
                `/api/v1/namespaces/${NS}/services/sessions-sql-gateway`,
                restService(NS, "sessions-sql-gateway", 8083, { app: "sessions-sql-gateway" }),
            );
            api.setPods(NS, [pod(NS, "jm-a", labels), pod(NS, "gw-0", { app: "sessions-sql-gateway" }, { containerPort: 8083 })]);
            api.mapPodPort(NS, "gw-0", 8083, { host: "127.0.0.1", port: port + 3 });
            const sqlGatewayUrl = "http://sessions-sql-gateway.flink.svc:8083";
            routeKubernetes({
                restUrl: "http://sessions-rest.flink.svc:8081",
                sqlGatewayUrl,
                kubernetes: {
                    namespace: NS,
                    service: "sessions-rest",
                    port: 8081,
                    kubeconfig: api.kubeconfig(),
                    sqlGateway: { service: "sessions-sql-gateway", port: 8083 },
                },
            });
            // Built exactly as the SQL job path builds it: from the URL alone.
            const client = createGatewayClient({ baseUrl: sqlGatewayUrl });
            expect(await client.info()).toMatchObject({ version: "2.3.0" });
            expect(api.requests).toContain(`WS /api/v1/namespaces/${NS}/pods/gw-0/portforward?ports=8083`);
            await client.close();
        } finally {
            gateway.close();
        }
    });

    it("two Kubernetes clusters with the same service DNS name: each client reaches its own", async () => {
        const overview = (version: string) =>
            http.createServer((_req, res) => {
                res.setHeader("content-type", "application/json");
                res.end(JSON.stringify({ taskmanagers: 1, "slots-total": 1, "slots-available": 1, "jobs-running": 0, "flink-version": version }));
            });
        const jmProd = overview("2.3.0");
        const jmTest = overview("1.20.3");
        await new Promise<void>((r) => jmProd.listen(port + 4, "127.0.0.1", () => r()));
        await new Promise<void>((r) => jmTest.listen(port + 5, "127.0.0.1", () => r()));
        const other = await new ApiServerStandIn({ port: port + 6, token: "other-cluster-token" }).start();
        try {
            api.mapPodPort(NS, "jm-a", 8081, { host: "127.0.0.1", port: port + 4 });
            other.setObject(`/api/v1/namespaces/${NS}/services/sessions-rest`, restService(NS, "sessions-rest", 8081, labels));
            other.setPods(NS, [pod(NS, "jm-t", labels)]);
            other.mapPodPort(NS, "jm-t", 8081, { host: "127.0.0.1", port: port + 5 });
            const restUrl = "http://sessions-rest.flink.svc:8081";
            const prod = connect({ restUrl, kubernetes: { namespace: NS, service: "sessions-rest", port: 8081, kubeconfig: api.kubeconfig() } });
            const test = connect({ restUrl, kubernetes: { namespace: NS, service: "sessions-rest", port: 8081, kubeconfig: other.kubeconfig() } });
            expect((await prod.overview())["flink-version"]).toBe("2.3.0");
            expect((await test.overview())["flink-version"]).toBe("1.20.3");
            expect((await prod.overview())["flink-version"]).toBe("2.3.0");
        } finally {
            await closeAllForwards();
            await other.close();
            jmProd.close();
            jmTest.close();
        }
    });

    it("a wrong token: the open fails with the apiserver's answer, nothing cached", async () => {
        await expect(forwardUrl({ ...target(), kubeconfig: api.kubeconfig("wrong") })).rejects.toThrow(
            /reading service flink\/sessions-rest via the Kubernetes API at https:\/\/127\.0\.0\.1:\d+: access denied \(HTTP 401\)/,
        );
        expect(await forwardInfo({ ...target(), kubeconfig: api.kubeconfig("wrong") })).toBeUndefined();
    });

    it("no ready pod: the REST client reports it as unreachable with the reason", async () => {
        api.setPods(NS, [pod(NS, "jm-a", labels, { ready: false })]);
        const route = {
            restUrl: "http://sessions-rest.flink.svc:8081",
            kubernetes: { namespace: NS, service: "sessions-rest", port: 8081, kubeconfig: api.kubeconfig() },
        };
        routeKubernetes(route);
        const transport = createTransport({ baseUrl: route.restUrl, retries: 0 });
        await expect(transport.call({ method: "GET", path: "/overview", idempotent: true }, z.unknown())).rejects.toThrow(
            /cannot reach http:\/\/sessions-rest\.flink\.svc:8081 \(EROUTE\): service flink\/sessions-rest has no running and ready pod/,
        );
    });

    it("a missing service is named", async () => {
        await expect(forwardUrl({ ...target(), service: "nope-rest" })).rejects.toThrow(
            /reading service flink\/nope-rest via the Kubernetes API at .*: not found/,
        );
    });

    it("an unknown context is an input error listing the contexts", async () => {
        await expect(forwardUrl({ ...target(), context: "prod" })).rejects.toThrow(
            /context = "prod": is not a context of the kubeconfig; fix: use one of "standin"/,
        );
    });
});

describe("kubeconfig loading", () => {
    it("a kubeconfig that is not YAML is an input error that never quotes it", () => {
        expect(() => loadKubeConfig({ kubeconfig: "token: [unclosed s3cr3t-value" })).toThrow(
            /^kubeconfig = "\(secret\)": is not a kubeconfig .*; fix: pass the YAML text of a kubeconfig file/,
        );
        expect(() => loadKubeConfig({ kubeconfig: "token: [unclosed s3cr3t-value" })).not.toThrow(/s3cr3t/);
    });

    it("a kubeconfig without a current context selects no cluster: names context and the fix", () => {
        expect(() => loadKubeConfig({ kubeconfig: "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n" })).toThrow(
            /selects no cluster in the given kubeconfig; fix: set kubeconfig and context/,
        );
    });

    it("hasKubeAccess: given, KUBECONFIG, in-cluster, or ~/.kube/config; else no probing of localhost:8080", () => {
        expect(hasKubeAccess({ kubeconfig: "apiVersion: v1" }, {})).toBe(true);
        expect(hasKubeAccess({}, { KUBECONFIG: "/x" })).toBe(true);
        expect(hasKubeAccess({}, { KUBERNETES_SERVICE_HOST: "10.0.0.1" })).toBe(true);
        expect(hasKubeAccess({}, { HOME: "/nonexistent-home" })).toBe(false);
    });
});
