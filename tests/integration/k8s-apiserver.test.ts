/**
 * The Kubernetes runtime against a REAL kube-apiserver + etcd (built by scripts/kube-apiserver.sh,
 * path in PULUMI_FLINK_KUBE_APISERVER; etcd from Debian's etcd-server): the Flink Operator's
 * published CRD is applied, FlinkDeployments are created and validated by the API server, and
 * the k8sApplication provider waits on them while the test writes the statuses the Operator
 * would (from tests/fixtures/operator-status) through the status subresource. There is no
 * Operator and no kubelet here: no pod runs, no Flink job is deployed by this test.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { k8sApplicationProvider as typedK8sApplicationProvider, timing } from "../../provider/k8s/application-provider";
import { k8s } from "../../provider/core/k8s/client-node";
import { loadKubeConfig } from "../../provider/core/k8s/kubeconfig";
import { DeployError } from "../../provider/core/errors";
import { kubeApiserverBinary, KUBE_APISERVER_ENV, operatorCrd, type RunningKube, startKube } from "../support/kube";
import { portBlock } from "../support/testbed";
import { asEngine } from "../support/engine-view";

const k8sApplicationProvider = asEngine(typedK8sApplicationProvider);

jest.setTimeout(3 * 60_000);

const NS = "streaming";
const NAME = "orders-enricher";
type Obj = { metadata?: Record<string, unknown>; spec?: Record<string, unknown>; status?: Record<string, unknown> };
const fixture = (name: string): Obj[] =>
    (JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/operator-status", `${name}.json`), "utf8")) as { objects: Obj[] }).objects;

const binary = kubeApiserverBinary();
const suite = binary ? describe : describe.skip;

suite(
    `k8sApplication on a real kube-apiserver (test writes the Operator's statuses; no Operator, no pods run)${binary ? "" : ` [not run: ${KUBE_APISERVER_ENV} not set]`}`,
    () => {
        let kube: RunningKube;
        let objects: ReturnType<typeof api>;
        const api = () => loadKubeConfig({ kubeconfig: kube.kubeconfig() }).makeApiClient(k8s().CustomObjectsApi);
        const ref = { group: "flink.apache.org", version: "v1beta1", namespace: NS, plural: "flinkdeployments" };
        const inputs = () => ({
            namespace: NS,
            name: NAME,
            specHash: "h1",
            upgradeMode: "savepoint",
            kubeconfig: kube.kubeconfig(),
            readyTimeoutSeconds: 60,
            rollbackEnabled: true,
        });

        /** Play the Operator: write each fixture status onto the live object, one every `everyMs`. */
        async function writeStatuses(statuses: Obj[], everyMs = 150): Promise<void> {
            for (const s of statuses) {
                if (!s.status) continue;
                const live = (await objects.getNamespacedCustomObject({ ...ref, name: NAME })) as Obj;
                const stored = (await objects.replaceNamespacedCustomObjectStatus({ ...ref, name: NAME, body: { ...live, status: s.status } })) as Obj;
                // The status subresource is validated and pruned against the CRD: the fixture must survive intact.
                expect(stored.status).toEqual(s.status);
                await new Promise((r) => setTimeout(r, everyMs));
            }
        }

        beforeAll(async () => {
            kube = await startKube(binary!, portBlock(1180));
            objects = api();
            timing.pollMs = 50;
            const crd = parse(operatorCrd());
            const ext = loadKubeConfig({ kubeconfig: kube.kubeconfig() }).makeApiClient(k8s().ApiextensionsV1Api);
            const created = await kube.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
            expect(created.status).toBe(201);
            const core = loadKubeConfig({ kubeconfig: kube.kubeconfig() }).makeApiClient(k8s().CoreV1Api);
            await core.createNamespace({ body: { metadata: { name: NS } } });
            for (let i = 0; i < 100; i++) {
                const got = await ext.readCustomResourceDefinition({ name: "flinkdeployments.flink.apache.org" });
                if (got.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) return;
                await new Promise((r) => setTimeout(r, 200));
            }
            throw new Error("the FlinkDeployment CRD did not become Established");
        });
        afterAll(async () => {
            await kube?.stop();
        });

        test("the API server validates FlinkDeployments against the Operator's CRD", async () => {
            const bad = {
                apiVersion: "flink.apache.org/v1beta1",
                kind: "FlinkDeployment",
                metadata: { name: "bad", namespace: NS },
                spec: { ...fixture("deploy-stable")[0]!.spec, flinkVersion: "v9_99" },
            };
            const err = await objects.createNamespacedCustomObject({ ...ref, body: bad }).catch((e: { code?: number; body?: string }) => e);
            expect((err as { code?: number }).code).toBe(422);
            expect((JSON.parse(String((err as { body?: string }).body)) as { message: string }).message).toMatch(
                /spec\.flinkVersion: Unsupported value: "v9_99"/,
            );
        });

        test("create: waits for the generation to be reconciled and STABLE, then records the job", async () => {
            const seq = fixture("deploy-stable");
            await objects.createNamespacedCustomObject({
                ...ref,
                body: { apiVersion: "flink.apache.org/v1beta1", kind: "FlinkDeployment", metadata: { name: NAME, namespace: NS }, spec: seq[0]!.spec },
            });
            const [{ outs }] = await Promise.all([k8sApplicationProvider.create(inputs()), writeStatuses(seq)]);
            expect(outs).toMatchObject({ lifecycleState: "STABLE", state: "RUNNING", jobId: "a9b3c0d2e4f60718293a4b5c6d7e8f90", flinkVersion: "1.20.3" });
        });

        test("update: a new spec (generation 2) that the Operator rolls back fails with its message", async () => {
            const seq = fixture("upgrade-rolled-back");
            const live = (await objects.getNamespacedCustomObject({ ...ref, name: NAME })) as Obj;
            const updated = (await objects.replaceNamespacedCustomObject({ ...ref, name: NAME, body: { ...live, spec: seq[0]!.spec } })) as Obj;
            expect(updated.metadata?.generation).toBe(2);
            const [result] = await Promise.all([
                k8sApplicationProvider.update!(`${NS}/${NAME}`, {}, { ...inputs(), specHash: "h2" }).catch((e: unknown) => e),
                writeStatuses(seq),
            ]);
            expect(result).toBeInstanceOf(DeployError);
            expect((result as Error).message).toMatch(/the Operator rolled back to the last stable spec: .*Table orders_v2 not found/);
            expect((result as Error).message).not.toMatch(/AKIAEXAMPLESECRET123|hunter2/);
        });

        test("a rollback without status.error: the failure quotes the FlinkDeployment's events", async () => {
            const seq = fixture("upgrade-rolled-back").map((o) => ({
                ...o,
                status: o.status && { ...o.status, error: undefined, observedGeneration: o.status.observedGeneration === 2 ? 3 : o.status.observedGeneration },
            }));
            const live = (await objects.getNamespacedCustomObject({ ...ref, name: NAME })) as Obj;
            const spec = { ...(seq[0]!.spec as Record<string, unknown>), image: "registry.example.com/flink/orders-enricher:1.6.0" };
            const updated = (await objects.replaceNamespacedCustomObject({ ...ref, name: NAME, body: { ...live, spec } })) as Obj;
            expect(updated.metadata?.generation).toBe(3);
            // An event like the ones the Operator records on the FlinkDeployment (text chosen by this test).
            const now = new Date().toISOString();
            const event = await kube.request("POST", `/api/v1/namespaces/${NS}/events`, {
                metadata: { name: `${NAME}.rollback-1`, namespace: NS },
                type: "Normal",
                reason: "Rollback",
                message: "The new spec did not become ready in time, rolling back to the last stable spec",
                involvedObject: { apiVersion: "flink.apache.org/v1beta1", kind: "FlinkDeployment", name: NAME, namespace: NS, uid: updated.metadata?.uid },
                firstTimestamp: now,
                lastTimestamp: now,
                count: 1,
                source: { component: "Operator" },
            });
            expect(event.status).toBe(201);
            const [result] = await Promise.all([
                k8sApplicationProvider.update!(`${NS}/${NAME}`, {}, { ...inputs(), specHash: "h3" }).catch((e: unknown) => e),
                writeStatuses(seq),
            ]);
            expect((result as Error).message).toMatch(
                /the Operator rolled back to the last stable spec \(the new spec did not become stable in time\); Operator events: Rollback: The new spec did not become ready in time, rolling back/,
            );
        });

        test("status changes are seen through a watch: with polling set far beyond the timeout, the wait still ends", async () => {
            const seq = fixture("upgrade-stable").map((o) => ({
                ...o,
                status: o.status && {
                    ...o.status,
                    observedGeneration: o.status.observedGeneration === 2 ? 4 : 3,
                    ...(o.status.observedGeneration === 1 ? {} : {}),
                },
            }));
            const live = (await objects.getNamespacedCustomObject({ ...ref, name: NAME })) as Obj;
            const updated = (await objects.replaceNamespacedCustomObject({ ...ref, name: NAME, body: { ...live, spec: seq[0]!.spec } })) as Obj;
            expect(updated.metadata?.generation).toBe(4);
            const poll = timing.pollMs;
            timing.pollMs = 10 * 60_000; // one read at the start, then only watch events can wake the wait
            try {
                const [{ outs }] = await Promise.all([
                    k8sApplicationProvider.update!(`${NS}/${NAME}`, {}, { ...inputs(), specHash: "h4", readyTimeoutSeconds: 60 }),
                    writeStatuses(seq, 300),
                ]);
                expect(outs).toMatchObject({ lifecycleState: "STABLE", jobId: "0f1e2d3c4b5a69788796a5b4c3d2e1f0" });
            } finally {
                timing.pollMs = poll;
            }
        });

        test("read: refreshes from the stored object", async () => {
            const read = await k8sApplicationProvider.read!(`${NS}/${NAME}`, {
                ...inputs(),
                restPort: 8081,
                jobId: "",
                state: "",
                lifecycleState: "",
                lastSavepoint: "",
                deployedAt: "",
                webUiUrl: "",
                flinkVersion: "",
                stateVersion: 1,
            });
            expect(read.props).toMatchObject({ lifecycleState: "STABLE", jobId: "0f1e2d3c4b5a69788796a5b4c3d2e1f0" });
        });
    },
);
