/**
 * The layering of the package, checked on its source: every import (static, `export … from`,
 * `require()`, `import()` and `import("…")` types) of provider/, sdk/ and cli/ is parsed with the
 * TypeScript parser and resolved to a file.
 *
 * - No folder-level cycle among provider/* folders: the folder graph (an edge A → B when a file of
 *   provider/A imports a file of provider/B; provider/core/** counts as one folder "core", files at
 *   provider/ itself as "(root)") is split into strongly connected components (Tarjan); a component
 *   of two or more folders is a cycle, reported with the file imports that form it.
 * - provider/core is the bottom layer: it imports nothing of provider outside itself.
 * - sdk/ imports of provider/ only provider/core/**; the provider objects themselves are loaded by
 *   package name (`require("pulumi-flink/provider")`), never by path.
 * - provider/ names sdk/ only in provider/contract.ts, with type-only imports (the compile-time
 *   contract of SDK args and provider schemas); nothing in provider/ or sdk/ imports cli/.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { importGraph, strongComponents, type Import } from "../../support/imports";

const ROOT = path.resolve(__dirname, "../../..");
const imports: Import[] = importGraph(ROOT, ["provider", "sdk", "cli"]);

/** The provider folder a file belongs to ("core" for all of provider/core/**), or undefined outside provider/. */
function folderOf(file: string): string | undefined {
    const parts = file.split("/");
    if (parts[0] !== "provider") return undefined;
    return parts.length === 2 ? "(root)" : parts[1];
}

describe("the import graph (parsed from source)", () => {
    test("is not empty: the parser found the imports it checks", () => {
        expect(imports.length).toBeGreaterThan(500);
        expect(imports.some((i) => i.from === "provider/flink/connect.ts" && i.to === "provider/core/connection.ts")).toBe(true);
        // `import("…")` in a type position counts too.
        expect(imports.some((i) => i.from === "sdk/components/environment.ts" && i.to === "sdk/job.ts")).toBe(true);
    });

    test("has no folder-level cycle among provider/* folders", () => {
        const edges = new Map<string, Map<string, Import[]>>();
        for (const i of imports) {
            const a = folderOf(i.from);
            const b = i.to && folderOf(i.to);
            if (!a || !b || a === b) continue;
            const out = edges.get(a) ?? new Map<string, Import[]>();
            out.set(b, [...(out.get(b) ?? []), i]);
            edges.set(a, out);
        }
        const cycles = strongComponents(new Map([...edges].map(([a, out]) => [a, [...out.keys()]])))
            .filter((c) => c.length > 1)
            .map((c) => {
                const within = c.flatMap((a) => c.filter((b) => edges.get(a)?.has(b)).map((b) => `${a} -> ${b} (${edges.get(a)!.get(b)![0]!.from})`));
                return `cycle among ${c.sort().join(", ")}: ${within.join("; ")}`;
            });
        expect(cycles).toEqual([]);
    });

    test("provider/core imports nothing of provider outside core", () => {
        const leaks = imports.filter((i) => i.from.startsWith("provider/core/") && i.to?.startsWith("provider/") && !i.to.startsWith("provider/core/"));
        expect(leaks.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
    });

    test("sdk/ imports of provider/ are provider/core/** only; the provider objects are loaded by package name", () => {
        const leaks = imports.filter((i) => i.from.startsWith("sdk/") && i.to !== undefined && !i.to.startsWith("sdk/") && !i.to.startsWith("provider/core/"));
        expect(leaks.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
        const byName = imports.filter((i) => i.from.startsWith("sdk/") && i.specifier.startsWith("pulumi-flink/"));
        expect(byName.map((i) => `${i.from}: ${i.specifier}`)).toEqual(["sdk/provider.ts: pulumi-flink/provider"]);
    });

    test("provider/ names sdk/ only in provider/contract.ts and only for types; nothing in provider/ or sdk/ imports cli/", () => {
        const intoSdk = imports.filter((i) => i.from.startsWith("provider/") && i.to?.startsWith("sdk/"));
        expect(intoSdk.filter((i) => i.from !== "provider/contract.ts" || !i.typeOnly).map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
        expect(intoSdk.length).toBeGreaterThan(0);
        const intoCli = imports.filter((i) => !i.from.startsWith("cli/") && i.to?.startsWith("cli/"));
        expect(intoCli.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
    });

    test("every relative import resolves to a file (the checks above see the whole graph)", () => {
        const unresolved = imports.filter((i) => i.specifier.startsWith(".") && i.to === undefined);
        expect(unresolved.map((i) => `${i.from}: ${i.specifier}`)).toEqual([]);
    });
});

describe("the cycle check itself", () => {
    test("finds a cycle added on purpose, and only that one", () => {
        const graph = new Map([
            ["job", ["deploy", "core"]],
            ["deploy", ["flink", "core"]],
            ["flink", ["core"]],
            ["k8s", ["flink", "core"]],
        ]);
        expect(strongComponents(graph).filter((c) => c.length > 1)).toEqual([]);
        graph.set("flink", ["core", "k8s"]); // flink -> k8s -> flink, as before the core existed
        expect(
            strongComponents(graph)
                .filter((c) => c.length > 1)
                .map((c) => c.sort()),
        ).toEqual([["flink", "k8s"]]);
    });

    test("parses every import form", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-imports-"));
        try {
            fs.mkdirSync(path.join(dir, "provider", "a"), { recursive: true });
            for (const f of ["b", "c", "d", "e", "f"]) fs.writeFileSync(path.join(dir, "provider", "a", `${f}.ts`), "export const x = 1;\n");
            const src = [
                'import { x } from "./b";',
                'import type { x as y } from "./c";',
                'export { x as z } from "./d";',
                'const e = require("./e");',
                'type F = typeof import("./f");',
                'import * as ts from "typescript";',
            ].join("\n");
            fs.writeFileSync(path.join(dir, "provider", "a", "index.ts"), src);
            const found = importGraph(dir, ["provider"]).map((i) => [i.specifier, i.to, i.typeOnly]);
            expect(found).toEqual([
                ["./b", "provider/a/b.ts", false],
                ["./c", "provider/a/c.ts", true],
                ["./d", "provider/a/d.ts", false],
                ["./e", "provider/a/e.ts", false],
                ["./f", "provider/a/f.ts", true],
                ["typescript", undefined, false],
            ]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
