/**
 * How `pulumi up` reaches a cluster on Kubernetes. {@link chooseAccess} is the pure "auto"
 * rule of the Kubernetes target; {@link resolveBaseUrl} turns a `Connection` that carries
 * `kubernetes` into a base URL reachable from the provider host, opening a port-forward only
 * when the cluster's service name cannot resolve here.
 */
import type { Connection, KubernetesConnection } from "../core/connection";
import { InputError, invalid } from "../core/errors";
import { setKubernetesRouter } from "../flink/connect";
import { type BaseUrlResolver, setRoute } from "../flink/route";
import { forwardUrl } from "./portforward";

export type AccessMode = "auto" | "url" | "service" | "port-forward";

/** What the k8sCluster / k8sApplication inputs say about access. */
export interface AccessInputs {
    namespace: string;
    restService: string;
    restPort: number;
    access?: { mode?: AccessMode; url?: string };
}

/** The chosen way in; `url` is the stable REST URL recorded in state (never a local port). */
export type Access = { kind: "url"; url: string } | { kind: "service"; url: string } | { kind: "port-forward"; url: string };

/** The environment facts the choice depends on (`process.env` in the provider host). */
export type AccessEnv = Readonly<Record<string, string | undefined>>;

/** In-cluster DNS name of a Service port. */
export function serviceUrl(service: string, namespace: string, port: number): string {
    return `http://${service}.${namespace}.svc:${port}`;
}

/** Whether the provider host runs inside a Kubernetes pod (the kubelet sets this variable). */
export function inCluster(env: AccessEnv): boolean {
    return Boolean(env.KUBERNETES_SERVICE_HOST);
}

/** Whether a URL names a Service by its cluster-internal DNS name (`<svc>.<ns>.svc[.cluster.local]`). */
export function isClusterDns(url: string): boolean {
    try {
        return /\.svc(\.cluster\.local)?\.?$/i.test(new URL(url).hostname);
    } catch {
        return false;
    }
}

/**
 * "auto": `access.url` if given > the service's DNS name when the provider host runs inside
 * Kubernetes > a port-forward opened on demand. Explicit modes are taken as given.
 */
export function chooseAccess(inputs: AccessInputs, env: AccessEnv): Access {
    const mode = inputs.access?.mode ?? "auto";
    const url = inputs.access?.url;
    const dns = serviceUrl(inputs.restService, inputs.namespace, inputs.restPort);
    switch (mode) {
        case "url":
            if (!url)
                throw new InputError([
                    invalid(
                        "access.url",
                        url,
                        'is required when access.mode is "url"',
                        'set access.url to the ingress (or any) URL of the REST API, or use access.mode "auto"',
                    ),
                ]);
            return { kind: "url", url };
        case "service":
            return { kind: "service", url: dns };
        case "port-forward":
            return { kind: "port-forward", url: dns };
        default:
            if (url) return { kind: "url", url };
            return inCluster(env) ? { kind: "service", url: dns } : { kind: "port-forward", url: dns };
    }
}

/**
 * The base URL to use now for `url`, a URL of the Service `service:port` described by `k`:
 * the URL itself unless it is a cluster-internal name this host cannot resolve (outside
 * Kubernetes) or `k.mode` is "port-forward"; then a local port-forward URL.
 */
export async function resolveBaseUrl(
    url: string,
    k: KubernetesConnection,
    target: { service: string; port: number },
    env: AccessEnv = process.env,
): Promise<string> {
    const forward = k.mode === "port-forward" || (isClusterDns(url) && !inCluster(env));
    if (!forward) return url;
    return forwardUrl({ namespace: k.namespace, service: target.service, port: target.port, kubeconfig: k.kubeconfig, context: k.context });
}

/**
 * Route a Kubernetes cluster's service URLs through {@link resolveBaseUrl}, so every REST and
 * SQL Gateway client built for these URLs in this process reaches the cluster however it must.
 * Returns the REST URL's resolver bound to this connection (two Kubernetes clusters may share a
 * service DNS name, so a client must not rely on the URL route alone).
 */
export function routeKubernetes(conn: Connection & { sqlGatewayUrl?: string }): BaseUrlResolver | undefined {
    const k = conn.kubernetes;
    if (!k) return undefined;
    const rest = () => resolveBaseUrl(conn.restUrl, k, { service: k.service, port: k.port });
    setRoute(conn.restUrl, rest);
    const gatewayUrl = conn.sqlGatewayUrl;
    const gateway = k.sqlGateway;
    if (gatewayUrl && gateway) setRoute(gatewayUrl, () => resolveBaseUrl(gatewayUrl, k, gateway));
    return rest;
}

// The REST client asks this module how to reach a connection with `kubernetes` (dependency
// inversion: flink/ knows no Kubernetes code, so there is no folder cycle between flink/ and k8s/).
setKubernetesRouter(routeKubernetes);
