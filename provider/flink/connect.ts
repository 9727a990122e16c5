import * as fs from "fs";
import { type KubernetesConnection, resolveBaseUrl } from "../k8s/endpoint";
import { createFlinkClient, FlinkClient } from "./client";
import { setRoute } from "./route";

/** How the provider reaches a cluster (the SessionCluster's `connection` output). */
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
     * reached through a port-forward opened on demand in the provider host (see `k8s/endpoint.ts`).
     */
    kubernetes?: KubernetesConnection;
}

/**
 * Route a Kubernetes cluster's service URLs through {@link resolveBaseUrl}, so every REST and
 * SQL Gateway client built for these URLs in this process reaches the cluster however it must.
 */
export function routeKubernetes(conn: Connection & { sqlGatewayUrl?: string }): void {
    const k = conn.kubernetes;
    if (!k) return;
    setRoute(conn.restUrl, () => resolveBaseUrl(conn.restUrl, k, { service: k.service, port: k.port }));
    const gatewayUrl = conn.sqlGatewayUrl;
    const gateway = k.sqlGateway;
    if (gatewayUrl && gateway) setRoute(gatewayUrl, () => resolveBaseUrl(gatewayUrl, k, gateway));
}

/**
 * A client for a cluster. With PULUMI_FLINK_REST_LOG set, every request (method and path, never
 * headers) is appended to that file: tests count REST calls made inside the provider host.
 */
export function connect(conn: Connection): FlinkClient {
    const log = process.env.PULUMI_FLINK_REST_LOG;
    routeKubernetes(conn);
    const k = conn.kubernetes;
    return createFlinkClient({
        baseUrl: conn.restUrl,
        // Bound to this connection (not only the URL route): two Kubernetes clusters may share a service DNS name.
        ...(k ? { resolveBaseUrl: () => resolveBaseUrl(conn.restUrl, k, { service: k.service, port: k.port }) } : {}),
        headers: conn.headers,
        ca: conn.caCert,
        cert: conn.clientCert,
        key: conn.clientKey,
        rejectUnauthorized: !conn.insecureSkipVerify,
        timeoutMs: conn.timeoutMs ?? 30_000,
        onRequest: log ? (method, path) => fs.appendFileSync(log, `${method} ${path}\n`) : undefined,
    });
}
