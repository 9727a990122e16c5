/**
 * Deleting an application job with onDelete "savepoint": the k8sApplication provider suspends
 * the job through the Operator first (merge patch of spec.job), waits for SUSPENDED and says
 * where the savepoint is; failures ask the job to run again. Against the stand-in API server
 * (real client-node over HTTPS) with FlinkDeployment objects in the Operator's wire shape; no
 * Operator runs here (tests/e2e/k8s-node.test.ts runs the delete on a real node).
 */
import * as fs from "fs";
import * as path from "path";
import { k8sApplicationProvider as typed, timing } from "../../../provider/k8s/application-provider";
import { deletionPlan, type FlinkDeploymentObject, SAVEPOINT_ON_DELETION, suspensionPatch } from "../../../provider/k8s/lifecycle";
import { DeployError } from "../../../provider/core/errors";
import { ApiServerStandIn, type Json } from "../../support/apiserver-standin";
import { portBlock } from "../../support/testbed";
import { asEngine } from "../../support/engine-view";

const provider = asEngine(typed);
jest.setTimeout(60_000);

const NS = "streaming";
const NAME = "orders-enricher";
const PATH = `/apis/flink.apache.org/v1beta1/namespaces/${NS}/flinkdeployments/${NAME}`;
const OLD_SAVEPOINT = "s3://flink-sp/orders-enricher/savepoint-a9b3c0-5f0e1d2c3b4a";
const NEW_SAVEPOINT = "s3://flink-sp/orders-enricher/savepoint-0f1e2d-99aa77bb66cc";

/** The STABLE, RUNNING object of the recorded upgrade, with our onDelete rendered into it. */
function running(savepointOnDeletion: string | undefined, upgradeMode = "savepoint"): Json {
    const file = path.join(__dirname, "../../fixtures/operator-status/upgrade-stable.json");
    const objects = (JSON.parse(fs.readFileSync(file, "utf8")) as { objects: Json[] }).objects;
    const o = structuredClone(objects[objects.length - 1]!) as Json & { spec: { job: Json; flinkConfiguration: Json } };
    if (savepointOnDeletion !== undefined) o.spec.flinkConfiguration[SAVEPOINT_ON_DELETION] = savepointOnDeletion;
    o.spec.job.upgradeMode = upgradeMode;
    return o;
}

/** `base` after our patch (generation 3), as the Operator reports it while and after suspending. */
function suspending(base: Json, stage: "picked-up" | "suspended" | "error"): Json {
    const o = structuredClone(base) as Json & { metadata: Json; spec: { job: Json; flinkConfiguration: Json }; status: Json & { jobStatus: Json } };
    o.metadata.generation = 3;
    o.spec.job = { ...o.spec.job, state: "suspended", upgradeMode: "savepoint" };
    o.spec.flinkConfiguration[SAVEPOINT_ON_DELETION] = "false";
    if (stage === "suspended") {
        o.status = {
            ...o.status,
            observedGeneration: 3,
            lifecycleState: "SUSPENDED",
            jobManagerDeploymentStatus: "MISSING",
            jobStatus: { ...o.status.jobStatus, state: "SUSPENDED", savepointInfo: { lastSavepoint: { location: NEW_SAVEPOINT, triggerType: "UPGRADE" } } },
        };
    } else if (stage === "error") {
        o.status = {
            ...o.status,
            error: JSON.stringify({
                type: "org.apache.flink.kubernetes.operator.exception.ReconciliationException",
                message: "Savepoint failed: Checkpoint Coordinator is suspending.",
            }),
        };
    }
    return o;
}

describe("deletionPlan (pure): what deleting an application job's FlinkDeployment needs first", () => {
    const plan = (o: Json) => deletionPlan(o as FlinkDeploymentObject);
    it("onDelete cancel (savepoint-on-deletion false or absent): delete, the Operator cancels", () => {
        expect(plan(running("false")).action).toBe("delete");
        expect(plan(running(undefined)).action).toBe("delete");
    });
    it("a RUNNING job with savepoint-on-deletion (string or boolean): suspend, remembering the declared upgradeMode", () => {
        expect(plan(running("true", "last-state"))).toEqual({ action: "suspend", upgradeMode: "last-state" });
        const o = running(undefined) as Json & { spec: { flinkConfiguration: Json } };
        o.spec.flinkConfiguration[SAVEPOINT_ON_DELETION] = true;
        expect(plan(o).action).toBe("suspend");
    });
    it("suspended already (an interrupted destroy): nothing to do, its savepoint is reported", () => {
        expect(plan(suspending(running("true"), "suspended"))).toEqual({ action: "suspended", savepoint: NEW_SAVEPOINT });
        expect(plan(suspending(running("true"), "picked-up")).action).toBe("suspend"); // asked, not there yet: wait again
    });
    it("the declared onDelete wins over the live flag; a suspension under way is waited for whatever the flag says", () => {
        expect(deletionPlan(running("false") as FlinkDeploymentObject, "savepoint").action).toBe("suspend");
        expect(deletionPlan(running("true") as FlinkDeploymentObject, "cancel").action).toBe("delete");
        // Our own suspension turned the flag off: an interrupted destroy of an old state (no declared onDelete) still waits.
        expect(plan(suspending(running("true"), "picked-up")).action).toBe("suspend");
        expect(plan(suspending(running("true"), "suspended")).action).toBe("suspended");
    });
    it("suspending turns the Operator's savepoint-on-deletion off; running again puts back what was declared", () => {
        const flag = (p: Record<string, unknown>) => (p.spec as { flinkConfiguration: Json }).flinkConfiguration[SAVEPOINT_ON_DELETION];
        expect(suspensionPatch("suspended", "savepoint", "savepoint")).toEqual({
            spec: { job: { state: "suspended", upgradeMode: "savepoint" }, flinkConfiguration: { [SAVEPOINT_ON_DELETION]: "false" } },
        });
        expect(flag(suspensionPatch("running", "last-state", "savepoint"))).toBe("true");
        expect(flag(suspensionPatch("running", "savepoint", "cancel"))).toBe("false");
    });
    it("a job that is not RUNNING cannot take a savepoint: refuse, naming its state", () => {
        const o = running("true") as Json & { status: { jobStatus: Json; lifecycleState: string } };
        o.status.jobStatus.state = "FAILED";
        o.status.lifecycleState = "FAILED";
        expect(plan(o)).toEqual({ action: "refuse", why: "the job is FAILED (lifecycle FAILED), not RUNNING: no savepoint can be taken now" });
    });
});

describe("k8sApplication delete with onDelete savepoint (stand-in apiserver; no Operator, no pods)", () => {
    let api: ApiServerStandIn;
    let stderr: jest.SpyInstance;
    const lines = () => stderr.mock.calls.map((c) => String(c[0]));
    const props = (over: Record<string, unknown> = {}) => ({
        namespace: NS,
        name: NAME,
        specHash: "h2",
        upgradeMode: "savepoint",
        kubeconfig: api.kubeconfig(),
        readyTimeoutSeconds: 30,
        ...over,
    });

    beforeAll(async () => {
        api = await new ApiServerStandIn({ port: portBlock(1140), token: "delete-token-42" }).start();
        timing.pollMs = 5;
    });
    beforeEach(() => {
        api.patches.length = 0;
        api.patchStatus = 200;
        stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    });
    afterEach(() => stderr.mockRestore());
    afterAll(async () => api.close());

    it("a RUNNING job: merge-patched to suspended with a savepoint, waited out, the new savepoint reported", async () => {
        const base = running("true");
        api.setSequence(PATH, [base, suspending(base, "picked-up"), suspending(base, "picked-up"), suspending(base, "suspended")]);
        await provider.delete!(`${NS}/${NAME}`, props());
        expect(api.patches).toEqual([
            {
                path: PATH,
                contentType: "application/merge-patch+json",
                body: { spec: { job: { state: "suspended", upgradeMode: "savepoint" }, flinkConfiguration: { [SAVEPOINT_ON_DELETION]: "false" } } },
            },
        ]);
        expect(lines()).toContain(`[FlinkJob ${NS}/${NAME}] suspended with a savepoint at ${NEW_SAVEPOINT}\n`);
        expect(lines().join("")).not.toContain("delete-token-42");
    });

    it("the Operator never suspends it: the job is asked to run again in its declared mode, and the error says so", async () => {
        const base = running("true", "last-state");
        api.setSequence(PATH, [base, suspending(base, "error")]);
        const err = (await provider.delete!(`${NS}/${NAME}`, props({ readyTimeoutSeconds: 1 })).catch((e: unknown) => e)) as Error;
        expect(err).toBeInstanceOf(DeployError);
        expect(err.message).toMatch(
            /^FlinkDeployment streaming\/orders-enricher was not deleted: suspending the job with a savepoint failed: .*did not become SUSPENDED within 1 s/,
        );
        expect(err.message).toContain("Savepoint failed: Checkpoint Coordinator is suspending.");
        expect(err.message).toContain("left behind: the FlinkDeployment in place with spec.job.state running again");
        expect(api.patches.map((p) => p.body)).toEqual([
            { spec: { job: { state: "suspended", upgradeMode: "savepoint" }, flinkConfiguration: { [SAVEPOINT_ON_DELETION]: "false" } } },
            { spec: { job: { state: "running", upgradeMode: "last-state" }, flinkConfiguration: { [SAVEPOINT_ON_DELETION]: "true" } } },
        ]);
    });

    it("the patch is forbidden: nothing changed, the job runs, the error says what to check", async () => {
        api.setSequence(PATH, [running("true")]);
        api.patchStatus = 403;
        const err = (await provider.delete!(`${NS}/${NAME}`, props()).catch((e: unknown) => e)) as Error;
        expect(err.message).toMatch(/was not deleted: asking the Operator to suspend the job failed: .*403|forbidden/i);
        expect(err.message).toContain("left behind: the FlinkDeployment unchanged, its job running");
        expect(api.patches).toHaveLength(1);
    });

    it("a FAILED job with onDelete savepoint: refused without touching it, with the newest savepoint and the way out", async () => {
        const o = running("true") as Json & { status: { jobStatus: Json; lifecycleState: string } };
        o.status.jobStatus.state = "FAILED";
        o.status.lifecycleState = "FAILED";
        api.setSequence(PATH, [o]);
        const err = (await provider.delete!(`${NS}/${NAME}`, props()).catch((e: unknown) => e)) as Error;
        expect(err.message).toContain('was not deleted: onDelete is "savepoint" and the job is FAILED (lifecycle FAILED), not RUNNING');
        expect(err.message).toContain(`newest savepoint the Operator reports: ${OLD_SAVEPOINT}`);
        expect(err.message).toContain('set onDelete "cancel" and run `pulumi up` before destroying it');
        expect(api.patches).toHaveLength(0);
    });

    it("onDelete cancel, an already suspended job, a deleted object: no patch, one line each", async () => {
        api.setSequence(PATH, [running("false")]);
        await provider.delete!(`${NS}/${NAME}`, props());
        api.setSequence(PATH, [suspending(running("true"), "suspended")]);
        await provider.delete!(`${NS}/${NAME}`, props());
        api.deleteObject(PATH);
        await provider.delete!(`${NS}/${NAME}`, props());
        expect(api.patches).toHaveLength(0);
        expect(lines()).toEqual([
            `[FlinkJob ${NS}/${NAME}] onDelete "cancel": the Operator cancels the job without a savepoint\n`,
            `[FlinkJob ${NS}/${NAME}] suspended already, with its savepoint at ${NEW_SAVEPOINT}\n`,
            `[FlinkJob ${NS}/${NAME}] the FlinkDeployment is gone already: nothing to stop\n`,
        ]);
    });

    it("up finds the job suspended (an interrupted destroy): asks it to run in the declared mode, then waits for STABLE", async () => {
        const base = running("true", "last-state");
        const stable = structuredClone(base) as Json & { metadata: Json; status: Json };
        stable.metadata.generation = 4;
        stable.status.observedGeneration = 4;
        api.setSequence(PATH, [suspending(base, "suspended"), stable]);
        const { outs } = await provider.update!(`${NS}/${NAME}`, {}, props({ upgradeMode: "last-state", onDelete: "cancel" }));
        // Running again as declared: onDelete "cancel" puts the Operator's flag back to false.
        expect(api.patches.map((p) => p.body)).toEqual([
            { spec: { job: { state: "running", upgradeMode: "last-state" }, flinkConfiguration: { [SAVEPOINT_ON_DELETION]: "false" } } },
        ]);
        expect(outs).toMatchObject({ lifecycleState: "STABLE", state: "RUNNING" });
        expect(lines()[0]).toContain(`the job is suspended (spec.job.state suspended; its savepoint: ${NEW_SAVEPOINT}): asking it to run, as declared`);
    });
});
