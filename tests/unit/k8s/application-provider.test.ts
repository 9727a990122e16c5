/**
 * The k8sApplication provider against the stand-in API server (real client-node, HTTPS, token)
 * serving FlinkDeployment status sequences in the Operator's wire shape; no Operator, no pods.
 */
import * as fs from "fs";
import * as path from "path";
import { k8sApplicationProvider as typedK8sApplicationProvider, timing } from "../../../provider/k8s/application-provider";
import { DeployError } from "../../../provider/core/errors";
import { ApiServerStandIn, type Json } from "../../support/apiserver-standin";
import { portBlock } from "../../support/testbed";
import { asEngine } from "../../support/engine-view";

const k8sApplicationProvider = asEngine(typedK8sApplicationProvider);

jest.setTimeout(60_000);

const NS = "streaming";
const NAME = "orders-enricher";
const PATH = `/apis/flink.apache.org/v1beta1/namespaces/${NS}/flinkdeployments/${NAME}`;
const objects = (name: string): Json[] =>
    (JSON.parse(fs.readFileSync(path.join(__dirname, "../../fixtures/operator-status", `${name}.json`), "utf8")) as { objects: Json[] }).objects;

describe("k8sApplication provider (mocked apiserver; no pods run)", () => {
    let api: ApiServerStandIn;
    let inputs: Record<string, unknown>;
    let stderr: jest.SpyInstance;
    const lines = () => stderr.mock.calls.map((c) => String(c[0]));

    beforeAll(async () => {
        api = await new ApiServerStandIn({ port: portBlock(1120), token: "app-token-123" }).start();
        timing.pollMs = 5;
        timing.missingGraceMs = 300;
    });
    beforeEach(() => {
        inputs = { namespace: NS, name: NAME, specHash: "h1", upgradeMode: "savepoint", kubeconfig: api.kubeconfig(), readyTimeoutSeconds: 30 };
        stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    });
    afterEach(() => stderr.mockRestore());
    afterAll(async () => api.close());

    it("create waits through the first deployment until STABLE and records the job", async () => {
        api.setSequence(PATH, objects("deploy-stable"));
        const { id, outs } = await k8sApplicationProvider.create(inputs);
        expect(id).toBe(`${NS}/${NAME}`);
        expect(outs).toMatchObject({
            jobId: "a9b3c0d2e4f60718293a4b5c6d7e8f90",
            state: "RUNNING",
            lifecycleState: "STABLE",
            flinkVersion: "1.20.3",
            deployedAt: "2026-01-01T00:00:00.000Z",
            specHash: "h1",
        });
        expect(outs.webUiUrl).toMatch(/\/#\/job\/running\/a9b3c0d2e4f60718293a4b5c6d7e8f90\/overview$/);
        expect(lines().some((l) => l.startsWith(`[FlinkJob ${NS}/${NAME}] lifecycle DEPLOYED, reconciliation DEPLOYED, JobManager DEPLOYING`))).toBe(true);
        expect(lines().every((l) => !l.includes("app-token-123"))).toBe(true);
        // progress lines are printed when they change, not on every poll
        expect(new Set(lines()).size).toBe(lines().length);
    });

    it("update waits for the new generation: UPGRADING -> STABLE, new job id and the upgrade savepoint", async () => {
        const sequence = objects("upgrade-stable");
        // The first read is the check for a suspended job (resumeIfSuspended); the wait starts with the second.
        api.setSequence(PATH, [sequence[0]!, ...sequence]);
        const { outs } = await k8sApplicationProvider.update!(`${NS}/${NAME}`, {}, { ...inputs, specHash: "h2" });
        expect(outs).toMatchObject({
            jobId: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            lifecycleState: "STABLE",
            lastSavepoint: "s3://flink-sp/orders-enricher/savepoint-a9b3c0-5f0e1d2c3b4a",
        });
        expect(lines().some((l) => /waiting for the Operator to reconcile generation 2 \(observed 1\)/.test(l))).toBe(true);
    });

    it("ROLLED_BACK fails with the Operator's message and says the old spec runs again", async () => {
        api.setSequence(PATH, objects("upgrade-rolled-back"));
        const err = await k8sApplicationProvider.update!(`${NS}/${NAME}`, {}, { ...inputs, specHash: "h2", rollbackEnabled: true }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DeployError);
        expect(String((err as Error).message)).toMatch(
            /FlinkDeployment streaming\/orders-enricher: the Operator rolled back to the last stable spec: .*Table orders_v2 not found/,
        );
        expect(String((err as Error).message)).toMatch(/left behind: the previous \(last stable\) spec running again/);
        expect(String((err as Error).message)).not.toMatch(/AKIAEXAMPLESECRET123|hunter2/);
    });

    it("FAILED fails with the trimmed, redacted message", async () => {
        api.setSequence(PATH, objects("deploy-failed"));
        await expect(k8sApplicationProvider.create(inputs)).rejects.toThrow(
            /the deployment failed \(lifecycle FAILED, job FAILED\): org\.apache\.flink\.runtime\.JobException: Recovery is suppressed/,
        );
        api.setSequence(PATH, objects("deploy-failed"));
        await expect(k8sApplicationProvider.create(inputs)).rejects.not.toThrow(/kafka-Pa55word!/);
    });

    it("never STABLE within readyTimeoutSeconds: fails with the last progress, FlinkDeployment left in place", async () => {
        const stuck = objects("deploy-stable").slice(0, 4); // ends at DEPLOYED, JobManager DEPLOYED_NOT_READY
        api.setSequence(PATH, stuck);
        const started = Date.now();
        await expect(k8sApplicationProvider.create({ ...inputs, readyTimeoutSeconds: 1 })).rejects.toThrow(
            /did not become STABLE within 1 s \(last: lifecycle DEPLOYED, reconciliation DEPLOYED, JobManager DEPLOYED_NOT_READY, job RECONCILING\)[\s\S]*left behind: the FlinkDeployment in place/,
        );
        expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    });

    it("a FlinkDeployment that never appears fails after the grace period", async () => {
        api.deleteObject(PATH);
        await expect(k8sApplicationProvider.create(inputs)).rejects.toThrow(/FlinkDeployment streaming\/orders-enricher not found/);
    });

    it("a wrong token fails at once with the API's answer", async () => {
        api.setSequence(PATH, objects("deploy-stable"));
        await expect(k8sApplicationProvider.create({ ...inputs, kubeconfig: api.kubeconfig("nope") })).rejects.toThrow(
            /FlinkDeployment streaming\/orders-enricher: .*(401|Unauthorized)/,
        );
    });

    it("read refreshes state from the object; a deleted object reads as DELETED", async () => {
        const seq = objects("upgrade-stable");
        api.setSequence(PATH, [seq[seq.length - 1]!]);
        const props = {
            ...inputs,
            readyTimeoutSeconds: 30,
            rollbackEnabled: false,
            restPort: 8081,
            jobId: "old",
            state: "RUNNING",
            lifecycleState: "STABLE",
            lastSavepoint: "",
            deployedAt: "",
            webUiUrl: "",
            flinkVersion: "",
            stateVersion: 1,
        };
        const read = await k8sApplicationProvider.read!(`${NS}/${NAME}`, props);
        expect(read.props).toMatchObject({ jobId: "0f1e2d3c4b5a69788796a5b4c3d2e1f0", lifecycleState: "STABLE" });
        api.deleteObject(PATH);
        expect((await k8sApplicationProvider.read!(`${NS}/${NAME}`, props)).props).toMatchObject({ lifecycleState: "DELETED", state: "MISSING" });
    });
});

describe("k8sApplication check and diff (pure)", () => {
    const good = { namespace: "streaming", name: "orders-enricher", specHash: "abc", upgradeMode: "savepoint" };
    it.each([
        ["namespace", { namespace: "Streaming" }, /namespace = "Streaming": must be a Kubernetes namespace name.*; fix: use e.g. "streaming"/],
        [
            "name too long",
            { name: "a".repeat(46) },
            /name = "a{46}": must be at most 45 characters \(a FlinkDeployment name\); fix: shorten it to 45 characters or fewer/,
        ],
        ["name with underscore", { name: "orders_enricher" }, /name = "orders_enricher": must be a FlinkDeployment name/],
        ["specHash missing", { specHash: undefined }, /specHash = undefined: is required; fix: set specHash/],
        ["upgradeMode unknown", { upgradeMode: "savepoints" }, /upgradeMode = "savepoints".*fix: use one of "savepoint", "last-state", "stateless"/],
        ["readyTimeoutSeconds zero", { readyTimeoutSeconds: 0 }, /readyTimeoutSeconds = 0: Number must be greater than or equal to 1/],
        ["access url mode without url", { access: { mode: "url" } }, /access\.url = undefined: is required when access\.mode is "url"; fix: set access\.url/],
        ["unknown property", { replicas: 2 }, /unknown property "replicas"; fix: remove it/],
        ["kubeconfig of the wrong type is never quoted", { kubeconfig: 42 }, /kubeconfig = "\(secret\)": Expected string, received number/],
    ])("rejects %s", async (_name, patch, reason) => {
        const { failures } = await k8sApplicationProvider.check!({}, { ...good, ...patch });
        expect(failures).toHaveLength(1);
        expect(failures![0]!.reason).toMatch(reason);
    });

    it("accepts the contract's inputs", async () => {
        expect(
            (
                await k8sApplicationProvider.check!(
                    {},
                    { ...good, kubeconfig: "apiVersion: v1", context: "prod", readyTimeoutSeconds: 900, access: { mode: "auto" } },
                )
            ).failures,
        ).toEqual([]);
    });

    const olds = { ...good, upgradeMode: "savepoint", readyTimeoutSeconds: 900, rollbackEnabled: false, restPort: 8081, jobId: "j", state: "RUNNING" };
    it.each([
        ["nothing changed", {}, { changes: false, replaces: [] }],
        ["specHash changed: update (the Operator upgrades)", { specHash: "def" }, { changes: true, replaces: [] }],
        ["name changed: replace", { name: "orders-enricher-v2" }, { changes: true, replaces: ["name"] }],
        ["namespace changed: replace", { namespace: "other" }, { changes: true, replaces: ["namespace"] }],
    ])("diff: %s", async (_name, patch, expected) => {
        expect(await k8sApplicationProvider.diff!("id", olds, { ...good, ...patch })).toMatchObject(expected);
    });
});
