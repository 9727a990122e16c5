/**
 * Acceptance C: the application-mode job succeeds or fails with the Operator's message, given
 * FlinkDeployment status sequences in the Operator's own wire shape (tests/fixtures/operator-status:
 * hand-built from the Operator's status classes, not captured from a live Operator).
 */
import * as fs from "fs";
import * as path from "path";
import {
    describe as describeStatus,
    factsOf,
    type FlinkDeploymentObject,
    interpret,
    operatorMessage,
    reconciledGeneration,
} from "../../../provider/k8s/lifecycle";

const dir = path.join(__dirname, "../../fixtures/operator-status");
const sequence = (name: string): FlinkDeploymentObject[] =>
    (JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), "utf8")) as { objects: FlinkDeploymentObject[] }).objects;

/** Feed the objects in order; return the verdict that ended the wait and how many were seen. */
function run(objects: FlinkDeploymentObject[], opts: Parameters<typeof interpret>[1] = {}) {
    const progress: string[] = [];
    for (let i = 0; i < objects.length; i++) {
        const v = interpret(objects[i]!, opts);
        progress.push(v.progress);
        if (v.done) return { verdict: v, at: i, progress };
    }
    return { verdict: undefined, at: objects.length, progress };
}

describe("FlinkDeployment lifecycle (recorded-shape Operator status, not from a live Operator; no pods run)", () => {
    it("deploy -> STABLE succeeds, only at the last status, with the job's facts", () => {
        const objects = sequence("deploy-stable");
        const { verdict, at, progress } = run(objects);
        expect(at).toBe(objects.length - 1);
        expect(verdict).toMatchObject({ done: true, ok: true, message: "STABLE, job RUNNING" });
        expect(progress[0]).toMatch(/no status yet/);
        expect(progress).toContain("lifecycle DEPLOYED, reconciliation DEPLOYED, JobManager DEPLOYED_NOT_READY, job RECONCILING");
        expect(factsOf(objects[at]!)).toEqual({
            jobId: "a9b3c0d2e4f60718293a4b5c6d7e8f90",
            state: "RUNNING",
            lifecycleState: "STABLE",
            lastSavepoint: "",
            deployedAt: "2026-01-01T00:00:00.000Z",
        });
    });

    it("upgrade -> UPGRADING -> STABLE succeeds; the old generation's STABLE does not count", () => {
        const objects = sequence("upgrade-stable");
        expect(interpret(objects[0]!)).toMatchObject({
            done: false,
            progress: expect.stringMatching(/waiting for the Operator to reconcile generation 2 \(observed 1\)/),
        });
        const { verdict, at, progress } = run(objects);
        expect(at).toBe(objects.length - 1);
        expect(verdict?.ok).toBe(true);
        expect(progress.some((p) => p.startsWith("lifecycle UPGRADING"))).toBe(true);
        const facts = factsOf(objects[at]!);
        expect(facts.jobId).toBe("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        expect(facts.lastSavepoint).toBe("s3://flink-sp/orders-enricher/savepoint-a9b3c0-5f0e1d2c3b4a");
    });

    it("upgrade -> ROLLING_BACK -> ROLLED_BACK fails with the Operator's message, secrets redacted", () => {
        const objects = sequence("upgrade-rolled-back");
        const { verdict, at, progress } = run(objects, { rollbackEnabled: true });
        expect(at).toBe(objects.length - 1);
        expect(verdict?.ok).toBe(false);
        expect(verdict?.message).toMatch(
            /^the Operator rolled back to the last stable spec: .*Could not connect to s3:\/\/flink-ha.*Table orders_v2 not found in catalog 'kafka'/,
        );
        expect(verdict?.message).not.toMatch(/AKIAEXAMPLESECRET123|hunter2/);
        expect(verdict?.message).toContain("s3.secret-key=***");
        expect(progress.some((p) => p.startsWith("lifecycle ROLLING_BACK"))).toBe(true);
        expect(progress.some((p) => /JobManager ERROR, job RECONCILING; Operator error: back-off 40s restarting failed container/.test(p))).toBe(true);
    });

    it("the same sequence without rollback enabled fails at the JobManager error, with its message", () => {
        const objects = sequence("upgrade-rolled-back");
        const { verdict, at } = run(objects);
        expect(objects[at]!.status?.jobManagerDeploymentStatus).toBe("ERROR");
        expect(verdict?.message).toMatch(/^the JobManager deployment failed: back-off 40s restarting failed container=flink-main-container/);
    });

    it("FAILED with error fails with the message: trimmed, one line, secrets redacted", () => {
        const objects = sequence("deploy-failed");
        const { verdict, at } = run(objects, { secretValues: ["orders-svc"] });
        expect(at).toBe(objects.length - 1);
        expect(verdict).toMatchObject({ done: true, ok: false });
        expect(verdict?.message).toMatch(
            /^the deployment failed \(lifecycle FAILED, job FAILED\): org\.apache\.flink\.runtime\.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy: Authentication failed for user \*\*\* /,
        );
        expect(verdict?.message).not.toMatch(/kafka-Pa55word!|orders-svc/);
        expect(verdict?.message).not.toContain("\n");
        expect(verdict!.message.length).toBeLessThanOrEqual(400);
    });

    it("RESTARTING is not failure yet", () => {
        const objects = sequence("deploy-failed");
        expect(interpret(objects[3]!)).toMatchObject({
            done: false,
            progress: "lifecycle DEPLOYED, reconciliation DEPLOYED, JobManager READY, job RESTARTING",
        });
    });
});

describe("lifecycle details", () => {
    const base = sequence("deploy-stable");
    const last = base[base.length - 1]!;

    it("the generation comes from lastReconciledSpec when observedGeneration is absent (older Operators)", () => {
        const status = { ...last.status!, observedGeneration: undefined };
        expect(reconciledGeneration(status)).toBe(1);
        expect(interpret({ ...last, metadata: { ...last.metadata, generation: 2 }, status })).toMatchObject({ done: false });
    });

    it("a spec the Operator rejects (validation error, generation never observed) fails at once", () => {
        const error = JSON.stringify({
            type: "org.apache.flink.kubernetes.operator.exception.ValidationException",
            message: "Job parallelism must be larger than 0",
            throwableList: [],
        });
        const v = interpret({ ...last, metadata: { ...last.metadata, generation: 2 }, status: { ...last.status!, error } });
        expect(v).toMatchObject({ done: true, ok: false, message: "the Operator rejected the spec: Job parallelism must be larger than 0" });
    });

    it("SUSPENDED is success only when the spec asks for it", () => {
        const suspended = { ...last, status: { ...last.status!, lifecycleState: "SUSPENDED" } };
        expect(interpret(suspended).done).toBe(false);
        expect(interpret({ ...suspended, spec: { job: { state: "suspended" } } })).toMatchObject({ done: true, ok: true });
    });

    it("operatorMessage: raw text, stack traces cut, URL credentials and long text trimmed", () => {
        expect(operatorMessage("plain failure\n\tat org.Foo.bar(Foo.java:1)\n\tat x")).toBe("plain failure");
        expect(operatorMessage("cannot reach https://user:s3cr3t@minio:9000/bucket")).toBe("cannot reach https://user:***@minio:9000/bucket");
        expect(operatorMessage("x".repeat(1000), { maxMessage: 50 })).toHaveLength(50);
        expect(operatorMessage(null)).toBe("");
    });

    it("describe() names what it knows", () => {
        expect(describeStatus(undefined)).toMatch(/no status yet/);
        expect(describeStatus({ lifecycleState: "UPGRADING" })).toBe("lifecycle UPGRADING");
    });
});
