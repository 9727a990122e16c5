/** The review of a Kubernetes session cluster's spec change: the restart guard's preview line names the jobs it would kill. */
import { analyzePreview, withJobDefaults } from "../../../cli/review/analyze";
import { Preview, PreviewStep } from "../../../cli/review/preview";
import { renderReview } from "../../../cli/review/render";

const JOB = "pulumi-nodejs:dynamic/flink:Job";
const GUARD = "pulumi-nodejs:dynamic/flink:SessionRestartGuard";
const CLUSTER = "urn:pulumi:prod::app::pulumi-nodejs:dynamic/flink:SessionCluster::sessions";
const guardUrn = `urn:pulumi:prod::app::${GUARD}::sessions-restart-guard`;
const cluster = { restUrl: "http://sessions-rest.flink.svc:8081", flinkVersion: "1.19.3" };
function jobStep(): PreviewStep {
    const urn = `urn:pulumi:prod::app::${JOB}::counter`;
    const inputs = { name: "counter", cluster, jar: { path: "/jobs/a.jar" }, args: [] };
    const stored = { ...withJobDefaults(inputs), jobId: "0".repeat(32), state: "RUNNING", generation: 1, variablesHash: "x" };
    const deps = { propertyDependencies: { cluster: [CLUSTER] } };
    return { op: "same", urn, oldState: { urn, type: JOB, inputs, outputs: stored, ...deps }, newState: { urn, type: JOB, inputs, ...deps } };
}
const guardStep: PreviewStep = {
    op: "update",
    urn: guardUrn,
    oldState: { urn: guardUrn, type: GUARD, inputs: {}, outputs: { specHash: "a" } },
    newState: { urn: guardUrn, type: GUARD, inputs: { specHash: "b", namespace: "flink", name: "sessions" } },
};
const previewWith = (line: string): Preview => ({
    steps: [jobStep(), guardStep],
    diagnostics: [{ severity: "info", message: `[SessionCluster session cluster flink/sessions] preview: ${line}\n` }],
});
const WHY = "the FlinkDeployment spec of session cluster flink/sessions changed, so the Operator restarts the session cluster";

describe("the review of a Kubernetes session cluster's spec change", () => {
    it("refused while jobs run: a CAUTION naming the cluster, its jobs and the guard's line", () => {
        const line = `${WHY}: REFUSED at up: the restart would kill 1 job(s) without a savepoint: counter (RUNNING)`;
        const review = analyzePreview(previewWith(line));
        expect(review.clusters).toHaveLength(1);
        expect(review.clusters[0]).toMatchObject({ label: "sessions", sessionRestart: { refused: true, unknown: false, line, running: ["counter"] } });
        const text = renderReview(review);
        expect(text).toContain("> [!CAUTION]\n> **Session cluster `sessions` restarts: REFUSED at up while jobs run**");
        expect(text).toContain("> - `counter` runs on it: the restart would kill it without a savepoint");
        expect(text).toContain(`> ${line}.`);
    });

    it("unknown jobs: a WARNING that says so", () => {
        const line = `${WHY}: which jobs run is unknown (its REST API at http://x did not answer); up refuses the change unless they can be listed`;
        const text = renderReview(analyzePreview(previewWith(line)));
        expect(text).toContain("> [!WARNING]\n> **Session cluster `sessions` restarts: which jobs run is unknown**");
    });

    it("no job runs there: no callout", () => {
        const review = analyzePreview(previewWith(`${WHY}: no job runs on it`));
        expect(review.clusters[0].sessionRestart).toMatchObject({ refused: false, unknown: false });
        expect(renderReview(review)).not.toContain("restarts:");
    });
});
