/**
 * A stand-in for the Kubernetes API server, for tests on a machine without Kubernetes. It
 * speaks the parts of the real API the provider uses, with the real wire formats:
 *
 * - `GET /api/v1/namespaces/:ns/services/:name`, `GET /api/v1/namespaces/:ns/pods?labelSelector=`
 *   and `GET /apis/<group>/<version>/namespaces/:ns/<plural>/:name` (objects the test sets);
 *   unknown objects get a 404 `Status` like the apiserver's.
 * - Pod port-forward over WebSocket, subprotocol `v4.channel.k8s.io` as the kubelet serves it
 *   (pkg/kubelet/cri/streaming/portforward/websocket.go): per requested port a data channel
 *   (2n) and an error channel (2n+1); every binary frame starts with its channel byte; the
 *   server first writes the port as uint16 little-endian on both channels; client frames carry
 *   raw bytes for the data channel; a failure to reach the pod port is written as text on the
 *   error channel ("error forwarding port P to pod N, uid U: …") and the connection closes.
 *   Here the "pod port" is a real local TCP address the test maps it to (e.g. a real Flink).
 * - Bearer-token authentication on every request (401 otherwise), so credentials from the
 *   kubeconfig must really be applied, to REST calls and to the WebSocket alike.
 * - HTTPS with a fresh self-signed certificate for 127.0.0.1 whose PEM goes into the
 *   kubeconfig as `certificate-authority-data`, like a real cluster's CA (client-node refuses
 *   a bearer token over plain HTTP).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Duplex } from "node:stream";

// `ws` comes with @kubernetes/client-node (its WebSocket client); no types are installed.

const { WebSocketServer } = require("ws") as { WebSocketServer: new (o: Record<string, unknown>) => WsServer };

interface WsSocket {
    protocol: string;
    readyState: number;
    send(data: Buffer | string): void;
    close(code?: number, reason?: string): void;
    on(event: "message", l: (data: Buffer, isBinary: boolean) => void): void;
    on(event: "close" | "error", l: () => void): void;
}
interface WsServer {
    handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, cb: (ws: WsSocket) => void): void;
    close(): void;
}

export type Json = Record<string, unknown>;

export interface StandInOptions {
    /** Port to listen on (127.0.0.1). */
    port: number;
    /** Bearer token every request must carry. */
    token: string;
}

export class ApiServerStandIn {
    /** Every request: `METHOD path?query`, and `WS path?query` for upgrades. */
    readonly requests: string[] = [];
    /** Bodies of PATCH requests, with their path and Content-Type; answered with the object as served. */
    readonly patches: { path: string; contentType: string; body: Json }[] = [];
    /** Answer PATCH requests with this status code (e.g. 403) instead of the object. */
    patchStatus = 200;
    /** Port-forward WebSockets opened so far. */
    forwardsOpened = 0;
    /** Bytes the clients sent to pods through port-forwards (data channels). */
    bytesToPods = 0;
    private readonly objects = new Map<string, Json>();
    /** Objects that change on every GET (recorded status sequences); the last one sticks. */
    private readonly sequences = new Map<string, Json[]>();
    private readonly pods = new Map<string, Json[]>();
    /** `ns/pod:port` → local TCP address the pod port stands for. */
    private readonly podPorts = new Map<string, { host: string; port: number }>();
    private readonly server: https.Server;
    private readonly ca: string;
    private readonly wss: WsServer;
    private readonly sockets = new Set<WsSocket>();

    constructor(private readonly opts: StandInOptions) {
        this.wss = new WebSocketServer({
            noServer: true,
            // The kubelet's port-forward handler accepts "", v4.channel.k8s.io and v4.base64.channel.k8s.io.
            handleProtocols: (offered: Set<string>) => (offered.has("v4.channel.k8s.io") ? "v4.channel.k8s.io" : false),
        });
        const { cert, key } = selfSigned();
        this.ca = cert;
        this.server = https.createServer({ cert, key }, (req, res) => this.handle(req, res));
        this.server.on("upgrade", (req, socket, head) => this.upgrade(req, socket, head));
    }

    get url(): string {
        return `https://127.0.0.1:${this.opts.port}`;
    }

    async start(): Promise<this> {
        await new Promise<void>((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(this.opts.port, "127.0.0.1", () => resolve());
        });
        return this;
    }

    async close(): Promise<void> {
        for (const s of this.sockets) s.close();
        this.wss.close();
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    /** A kubeconfig (YAML) for this server with the right token, context `standin`. */
    kubeconfig(token = this.opts.token): string {
        return [
            "apiVersion: v1",
            "kind: Config",
            "current-context: standin",
            "clusters:",
            `- name: standin`,
            `  cluster: {server: "${this.url}", certificate-authority-data: "${Buffer.from(this.ca).toString("base64")}"}`,
            "contexts:",
            "- name: standin",
            "  context: {cluster: standin, user: tester}",
            "users:",
            "- name: tester",
            `  user: {token: "${token}"}`,
            "",
        ].join("\n");
    }

    /** Put (or replace) an object at its API path, e.g. `/api/v1/namespaces/ns/services/x`. */
    setObject(path: string, object: Json): void {
        this.objects.set(path, object);
    }

    deleteObject(path: string): void {
        this.objects.delete(path);
        this.sequences.delete(path);
    }

    /** Serve `objects` at `path` one per GET, in order, then keep serving the last. */
    setSequence(path: string, objects: Json[]): void {
        this.objects.delete(path);
        this.sequences.set(path, [...objects]);
    }

    /** Set the pods of a namespace (list responses filter them by labelSelector). */
    setPods(namespace: string, pods: Json[]): void {
        this.pods.set(namespace, pods);
    }

    /** Make `pod:port` forward to a real local TCP address. */
    mapPodPort(namespace: string, pod: string, port: number, to: { host: string; port: number }): void {
        this.podPorts.set(`${namespace}/${pod}:${port}`, to);
    }

    private authorized(req: http.IncomingMessage): boolean {
        return req.headers.authorization === `Bearer ${this.opts.token}`;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        this.requests.push(`${req.method} ${req.url}`);
        const send = (code: number, body: Json) => {
            res.writeHead(code, { "content-type": "application/json" });
            res.end(JSON.stringify(body));
        };
        const status = (code: number, reason: string, message: string) =>
            send(code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
        if (!this.authorized(req)) return status(401, "Unauthorized", "Unauthorized");
        const url = new URL(req.url ?? "/", this.url);
        if (req.method === "PATCH") return this.patch(req, url.pathname, send, status);
        if (req.method !== "GET") return status(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
        const list = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
        if (list) {
            const selector = url.searchParams.get("labelSelector") ?? "";
            const terms = selector
                .split(",")
                .filter(Boolean)
                .map((t) => t.split("=") as [string, string]);
            const items = (this.pods.get(list[1]!) ?? []).filter((p) => {
                const labels = ((p.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
                return terms.every(([k, v]) => labels[k] === v);
            });
            return send(200, { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items });
        }
        const sequence = this.sequences.get(url.pathname);
        const object = sequence ? (sequence.length > 1 ? sequence.shift() : sequence[0]) : this.objects.get(url.pathname);
        if (object) return send(200, object);
        const parts = url.pathname.split("/");
        return status(404, "NotFound", `${parts[parts.length - 2] ?? "object"} "${parts[parts.length - 1]}" not found`);
    }

    private patch(
        req: http.IncomingMessage,
        at: string,
        send: (code: number, body: Json) => void,
        status: (code: number, reason: string, message: string) => void,
    ): void {
        let text = "";
        req.on("data", (chunk: Buffer) => (text += chunk.toString()));
        req.on("end", () => {
            this.patches.push({ path: at, contentType: String(req.headers["content-type"] ?? ""), body: JSON.parse(text || "{}") as Json });
            if (this.patchStatus !== 200) return status(this.patchStatus, "Forbidden", `patch refused with ${this.patchStatus}`);
            const object = this.sequences.get(at)?.[0] ?? this.objects.get(at);
            if (!object) return status(404, "NotFound", `"${at}" not found`);
            send(200, object);
        });
    }

    private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
        this.requests.push(`WS ${req.url}`);
        const url = new URL(req.url ?? "/", this.url);
        const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
        if (!this.authorized(req) || !match) {
            socket.end(`HTTP/1.1 ${this.authorized(req) ? "404 Not Found" : "401 Unauthorized"}\r\nContent-Length: 0\r\n\r\n`);
            return;
        }
        const [, namespace, pod] = match as unknown as [string, string, string];
        const ports = url.searchParams
            .getAll("ports")
            .flatMap((p) => p.split(","))
            .map(Number);
        this.wss.handleUpgrade(req, socket, head, (ws) => this.forward(ws, namespace, pod, ports));
    }

    private forward(ws: WsSocket, namespace: string, pod: string, ports: number[]): void {
        this.forwardsOpened++;
        this.sockets.add(ws);
        ws.on("close", () => this.sockets.delete(ws));
        const frame = (channel: number, data: Buffer | string) => {
            if (ws.readyState === 1) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
        };
        const conns = ports.map((port, i) => {
            const portBytes = Buffer.alloc(2);
            portBytes.writeUInt16LE(port);
            frame(2 * i, portBytes);
            frame(2 * i + 1, portBytes);
            const to = this.podPorts.get(`${namespace}/${pod}:${port}`);
            const fail = (why: string) => {
                frame(2 * i + 1, `error forwarding port ${port} to pod ${pod}, uid : ${why}`);
                ws.close(1000);
            };
            if (!to) {
                fail(`failed to connect to localhost:${port} inside namespace "${namespace}": connection refused`);
                return undefined;
            }
            const tcp = net.connect(to.port, to.host);
            tcp.on("data", (chunk) => frame(2 * i, chunk));
            tcp.on("error", (err) => fail(err.message));
            tcp.on("end", () => ws.close(1000));
            return tcp;
        });
        ws.on("message", (data, isBinary) => {
            const buf = isBinary ? data : Buffer.from(String(data));
            if (buf.length < 1) return;
            const channel = buf[0]!;
            const tcp = channel % 2 === 0 ? conns[channel / 2] : undefined;
            if (tcp && !tcp.destroyed) {
                this.bytesToPods += buf.length - 1;
                tcp.write(buf.subarray(1));
            }
        });
        ws.on("close", () => conns.forEach((c) => c?.end()));
    }
}

/** A self-signed certificate for 127.0.0.1 (openssl, once per process). */
let pair: { cert: string; key: string } | undefined;
function selfSigned(): { cert: string; key: string } {
    if (pair) return pair;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-tls-"));
    try {
        execFileSync(
            "openssl",
            [
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=kube-apiserver-standin",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                path.join(dir, "key.pem"),
                "-out",
                path.join(dir, "cert.pem"),
            ],
            { stdio: "pipe" },
        );
        pair = { cert: fs.readFileSync(path.join(dir, "cert.pem"), "utf8"), key: fs.readFileSync(path.join(dir, "key.pem"), "utf8") };
        return pair;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** A Service with a selector and one port, as the Flink Operator creates `<name>-rest`. */
export function restService(namespace: string, name: string, port: number, selector: Record<string, string>, targetPort: number | string = port): Json {
    return {
        kind: "Service",
        apiVersion: "v1",
        metadata: { name, namespace, uid: `uid-${name}` },
        spec: { type: "ClusterIP", selector, ports: [{ name: "rest", protocol: "TCP", port, targetPort }] },
    };
}

/** A pod in a phase, Ready or not, with labels and a named container port. */
export function pod(
    namespace: string,
    name: string,
    labels: Record<string, string>,
    opts: { phase?: string; ready?: boolean; startTime?: string; containerPort?: number } = {},
): Json {
    const ready = opts.ready ?? true;
    return {
        kind: "Pod",
        apiVersion: "v1",
        metadata: { name, namespace, labels, uid: `uid-${name}` },
        spec: { containers: [{ name: "flink-main-container", image: "flink:2.3", ports: [{ name: "rest", containerPort: opts.containerPort ?? 8081 }] }] },
        status: {
            phase: opts.phase ?? "Running",
            startTime: opts.startTime ?? "2026-01-01T00:00:00Z",
            conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
        },
    };
}
