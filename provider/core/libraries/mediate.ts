/**
 * Transitive resolution with Maven's rules: compile and runtime scopes only (no test, provided,
 * system, optional), exclusions inherited down the path, and version mediation by "nearest
 * wins" (breadth-first; at equal depth the first declaration wins). Pure: effective POMs come
 * from an injected function.
 */
import type { EffectivePom, Gav } from "./pom";

/** An artifact in the resolved list. */
export interface ResolvedCoordinate extends Gav {
    readonly classifier?: string;
    /** `jar`, or another packaging whose file is a jar (`bundle`, `maven-plugin`...). */
    readonly type: string;
    /** How it was reached, root first (for progress and error messages). */
    readonly path: string[];
}

export type EffectiveLoader = (gav: Gav) => Promise<EffectivePom>;

const INCLUDED_SCOPES = new Set(["compile", "runtime"]);

/** `groupId:artifactId[:classifier]`: two versions of the same key are a conflict, mediated away. */
export const conflictKey = (c: { groupId: string; artifactId: string; classifier?: string }): string =>
    `${c.groupId}:${c.artifactId}${c.classifier ? `:${c.classifier}` : ""}`;

const excludedBy = (exclusions: ReadonlySet<string>, groupId: string, artifactId: string): boolean =>
    [`${groupId}:${artifactId}`, `*:${artifactId}`, `${groupId}:*`, "*:*"].some((e) => exclusions.has(e));

/** A `[1.2.3]` hard requirement becomes 1.2.3; other ranges are refused (resolution must be reproducible). */
function exactVersion(v: string, where: string): string {
    const hard = /^\[([^,\]]+)\]$/.exec(v.trim());
    if (hard) return hard[1];
    if (/[[\](),]/.test(v)) throw new Error(`${where} asks for the version range ${v}; pin an exact version of it in libraries (the nearest declaration wins)`);
    return v;
}

interface Node {
    gav: Gav;
    classifier?: string;
    type: string;
    exclusions: ReadonlySet<string>;
    path: string[];
}

/**
 * Resolve `roots` (in order) to the full artifact list. `roots` are what the user declared and
 * always win over transitive versions of the same artifact.
 */
export async function resolveGraph(roots: readonly (Gav & { classifier?: string })[], load: EffectiveLoader): Promise<ResolvedCoordinate[]> {
    const selected = new Map<string, ResolvedCoordinate>();
    let level: Node[] = roots.map((r) => ({ gav: r, classifier: r.classifier, type: "jar", exclusions: new Set<string>(), path: [] }));
    while (level.length) {
        const next: Node[] = [];
        for (const node of level) {
            const key = conflictKey({ ...node.gav, classifier: node.classifier });
            if (selected.has(key)) continue; // a nearer (or earlier) version won
            const name = `${node.gav.groupId}:${node.gav.artifactId}:${node.gav.version}`;
            selected.set(key, { ...node.gav, classifier: node.classifier, type: node.type, path: node.path });
            // A classified artifact shares the POM of its main artifact.
            const pom = await load(node.gav);
            for (const dep of pom.dependencies) {
                const scope = dep.scope ?? "compile";
                if (!INCLUDED_SCOPES.has(scope) || dep.optional) continue;
                if (excludedBy(node.exclusions, dep.groupId, dep.artifactId)) continue;
                const type = dep.type ?? "jar";
                if (type === "test-jar" || dep.classifier === "tests") continue;
                if (!dep.version)
                    throw new Error(`${name} depends on ${dep.groupId}:${dep.artifactId} without a version (none in its dependencyManagement either)`);
                const version = exactVersion(dep.version, `${name} -> ${dep.groupId}:${dep.artifactId}`);
                next.push({
                    gav: { groupId: dep.groupId, artifactId: dep.artifactId, version },
                    classifier: dep.classifier,
                    type,
                    exclusions: new Set([...node.exclusions, ...dep.exclusions]),
                    path: [...node.path, name],
                });
            }
        }
        level = next;
    }
    return [...selected.values()];
}

/** Whether an artifact of this type ships a jar to put on the classpath (a `pom` dependency only brings its own dependencies). */
export const hasJar = (c: Pick<ResolvedCoordinate, "type">): boolean => c.type !== "pom";
