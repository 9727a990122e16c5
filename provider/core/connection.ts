/**
 * How the provider reaches a cluster: the SessionCluster's `connection` output, stored in state and
 * read by every job on that cluster. One definition for the SDK's output type, the REST client and
 * the Kubernetes access code, so none of them imports another to name it.
 */

/** Where the kubeconfig comes from; both optional. */
export interface KubeAccess {
    /** kubeconfig YAML text (not a path); secret. @default the host's default loading */
    kubeconfig?: string;
    /** Context to use. @default the kubeconfig's current-context */
    context?: string;
}

/** `Connection.kubernetes`: the Service behind the REST URL, and how to reach the API server. */
export interface KubernetesConnection extends KubeAccess {
    namespace: string;
    service: string;
    port: number;
    /** SQL Gateway Service, forwarded like the REST service when `sqlGatewayUrl` is a service name. */
    sqlGateway?: { service: string; port: number };
    /** "port-forward" forwards even inside Kubernetes. @default "auto" */
    mode?: "auto" | "port-forward";
}

/** How the provider reaches a cluster's REST API: URL, headers, TLS. */
export interface Connection {
    restUrl: string;
    headers?: Record<string, string>;
    caCert?: string;
    clientCert?: string;
    clientKey?: string;
    insecureSkipVerify?: boolean;
    timeoutMs?: number;
    /**
     * The cluster runs on Kubernetes: `restUrl` (and `sqlGatewayUrl`) may name Services that are
     * reached through a port-forward opened on demand in the provider host (see `provider/k8s/endpoint.ts`).
     */
    kubernetes?: KubernetesConnection;
}

/** How the provider reaches a cluster's REST API (URL, headers, TLS) and its SQL Gateway, if any. */
export type ClusterConnection = Connection & {
    timeoutMs: number;
    /** SQL Gateway REST URL, when the cluster has one (same headers and TLS options as `restUrl`). */
    sqlGatewayUrl?: string;
};
