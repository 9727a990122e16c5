/**
 * Port-forwards opened on demand, like `kubectl port-forward svc/<service> :<port>`: a local
 * TCP listener on 127.0.0.1 whose every connection becomes one apiserver port-forward
 * WebSocket (client-node's `PortForward`) to a serving pod behind the Service.
 *
 * One listener per (kubeconfig, context, namespace, service, port) lives as long as the
 * provider host process; it is unref'd (never keeps the process alive) and closed on exit.
 * Reconnecting: the pod is resolved again after any forward failure (a JobManager that
 * restarted is a new pod), and a connection whose WebSocket cannot be opened is retried once
 * against the re-resolved pod before it is dropped.
 */
import * as net from "node:net";
import { Writable } from "node:stream";
import type { KubeConfig } from "@kubernetes/client-node";
import { hashOf } from "../core/hash";
import { k8s } from "../core/k8s/client-node";
import type { KubeAccess } from "../core/connection";
import { loadKubeConfig, serverOf } from "../core/k8s/kubeconfig";
import { ForwardTargetError, type PodPort, pickPodPort, selectorOf } from "./pods";

/** A Service port to reach. */
export interface ForwardTarget extends KubeAccess {
    namespace: string;
    service: string;
    port: number;
}

interface Forward {
    url: string;
    server: net.Server;
    sockets: Set<net.Socket>;
    sockets2ws: Set<{ close(): void }>;
    pod?: PodPort;
    lastError?: string;
    /** TCP connections forwarded so far (tests, diagnostics). */
    connections: number;
}

/** The part of a `ws` WebSocket used here (client-node returns one, typed loosely). */
interface WsLike {
    on(event: "close" | "error", listener: () => void): void;
    close(): void;
}

const forwards = new Map<string, Promise<Forward>>();
/** Forwards that are open, for the synchronous exit handler. */
const live = new Set<Forward>();
const LOOKUP_TIMEOUT_MS = 30_000;

/** Cache key: the same Service through the same credentials shares one listener. */
export function forwardKey(t: ForwardTarget): string {
    return `${t.namespace}/${t.service}:${t.port}@${t.context ?? ""}#${t.kubeconfig ? hashOf(t.kubeconfig) : "default"}`;
}

/** A local base URL (`http://127.0.0.1:<port>`) that reaches `target`; opened once, then reused. */
export async function forwardUrl(target: ForwardTarget): Promise<string> {
    const key = forwardKey(target);
    let pending = forwards.get(key);
    if (!pending) {
        pending = open(target);
        forwards.set(key, pending);
        // A failed open is not cached: the next request tries again (the pod may be starting).
        pending.catch(() => forwards.get(key) === pending && forwards.delete(key));
    }
    return (await pending).url;
}

/** Facts about an open forward (undefined if none): which pod it last used, how many connections. */
export async function forwardInfo(target: ForwardTarget): Promise<{ url: string; pod?: string; connections: number; lastError?: string } | undefined> {
    const f = await forwards.get(forwardKey(target))?.catch(() => undefined);
    return f && { url: f.url, pod: f.pod?.pod, connections: f.connections, lastError: f.lastError };
}

/** Close every listener and forwarded connection (process exit, tests). */
export async function closeAllForwards(): Promise<void> {
    const all = [...forwards.values()];
    forwards.clear();
    await Promise.all(
        all.map(async (p) => {
            const f = await p.catch(() => undefined);
            if (f) await closeForward(f);
        }),
    );
}

function closeForward(f: Forward): Promise<void> {
    live.delete(f);
    for (const ws of f.sockets2ws) ws.close();
    for (const s of f.sockets) s.destroy();
    return new Promise((resolve) => f.server.close(() => resolve()));
}

function withTimeout<T>(what: string, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ForwardTargetError(`${what} did not answer within ${LOOKUP_TIMEOUT_MS / 1000} s`, true)), LOOKUP_TIMEOUT_MS);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Turn a client-node ApiException into a one-line error saying whether a retry may help. */
function apiFailure(err: unknown, what: string, kc: KubeConfig): Error {
    if (err instanceof ForwardTargetError) return err;
    const code = (err as { code?: unknown }).code;
    const status = typeof code === "number" ? code : undefined;
    const reason =
        status === 404
            ? "not found"
            : status === 401 || status === 403
              ? `access denied (HTTP ${status}); the kubeconfig's user needs get on services and list on pods, and create on pods/portforward`
              : status
                ? `HTTP ${status}`
                : err instanceof Error
                  ? err.message.split("\n")[0]!.slice(0, 200)
                  : String(err);
    return new ForwardTargetError(`${what} via the Kubernetes API at ${serverOf(kc)}: ${reason}`, status === undefined || status === 404 || status >= 500);
}

async function resolvePod(kc: KubeConfig, t: ForwardTarget): Promise<PodPort> {
    const core = kc.makeApiClient(k8s().CoreV1Api);
    const where = `${t.namespace}/${t.service}`;
    const service = await withTimeout(`reading service ${where}`, core.readNamespacedService({ name: t.service, namespace: t.namespace })).catch((e) => {
        throw apiFailure(e, `reading service ${where}`, kc);
    });
    const labelSelector = selectorOf(service, where);
    const pods = await withTimeout(`listing pods of ${where}`, core.listNamespacedPod({ namespace: t.namespace, labelSelector })).catch((e) => {
        throw apiFailure(e, `listing pods of service ${where}`, kc);
    });
    return pickPodPort(service, pods.items, t.port, where);
}

async function open(t: ForwardTarget): Promise<Forward> {
    const kc = loadKubeConfig(t);
    const portForward = new (k8s().PortForward)(kc);
    const pod = await resolvePod(kc, t); // fail here, loudly, rather than on the first request
    const server = net.createServer();
    const f: Forward = { url: "", server, sockets: new Set(), sockets2ws: new Set(), pod, connections: 0 };

    async function forwardOne(socket: net.Socket): Promise<void> {
        f.connections++;
        f.sockets.add(socket);
        socket.on("close", () => f.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
        for (let attempt = 1; attempt <= 2 && !socket.destroyed; attempt++) {
            try {
                const target = f.pod ?? (f.pod = await resolvePod(kc, t));
                const output = new Writable({
                    write(chunk, _enc, done) {
                        if (!socket.destroyed) socket.write(chunk);
                        done();
                    },
                });
                const errors = new Writable({
                    write(chunk, _enc, done) {
                        // The kubelet reports e.g. "error forwarding port 8081 to pod …: connection refused".
                        const text = String(chunk).trim();
                        if (text) {
                            f.lastError = text;
                            f.pod = undefined;
                            socket.destroy();
                        }
                        done();
                    },
                });
                const ws = (await portForward.portForward(t.namespace, target.pod, [target.port], output, errors, socket)) as unknown as WsLike;
                f.sockets2ws.add(ws);
                ws.on("close", () => {
                    f.sockets2ws.delete(ws);
                    socket.end();
                });
                ws.on("error", () => socket.destroy());
                socket.on("close", () => ws.close());
                return;
            } catch (err) {
                f.lastError = err instanceof Error ? err.message : String(err);
                f.pod = undefined; // the pod may be gone: look again before the retry
            }
        }
        socket.destroy();
    }

    server.on("connection", (socket) => void forwardOne(socket));
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    server.unref();
    const address = server.address() as net.AddressInfo;
    f.url = `http://127.0.0.1:${address.port}`;
    live.add(f);
    return f;
}

// Listeners are unref'd; on exit drop whatever is still open so no socket outlives the host.
process.once("exit", () => {
    for (const f of live) void closeForward(f);
});
