import * as fs from "fs";
import { createFlinkClient, FlinkClient } from "./client";

/** How the provider reaches a cluster (the SessionCluster's `connection` output). */
export interface Connection {
    restUrl: string;
    headers?: Record<string, string>;
    caCert?: string;
    clientCert?: string;
    clientKey?: string;
    insecureSkipVerify?: boolean;
    timeoutMs?: number;
}

/**
 * A client for a cluster. With PULUMI_FLINK_REST_LOG set, every request (method and path, never
 * headers) is appended to that file: tests count REST calls made inside the provider host.
 */
export function connect(conn: Connection): FlinkClient {
    const log = process.env.PULUMI_FLINK_REST_LOG;
    return createFlinkClient({
        baseUrl: conn.restUrl,
        headers: conn.headers,
        ca: conn.caCert,
        cert: conn.clientCert,
        key: conn.clientKey,
        rejectUnauthorized: !conn.insecureSkipVerify,
        timeoutMs: conn.timeoutMs ?? 30_000,
        onRequest: log ? (method, path) => fs.appendFileSync(log, `${method} ${path}\n`) : undefined,
    });
}
