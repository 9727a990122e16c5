/**
 * Acceptance D: the Flink REST client reaches a JobManager through the port-forward helper.
 * There is no Kubernetes here, so the API server is a stand-in (tests/support/apiserver-standin.ts:
 * HTTPS, bearer token, the kubelet's v4.channel.k8s.io port-forward framing) whose "pod port"
 * is a real local Flink JobManager. The client under test is the real one, built by the real
 * `connect()` from a `Connection` with `kubernetes`, exactly as a FlinkJob on a Kubernetes
 * session cluster builds it; its base URL is the Service's cluster DNS name, which cannot
 * resolve here, so every byte must go through the forward.
 */
import * as fs from "fs";
import * as path from "path";
import type { Connection } from "../../provider/core/connection";
import { connect } from "../../provider/flink/connect";
import "../../provider/k8s/endpoint"; // registers how connections with `kubernetes` are reached
import { clearRoutes } from "../../provider/flink/route";
import { k8sClusterProvider as typedK8sClusterProvider } from "../../provider/k8s/cluster-provider";
import { closeAllForwards, forwardInfo } from "../../provider/k8s/portforward";
import { ApiServerStandIn, pod, restService } from "../support/apiserver-standin";
import { RunningCluster, startCluster } from "../support/cluster";
import { readCounter, waitFor } from "../support/counter";
import { flinkLines, portBlock } from "../support/testbed";
import { asEngine } from "../support/engine-view";

const k8sClusterProvider = asEngine(typedK8sClusterProvider);

jest.setTimeout(5 * 60_000);

const NS = "streaming";
const labels = { app: "sessions", component: "jobmanager", type: "flink-native-kubernetes" };

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))(
    "REST client through a port-forward to Flink %s (stand-in apiserver, real Flink; no pods run)",
    (version, line, index) => {
        let cluster: RunningCluster;
        let api: ApiServerStandIn;
        let conn: Connection;

        beforeAll(async () => {
            cluster = await startCluster(line, portBlock(1110 + index * 10));
            api = await new ApiServerStandIn({ port: portBlock(1150 + index * 10), token: `token-${version}` }).start();
            api.setObject(`/api/v1/namespaces/${NS}/services/sessions-rest`, restService(NS, "sessions-rest", 8081, labels, "rest"));
            api.setPods(NS, [pod(NS, "sessions-5d9f7c-jm", labels)]);
            const local = new URL(cluster.restUrl);
            api.mapPodPort(NS, "sessions-5d9f7c-jm", 8081, { host: local.hostname, port: Number(local.port) });
            conn = {
                restUrl: `http://sessions-rest.${NS}.svc:8081`,
                timeoutMs: 30_000,
                kubernetes: { namespace: NS, service: "sessions-rest", port: 8081, kubeconfig: api.kubeconfig(), context: "standin" },
            };
        });
        afterAll(async () => {
            await closeAllForwards();
            clearRoutes();
            await api?.close();
            await cluster?.stop();
        });

        test("overview and jobs overview", async () => {
            const client = connect(conn);
            expect(client.baseUrl).toBe(`http://sessions-rest.${NS}.svc:8081`);
            const overview = await client.overview();
            expect(overview["flink-version"]).toBe(version);
            expect(overview.taskmanagers).toBeGreaterThanOrEqual(1);
            expect(await client.jobsOverview()).toEqual([]);
            expect(api.requests).toContain(`WS /api/v1/namespaces/${NS}/pods/sessions-5d9f7c-jm/portforward?ports=8081`);
            expect(api.forwardsOpened).toBeGreaterThanOrEqual(1);
            await client.close();
        });

        test("upload the counter job jar and run it; the job counts; cancel", async () => {
            const client = connect(conn);
            const before = api.bytesToPods;
            const jarId = await client.uploadJar(line.testJobJar);
            expect(jarId).toMatch(/counter-job\.jar$/);
            const out = path.join(cluster.workDir, "out-k8s");
            const jobId = await client.runJar(jarId, { programArgsList: ["--out", out, "--rate", "50", "--name", "k8s-forwarded"], parallelism: 1 });
            await waitFor("job running", async () => ((await client.job(jobId)).state === "RUNNING" ? true : undefined));
            const first = await waitFor("first count", () => readCounter(out));
            await waitFor("count grows", () => (readCounter(out)?.count ?? 0) > first.count + 10 || undefined);
            expect((await client.jobsOverview()).find((j) => j.jid === jobId)?.name).toBe("k8s-forwarded");
            await client.cancelJob(jobId);
            await waitFor("job canceled", async () => ((await client.job(jobId)).state === "CANCELED" ? true : undefined));
            // The jar itself went through the forward (multipart body on the data channel).
            expect(api.bytesToPods - before).toBeGreaterThan(fs.statSync(line.testJobJar).size);
            const info = await forwardInfo({ namespace: NS, service: "sessions-rest", port: 8081, kubeconfig: api.kubeconfig(), context: "standin" });
            expect(info?.pod).toBe("sessions-5d9f7c-jm");
            await client.close();
        });

        test("the k8sCluster provider waits for this JobManager through the forward and records it", async () => {
            const inputs = {
                target: "kubernetes",
                namespace: NS,
                name: "sessions",
                flinkVersion: version,
                restService: "sessions-rest",
                restPort: 8081,
                kubeconfig: api.kubeconfig(),
                context: "standin",
                readyTimeoutSeconds: 60,
                specHash: "spec-1",
            };
            expect((await k8sClusterProvider.check!({}, inputs)).failures).toEqual([]);
            const { outs } = await k8sClusterProvider.create(inputs);
            expect(outs).toMatchObject({ flinkVersion: version, status: "running", restUrl: `http://sessions-rest.${NS}.svc:8081`, jobsRunning: 0 });
            expect(outs.taskManagers).toBeGreaterThanOrEqual(1);
            // What a FlinkJob on this cluster does: connect() with the stored connection.
            const client = connect(outs.connection);
            expect((await client.overview())["flink-version"]).toBe(version);
            await client.close();
        });
    },
);
