/**
 * Which Kubernetes API to talk to: an explicit kubeconfig (YAML text, a secret input) and
 * context, else the provider host's default (KUBECONFIG, ~/.kube/config, or in-cluster).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { InputError, invalid } from "../errors";
import type { KubeAccess } from "../connection";
import { k8s } from "./client-node";

/** Load a `KubeConfig` for `access`; throws {@link InputError} naming the property and the fix. */
export function loadKubeConfig(access: KubeAccess = {}): KubeConfig {
    const kc = new (k8s().KubeConfig)();
    if (access.kubeconfig !== undefined && access.kubeconfig.trim() !== "") {
        try {
            kc.loadFromString(access.kubeconfig);
        } catch (err) {
            // Never quote the text: it carries credentials.
            const why = err instanceof Error ? err.message.split("\n")[0]!.slice(0, 120) : "unreadable";
            throw new InputError([
                invalid(
                    "kubeconfig",
                    "(secret)",
                    `is not a kubeconfig (${why})`,
                    'pass the YAML text of a kubeconfig file, e.g. fs.readFileSync(path, "utf8")',
                ),
            ]);
        }
    } else {
        kc.loadFromDefault();
    }
    if (access.context !== undefined && access.context !== "") {
        const names = kc.getContexts().map((c) => c.name);
        if (!names.includes(access.context)) {
            throw new InputError([
                invalid(
                    "context",
                    access.context,
                    "is not a context of the kubeconfig",
                    names.length ? `use one of ${names.map((n) => JSON.stringify(n)).join(", ")}` : "add the context to the kubeconfig",
                ),
            ]);
        }
        kc.setCurrentContext(access.context);
    }
    if (!kc.getCurrentCluster()) {
        const where = access.kubeconfig ? "the given kubeconfig" : "the default kubeconfig (KUBECONFIG, ~/.kube/config, in-cluster)";
        throw new InputError([
            invalid(
                "context",
                access.context ?? kc.getCurrentContext() ?? "",
                `selects no cluster in ${where}`,
                "set kubeconfig and context to a cluster's credentials",
            ),
        ]);
    }
    return kc;
}

/** A short, secret-free name of the API server a config points at (for messages). */
export function serverOf(kc: KubeConfig): string {
    const server = kc.getCurrentCluster()?.server ?? "(no server)";
    try {
        const url = new URL(server);
        return `${url.protocol}//${url.host}`;
    } catch {
        return server;
    }
}

/**
 * Whether any kubeconfig is at hand: given, in KUBECONFIG, in ~/.kube/config, or in-cluster.
 * (client-node otherwise falls back to http://localhost:8080, which must not be probed.)
 */
export function hasKubeAccess(access: KubeAccess, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
    if (access.kubeconfig && access.kubeconfig.trim()) return true;
    if (env.KUBECONFIG) return true;
    if (env.KUBERNETES_SERVICE_HOST) return true;
    const home = env.HOME ?? env.USERPROFILE;
    return Boolean(home && existsSync(join(home, ".kube", "config")));
}
