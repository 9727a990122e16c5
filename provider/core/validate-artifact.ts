/**
 * Preview-time checks of a job's JAR spec (`jar` of `FlinkJob`): exactly one source, well-formed
 * URL / Maven coordinates, and for a local `path` an existing, readable JAR whose sha256 is
 * computed here so a rebuilt JAR shows up in the preview. Nothing is downloaded.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { InputFailure, invalid } from "./errors";
import { expandHome } from "./paths";

/** A JAR spec whose shape is already checked (strings where given). */
export interface JarInput {
    readonly path?: string;
    readonly url?: string;
    readonly maven?: string;
    readonly sha256?: string;
    readonly mavenRepository?: string;
}

/** The absolute file a `jar.path` names: `~/` expanded, relative paths against `cwd` (the Pulumi program's directory). */
export function resolveJarPath(p: string, cwd: string = process.cwd()): string {
    return path.resolve(cwd, expandHome(p));
}

/** A URL with its userinfo (`user:password@`) replaced by `***@`, safe to print; also for text that is not a valid URL. */
export function redactUrl(text: string): string {
    return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/).*@/s, "$1***@");
}

/** Job inputs as failures may quote them: no URL credentials (jar, cluster), no connection settings, no variables. */
export function redactInputs(inputs: Record<string, unknown>): Record<string, unknown> {
    const redact = (o: unknown, keys: string[]): unknown => {
        if (o === null || typeof o !== "object" || Array.isArray(o)) return o;
        const copy: Record<string, unknown> = { ...o };
        for (const k of keys) if (typeof copy[k] === "string") copy[k] = redactUrl(copy[k] as string);
        if ("connection" in copy) copy.connection = "(not shown)";
        return copy;
    };
    const hidden = inputs.variables === undefined ? {} : { variables: "(not shown)" }; // may hold secrets
    return { ...inputs, ...hidden, jar: redact(inputs.jar, ["url", "mavenRepository"]), cluster: redact(inputs.cluster, ["restUrl", "webUiUrl"]) };
}

/** sha256 (lowercase hex) of a file, read in chunks. */
export function fileSha256(file: string): string {
    const hash = createHash("sha256");
    const fd = fs.openSync(file, "r");
    const buf = Buffer.alloc(1 << 20);
    try {
        for (let n = fs.readSync(fd, buf, 0, buf.length, null); n > 0; n = fs.readSync(fd, buf, 0, buf.length, null)) hash.update(buf.subarray(0, n));
    } finally {
        fs.closeSync(fd);
    }
    return hash.digest("hex");
}

const SOURCES = ["path", "url", "maven"] as const;
const COORD_PART = /^[A-Za-z0-9_.-]+$/;
const PIN = 'pin an exact version such as "1.2.0": deployments must be reproducible';

/**
 * Check a JAR spec. `isUnknown(property)` says whether a value was not yet known at preview (it
 * then holds a stand-in and is not checked). Returns the local file's sha256 as `digest` when
 * `path` names a valid JAR.
 */
export function checkArtifact(jar: JarInput, isUnknown: (property: string) => boolean): { failures: InputFailure[]; digest?: string } {
    const failures: InputFailure[] = [];
    const given = SOURCES.filter((k) => jar[k] !== undefined);
    const shown = {
        ...jar,
        ...(jar.url === undefined ? {} : { url: redactUrl(jar.url) }),
        ...(jar.mavenRepository === undefined ? {} : { mavenRepository: redactUrl(jar.mavenRepository) }),
    };
    if (given.length === 0) {
        failures.push(invalid("jar", shown, "names no JAR: exactly one of path, url or maven is needed", 'set one, e.g. { path: "target/my-job.jar" }'));
    } else if (given.length > 1) {
        failures.push(
            invalid("jar", shown, `sets ${given.join(" and ")}, but exactly one of path, url or maven is allowed`, `keep only one of ${given.join(", ")}`),
        );
    }
    if (jar.mavenRepository !== undefined) {
        if (jar.maven === undefined)
            failures.push(
                invalid(
                    "jar.mavenRepository",
                    redactUrl(jar.mavenRepository),
                    "is only used with jar.maven",
                    "remove it, or give the JAR as maven coordinates",
                ),
            );
        else if (!isUnknown("jar.mavenRepository"))
            failures.push(
                ...checkHttpUrl("jar.mavenRepository", jar.mavenRepository, 'use the repository\'s base URL, e.g. "https://repo.maven.apache.org/maven2"'),
            );
    }
    if (jar.url !== undefined && !isUnknown("jar.url")) {
        const bad = checkHttpUrl("jar.url", jar.url, 'use e.g. "https://downloads.example.com/my-job-1.2.0.jar"');
        failures.push(...bad);
        if (bad.length === 0 && jar.sha256 === undefined && !/\.jar$/i.test(new URL(jar.url).pathname)) {
            failures.push(
                invalid(
                    "jar.url",
                    redactUrl(jar.url),
                    "does not end in .jar and has no sha256, so nothing says it serves a JAR",
                    "set jar.sha256 to the JAR's digest, or use a URL whose path ends in .jar",
                ),
            );
        }
    }
    if (jar.maven !== undefined && !isUnknown("jar.maven")) failures.push(...checkMaven(jar.maven));
    if (jar.path === undefined || isUnknown("jar.path")) return { failures };
    const local = checkLocalJar(jar.path);
    if ("failure" in local) return { failures: [...failures, local.failure] };
    if (jar.sha256 !== undefined && !isUnknown("jar.sha256") && jar.sha256.toLowerCase() !== local.digest) {
        failures.push(
            invalid(
                "jar.sha256",
                jar.sha256,
                `does not match the file at jar.path, whose sha256 is ${local.digest}`,
                `set sha256 to "${local.digest}", or remove it (a local JAR's digest is computed at preview)`,
            ),
        );
    }
    return { failures, digest: local.digest };
}

/** http(s), parseable, and no credentials (they would be stored in plain text in the Pulumi state). */
function checkHttpUrl(property: string, text: string, example: string): InputFailure[] {
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        return [invalid(property, redactUrl(text), "is not a valid URL", example)];
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return [invalid(property, redactUrl(text), "must be an http or https URL", example)];
    if (url.username !== "" || url.password !== "") {
        const fix =
            property === "jar.url"
                ? "use a pre-signed or public URL (authenticated Maven repositories are planned)"
                : "use a repository that needs no credentials, or a jar.url that is pre-signed (authenticated repositories are planned)";
        return [invalid(property, redactUrl(text), "contains credentials (user:password@), which would be stored in plain text in the Pulumi state", fix)];
    }
    return [];
}

function checkMaven(coords: string): InputFailure[] {
    const parts = coords.split(":");
    const version = parts[2] ?? "";
    if ((parts.length === 3 || parts.length === 4) && (/^(LATEST|RELEASE)$/i.test(version) || /[[\](),]/.test(version))) {
        return [invalid("jar.maven", coords, `has the floating version ${JSON.stringify(version)}`, PIN)];
    }
    if ((parts.length !== 3 && parts.length !== 4) || !parts.every((p) => COORD_PART.test(p))) {
        return [
            invalid(
                "jar.maven",
                coords,
                "is not Maven coordinates group:artifact:version[:classifier] (letters, digits, '_', '.', '-')",
                'write e.g. "com.example:my-job:1.2.0" or "com.example:my-job:1.2.0:all"',
            ),
        ];
    }
    return [];
}

/** An existing, readable regular file ending in .jar that looks like a zip archive, and its sha256. */
function checkLocalJar(given: string): { digest: string } | { failure: InputFailure } {
    const file = resolveJarPath(given);
    const fail = (problem: string, fix: string) => ({ failure: invalid("jar.path", given, problem, fix) });
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch {
        return fail(
            `does not exist (looked for ${file})`,
            "build the JAR first, or fix the path (relative paths are resolved against the Pulumi program's directory)",
        );
    }
    if (!stat.isFile()) return fail(`is not a regular file (${file})`, "point path at the job's .jar file, not a directory");
    if (!/\.jar$/i.test(file)) return fail("does not end in .jar", "point path at the job's .jar file (e.g. target/my-job-1.0.jar)");
    let magic: Buffer;
    try {
        fs.accessSync(file, fs.constants.R_OK);
        const fd = fs.openSync(file, "r");
        magic = Buffer.alloc(4);
        try {
            fs.readSync(fd, magic, 0, 4, 0);
        } finally {
            fs.closeSync(fd);
        }
    } catch (err) {
        return fail(`is not readable (${(err as NodeJS.ErrnoException).code ?? "error"})`, "fix the file's permissions for the user running pulumi");
    }
    if (magic.readUInt16BE(0) !== 0x504b)
        return fail("is not a JAR (not a zip archive)", "point path at the JAR your build produces (e.g. mvn package → target/*.jar)");
    return { digest: fileSha256(file) };
}
