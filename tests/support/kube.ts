/**
 * A real Kubernetes API server for tests: etcd (Debian's etcd-server) and kube-apiserver
 * (built from the Go module proxy by scripts/kube-apiserver.sh), no kubelet, no controllers,
 * so nothing ever runs a pod: objects are stored and validated, statuses are whatever the test
 * writes. Plus the Flink Kubernetes Operator's published CRDs from Maven Central.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const KUBE_APISERVER_ENV = "PULUMI_FLINK_KUBE_APISERVER";

/** Path of kube-apiserver from the environment, or undefined (the tests then say they did not run). */
export function kubeApiserverBinary(): string | undefined {
    const bin = process.env[KUBE_APISERVER_ENV];
    return bin && fs.existsSync(bin) ? bin : undefined;
}

export interface RunningKube {
    url: string;
    token: string;
    kubeconfig(): string;
    /**
     * A raw JSON request. CRDs go through this, not client-node's typed API: its serializer maps
     * JSON names to TS names (enum -> _enum, x-kubernetes-* -> xKubernetes*) and silently drops
     * them from a plain YAML-parsed object, which would strip the CRD's validation.
     */
    request(method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: string }>;
    stop(): Promise<void>;
}

async function waitReady(url: string, token: string, child: ChildProcess, log: string): Promise<void> {
    const deadline = Date.now() + 90_000;
    // Node's fetch cannot skip verification per call; the serving cert is self-signed by the apiserver.
    const https = await import("node:https");
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`kube-apiserver exited with ${child.exitCode}: ${fs.readFileSync(log, "utf8").slice(-2000)}`);
        const ok = await new Promise<boolean>((resolve) => {
            https
                .get(`${url}/readyz`, { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false }, (res) => {
                    res.resume();
                    resolve(res.statusCode === 200);
                })
                .on("error", () => resolve(false));
        });
        if (ok) return;
        await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`kube-apiserver at ${url} not ready within 90 s: ${fs.readFileSync(log, "utf8").slice(-2000)}`);
}

/** Start etcd and kube-apiserver on ports base..base+2; `stop()` kills both and removes their data. */
export async function startKube(binary: string, base: number): Promise<RunningKube> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-kube-"));
    const token = `admin-${Math.random().toString(36).slice(2)}`;
    execFileSync("openssl", ["genrsa", "-out", path.join(dir, "sa.key"), "2048"], { stdio: "pipe" });
    execFileSync("openssl", ["rsa", "-in", path.join(dir, "sa.key"), "-pubout", "-out", path.join(dir, "sa.pub")], { stdio: "pipe" });
    fs.writeFileSync(path.join(dir, "tokens.csv"), `${token},admin,1,"system:masters"\n`);
    const etcdLog = fs.openSync(path.join(dir, "etcd.log"), "w");
    const etcd = spawn(
        "etcd",
        [
            "--data-dir",
            path.join(dir, "etcd"),
            "--listen-client-urls",
            `http://127.0.0.1:${base}`,
            "--advertise-client-urls",
            `http://127.0.0.1:${base}`,
            "--listen-peer-urls",
            `http://127.0.0.1:${base + 1}`,
            "--initial-advertise-peer-urls",
            `http://127.0.0.1:${base + 1}`,
            "--initial-cluster",
            `default=http://127.0.0.1:${base + 1}`,
        ],
        { stdio: ["ignore", etcdLog, etcdLog] },
    );
    const apiLogPath = path.join(dir, "apiserver.log");
    const apiLog = fs.openSync(apiLogPath, "w");
    const apiserver = spawn(
        binary,
        [
            `--etcd-servers=http://127.0.0.1:${base}`,
            `--secure-port=${base + 2}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            `--cert-dir=${path.join(dir, "certs")}`,
            "--service-account-issuer=https://kubernetes.default.svc",
            `--service-account-key-file=${path.join(dir, "sa.pub")}`,
            `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
            `--token-auth-file=${path.join(dir, "tokens.csv")}`,
            "--authorization-mode=RBAC",
            "--service-cluster-ip-range=10.96.0.0/24",
        ],
        { stdio: ["ignore", apiLog, apiLog] },
    );
    const url = `https://127.0.0.1:${base + 2}`;
    const stop = async () => {
        for (const child of [apiserver, etcd]) {
            if (child.exitCode === null) {
                const exited = new Promise((r) => child.once("exit", r));
                child.kill("SIGTERM");
                let timer: NodeJS.Timeout | undefined;
                await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
                clearTimeout(timer);
                if (child.exitCode === null) child.kill("SIGKILL");
            }
        }
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await waitReady(url, token, apiserver, apiLogPath);
    } catch (err) {
        await stop();
        throw err;
    }
    const ca = fs.readFileSync(path.join(dir, "certs", "apiserver.crt"));
    const https = await import("node:https");
    const request = (method: string, apiPath: string, body?: unknown) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
            const req = https.request(
                `${url}${apiPath}`,
                { method, ca, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" } },
                (res) => {
                    let text = "";
                    res.on("data", (c) => (text += c));
                    res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
                },
            );
            req.on("error", reject);
            req.end(body === undefined ? undefined : JSON.stringify(body));
        });
    return {
        url,
        token,
        stop,
        request,
        kubeconfig: () =>
            [
                "apiVersion: v1",
                "kind: Config",
                "current-context: real",
                "clusters:",
                "- name: real",
                `  cluster: {server: "${url}", certificate-authority-data: "${ca.toString("base64")}"}`,
                "contexts:",
                "- name: real",
                "  context: {cluster: real, user: admin}",
                "users:",
                "- name: admin",
                `  user: {token: "${token}"}`,
                "",
            ].join("\n"),
    };
}

/** The Operator's published CRD (YAML) from its API jar on Maven Central, cached. */
export function operatorCrd(file = "flinkdeployments.flink.apache.org-v1.yml", version = "1.10.0"): string {
    const cache = path.join(os.homedir(), ".cache", "pulumi-flink", "flink-operator", version);
    const jar = path.join(cache, `flink-kubernetes-operator-api-${version}.jar`);
    if (!fs.existsSync(jar)) {
        fs.mkdirSync(cache, { recursive: true });
        execFileSync("mvn", ["-q", "dependency:copy", `-Dartifact=org.apache.flink:flink-kubernetes-operator-api:${version}`, `-DoutputDirectory=${cache}`], {
            stdio: "pipe",
        });
    }
    return execFileSync("unzip", ["-p", jar, `META-INF/fabric8/${file}`], { maxBuffer: 64 * 1024 * 1024 }).toString("utf8");
}
