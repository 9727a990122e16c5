/**
 * `pulumi-flink review` logic: parsing, classification (through the provider's classifyJobChange),
 * rendering and exit codes. Fixtures are real `pulumi preview --json` outputs (pulumi 3.188, real
 * Flink 1.20.3) with the serialized provider code removed; the rest are steps of the same shape.
 */
import * as fs from "fs";
import * as path from "path";
import { analyzePreview, stateLosses, withJobDefaults } from "../../../cli/review/analyze";
import { review } from "../../../cli/review/command";
import { parsePreview, Preview, PreviewStep } from "../../../cli/review/preview";
import { renderReview } from "../../../cli/review/render";
import { parseArgs } from "../../../cli/args";
import { UNKNOWN } from "../../../provider/core/unknown";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "../../fixtures/review", name), "utf8");
const JOB = "pulumi-nodejs:dynamic/flink:Job";
const CLUSTER_URN = "urn:pulumi:prod::app::pulumi-nodejs:dynamic/flink:SessionCluster::main";
const cluster = { restUrl: "http://flink:8081", flinkVersion: "1.20.3", webUiUrl: "http://flink:8081/#/overview" };

/** Stored outputs of a job as the provider writes them (defaults applied). */
function stored(name: string, more: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        ...withJobDefaults({ name, cluster, sql: "INSERT INTO a SELECT * FROM b" }),
        jobId: "0".repeat(32),
        state: "RUNNING",
        generation: 1,
        variables: "[secret]",
        variablesHash: "[secret]",
        ...more,
    };
}

function jobStep(op: string, name: string, olds?: Record<string, unknown>, news?: Record<string, unknown>): PreviewStep {
    const urn = `urn:pulumi:prod::app::${JOB}::${name}`;
    const deps = { cluster: [CLUSTER_URN], variables: [] };
    return {
        op,
        urn,
        oldState: olds ? { urn, type: JOB, inputs: {}, outputs: olds, propertyDependencies: deps } : undefined,
        newState: news ? { urn, type: JOB, inputs: { variables: "[secret]", ...news }, propertyDependencies: deps } : undefined,
    };
}

const previewOf = (steps: PreviewStep[], diagnostics: Preview["diagnostics"] = []): Preview => ({ steps, diagnostics });
const only = (steps: PreviewStep[]) => analyzePreview(previewOf(steps)).clusters[0].jobs[0];
const newsOf = (name: string, more: Record<string, unknown> = {}) => ({ name, cluster, sql: "INSERT INTO a SELECT * FROM b", ...more });

describe("parsePreview: anything that is not `pulumi preview --json` gets a plain message", () => {
    const cases: [string, string, RegExp][] = [
        ["empty input", "  ", /is empty/],
        ["text output of pulumi preview", "Previewing update (dev)\n", /is not valid JSON .*without --json, pulumi prints text/],
        ["truncated JSON", '{"steps": [', /is not valid JSON/],
        ["a JSON array", "[1,2]", /not the output of `pulumi preview --json` \(it is an array\)/],
        ["a JSON string", '"hello"', /\(it is a string\)/],
        ["pulumi stack export output", JSON.stringify({ version: 3, deployment: { resources: [] } }), /looks like `pulumi stack export` output/],
        ["random JSON object", JSON.stringify({ name: "x", items: [] }), /no "steps" or "changeSummary"; its keys: "name", "items"/],
        ["steps without op/urn", JSON.stringify({ steps: [{ foo: 1 }] }), /steps\[0\] has no "op" and "urn"/],
    ];
    it.each(cases)("%s", (_label, text, message) => {
        const parsed = parsePreview(text, "stdin");
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.problem).toMatch(message);
    });

    it("accepts a real preview", () => {
        const parsed = parsePreview(fixture("changes.preview.json"));
        expect(parsed.ok && parsed.preview.steps.length).toBe(7);
    });
});

describe("analyzePreview on real preview --json output", () => {
    it("classifies SQL, parallelism, variable and stateless changes and a deleted job", () => {
        const parsed = parsePreview(fixture("changes.preview.json"));
        if (!parsed.ok) throw new Error(parsed.problem);
        const result = analyzePreview(parsed.preview);
        expect(result.stack).toBe("test");
        expect(result.clusters.map((c) => [c.label, c.restUrl])).toEqual([["cluster", "http://localhost:43000"]]);
        expect(result.clusters[0].jobs.map((j) => [j.name, j.action, j.causes.join(","), j.dropsState])).toEqual([
            ["counter-par", "savepoint-and-redeploy", "parallelism", false],
            ["enrich", "savepoint-and-redeploy", "variables (SINK)", false],
            ["orders-agg", "savepoint-and-redeploy", "sql", false],
            ["scratch-stateless", "stateless restart", "args", true],
            ["legacy-counter", "delete", "removed from the program", false],
        ]);
        expect(result.clusters[0].jobs.find((j) => j.name === "orders-agg")!.warnings).toEqual([
            "allowNonRestoredState is on: state of operators missing from the new version is dropped without an error",
        ]);
    });

    it("finds the variable change from the VariableSet step alone (without the provider's line)", () => {
        const parsed = parsePreview(fixture("changes.preview.json"));
        if (!parsed.ok) throw new Error(parsed.problem);
        const result = analyzePreview({ ...parsed.preview, diagnostics: [] });
        expect(result.clusters[0].jobs.find((j) => j.name === "enrich")!.causes).toEqual(["variables (SINK)"]);
    });

    it("flags the home's major version change on the cluster, jobs wait for the cluster", () => {
        const parsed = parsePreview(fixture("flink-2.preview.json"));
        if (!parsed.ok) throw new Error(parsed.problem);
        const result = analyzePreview(parsed.preview);
        expect(result.clusters[0].majorVersionChange).toBe("1.20.3 → 2.3.0");
        // State from before the restore default became latest-state: a policy change without a Flink action.
        expect(result.clusters[0].jobs.map((j) => [j.action, j.causes])).toEqual(Array(5).fill(["in-place", ["upgrade"]]));
        expect(stateLosses(result)).toEqual([]);
    });
});

describe("a real failed preview (an invalid job input)", () => {
    it("says the preview failed, quotes the error, exits 1", () => {
        const result = review(fixture("failed.preview.json"), { allowStateLoss: true });
        expect(result.code).toBe(1);
        expect(result.stdout).toContain("No Flink job changes found before the preview failed.");
        expect(result.stdout).toContain("> **The preview failed: this report is incomplete**");
        expect(result.stdout).toContain("parallelism = 0: must be a whole number from 1 to 32768");
        expect(result.stderr).toBe("pulumi-flink review: the preview failed (1 error(s)); the report is incomplete\n");
    });
});

describe("analyzePreview: every action", () => {
    it("labels only: in-place, keeps state", () => {
        const j = only([jobStep("update", "a", stored("a"), newsOf("a", { labels: { team: "x" } }))]);
        expect([j.action, j.causes, j.dropsState]).toEqual(["in-place", ["labels"], false]);
    });

    it("a renamed job is a replace that drops state", () => {
        const steps = ["create-replacement", "replace", "delete-replaced"].map((op) => jobStep(op, "a", stored("a"), newsOf("a2")));
        const j = only(steps);
        expect([j.action, j.causes, j.dropsState]).toEqual(["replace", ["name"], true]);
    });

    it("a new job is a create", () => {
        expect(only([jobStep("create", "n", undefined, newsOf("n"))]).action).toBe("create");
    });

    it("deleting a job with onDelete cancel drops state", () => {
        const j = only([jobStep("delete", "a", stored("a", { onDelete: "cancel" }))]);
        expect([j.action, j.dropsState, j.stateImpact]).toEqual(["delete", true, "DROPS STATE: cancelled without a savepoint (onDelete: cancel)"]);
    });

    it("deleting with leave-running keeps the job", () => {
        expect(only([jobStep("delete", "a", stored("a", { onDelete: "leave-running" }))]).dropsState).toBe(false);
    });

    it("a job a refresh found FAILED is restarted from its latest savepoint", () => {
        const j = only([jobStep("update", "a", stored("a", { state: "FAILED" }), newsOf("a"))]);
        expect([j.action, j.causes, j.stateImpact]).toEqual([
            "restart",
            ["state"],
            "the job is FAILED; it is started again and restores from the newest retained checkpoint or savepoint Flink has at that time; last recorded: none (empty state unless Flink still has one)",
        ]);
    });

    it("a restore names the newest restore point the state knows", () => {
        const j = only([jobStep("update", "a", stored("a", { state: "CANCELED", lastSavepoint: "s3://sp/a/savepoint-1" }), newsOf("a"))]);
        expect(j.stateImpact).toBe(
            "the job is CANCELED; it is started again and restores from the newest retained checkpoint or savepoint Flink has at that time; last recorded: savepoint savepoint-1 taken at an unknown time",
        );
    });

    it("a FAILED job with restore none drops state", () => {
        const j = only([jobStep("update", "a", stored("a", { state: "FAILED" }), newsOf("a", { upgrade: { restore: "none" } }))]);
        expect(j.dropsState).toBe(true);
    });

    it("defaults are applied to the new inputs: absent args/configuration/dependencies are no change", () => {
        expect(only([jobStep("update", "a", stored("a"), newsOf("a"))]).action).toBe("none");
    });

    it("an unknown cluster (being updated) is no replace", () => {
        const j = only([jobStep("update", "a", stored("a"), { ...newsOf("a"), cluster: UNKNOWN })]);
        expect(j.action).toBe("none");
        expect(j.stateImpact).toMatch(/its cluster is updated first/);
    });

    it("a job moved to a Flink 2 cluster gets a major version warning (and is a move: new REST URL, same name)", () => {
        const j = only([jobStep("update", "a", stored("a"), newsOf("a", { cluster: { ...cluster, restUrl: "http://flink2:8081", flinkVersion: "2.3.0" } }))]);
        expect(j.action).toBe("move");
        expect(j.stateImpact).toMatch(/^moves from http:\/\/.* to http:\/\/flink2:8081 with its state/);
        expect(j.dropsState).toBe(false);
        expect(j.warnings).toEqual(["Flink major version change 1.20.3 → 2.3.0: savepoints of 1.x are not guaranteed to restore on 2.x"]);
    });

    it("a secret cluster connection ([secret] on both sides) is no change and no crash", () => {
        const j = only([jobStep("update", "a", stored("a", { cluster: "[secret]" }), { ...newsOf("a", { parallelism: 3 }), cluster: "[secret]" })]);
        expect([j.action, j.causes]).toEqual(["savepoint-and-redeploy", ["parallelism"]]);
    });

    it("a changed secret a job uses is inferred from its set's update (names only)", () => {
        const setUrn = "urn:pulumi:prod::app::pulumi-nodejs:dynamic/flink:VariableSet::vars";
        const set: PreviewStep = {
            op: "update",
            urn: setUrn,
            oldState: { type: "pulumi-nodejs:dynamic/flink:VariableSet", outputs: { values: { A: "1" }, secrets: "[secret]", names: ["A", "PASSWORD"] } },
            newState: { type: "pulumi-nodejs:dynamic/flink:VariableSet", inputs: { values: { A: "1" }, secrets: "[secret]" } },
        };
        const job = jobStep(
            "update",
            "a",
            stored("a", { sql: "INSERT INTO a SELECT '${PASSWORD}' FROM b" }),
            newsOf("a", { sql: "INSERT INTO a SELECT '${PASSWORD}' FROM b" }),
        );
        job.newState!.propertyDependencies = { cluster: [CLUSTER_URN], variables: [setUrn] };
        const result = analyzePreview(previewOf([set, job]));
        expect(result.clusters[0].jobs[0].causes).toEqual(["variables (PASSWORD (secret))"]);
    });
});

describe("renderReview", () => {
    it("escapes pipes and backticks in job names", () => {
        const md = renderReview(analyzePreview(previewOf([jobStep("update", "a", stored("a|b`c"), newsOf("a|b`c", { parallelism: 2 }))])));
        expect(md).toContain("| `a|b'c` (a) | savepoint-and-redeploy | parallelism |");
    });

    it("says when there is nothing to review", () => {
        expect(renderReview(analyzePreview(previewOf([])))).toContain("No Flink job changes in this preview.");
    });
});

describe("review exit codes", () => {
    const loss = JSON.stringify({
        steps: [
            jobStep(
                "update",
                "a",
                stored("a", { upgrade: { ...(stored("a").upgrade as object), mode: "stateless" } }),
                newsOf("a", { upgrade: { mode: "stateless" }, parallelism: 2 }),
            ),
        ],
    });
    const fine = JSON.stringify({ steps: [jobStep("update", "a", stored("a"), newsOf("a", { parallelism: 2 }))] });
    it.each([
        ["state loss", loss, false, 1],
        ["state loss with --allow-state-loss", loss, true, 0],
        ["no state loss", fine, false, 0],
        ["a failed preview", JSON.stringify({ steps: [], diagnostics: [{ message: "boom", severity: "error" }] }), true, 1],
        ["not a preview", "{}", false, 2],
    ])("%s", (_label, text, allowStateLoss, code) => {
        expect(review(text, { allowStateLoss }).code).toBe(code);
    });
});

describe("parseArgs", () => {
    it.each([
        [[], { kind: "help" }],
        [["review"], { kind: "review", file: undefined, allowStateLoss: false }],
        [["review", "-"], { kind: "review", file: undefined, allowStateLoss: false }],
        [["review", "p.json", "--allow-state-loss"], { kind: "review", file: "p.json", allowStateLoss: true }],
        [["status", "--stack", "prod", "--cwd", "/x", "--json"], { kind: "status", stacks: ["prod"], all: false, cwd: "/x", json: true, showSecrets: false }],
        [["status", "--stack", "test", "-s", "prod"], { kind: "status", stacks: ["test", "prod"], all: false, json: false, showSecrets: false }],
        [
            ["status", "--stacks", "test, prod", "--stack", "dev"],
            { kind: "status", stacks: ["test", "prod", "dev"], all: false, json: false, showSecrets: false },
        ],
        [["status", "--all"], { kind: "status", stacks: [], all: true, json: false, showSecrets: false }],
    ] as [string[], unknown][])("%j", (argv, expected) => {
        expect(parseArgs(argv)).toEqual(expected);
    });

    it.each([
        [["deploy"]],
        [["review", "a", "b"]],
        [["review", "--force"]],
        [["status", "--stack"]],
        [["status", "extra"]],
        [["status", "--all", "--stack", "a"]],
        [["status", "--stacks"]],
    ])("rejects %j", (argv) => {
        expect(parseArgs(argv).kind).toBe("error");
    });
});

describe("the review groups jobs by owner (the owner label, else team)", () => {
    const steps = [
        jobStep("update", "a", stored("a", { labels: { owner: "payments" } }), newsOf("a", { sql: "INSERT INTO a SELECT 1", labels: { owner: "payments" } })),
        jobStep("update", "b", stored("b", { labels: { team: "search" } }), newsOf("b", { parallelism: 4, labels: { team: "search" } })),
        jobStep("update", "c", stored("c"), newsOf("c", { parallelism: 2 })),
        // The deployed owner counts when the new labels drop it.
        jobStep("update", "d", stored("d", { labels: { owner: "payments" } }), newsOf("d", { parallelism: 3 })),
    ];
    it("one line per owner, jobs without an owner last", () => {
        const text = renderReview(analyzePreview(previewOf(steps)));
        expect(text).toContain(
            [
                "### Jobs by owner",
                "",
                "- `payments`: 2 savepoint-and-redeploy: `a`, `d`",
                "- `search`: 1 savepoint-and-redeploy: `b`",
                "- no owner label: 1 savepoint-and-redeploy: `c`",
                "",
            ].join("\n"),
        );
    });
    it("no section when no job has an owner", () => {
        expect(renderReview(analyzePreview(previewOf([steps[2]])))).not.toContain("Jobs by owner");
    });
});
