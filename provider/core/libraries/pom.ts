/**
 * The Maven POM model the resolver needs: parse a POM, then build its effective form (parent
 * chain merged, `${properties}` interpolated, dependencyManagement applied, imported BOMs
 * expanded). Pure: POMs of parents and BOMs come from an injected loader.
 */
import { child, childText, parseXml, XmlElement } from "./xml";

/** `groupId:artifactId` plus the version. */
export interface Gav {
    readonly groupId: string;
    readonly artifactId: string;
    readonly version: string;
}

/** A dependency as declared (version and scope may come from dependencyManagement). */
export interface PomDependency {
    groupId: string;
    artifactId: string;
    version?: string;
    scope?: string;
    type?: string;
    classifier?: string;
    optional: boolean;
    /** `groupId:artifactId`, `*` allowed in either part. */
    exclusions: string[];
}

/** A POM as written. */
export interface RawPom {
    groupId?: string;
    artifactId: string;
    version?: string;
    packaging?: string;
    parent?: Gav;
    properties: Record<string, string>;
    managed: PomDependency[];
    dependencies: PomDependency[];
}

/** A POM with inheritance, properties and management applied. */
export interface EffectivePom extends Gav {
    readonly dependencies: PomDependency[];
    readonly managed: PomDependency[];
}

export type PomLoader = (gav: Gav) => Promise<RawPom>;

function dependencyOf(el: XmlElement): PomDependency {
    const exclusions = (child(el, "exclusions")?.children ?? [])
        .filter((e) => e.name === "exclusion")
        .map((e) => `${childText(e, "groupId") ?? "*"}:${childText(e, "artifactId") ?? "*"}`);
    return {
        groupId: childText(el, "groupId") ?? "",
        artifactId: childText(el, "artifactId") ?? "",
        version: childText(el, "version"),
        scope: childText(el, "scope"),
        type: childText(el, "type"),
        classifier: childText(el, "classifier"),
        optional: childText(el, "optional") === "true",
        exclusions,
    };
}

const dependencies = (el: XmlElement | undefined): PomDependency[] =>
    (child(el, "dependencies")?.children ?? []).filter((d) => d.name === "dependency").map(dependencyOf);

/** Parse POM text. Throws when it is not XML or has no artifactId. */
export function parsePom(xml: string): RawPom {
    const project = parseXml(xml);
    const parentEl = child(project, "parent");
    const parent = parentEl && {
        groupId: childText(parentEl, "groupId") ?? "",
        artifactId: childText(parentEl, "artifactId") ?? "",
        version: childText(parentEl, "version") ?? "",
    };
    const properties: Record<string, string> = {};
    for (const p of child(project, "properties")?.children ?? []) properties[p.name] = p.text;
    const artifactId = childText(project, "artifactId");
    if (project.name !== "project" || !artifactId) throw new Error("not a Maven POM (no <project> with an <artifactId>)");
    return {
        groupId: childText(project, "groupId"),
        artifactId,
        version: childText(project, "version"),
        packaging: childText(project, "packaging"),
        parent,
        properties,
        managed: dependencies(child(project, "dependencyManagement")),
        dependencies: dependencies(project),
    };
}

/** Identity of a dependency for overriding and management: groupId:artifactId:type:classifier. */
export const managementKey = (d: Pick<PomDependency, "groupId" | "artifactId" | "type" | "classifier">): string =>
    `${d.groupId}:${d.artifactId}:${d.type ?? "jar"}:${d.classifier ?? ""}`;

/** Replace `${name}` from `props` (repeatedly, for properties that refer to properties); unknown ones stay. */
export function interpolate(text: string, props: Record<string, string>): string {
    let out = text;
    for (let round = 0; round < 10 && out.includes("${"); round++) {
        const next = out.replace(/\$\{([^}]+)\}/g, (whole, name: string) => props[name] ?? whole);
        if (next === out) break;
        out = next;
    }
    return out;
}

function interpolated(d: PomDependency, props: Record<string, string>): PomDependency {
    const v = (s: string | undefined) => (s === undefined ? undefined : interpolate(s, props));
    return {
        ...d,
        groupId: interpolate(d.groupId, props),
        artifactId: interpolate(d.artifactId, props),
        version: v(d.version),
        scope: v(d.scope),
        type: v(d.type),
        classifier: v(d.classifier),
        exclusions: d.exclusions.map((e) => interpolate(e, props)),
    };
}

/** Merge lists by management key, the earlier (child) list winning. */
function mergeByKey(lists: PomDependency[][]): PomDependency[] {
    const seen = new Map<string, PomDependency>();
    for (const list of lists) for (const d of list) if (!seen.has(managementKey(d))) seen.set(managementKey(d), d);
    return [...seen.values()];
}

/**
 * The effective POM of `gav`: walk the parent chain, merge properties, dependencies and
 * management (child wins), interpolate, expand `import`-scoped BOMs (depth-first, the first
 * declaration wins), then fill missing versions/scopes/exclusions of dependencies from management.
 */
export async function effectivePom(gav: Gav, load: PomLoader, seen: ReadonlySet<string> = new Set()): Promise<EffectivePom> {
    const chain: RawPom[] = [];
    for (let at: Gav | undefined = gav; at;) {
        const id = `${at.groupId}:${at.artifactId}:${at.version}`;
        if (chain.length > 20 || seen.has(id)) throw new Error(`${id}: cycle or too deep parent/BOM chain`);
        const pom = await load(at);
        chain.push(pom);
        at = pom.parent;
    }
    const props: Record<string, string> = {};
    for (const pom of [...chain].reverse()) Object.assign(props, pom.properties);
    const groupId = chain.map((p) => p.groupId ?? p.parent?.groupId).find(Boolean) ?? gav.groupId;
    const version = chain.map((p) => p.version ?? p.parent?.version).find(Boolean) ?? gav.version;
    Object.assign(props, {
        "project.groupId": groupId,
        "project.artifactId": gav.artifactId,
        "project.version": version,
        "pom.groupId": groupId,
        "pom.version": version,
        version,
        groupId,
    });
    if (chain[0].parent) Object.assign(props, { "project.parent.version": chain[0].parent.version, "project.parent.groupId": chain[0].parent.groupId });
    let managed = mergeByKey(chain.map((p) => p.managed.map((d) => interpolated(d, props))));
    const imports = managed.filter((d) => d.scope === "import" && d.type === "pom" && d.version);
    if (imports.length) {
        const own = managed.filter((d) => !imports.includes(d));
        const nested = new Set([...seen, `${gav.groupId}:${gav.artifactId}:${gav.version}`]);
        const boms = await Promise.all(
            imports.map((b) => effectivePom({ groupId: b.groupId, artifactId: b.artifactId, version: b.version ?? "" }, load, nested)),
        );
        managed = mergeByKey([own, ...boms.map((b) => b.managed)]);
    }
    const byKey = new Map(managed.map((m) => [managementKey(m), m]));
    const deps = mergeByKey(chain.map((p) => p.dependencies.map((d) => interpolated(d, props)))).map((d) => {
        const m = byKey.get(managementKey(d));
        if (!m) return d;
        return { ...d, version: d.version ?? m.version, scope: d.scope ?? m.scope, exclusions: [...d.exclusions, ...m.exclusions] };
    });
    return { groupId, artifactId: gav.artifactId, version, dependencies: deps, managed };
}
