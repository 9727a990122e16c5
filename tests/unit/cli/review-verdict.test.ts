/** The review's state-verdict column and exit code, from the provider's preview line of a SQL job. */
import { analyzePreview } from "../../../cli/review/analyze";
import { review } from "../../../cli/review/command";
import { Preview, PreviewStep } from "../../../cli/review/preview";
import { renderReview } from "../../../cli/review/render";
import { withJobDefaults } from "../../../cli/review/analyze";

const JOB = "pulumi-nodejs:dynamic/flink:Job";
const cluster = { restUrl: "http://flink:8081", flinkVersion: "2.3.0", webUiUrl: "http://flink:8081/#/overview" };
const stored = (name: string) => ({
    ...withJobDefaults({ name, cluster, sql: "INSERT INTO a SELECT k, COUNT(*) FROM b GROUP BY k" }),
    jobId: "0".repeat(32),
    state: "RUNNING",
    generation: 1,
    variablesHash: "x",
});
function step(name: string): PreviewStep {
    const urn = `urn:pulumi:prod::app::${JOB}::${name}`;
    const news = { name, cluster, sql: "INSERT INTO a SELECT k, COUNT(*), SUM(v) FROM b GROUP BY k" };
    return { op: "update", urn, oldState: { urn, type: JOB, inputs: {}, outputs: stored(name) }, newState: { urn, type: JOB, inputs: news } };
}
const INCOMPATIBLE =
    'state verdict: incompatible: GroupAggregate(groupBy=[k], select=[k, COUNT(*) AS EXPR$1]) (node 4): its accumulators change from [BIGINT] to [BIGINT, INT] (1 → 2 aggregate calls); up refuses this change before touching the running job (set upgrade.onIncompatible to "drop-state" …)';
const line = (name: string, clause: string) => ({
    severity: "info",
    message: `[FlinkJob] preview: ${name}: savepoint-and-redeploy (changed: sql) - ${clause}\n`,
});
const previewOf = (names: string[], clauses: string[]): Preview => ({ steps: names.map(step), diagnostics: names.map((n, i) => line(n, clauses[i])) });

describe("the state verdict in the review", () => {
    it("takes the verdict and the state clause from the provider's line, in its own column", () => {
        const r = analyzePreview(previewOf(["tally"], [INCOMPATIBLE]));
        expect(r.clusters[0].jobs[0]).toMatchObject({ verdict: "incompatible", stateImpact: INCOMPATIBLE });
        expect(renderReview(r)).toContain("| `tally` | savepoint-and-redeploy | sql | **incompatible** | state verdict: incompatible: ");
    });

    it("a job without a provider line (a JAR job, an old provider) has no verdict", () => {
        const r = analyzePreview({ steps: [step("tally")], diagnostics: [] });
        expect(r.clusters[0].jobs[0].verdict).toBe("-");
    });

    it("exits 1 naming each incompatible job, 0 with --allow-state-loss, 0 for compatible and unknown", () => {
        const text = JSON.stringify(
            previewOf(
                ["tally", "ok", "maybe"],
                [
                    INCOMPATIBLE,
                    "state verdict: compatible; stopped with a savepoint",
                    "state verdict: unknown: not compiled: the SQL Gateway at http://x did not answer",
                ],
            ),
        );
        const refused = review(text, { allowStateLoss: false });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain("1 job(s) with an incompatible state change (tally)");
        expect(review(text, { allowStateLoss: true }).code).toBe(0);
        const fine = JSON.stringify(previewOf(["ok", "maybe"], ["state verdict: compatible; x", "state verdict: unknown: y"]));
        expect(review(fine, { allowStateLoss: false }).code).toBe(0);
    });
});
