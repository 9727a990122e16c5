/**
 * `libraries` and `mavenRepository` of a SessionCluster: shape (zod) and the preview-time rules
 * (coordinates, URLs, paths, duplicates, clashes with the home's own lib folder). Pure apart
 * from reading the file system for `path` entries and the home's lib listing.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { InputFailure, invalid } from "../errors";
import { redactUrl } from "../validate-artifact";

export const librarySchema = z
    .object({
        maven: z.string().min(1).optional(),
        url: z.string().min(1).optional(),
        path: z.string().min(1).optional(),
        sha256: z.string().optional(),
    })
    .strict();

export const mavenRepositorySchema = z
    .object({
        url: z.string().min(1),
        username: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
    })
    .strict();

export type Library = z.infer<typeof librarySchema>;
export type MavenRepositoryArgs = z.infer<typeof mavenRepositorySchema>;

/** Parsed `group:artifact:version[:classifier]`. */
export interface Coordinates {
    groupId: string;
    artifactId: string;
    version: string;
    classifier?: string;
}

const PART = /^[A-Za-z0-9_.-]+$/;

/** Parse Maven coordinates, or say what is wrong with them (problem, fix). */
export function parseCoordinates(text: string): Coordinates | { problem: string; fix: string } {
    const parts = text.trim().split(":");
    const example = 'write e.g. "org.apache.flink:flink-connector-jdbc-postgres:4.0.0-2.0"';
    if (parts.length === 2 && parts.every((p) => PART.test(p))) return { problem: "has no version", fix: `pin one: "${text}:<version>"` };
    if ((parts.length !== 3 && parts.length !== 4) || !parts.every((p) => PART.test(p) || /^[[(].*[\])]$/.test(p))) {
        return { problem: "is not Maven coordinates group:artifact:version[:classifier] (letters, digits, '_', '.', '-')", fix: example };
    }
    const [groupId, artifactId, version, classifier] = parts as [string, string, string, string | undefined];
    if (/^(LATEST|RELEASE)$/i.test(version) || /[[\](),]/.test(version) || /-SNAPSHOT$/i.test(version)) {
        return {
            problem: `has the floating version ${JSON.stringify(version)}`,
            fix: 'pin an exact release such as "4.0.0-2.0": a cluster must start with the same jars every time',
        };
    }
    return { groupId, artifactId, version, ...(classifier ? { classifier } : {}) };
}

/** The jar file name a library gets in the cluster's lib folder. */
export function libraryFileName(lib: Library): string | undefined {
    if (lib.maven) {
        const c = parseCoordinates(lib.maven);
        return "problem" in c ? undefined : `${c.artifactId}-${c.version}${c.classifier ? `-${c.classifier}` : ""}.jar`;
    }
    const from = lib.url ? (URL.canParse(lib.url) ? decodeURIComponent(new URL(lib.url).pathname) : "") : (lib.path ?? "");
    return path.posix.basename(from) || undefined;
}

/** The home lib jar holding `artifactId` (file `<artifactId>-<digit>….jar`), if any. */
export function homeJarOf(homeJars: readonly string[], artifactId: string): string | undefined {
    return homeJars.find((f) => f.startsWith(`${artifactId}-`) && /^\d/.test(f.slice(artifactId.length + 1)) && f.endsWith(".jar"));
}

/** Jar files in `<home>/lib` ([] when it cannot be read: the home is checked elsewhere). */
export function homeLibJars(homePath: string): string[] {
    try {
        return fs.readdirSync(path.join(homePath, "lib")).filter((f) => f.endsWith(".jar"));
    } catch {
        return [];
    }
}

const HTTP_EXAMPLE = 'use e.g. "https://repo.example.com/maven2"';

/** The repository: http(s), no credentials inline (they belong in username/password), a password only with a username. */
export function checkRepository(repo: MavenRepositoryArgs | undefined): InputFailure[] {
    if (!repo) return [];
    const failures: InputFailure[] = [];
    const shown = redactUrl(repo.url);
    if (!URL.canParse(repo.url)) return [invalid("mavenRepository.url", shown, "is not a valid URL", HTTP_EXAMPLE)];
    const url = new URL(repo.url);
    if (url.protocol !== "http:" && url.protocol !== "https:")
        failures.push(
            invalid(
                "mavenRepository.url",
                shown,
                `has the scheme ${url.protocol.replace(/:$/, "")}, but only http and https repositories are supported`,
                HTTP_EXAMPLE,
            ),
        );
    if (url.username || url.password)
        failures.push(
            invalid(
                "mavenRepository.url",
                shown,
                "contains credentials (user:password@), which would be stored in plain text and printed",
                "remove them from the URL and set mavenRepository.username and mavenRepository.password (a secret)",
            ),
        );
    if (url.search || url.hash) failures.push(invalid("mavenRepository.url", shown, "has a query or fragment", "use the repository's base URL"));
    if (repo.password !== undefined && repo.username === undefined)
        failures.push(invalid("mavenRepository.username", undefined, "is missing while a password is set", "set the repository's user name too"));
    return failures;
}

/** One entry's own rules: exactly one source, then that source's form. */
function checkEntry(lib: Library, at: string, kubernetes: boolean): InputFailure[] {
    const given = (["maven", "url", "path"] as const).filter((k) => lib[k] !== undefined);
    const shown = { ...lib, ...(lib.url ? { url: redactUrl(lib.url) } : {}) };
    if (given.length !== 1)
        return [
            invalid(
                at,
                shown,
                given.length ? `sets ${given.join(" and ")}, but exactly one is allowed` : "names no jar",
                'use one of { maven: "g:a:v" }, { url: "https://…/x.jar", sha256 } or { path: "/abs/x.jar" }',
            ),
        ];
    const failures: InputFailure[] = [];
    if (lib.sha256 !== undefined) {
        if (lib.maven !== undefined)
            failures.push(
                invalid(
                    `${at}.sha256`,
                    lib.sha256,
                    "is not used with maven (the repository's .sha1 verifies each jar)",
                    "remove it, or use a { url, sha256 } entry",
                ),
            );
        else if (!/^[0-9a-f]{64}$/i.test(lib.sha256))
            failures.push(invalid(`${at}.sha256`, lib.sha256, "is not 64 hex digits (a sha256 digest)", "use the output of `sha256sum <jar>`"));
    }
    if (lib.maven !== undefined) {
        const c = parseCoordinates(lib.maven);
        if ("problem" in c) failures.push(invalid(`${at}.maven`, lib.maven, c.problem, c.fix));
    }
    if (lib.url !== undefined) {
        const u = URL.canParse(lib.url) ? new URL(lib.url) : undefined;
        if (!u || (u.protocol !== "http:" && u.protocol !== "https:"))
            failures.push(invalid(`${at}.url`, redactUrl(lib.url), "is not an http(s) URL", 'use e.g. "https://downloads.example.com/my-udfs-1.0.jar"'));
        else if (u.username || u.password)
            failures.push(
                invalid(
                    `${at}.url`,
                    redactUrl(lib.url),
                    "contains credentials (user:password@), which would be stored in plain text",
                    "use a pre-signed or public URL, or a maven entry with mavenRepository credentials",
                ),
            );
        else if (!/\.jar$/i.test(u.pathname))
            failures.push(invalid(`${at}.url`, redactUrl(lib.url), "does not end in .jar", "use the URL of the .jar file itself"));
    }
    if (lib.path !== undefined) failures.push(...checkPath(lib.path, `${at}.path`, kubernetes));
    return failures;
}

function checkPath(p: string, at: string, kubernetes: boolean): InputFailure[] {
    if (kubernetes)
        return [
            invalid(
                at,
                p,
                "is a file on the deploying machine, which the cluster's pods cannot read",
                "publish the jar to a Maven repository or an http(s) URL and declare it as { maven } or { url, sha256 }",
            ),
        ];
    if (!path.isAbsolute(p))
        return [invalid(at, p, "is a relative path (the cluster would depend on where pulumi runs)", `use an absolute path, e.g. "${path.resolve(p)}"`)];
    const isFile = fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
    if (!isFile) return [invalid(at, p, "does not exist or is not a file", "build the jar first, or fix the path")];
    if (!p.endsWith(".jar")) return [invalid(at, p, "does not end in .jar", "point it at a .jar file")];
    return [];
}

/**
 * Check a cluster's libraries. `homeJars` are the jars of the home's lib folder (empty when not
 * known); a library that is already there, in any version, would put two copies on the classpath.
 */
export function checkLibraries(
    libs: readonly Library[],
    repo: MavenRepositoryArgs | undefined,
    homeJars: readonly string[],
    kubernetes = false,
): InputFailure[] {
    const failures = checkRepository(repo);
    if (repo && !libs.length)
        failures.push(
            invalid(
                "mavenRepository",
                redactUrl(repo.url),
                "is set but there are no libraries to resolve from it",
                'remove it, or declare libraries: [{ maven: "g:a:v" }]',
            ),
        );
    const seen = new Map<string, number>();
    libs.forEach((lib, i) => {
        const at = `libraries[${i}]`;
        const own = checkEntry(lib, at, kubernetes);
        failures.push(...own);
        if (own.length) return;
        const c = lib.maven ? (parseCoordinates(lib.maven) as Coordinates) : undefined;
        const file = libraryFileName(lib) ?? "";
        const key = c ? `${c.groupId}:${c.artifactId}${c.classifier ? `:${c.classifier}` : ""}` : file;
        const twin = seen.get(key) ?? seen.get(file);
        if (twin !== undefined)
            failures.push(invalid(at, lib.maven ?? file, `declares the same artifact as libraries[${twin}]`, "keep one entry per artifact (one version)"));
        seen.set(key, i);
        seen.set(file, i);
        const inHome = homeJars.includes(file) ? file : c ? homeJarOf(homeJars, c.artifactId) : undefined;
        if (inHome === file)
            failures.push(
                invalid(
                    at,
                    lib.maven ?? file,
                    `is already in the home's lib folder (${inHome})`,
                    "remove it from libraries: every cluster of this home has it",
                ),
            );
        else if (inHome)
            failures.push(
                invalid(
                    at,
                    lib.maven ?? file,
                    `conflicts with ${inHome} in the home's lib folder (same artifact, another version)`,
                    "use the version of the home, or a home without that jar: two versions on one classpath fail at run time",
                ),
            );
    });
    return failures;
}
