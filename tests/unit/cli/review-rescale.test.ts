/** The review of a parallelism-only change: what the provider's preview line decided (in-place rescale or redeploy). */
import { analyzePreview, withJobDefaults } from "../../../cli/review/analyze";
import { Preview, PreviewStep } from "../../../cli/review/preview";

const JOB = "pulumi-nodejs:dynamic/flink:Job";
const cluster = { restUrl: "http://flink:8081", flinkVersion: "2.3.0", webUiUrl: "http://flink:8081/#/overview" };
const jar = { name: "orders", cluster, jar: { path: "/jobs/a.jar" }, args: [] };
function step(): PreviewStep {
    const urn = `urn:pulumi:prod::app::${JOB}::orders`;
    const stored = { ...withJobDefaults({ ...jar, parallelism: 1 }), jobId: "0".repeat(32), state: "RUNNING", generation: 1, variablesHash: "x" };
    return { op: "update", urn, oldState: { urn, type: JOB, inputs: {}, outputs: stored }, newState: { urn, type: JOB, inputs: { ...jar, parallelism: 2 } } };
}
const previewWith = (line: string): Preview => ({ steps: [step()], diagnostics: [{ severity: "info", message: `[FlinkJob] preview: ${line}\n` }] });

describe("the review of a parallelism-only change", () => {
    it("in-place when the provider's line says in-place rescale, with its state clause", () => {
        const r = analyzePreview(
            previewWith(
                "orders: in-place rescale (changed: parallelism 1 -> 2) - keeps state and job id: Flink's adaptive scheduler restarts its tasks from the latest checkpoint",
            ),
        );
        expect(r.clusters[0].jobs[0]).toMatchObject({
            action: "in-place",
            causes: ["parallelism"],
            stateImpact: "keeps state and job id: Flink's adaptive scheduler restarts its tasks from the latest checkpoint",
            dropsState: false,
        });
    });

    it("savepoint-and-redeploy when the provider's line says why not", () => {
        const r = analyzePreview(
            previewWith(
                "orders: savepoint-and-redeploy (changed: parallelism) - keeps state: stopped with a savepoint, the new version restores from it; not an in-place rescale: the cluster runs the default scheduler",
            ),
        );
        expect(r.clusters[0].jobs[0]).toMatchObject({ action: "savepoint-and-redeploy", causes: ["parallelism"] });
    });
});
