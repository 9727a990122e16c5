/**
 * `distributionUrl`: a FlinkHome from an official binary release (flink-<v>-bin-scala_2.12.tgz)
 * or a company mirror of it, checked against `distributionSha512` before it is unpacked. The
 * download and unpacking are scripts/install-flink.sh's (`--url`, `--sha512`), so the test bed,
 * the quickstart and the provider share one way to make a home; this file holds the checks and
 * where the script caches it.
 */
import * as path from "path";
import { InputFailure, invalid } from "../core/errors";
import { containsUnknown } from "../core/unknown";
import { redactUrl } from "../core/validate-artifact";

/** The inputs this file checks. */
export interface DistributionInputs {
    path?: string;
    image?: string;
    distributionUrl?: string;
    distributionSha512?: string;
}

const SHA512_FIX = "copy the digest published next to the archive (its .sha512 file, 128 hex digits; `sha512sum <archive>` for your own)";

/** What is wrong with `distributionUrl` / `distributionSha512` (empty when they are not used). */
export function checkDistribution(args: DistributionInputs): InputFailure[] {
    const { distributionUrl: url, distributionSha512: sha512 } = args;
    if (url === undefined) {
        return sha512 === undefined ? [] : [invalid("distributionSha512", sha512, "is set without distributionUrl", "set distributionUrl too, or remove it")];
    }
    const failures: InputFailure[] = [];
    for (const other of ["path", "image"] as const) {
        if (args[other] !== undefined)
            failures.push(invalid("distributionUrl", redactUrl(url), `cannot be combined with ${other}`, `set either distributionUrl or ${other}`));
    }
    if (!containsUnknown(url)) failures.push(...checkUrl(url));
    if (sha512 === undefined) failures.push(invalid("distributionSha512", undefined, "is required with distributionUrl", SHA512_FIX));
    else if (!containsUnknown(sha512) && !/^[0-9a-fA-F]{128}$/.test(sha512.trim()))
        failures.push(invalid("distributionSha512", sha512, "is not a sha512 digest (128 hex digits)", SHA512_FIX));
    return failures;
}

function checkUrl(text: string): InputFailure[] {
    const example = 'use e.g. "https://archive.apache.org/dist/flink/flink-1.20.3/flink-1.20.3-bin-scala_2.12.tgz" or a file:/// path';
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        return [invalid("distributionUrl", redactUrl(text), "is not a valid URL", example)];
    }
    if (!["http:", "https:", "file:"].includes(url.protocol))
        return [invalid("distributionUrl", redactUrl(text), `has the scheme ${url.protocol.slice(0, -1)}, which cannot be downloaded`, example)];
    if (url.username !== "" || url.password !== "") {
        return [
            invalid(
                "distributionUrl",
                redactUrl(text),
                "contains credentials (user:password@), which would be stored in plain text in the Pulumi state",
                "use a mirror reachable without credentials, or download the archive and set path to its unpacked folder",
            ),
        ];
    }
    return [];
}

/** Where scripts/install-flink.sh keeps the home of an archive: keyed by its digest, which fixes its content. */
export function distributionHome(cacheDir: string, sha512: string): string {
    return path.join(cacheDir, "flink", `dist-${sha512.trim().toLowerCase().slice(0, 16)}`);
}
