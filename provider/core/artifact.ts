/**
 * A JAR from a `path`, `url` or `maven` spec as a local, digest-checked file (downloads cached by
 * sha256 under `<cacheDir>/artifacts/`). Shared by jobs (provider) and cluster libraries (also
 * resolved by the SDK at program time for Kubernetes), so it knows nothing of Flink's REST API;
 * the upload half is `job/upload.ts`.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { type Dispatcher, request } from "undici";
import { DeployError, InputError, invalid, messageOf } from "./errors";
import { type Progress, silent } from "./log";
import { defaultCacheDir, expandHome } from "./paths";

/** Where a JAR comes from: exactly one of `path`, `url`, `maven` (see `JarArtifact` in the SDK). */
export interface JarSpec {
    readonly path?: string;
    readonly url?: string;
    /** `group:artifact:version[:classifier]` */
    readonly maven?: string;
    /** Expected sha256 (hex). */
    readonly sha256?: string;
    readonly mavenRepository?: string;
}

/** A JAR on the local disk with its verified digest. */
export interface ResolvedArtifact {
    /** Absolute local path. */
    readonly file: string;
    /** sha256 of the content, lowercase hex. */
    readonly sha256: string;
    /** Original base name, e.g. `my-job-1.2.jar`. */
    readonly fileName: string;
    readonly source: "path" | "url" | "maven";
}

/** Options of {@link resolveArtifact}. */
export interface ResolveOptions {
    /** Cache root; downloads go to `<cacheDir>/artifacts/<sha256>.jar`. @default defaultCacheDir() ($PULUMI_FLINK_CACHE or ~/.cache/pulumi-flink) */
    readonly cacheDir?: string;
    /** Sink of progress lines ("downloading …", "downloaded N MB in S s", warnings). @default silent */
    readonly progress?: Progress;
    /** Longest silence, in ms, while waiting for response headers or body data. @default 60000 */
    readonly timeoutMs?: number;
    /** undici dispatcher for downloads (tests, proxies). @default undici's global dispatcher */
    readonly dispatcher?: Dispatcher;
}

export const DEFAULT_MAVEN_REPOSITORY = "https://repo.maven.apache.org/maven2";
const MAX_REDIRECTS = 5;
const DISCARDED = "nothing: the download was discarded, the cache is unchanged";

/** `scheme://host/path` of a URL: no userinfo, query or fragment (safe to print). */
export function displayUrl(url: string): string {
    try {
        const u = new URL(url);
        return `${u.protocol}//${u.host}${u.pathname}`;
    } catch {
        return scrub(url.split(/[?#]/)[0] ?? "");
    }
}

/** Remove userinfo and query strings of any URLs inside a text (e.g. an error message). */
function scrub(text: string): string {
    return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, "$1").replace(/(:\/\/[^\s?#]*)[?#][^\s]*/g, "$1");
}

/** Maven coordinates `group:artifact:version[:classifier]` → the JAR's URL in `repository`. */
export function mavenUrl(coords: string, repository: string = DEFAULT_MAVEN_REPOSITORY): string {
    const parts = coords.trim().split(":");
    if ((parts.length !== 3 && parts.length !== 4) || parts.some((p) => !/^[\w.+-]+$/.test(p))) {
        throw new InputError([
            invalid("jar.maven", coords, "is not group:artifact:version[:classifier]", 'write e.g. "org.apache.flink:flink-connector-datagen:1.20.3"'),
        ]);
    }
    const [group, artifact, version, classifier] = parts as [string, string, string, string | undefined];
    const file = `${artifact}-${version}${classifier ? `-${classifier}` : ""}.jar`;
    return `${repository.replace(/\/+$/, "")}/${group.replace(/\./g, "/")}/${artifact}/${version}/${file}`;
}

/** Resolve a JAR spec to a local file with a verified sha256, downloading (once) if needed. */
export async function resolveArtifact(spec: JarSpec, options: ResolveOptions = {}): Promise<ResolvedArtifact> {
    const given = (["path", "url", "maven"] as const).filter((k) => spec[k] !== undefined && spec[k] !== "");
    const source = given[0];
    if (source === undefined || given.length > 1) {
        throw new InputError([invalid("jar", given, "needs exactly one of path, url, maven", "set exactly one of them")]);
    }
    const want = spec.sha256?.trim().toLowerCase();
    if (want !== undefined && !/^[0-9a-f]{64}$/.test(want)) {
        throw new InputError([invalid("jar.sha256", spec.sha256, "is not 64 hex digits", "use the output of `sha256sum <jar>`")]);
    }
    const net: Net = { progress: options.progress ?? silent, timeoutMs: options.timeoutMs ?? 60_000, dispatcher: options.dispatcher };
    if (source === "path") {
        const file = resolve(process.cwd(), expandHome(spec.path ?? ""));
        const isFile = await stat(file).then(
            (s) => s.isFile(),
            () => false,
        );
        if (!isFile)
            throw new InputError([invalid("jar.path", spec.path, `${file} is not a readable file`, "check the path and that the build produced the JAR")]);
        const sha256 = await hashFile(file);
        if (want !== undefined && want !== sha256) {
            throw new DeployError(`jar.path ${file}: sha256 is ${sha256}, expected ${want}`, "nothing: the file is unchanged and was not uploaded");
        }
        return { file, sha256, fileName: basename(file), source };
    }

    const url = source === "url" ? (spec.url ?? "") : mavenUrl(spec.maven ?? "", spec.mavenRepository || DEFAULT_MAVEN_REPOSITORY);
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (parsed?.protocol !== "http:" && parsed?.protocol !== "https:") {
        throw new InputError([
            invalid(`jar.${source === "url" ? "url" : "mavenRepository"}`, displayUrl(url), "is not an http(s) URL", "use http:// or https://"),
        ]);
    }
    const fileName = fileNameOf(parsed);
    const art = join(options.cacheDir ?? defaultCacheDir(), "artifacts");
    const done = (file: string, sha256: string): ResolvedArtifact => ({ file, sha256, fileName, source });
    if (want !== undefined) {
        const hit = await cached(art, want);
        if (hit) return done(hit, want);
    }
    if (source === "url") {
        const got = await download(url, art, { sha256: want }, net);
        return done(got.file, got.sha256);
    }
    // Maven: verify against the repository's .sha1, and remember sha1 → sha256 so an unchanged
    // artifact costs one tiny request next time even without a sha256 in the spec.
    const sha1 = await fetchSha1(url, net);
    const index = sha1 === undefined ? undefined : join(art, "sha1", sha1);
    if (index !== undefined && want === undefined) {
        const known = (await readFile(index, "utf8").catch(() => "")).trim();
        const hit = /^[0-9a-f]{64}$/.test(known) ? await cached(art, known) : undefined;
        if (hit) return done(hit, known);
    }
    const got = await download(url, art, { sha256: want, sha1 }, net);
    if (index !== undefined) await atomicWrite(index, got.sha256);
    return done(got.file, got.sha256);
}

/** Network settings of one resolution (shared with the cluster libraries resolver). */
export type Net = Required<Pick<ResolveOptions, "progress" | "timeoutMs">> & Pick<ResolveOptions, "dispatcher">;

function decode(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}

/** Last path segment of a URL, decoded. */
const fileNameOf = (url: URL): string => basename(decode(url.pathname.split("/").pop() ?? "")) || "artifact.jar";

export async function hashFile(file: string, algorithm: "sha256" | "sha1" = "sha256"): Promise<string> {
    const hash = createHash(algorithm);
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest("hex");
}

/** The cached file of `sha256`, re-verified (a corrupt one is removed). */
async function cached(art: string, sha256: string): Promise<string | undefined> {
    const file = join(art, `${sha256}.jar`);
    const actual = await hashFile(file).catch(() => undefined);
    if (actual === sha256) return file;
    if (actual !== undefined) await rm(file, { force: true });
    return undefined;
}

export async function atomicWrite(file: string, text: string): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, file);
}

function failure(url: string, err: unknown, timeoutMs: number): DeployError {
    const code = String((err as { code?: unknown } | null)?.code ?? "");
    const text = scrub(messageOf(err).split("\n")[0] ?? "")
        .replace(/^(\w*Error: )+/, "")
        .slice(0, 200);
    const why = /^UND_ERR_(HEADERS|BODY)_TIMEOUT$/.test(code) ? `timed out (no data for ${timeoutMs} ms)` : text.includes(code) ? text : `${text} (${code})`;
    return new DeployError(`downloading ${displayUrl(url)} failed: ${why}`, DISCARDED, err);
}

/** GET with redirects followed (at most 5); userinfo becomes Basic auth, sent to the original origin only. */
export async function open(url: string, net: Net): Promise<Dispatcher.ResponseData> {
    const first = new URL(url);
    const user = first.username || first.password ? `${decode(first.username)}:${decode(first.password)}` : undefined;
    const auth = user === undefined ? undefined : `Basic ${Buffer.from(user).toString("base64")}`;
    let current = first;
    for (let hops = 0; ; hops++) {
        const headers: Record<string, string> = { "user-agent": "pulumi-flink" };
        if (auth !== undefined && current.origin === first.origin) headers.authorization = auth;
        const target = `${current.origin}${current.pathname}${current.search}`;
        const res = await request(target, {
            method: "GET",
            headers,
            dispatcher: net.dispatcher,
            headersTimeout: net.timeoutMs,
            bodyTimeout: net.timeoutMs,
        }).catch((err: unknown) => {
            throw failure(url, err, net.timeoutMs);
        });
        const location = res.headers.location;
        if (res.statusCode < 300 || res.statusCode >= 400 || location === undefined) return res;
        await res.body.dump();
        if (hops >= MAX_REDIRECTS) throw new DeployError(`downloading ${displayUrl(url)} failed: more than ${MAX_REDIRECTS} redirects`, DISCARDED);
        current = new URL(String(location), current);
        if (current.protocol !== "http:" && current.protocol !== "https:") {
            throw new DeployError(`downloading ${displayUrl(url)} failed: redirected to a non-http(s) URL`, DISCARDED);
        }
    }
}

export async function httpError(url: string, res: Dispatcher.ResponseData): Promise<DeployError> {
    await res.body.dump();
    const hint = /-SNAPSHOT\//.test(url) ? "; remote repositories store SNAPSHOTs under timestamped names: use a url" : "";
    return new DeployError(`downloading ${displayUrl(url)} failed: HTTP ${res.statusCode}${hint}`, DISCARDED);
}

/** The repository's sha1 of a JAR; undefined (with a warning unless `quiet`) when it has no `.sha1` file. */
export async function fetchSha1(url: string, net: Net, quiet = false): Promise<string | undefined> {
    const res = await open(`${url}.sha1`, net);
    if (res.statusCode === 404) {
        await res.body.dump();
        if (!quiet) net.progress(`warning: ${displayUrl(url)}.sha1 does not exist; the download is checked only against jar.sha256, if given`);
        return undefined;
    }
    if (res.statusCode < 200 || res.statusCode >= 300) throw await httpError(`${url}.sha1`, res);
    const text = await res.body.text().catch((err: unknown) => {
        throw failure(`${url}.sha1`, err, net.timeoutMs);
    });
    const sha1 = text.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
    if (/^[0-9a-f]{40}$/.test(sha1)) return sha1;
    net.progress(`warning: ${displayUrl(url)}.sha1 is not a sha1 digest; not checked`);
    return undefined;
}

/**
 * Download into the cache through a temp file + rename, so concurrent downloads never see a
 * partial file. The file lands at `dest`, or `<art>/<sha256>.jar` (content-addressed).
 */
export async function download(
    url: string,
    art: string,
    want: { sha256?: string; sha1?: string },
    net: Net,
    dest?: string,
): Promise<{ file: string; sha256: string }> {
    const shown = displayUrl(url);
    await mkdir(art, { recursive: true });
    net.progress(`downloading ${shown}`);
    const started = Date.now();
    const res = await open(url, net);
    if (res.statusCode < 200 || res.statusCode >= 300) throw await httpError(url, res);
    const tmp = join(art, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}.part`);
    const h256 = createHash("sha256");
    const h1 = createHash("sha1");
    let bytes = 0;
    const tee = async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
            h256.update(chunk);
            h1.update(chunk);
            bytes += chunk.length;
            yield chunk;
        }
    };
    try {
        await pipeline(res.body, tee, createWriteStream(tmp)).catch((err: unknown) => {
            throw failure(url, err, net.timeoutMs);
        });
        const sha256 = h256.digest("hex");
        const sha1 = h1.digest("hex");
        net.progress(`downloaded ${mb(bytes)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        if (want.sha1 !== undefined && want.sha1 !== sha1) {
            throw new DeployError(
                `${shown}: sha1 is ${sha1}, but the repository's .sha1 says ${want.sha1}; the download is corrupt or was tampered with`,
                DISCARDED,
            );
        }
        if (want.sha256 !== undefined && want.sha256 !== sha256) {
            throw new DeployError(`${shown}: sha256 is ${sha256}, expected ${want.sha256} (jar.sha256)`, DISCARDED);
        }
        const file = dest ?? join(art, `${sha256}.jar`);
        await mkdir(dirname(file), { recursive: true });
        await rename(tmp, file);
        return { file, sha256 };
    } finally {
        await rm(tmp, { force: true });
    }
}

/** A byte count in MiB for progress lines (two decimals below 0.1 MiB). */
export const mb = (bytes: number): string => (bytes / 1048576).toFixed(bytes < 104858 ? 2 : 1);
