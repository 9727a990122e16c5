/**
 * The committed SQL plan facts (tests/fixtures/sql-plans, from real Flink) are consistent with the
 * pinning rule that produced them: pinning each v1.json/v2.json again gives the committed
 * pinned.json, every pinned id is unique, and the edges still connect the same nodes.
 */
import * as fs from "fs";
import * as path from "path";
import { type CompiledPlan, pinPlan } from "../../support/plan-pin";

const ROOT = path.resolve(__dirname, "../../fixtures/sql-plans");
const read = (dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CompiledPlan;
const cases = fs.readdirSync(ROOT).filter((line) => fs.statSync(path.join(ROOT, line)).isDirectory())
    .flatMap((line) => fs.readdirSync(path.join(ROOT, line)).map((edit) => [`${line}/${edit}`, path.join(ROOT, line, edit)] as const));

test("there are plan facts for both release lines", () => {
    expect(new Set(cases.map(([name]) => name.split("/")[0]))).toEqual(new Set(["1.20.3", "2.3.0"]));
    expect(cases.length).toBeGreaterThanOrEqual(40);
});

test.each(cases)("%s: pinning v2 to v1 again gives the committed pinned plan", (_name, dir) => {
    const v1 = read(dir, "v1.json");
    const v2 = read(dir, "v2.json");
    const { plan, ids } = pinPlan(v1, v2);
    expect(plan).toEqual(read(dir, "pinned.json"));
    expect(new Set(plan.nodes.map((n) => n.id)).size).toBe(plan.nodes.length);
    const at = (p: CompiledPlan, id: number) => p.nodes.findIndex((n) => n.id === id);
    const edge = (p: CompiledPlan, e: { source: number; target: number }) => `${at(p, e.source)}->${at(p, e.target)}`;
    expect(plan.edges.map((e) => edge(plan, e))).toEqual(v2.edges.map((e) => edge(v2, e)));
    expect([...ids.keys()].sort()).toEqual(v2.nodes.map((n) => n.id).sort());
});
