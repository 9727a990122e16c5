/**
 * Cluster libraries on Kubernetes: an init container fetches the list resolved on the deploying
 * machine (concrete URLs and digests) into an emptyDir, and each jar is mounted into the Flink
 * container's lib folder by name (subPath), so the image's own jars stay. Repository credentials
 * come from a Secret through environment variables, never from the rendered spec. Pure.
 */
import type { Manifest } from "./render/types";
import type { ResolvedLibrary } from "../libraries/resolve";

/** What a pod needs of one library: where to fetch it and how to check it. */
export type PodLibrary = Pick<ResolvedLibrary, "fileName" | "url" | "sha1" | "sha256">;

export interface PodLibraries {
    readonly libraries: readonly PodLibrary[];
    /** Secret with `username` and `password` keys for the repository, when it needs them. */
    readonly credentialsSecret?: string;
    /** Image of the init container: needs `sh`, `curl`, `sha1sum` and `sha256sum`. */
    readonly image: string;
}

const VOLUME = "pulumi-flink-libraries";
const FETCH_DIR = "/pulumi-flink-libraries";
const FLINK_LIB = "/opt/flink/lib";

const shellQuote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** The init container's script: fetch, verify, fail the pod on any mismatch (the Flink container never starts with a bad jar). */
export function fetchScript(libs: readonly PodLibrary[]): string {
    const lines = ["set -eu", `cd ${FETCH_DIR}`, 'auth=""', 'if [ -n "${REPO_USERNAME:-}" ]; then auth="--user ${REPO_USERNAME}:${REPO_PASSWORD:-}"; fi'];
    for (const lib of libs) {
        const file = shellQuote(lib.fileName);
        const [tool, digest] = lib.sha1 ? ["sha1sum", lib.sha1] : ["sha256sum", lib.sha256 ?? ""];
        lines.push(`echo "fetching ${lib.fileName}"`);
        lines.push(`curl -fsSL --retry 3 $auth -o ${file} ${shellQuote(lib.url ?? "")}`);
        lines.push(`echo "${digest}  ${lib.fileName}" | ${tool} -c -`);
    }
    return lines.join("\n");
}

function initContainer(p: PodLibraries): Record<string, unknown> {
    const secret = p.credentialsSecret;
    const env = secret
        ? ["username", "password"].map((key) => ({ name: `REPO_${key.toUpperCase()}`, valueFrom: { secretKeyRef: { name: secret, key } } }))
        : undefined;
    return {
        name: "fetch-libraries",
        image: p.image,
        command: ["sh", "-c", fetchScript(p.libraries)],
        ...(env ? { env } : {}),
        volumeMounts: [{ name: VOLUME, mountPath: FETCH_DIR }],
    };
}

/** One mount per jar into Flink's lib folder: the image's jars stay visible next to them. */
const libMounts = (p: PodLibraries) => p.libraries.map((l) => ({ name: VOLUME, mountPath: `${FLINK_LIB}/${l.fileName}`, subPath: l.fileName, readOnly: true }));

/**
 * A pod spec with the libraries added: the init container, the emptyDir and the mounts of the
 * container named `container` (created when absent, as the Operator's `flink-main-container`
 * is merged by name). User-given init containers, volumes and mounts are kept.
 */
export function withLibraries(podSpec: Record<string, unknown>, container: string, p: PodLibraries): Record<string, unknown> {
    if (!p.libraries.length) return podSpec;
    const containers = [...((podSpec.containers as Record<string, unknown>[] | undefined) ?? [])];
    const at = containers.findIndex((c) => c.name === container);
    const main = at >= 0 ? containers[at] : { name: container };
    const merged = { ...main, volumeMounts: [...((main.volumeMounts as unknown[] | undefined) ?? []), ...libMounts(p)] };
    if (at >= 0) containers[at] = merged;
    else containers.push(merged);
    return {
        ...podSpec,
        initContainers: [...((podSpec.initContainers as unknown[] | undefined) ?? []), initContainer(p)],
        volumes: [...((podSpec.volumes as unknown[] | undefined) ?? []), { name: VOLUME, emptyDir: {} }],
        containers,
    };
}

/** The Secret holding the repository's credentials (Pulumi keeps it encrypted; the pods read it as env). */
export function credentialsSecret(name: string, namespace: string, username: string, password: string): Manifest {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": "pulumi-flink" } },
        type: "Opaque",
        stringData: { username, password },
    };
}
