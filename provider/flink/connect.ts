import * as fs from "fs";
import type { Connection } from "../core/connection";
import { createFlinkClient, FlinkClient } from "./client";
import type { BaseUrlResolver } from "./route";

/**
 * Turns a connection that carries `kubernetes` into the resolver of its REST base URL (and routes
 * its SQL Gateway URL). Kubernetes access registers it when loaded (`k8s/endpoint.ts`; the provider
 * entry point loads it), so this REST client depends on nothing Kubernetes-specific.
 */
export type KubernetesRouter = (conn: Connection & { sqlGatewayUrl?: string }) => BaseUrlResolver | undefined;

let kubernetesRouter: KubernetesRouter | undefined;

/** Register how connections with `kubernetes` are reached (called once by `k8s/endpoint.ts`). */
export function setKubernetesRouter(router: KubernetesRouter): void {
    kubernetesRouter = router;
}

function routeOfConnection(conn: Connection): BaseUrlResolver | undefined {
    if (!conn.kubernetes) return undefined;
    // A programming error, not bad input: whoever builds clients for Kubernetes clusters loads k8s/endpoint.
    if (!kubernetesRouter) throw new Error(`${conn.restUrl} is on Kubernetes, but Kubernetes access (provider/k8s/endpoint) is not loaded in this process`);
    return kubernetesRouter(conn);
}

/**
 * A client for a cluster. With PULUMI_FLINK_REST_LOG set, every request (method and path, never
 * headers) is appended to that file: tests count REST calls made inside the provider host.
 */
export function connect(conn: Connection): FlinkClient {
    const log = process.env.PULUMI_FLINK_REST_LOG;
    const resolveBaseUrl = routeOfConnection(conn);
    return createFlinkClient({
        baseUrl: conn.restUrl,
        // Bound to this connection (not only the URL route): two Kubernetes clusters may share a service DNS name.
        ...(resolveBaseUrl ? { resolveBaseUrl } : {}),
        headers: conn.headers,
        ca: conn.caCert,
        cert: conn.clientCert,
        key: conn.clientKey,
        rejectUnauthorized: !conn.insecureSkipVerify,
        timeoutMs: conn.timeoutMs ?? 30_000,
        onRequest: log ? (method, path) => fs.appendFileSync(log, `${method} ${path}\n`) : undefined,
    });
}
