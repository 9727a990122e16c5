/**
 * Lazy access to `@kubernetes/client-node`. It is ESM-only (1.x) and large: Node ≥ 20.19 can
 * `require` it, but only the Kubernetes providers need it, so it is loaded on first use rather
 * than when the provider module is loaded for local or remote clusters.
 */
import type * as ClientNode from "@kubernetes/client-node";

export type K8s = typeof ClientNode;

let loaded: K8s | undefined;

export function k8s(): K8s {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded ??= require("@kubernetes/client-node") as K8s;
    return loaded;
}
