/**
 * The state verdict against what real Flink did (tests/fixtures/sql-plans: per Flink line and
 * edit, v1 and v2 compiled by a real SQL Gateway, v2 pinned by the product's rule and restored from
 * v1's savepoint on a real cluster, outcome recorded). The rules the README promises: never
 * `compatible` for an edit whose restore failed; `incompatible` only where it failed. And the
 * committed pinned plan is what the product's pinning gives today.
 */
import * as fs from "fs";
import * as path from "path";
import { type CompiledPlan, pinPlan } from "../../support/plan-pin";

const ROOT = path.resolve(__dirname, "../../fixtures/sql-plans");
const read = <T>(dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as T;
const cases = fs
    .readdirSync(ROOT)
    .filter((line) => fs.statSync(path.join(ROOT, line)).isDirectory())
    .flatMap((line) => fs.readdirSync(path.join(ROOT, line)).map((edit) => [`${line}/${edit}`, path.join(ROOT, line, edit)] as const));

test("there are plan facts for both release lines", () => {
    expect(new Set(cases.map(([name]) => name.split("/")[0]))).toEqual(new Set(["1.20.3", "2.3.0"]));
    expect(cases.length).toBeGreaterThanOrEqual(40);
});

describe.each(cases)("%s", (_name, dir) => {
    const v1 = read<CompiledPlan>(dir, "v1.json");
    const v2 = read<CompiledPlan>(dir, "v2.json");
    const outcome = read<{ pinned: "restored" | "failed"; pinnedCause?: string }>(dir, "outcome.json");
    const { plan, verdict } = pinPlan(v1, v2);

    test("the committed pinned plan is the product's pinning", () => {
        expect(plan).toEqual(read(dir, "pinned.json"));
        expect(new Set(plan.nodes.map((n) => n.id)).size).toBe(plan.nodes.length);
    });

    test(`the verdict fits what Flink did (${outcome.pinned})`, () => {
        if (outcome.pinned === "failed") expect({ verdict: verdict.verdict, cause: outcome.pinnedCause }).not.toMatchObject({ verdict: "compatible" });
        if (verdict.verdict === "incompatible") expect({ outcome: outcome.pinned, reasons: verdict.reasons }).toMatchObject({ outcome: "failed" });
    });
});
