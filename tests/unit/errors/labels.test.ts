/**
 * Labels Flink cannot carry as job parameters are refused in check, each by its exact message
 * (property, value, problem, fix), and the labels that pass travel into pipeline.global-job-parameters.
 */
import { checkJobArgs } from "../../../provider/job/schema";
import { JOB_PARAMETERS_KEY, ownerOf, withLabelParameters } from "../../../provider/job/labels";

const cluster = { restUrl: "http://localhost:8081", flinkVersion: "2.3.0", webUiUrl: "http://localhost:8081" };
const SQL = "CREATE TABLE s (v INT) WITH ('connector' = 'datagen'); CREATE TABLE k (v INT) WITH ('connector' = 'blackhole'); INSERT INTO k SELECT v FROM s";
const reasons = (labels: Record<string, unknown>) => checkJobArgs({ name: "orders", cluster, sql: SQL, labels }).failures.map((f) => f.reason);

describe("labels Flink cannot carry are refused at preview", () => {
    test.each<[string, Record<string, unknown>, string]>([
        [
            "a comma",
            { owner: "team-a,team-b" },
            'labels.owner = "team-a,team-b": holds ",", which Flink\'s job parameters (pipeline.global-job-parameters, a k:v,k:v map) cannot carry; fix: leave them out or use another character, e.g. "team-a/payments" instead of "team-a:payments"',
        ],
        [
            "a colon and a quote",
            { runbook: "https://wiki/'x'" },
            'labels.runbook = "https://wiki/\'x\'": holds ":" and "\'", which Flink\'s job parameters (pipeline.global-job-parameters, a k:v,k:v map) cannot carry; fix: leave them out or use another character, e.g. "team-a/payments" instead of "team-a:payments"',
        ],
        [
            "a line break",
            { owner: "a\nb" },
            'labels.owner = "a\\nb": holds a line break or control character, which Flink\'s job parameters cannot carry; fix: write the value on one line',
        ],
        [
            "too long",
            { note: "x".repeat(257) },
            `labels.note = "${"x".repeat(76)}...: is 257 characters; Flink job parameters here take at most 256; fix: shorten the value (a link or an id, not a document)`,
        ],
        [
            "a key that is no label key",
            { "team:x": "a" },
            'labels["team:x"] = "a": key "team:x" is not a label key (1 to 63 of A-Z a-z 0-9 _ . / -); fix: use a key such as "team" or "app.kubernetes.io/name"',
        ],
    ])("%s", (_name, labels, reason) => {
        expect(reasons(labels)).toEqual([reason]);
    });

    test("labels Flink can carry pass", () => {
        expect(reasons({ owner: "team-a", team: "payments", "app.kubernetes.io/name": "orders", runbook: "wiki.example.com/flink/orders" })).toEqual([]);
    });
});

describe("labels as Flink job parameters", () => {
    test("added to the job configuration", () => {
        expect(withLabelParameters({ "parallelism.default": "2" }, { owner: "team-a", tier: "1" })).toEqual({
            "parallelism.default": "2",
            [JOB_PARAMETERS_KEY]: "owner:team-a,tier:1",
        });
    });
    test("merged with the user's own job parameters, whose keys win", () => {
        expect(withLabelParameters({ [JOB_PARAMETERS_KEY]: "owner:ops, 'region':eu" }, { owner: "team-a", region: "us", tier: "1" })).toEqual({
            [JOB_PARAMETERS_KEY]: "owner:ops, 'region':eu,tier:1",
        });
    });
    test("no labels: the configuration unchanged", () => {
        const config = { a: "b" };
        expect(withLabelParameters(config, {})).toBe(config);
        expect(withLabelParameters(config, undefined)).toBe(config);
    });
    test("the owner is the owner label, else the team label", () => {
        expect([ownerOf({ owner: "a", team: "b" }), ownerOf({ team: "b" }), ownerOf({ tier: "1" }), ownerOf(undefined)]).toEqual([
            "a",
            "b",
            undefined,
            undefined,
        ]);
    });
});
