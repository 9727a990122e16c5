import { usedVariablesHash } from "../../../provider/core/substitute";
import { seededRandom } from "../../support/random-text";

/** Seeded, so a failing case can be replayed from its seed. */
const prng = seededRandom;

const NAMES = ["A", "B", "C", "DB_URL", "DB_PASSWORD", "TOPIC", "_X1", "K9"];
const ALPHABET = ["a", "b", "=", "\n", '"', "'", "$", "{", "}", ",", "é", "0"];

function randomValue(rand: () => number): string {
    return Array.from({ length: Math.floor(rand() * 6) }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join("");
}

function randomCase(seed: number) {
    const rand = prng(seed);
    const vars: Record<string, string> = {};
    for (const n of NAMES) if (rand() < 0.8) vars[n] = randomValue(rand);
    const used = NAMES.filter(() => rand() < 0.4);
    const texts = [used.map((n) => `x \${${n}} y`).join(";"), rand() < 0.5 ? "$${C}" : "plain"];
    return { rand, vars, used, texts };
}

describe("usedVariablesHash (property-style, seeded)", () => {
    const seeds = Array.from({ length: 300 }, (_, i) => i + 1);

    test.each(seeds.slice(0, 3))("is a sha256 hex and deterministic (seed %i)", (seed) => {
        const { vars, texts } = randomCase(seed);
        expect(usedVariablesHash(texts, vars)).toMatch(/^[0-9a-f]{64}$/);
        expect(usedVariablesHash(texts, { ...vars })).toBe(usedVariablesHash(texts, vars));
    });

    test("changing, adding or removing an unreferenced variable never changes it", () => {
        for (const seed of seeds) {
            const { rand, vars, used, texts } = randomCase(seed);
            const before = usedVariablesHash(texts, vars);
            const unused = NAMES.filter((n) => !used.includes(n));
            if (unused.length === 0) continue;
            const n = unused[Math.floor(rand() * unused.length)];
            const changed = { ...vars, [n]: `${vars[n] ?? ""}changed` };
            const removed = { ...vars };
            delete removed[n];
            expect([seed, usedVariablesHash(texts, changed)]).toEqual([seed, before]);
            expect([seed, usedVariablesHash(texts, removed)]).toEqual([seed, before]);
            expect([seed, usedVariablesHash(texts, { ...vars, UNRELATED: "x" })]).toEqual([seed, before]);
        }
    });

    test("changing a referenced variable always changes it", () => {
        let checked = 0;
        for (const seed of seeds) {
            const { rand, vars, used, texts } = randomCase(seed);
            if (used.length === 0) continue;
            const n = used[Math.floor(rand() * used.length)];
            const next = randomValue(rand);
            if (next === vars[n]) continue;
            expect([seed, usedVariablesHash(texts, { ...vars, [n]: next })]).not.toEqual([seed, usedVariablesHash(texts, vars)]);
            checked++;
        }
        expect(checked).toBeGreaterThan(200);
    });

    test("independent of text order and of key order", () => {
        for (const seed of seeds.slice(0, 50)) {
            const { vars, texts } = randomCase(seed);
            const reversed = Object.fromEntries(Object.entries(vars).reverse());
            expect(usedVariablesHash([...texts].reverse(), reversed)).toBe(usedVariablesHash(texts, vars));
        }
    });

    test("pairs are unambiguous: values holding separators do not collide", () => {
        const texts = ["${A}${B}"];
        expect(usedVariablesHash(texts, { A: "x\nB=y", B: "" })).not.toBe(usedVariablesHash(texts, { A: "x", B: "y" }));
        expect(usedVariablesHash(texts, { A: "x=", B: "y" })).not.toBe(usedVariablesHash(texts, { A: "x", B: "=y" }));
    });

    test("defining a referenced but undefined variable changes it; escapes are not references", () => {
        expect(usedVariablesHash(["${A}"], {})).not.toBe(usedVariablesHash(["${A}"], { A: "" }));
        expect(usedVariablesHash(["$${A}"], { A: "1" })).toBe(usedVariablesHash(["$${A}"], { A: "2" }));
    });
});
