/**
 * A real single-node Kubernetes for a test file: scripts/kube-up.sh (etcd, kube-apiserver,
 * controller-manager, scheduler, kubelet on containerd + runc, kube-proxy, cluster DNS) and the
 * real Flink Kubernetes Operator as a host process (scripts/kube-operator.sh), stopped by
 * scripts/kube-down.sh. scripts/test.sh builds and caches what they need first (binaries,
 * images, the Operator's jars, Pulumi's Kubernetes provider): started here it takes seconds.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

const run = promisify(execFile);
const SCRIPTS = path.join(__dirname, "..", "..", "scripts");

/** PULUMI_FLINK_KUBE_PROVIDER: the directory holding pulumi-resource-kubernetes (put on PATH). */
export function kubeProviderDir(): string {
    const dir = process.env.PULUMI_FLINK_KUBE_PROVIDER;
    if (!dir || !fs.existsSync(path.join(dir, "pulumi-resource-kubernetes"))) {
        throw new Error("PULUMI_FLINK_KUBE_PROVIDER is not set: run the tests through scripts/test.sh, which builds Pulumi's Kubernetes provider");
    }
    return dir;
}

export interface KubeNode {
    dir: string;
    kubeconfig: string;
    /** kubectl with this node's kubeconfig; resolves with stdout, rejects with stderr. */
    kubectl(args: string[]): Promise<string>;
    /** One object as JSON, or undefined when it does not exist. */
    get<T = Record<string, unknown>>(kind: string, name: string, namespace: string): Promise<T | undefined>;
    stop(): Promise<void>;
}

/** Start a node and the Operator on ports base..base+10; the Flink image of `flinkVersion` is imported. */
export async function startKubeNode(base: number, flinkVersion: string, operatorVersion = "1.7.0"): Promise<KubeNode> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-kube-node-"));
    const env = { ...process.env, KUBE_FLINK_VERSIONS: flinkVersion };
    const stop = async () => void (await run("bash", [path.join(SCRIPTS, "kube-down.sh"), dir], { env }).catch(() => undefined));
    try {
        await run("bash", [path.join(SCRIPTS, "kube-up.sh"), dir, String(base)], { env, maxBuffer: 1 << 24 });
        await run("bash", [path.join(SCRIPTS, "kube-operator.sh"), dir, String(base), operatorVersion], { env, maxBuffer: 1 << 24 });
    } catch (err) {
        const logs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".log")) : [];
        const tails = logs.map((f) => `--- ${f}\n${fs.readFileSync(path.join(dir, f), "utf8").split("\n").slice(-15).join("\n")}`);
        await stop();
        throw new Error(`the single-node Kubernetes did not start: ${(err as { stderr?: string }).stderr ?? String(err)}\n${tails.join("\n")}`, {
            cause: err,
        });
    }
    const kubeconfig = path.join(dir, "kubeconfig");
    const bin = (await run("bash", [path.join(SCRIPTS, "kube-node.sh")])).stdout.trim().split("\n").pop()!; // kubectl is built with the node
    const kubectl = async (args: string[]) => (await run(path.join(bin, "kubectl"), ["--kubeconfig", kubeconfig, ...args], { maxBuffer: 1 << 24 })).stdout;
    return {
        dir,
        kubeconfig,
        kubectl,
        async get<T>(kind: string, name: string, namespace: string) {
            try {
                return JSON.parse(await kubectl(["get", kind, name, "-n", namespace, "-o", "json"])) as T;
            } catch (err) {
                if (/NotFound/.test(String((err as { stderr?: string }).stderr))) return undefined;
                throw err;
            }
        },
        stop,
    };
}
