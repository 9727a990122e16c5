/**
 * Resolve a cluster's `libraries` on the deploying machine to verified local jars: Maven
 * coordinates with their transitive dependencies (POMs from the repository, cached), `url`
 * entries downloaded and `path` entries read in place. Progress lines name every fetch.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { DeployError } from "../errors";
import { hashOf } from "../hash";
import { type Progress, silent } from "../log";
import { defaultCacheDir } from "../paths";
import { DEFAULT_MAVEN_REPOSITORY, resolveArtifact, type Net } from "../artifact";
import { fetchVerified, type MavenRepository, repositoryPath } from "./maven";
import { hasJar, resolveGraph } from "./mediate";
import { effectivePom, type Gav, parsePom, type RawPom } from "./pom";
import { homeJarOf, type Library, parseCoordinates } from "./schema";

/** One jar of the resolved list. */
export interface ResolvedLibrary {
    /** Name in the cluster's lib folder. */
    readonly fileName: string;
    /** The verified file on the deploying machine. */
    readonly file: string;
    /** Where a pod can fetch it (maven and url entries; no credentials). */
    readonly url?: string;
    /** Digest to verify a fetch with: the repository's sha1 (maven) or the declared/computed sha256 (url). */
    readonly sha1?: string;
    readonly sha256?: string;
    /** `g:a:v[:c]` of maven artifacts. */
    readonly coordinates?: string;
    /** How it was reached: the declared coordinates, then each dependency on the way. */
    readonly via: string[];
}

export interface ResolveLibrariesOptions {
    readonly repository?: MavenRepository;
    /** Jars of the home's lib folder: artifacts found there are not added a second time. @default [] */
    readonly homeJars?: readonly string[];
    /** @default defaultCacheDir() */
    readonly cacheDir?: string;
    /** @default silent */
    readonly progress?: Progress;
    readonly timeoutMs?: number;
}

/** A stable digest of a declared library list and repository URL (never the credentials): what `librariesHash` reports. */
export function librariesHash(libs: readonly Library[] | undefined, repository: { url: string } | undefined): string {
    if (!libs?.length) return "";
    return hashOf({ libraries: libs, repository: repository?.url ?? DEFAULT_MAVEN_REPOSITORY });
}

/** Resolve every library; the Maven ones together, so mediation sees the whole graph. */
export async function resolveLibraries(libs: readonly Library[], options: ResolveLibrariesOptions = {}): Promise<ResolvedLibrary[]> {
    const repo = options.repository ?? { url: DEFAULT_MAVEN_REPOSITORY };
    const cacheDir = options.cacheDir ?? defaultCacheDir();
    const progress = options.progress ?? silent;
    const net: Net = { progress, timeoutMs: options.timeoutMs ?? 60_000 };
    const out: ResolvedLibrary[] = [];
    for (const lib of libs.filter((l) => l.maven === undefined)) {
        const a = await resolveArtifact({ url: lib.url, path: lib.path, sha256: lib.sha256 }, { cacheDir, progress });
        out.push({ fileName: a.fileName, file: a.file, sha256: a.sha256, ...(lib.url ? { url: lib.url } : {}), via: [lib.url ?? lib.path ?? ""] });
    }
    const roots = libs
        .flatMap((l) => (l.maven ? [parseCoordinates(l.maven)] : []))
        .map((c) => {
            if ("problem" in c) throw new DeployError(`libraries: ${c.problem}`, "nothing: the cluster was not started or changed");
            return c;
        });
    if (!roots.length) return out;
    const raw = new Map<string, Promise<RawPom>>();
    const loadRaw = (gav: Gav): Promise<RawPom> => {
        const id = `${gav.groupId}:${gav.artifactId}:${gav.version}`;
        let p = raw.get(id);
        if (!p) {
            p = fetchVerified(repo, repositoryPath(gav, "pom"), cacheDir, net).then(async (f) => parsePom(await readFile(f.file, "utf8")));
            raw.set(id, p);
        }
        return p;
    };
    progress(`resolving ${roots.length} Maven librar${roots.length === 1 ? "y" : "ies"} with their dependencies`);
    const graph = await resolveGraph(roots, (gav) => effectivePom(gav, loadRaw)).catch((err: unknown) => {
        if (err instanceof DeployError) throw err;
        throw new DeployError(
            `resolving libraries failed: ${err instanceof Error ? err.message : String(err)}`,
            "nothing: the cluster was not started or changed",
        );
    });
    for (const c of graph.filter(hasJar)) {
        const coordinates = `${c.groupId}:${c.artifactId}:${c.version}${c.classifier ? `:${c.classifier}` : ""}`;
        const inHome = c.path.length > 0 ? homeJarOf(options.homeJars ?? [], c.artifactId) : undefined;
        if (inHome) {
            progress(`${coordinates} (needed by ${c.path[c.path.length - 1]}) is already in the home's lib as ${inHome}; not added`);
            continue;
        }
        const f = await fetchVerified(repo, repositoryPath(c, "jar", c.classifier), cacheDir, net);
        out.push({ fileName: basename(f.file), file: f.file, url: f.url, sha1: f.sha1, coordinates, via: [...c.path, coordinates] });
    }
    progress(`libraries: ${out.map((l) => l.fileName).join(", ")}`);
    return out;
}
