/** The pure half of the Maven resolver on fixture POMs: the POM model, inheritance, BOMs, mediation. */
import * as fs from "fs";
import * as path from "path";
import { resolveGraph } from "../../../provider/core/libraries/mediate";
import { effectivePom, type Gav, interpolate, parsePom } from "../../../provider/core/libraries/pom";
import { parseXml } from "../../../provider/core/libraries/xml";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "poms");
const loaded: string[] = [];
const load = async (gav: Gav) => {
    loaded.push(`${gav.artifactId}:${gav.version}`);
    return parsePom(fs.readFileSync(path.join(FIXTURES, `${gav.artifactId}-${gav.version}.pom`), "utf8"));
};
const effective = (gav: Gav) => effectivePom(gav, load);
const gav = (artifactId: string, version: string): Gav => ({ groupId: "com.ex", artifactId, version });

describe("XML reader", () => {
    test("reads elements and text; skips comments, declarations and attributes; decodes entities and CDATA", () => {
        const doc = parseXml(`<?xml version="1.0"?><!-- c --><a x="1>2"><b>one &amp; two</b><c><![CDATA[<raw>]]></c><d/></a>`);
        expect(doc.name).toBe("a");
        expect(doc.children.map((c) => [c.name, c.text])).toEqual([
            ["b", "one & two"],
            ["c", "<raw>"],
            ["d", ""],
        ]);
    });

    test("malformed nesting is an error", () => {
        expect(() => parseXml("<a><b></a></b>")).toThrow(/unexpected <\/a>/);
        expect(() => parseXml("<a><b>")).toThrow(/unclosed <b>/);
    });
});

describe("POM model", () => {
    test("parsePom reads coordinates, parent, properties, management and dependencies with exclusions", () => {
        const pom = parsePom(fs.readFileSync(path.join(FIXTURES, "app-1.pom"), "utf8"));
        expect(pom).toMatchObject({ artifactId: "app", groupId: undefined, version: undefined, parent: gav("parent", "1") });
        expect(pom.dependencies).toHaveLength(7);
        expect(pom.dependencies[2]).toMatchObject({ artifactId: "lib-a", version: "1.0", exclusions: ["com.ex:excluded"] });
        expect(pom.dependencies[6]).toMatchObject({ optional: true, classifier: "o" });
    });

    test("a document that is not a POM is refused", () => {
        expect(() => parsePom("<settings><artifactId>x</artifactId></settings>")).toThrow(/not a Maven POM/);
    });

    test("interpolate follows properties that refer to properties and leaves unknown ones", () => {
        expect(interpolate("${a}-${b}-${zzz}", { a: "${b}!", b: "2" })).toBe("2!-2-${zzz}");
    });

    test("the effective POM inherits groupId, version and dependencies, and takes versions from the parent's management and an imported BOM", async () => {
        const pom = await effective(gav("app", "1"));
        expect(pom).toMatchObject({ groupId: "com.ex", artifactId: "app", version: "1" });
        const versions = Object.fromEntries(
            pom.dependencies.map((d) => [`${d.artifactId}${d.classifier ? `:${d.classifier}` : ""}${d.scope ? `@${d.scope}` : ""}`, d.version]),
        );
        // managed: the parent's own management (2.0, through a property) beats the BOM's 9.9.
        expect(versions).toMatchObject({ managed: "2.0", "from-bom": "3.1", inherited: "1.0", "lib-a": "1.0", "lib-b@runtime": "1.0" });
    });
});

describe("transitive resolution", () => {
    test("compile and runtime only, exclusions on their path, nearest version wins", async () => {
        const list = await resolveGraph([gav("app", "1")], effective);
        const got = list.map((c) => `${c.artifactId}:${c.version}`);
        expect(got).toEqual(["app:1", "managed:2.0", "from-bom:3.1", "lib-a:1.0", "lib-b:1.0", "inherited:1.0", "shared:1.0", "lib-c:1.0", "excluded:1.0"]);
        // shared 2.0 (depth 3, via lib-c) lost to shared 1.0 (depth 2, via lib-a)
        expect(list.find((c) => c.artifactId === "shared")?.path).toEqual(["com.ex:app:1", "com.ex:lib-a:1.0"]);
        // excluded under lib-a, but lib-b -> lib-c brings it on a path without the exclusion
        expect(list.find((c) => c.artifactId === "excluded")?.path).toEqual(["com.ex:app:1", "com.ex:lib-b:1.0", "com.ex:lib-c:1.0"]);
        // test, provided and optional dependencies were never even loaded
        expect(loaded.filter((l) => l.startsWith("never"))).toEqual([]);
    });

    test("a declared version beats any transitive one", async () => {
        const list = await resolveGraph([gav("lib-b", "1.0"), gav("shared", "2.0"), gav("lib-a", "1.0")], effective);
        expect(list.filter((c) => c.artifactId === "shared").map((c) => c.version)).toEqual(["2.0"]);
    });

    test("a dependency without any version is an error naming both artifacts", async () => {
        const noVersion = async (g: Gav) => ({
            ...g,
            managed: [],
            dependencies: g.artifactId === "root" ? [{ groupId: "x", artifactId: "y", optional: false, exclusions: [] }] : [],
        });
        await expect(resolveGraph([{ groupId: "x", artifactId: "root", version: "1" }], noVersion)).rejects.toThrow(
            "x:root:1 depends on x:y without a version",
        );
    });

    test("version ranges are refused, a [1.2.3] hard requirement is that version", async () => {
        const ranged = (v: string) => async (g: Gav) => ({
            ...g,
            managed: [],
            dependencies: g.artifactId === "root" ? [{ groupId: "x", artifactId: "y", version: v, optional: false, exclusions: [] }] : [],
        });
        await expect(resolveGraph([{ groupId: "x", artifactId: "root", version: "1" }], ranged("[1.0,2.0)"))).rejects.toThrow(/version range \[1.0,2.0\)/);
        const list = await resolveGraph([{ groupId: "x", artifactId: "root", version: "1" }], ranged("[1.2.3]"));
        expect(list[1]).toMatchObject({ artifactId: "y", version: "1.2.3" });
    });
});
