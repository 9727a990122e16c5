/**
 * Preview-time rules for a SQL job's `dependencies`: each is `ADD JAR`ed into the job's SQL
 * session. `uri` entries are passed to the gateway as written (it reads hdfs://, s3://, https://…
 * itself); `path`, `url` and `maven` entries are files of the deploying machine (downloaded there
 * first), which only a gateway on the same machine can read.
 */
import { InputFailure, invalid } from "../core/errors";
import { checkArtifact, redactUrl, type JarInput } from "../core/validate-artifact";

export type DependencyInput = JarInput & { readonly uri?: string };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\S+)$/;
const REMOTE_FIX =
    "declare it in the cluster's libraries (then no ADD JAR is needed), " +
    'or use { uri } with a location its SQL Gateway reads, e.g. "hdfs:///flink/jars/x.jar" or "s3://bucket/jars/x.jar"';

/**
 * Check `dependencies`. `gatewayLocal` says whether the cluster's SQL Gateway runs on the
 * deploying machine (undefined when not known: state from before the field existed).
 */
export function checkDependencies(
    deps: readonly DependencyInput[],
    gatewayLocal: boolean | undefined,
    isUnknown: (property: string) => boolean,
): InputFailure[] {
    const failures: InputFailure[] = [];
    deps.forEach((dep, i) => {
        const at = `dependencies[${i}]`;
        if (dep.uri !== undefined) {
            failures.push(...checkUri(dep, at, isUnknown));
            return;
        }
        const own = checkArtifact(dep, (p) => isUnknown(p.replace(/^jar/, at))).failures;
        failures.push(...own.map((f) => ({ property: f.property.replace(/^jar/, at), reason: f.reason.replace(/^jar/, at) })));
        if (gatewayLocal === false) {
            const source = dep.path !== undefined ? "path" : dep.url !== undefined ? "url" : "maven";
            const value = source === "url" ? redactUrl(dep.url ?? "") : dep[source];
            const what = source === "path" ? "is a file on the deploying machine" : "would be downloaded to the deploying machine";
            failures.push(invalid(`${at}.${source}`, value, `${what}, but the cluster's SQL Gateway runs elsewhere and cannot read it`, REMOTE_FIX));
        }
    });
    return failures;
}

function checkUri(dep: DependencyInput, at: string, isUnknown: (property: string) => boolean): InputFailure[] {
    const others = (["path", "url", "maven", "sha256", "mavenRepository"] as const).filter((k) => dep[k] !== undefined);
    if (others.length)
        return [
            invalid(
                at,
                { uri: redactUrl(dep.uri ?? ""), others },
                `sets uri and ${others.join(", ")}`,
                "a uri is passed to ADD JAR as written: remove the other fields",
            ),
        ];
    if (isUnknown(`${at}.uri`)) return [];
    const uri = dep.uri ?? "";
    const m = SCHEME.exec(uri);
    if (!m)
        return [invalid(`${at}.uri`, redactUrl(uri), "is not a URI (scheme://location)", 'use e.g. "hdfs:///flink/jars/x.jar" or "s3://bucket/jars/x.jar"')];
    if (/^[^/?#]*@/.test(m[2]))
        return [
            invalid(
                `${at}.uri`,
                redactUrl(uri),
                "contains credentials (user:password@), which would be stored in plain text",
                "configure the file system's credentials on the cluster (e.g. s3.access-key in its configuration), or use a pre-signed URL",
            ),
        ];
    return [];
}
