/**
 * Maven repository access for cluster libraries: POMs and jars fetched once into
 * `<cache>/maven/<group path>/<artifact>/<version>/`, each verified against the repository's
 * `.sha1` (the verified digest is kept beside the file, so a cache hit costs no request).
 * Credentials travel as Basic auth only; every printed URL is without them.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { atomicWrite, displayUrl, download, fetchSha1, hashFile, type Net } from "../artifact";
import { DeployError } from "../errors";
import type { Gav } from "./pom";

/** A Maven repository: base URL and optional credentials (the password is a secret). */
export interface MavenRepository {
    readonly url: string;
    readonly username?: string;
    readonly password?: string;
}

/** Path of a file of `gav` inside a repository: `g/r/o/u/p/artifact/version/artifact-version[-classifier].ext`. */
export function repositoryPath(gav: Gav, ext: string, classifier?: string): string {
    return `${gav.groupId.replace(/\./g, "/")}/${gav.artifactId}/${gav.version}/${gav.artifactId}-${gav.version}${classifier ? `-${classifier}` : ""}.${ext}`;
}

/** The printable URL of a repository file (never with credentials). */
export function publicUrl(repo: MavenRepository, relative: string): string {
    return `${displayUrl(repo.url).replace(/\/+$/, "")}/${relative}`;
}

/** The URL actually requested: credentials as userinfo, which `open` turns into Basic auth for this origin only. */
function requestUrl(repo: MavenRepository, relative: string): string {
    const url = new URL(publicUrl(repo, relative));
    if (repo.username !== undefined) url.username = encodeURIComponent(repo.username);
    if (repo.password !== undefined) url.password = encodeURIComponent(repo.password);
    return url.toString();
}

/** A file fetched from the repository, with its verified sha1. */
export interface FetchedFile {
    readonly file: string;
    readonly sha1: string;
    /** Where it came from (no credentials). */
    readonly url: string;
}

/**
 * Fetch `relative` from the repository into the cache (or find it there), verified against the
 * repository's `.sha1`. A repository without a `.sha1` is refused: nothing would vouch for the file.
 */
export async function fetchVerified(repo: MavenRepository, relative: string, cacheDir: string, net: Net): Promise<FetchedFile> {
    const file = join(cacheDir, "maven", relative);
    const url = publicUrl(repo, relative);
    const known = (await readFile(`${file}.sha1`, "utf8").catch(() => "")).trim();
    if (
        /^[0-9a-f]{40}$/.test(known) &&
        (await stat(file).then(
            (s) => s.isFile(),
            () => false,
        )) &&
        (await hashFile(file, "sha1")) === known
    ) {
        return { file, sha1: known, url };
    }
    const sha1 = await fetchSha1(requestUrl(repo, relative), net, true);
    if (sha1 === undefined) {
        throw new DeployError(
            `${url}.sha1 is missing or not a sha1: the artifact is not in this repository, or the repository publishes no checksums`,
            "nothing: the cluster was not started or changed; check the coordinates and the repository, or use a { url, sha256 } library",
        );
    }
    await download(requestUrl(repo, relative), join(cacheDir, "maven"), { sha1 }, net, file);
    await atomicWrite(`${file}.sha1`, sha1);
    return { file, sha1, url };
}
