/** Reading FlinkDeployment objects through the Kubernetes API (client-node CustomObjectsApi). */
import { k8s } from "../core/k8s/client-node";
import type { KubeAccess } from "../core/connection";
import { loadKubeConfig } from "../core/k8s/kubeconfig";
import type { FlinkDeploymentObject } from "./lifecycle";

export const FLINK_GROUP = "flink.apache.org";
export const FLINK_VERSION = "v1beta1";

/** Thrown when the object does not exist (HTTP 404). */
export class NotFoundError extends Error {
    constructor(what: string) {
        super(`${what} not found`);
        this.name = "NotFoundError";
    }
}

/** GET the FlinkDeployment `namespace/name`. */
export async function readFlinkDeployment(access: KubeAccess, namespace: string, name: string): Promise<FlinkDeploymentObject> {
    const api = loadKubeConfig(access).makeApiClient(k8s().CustomObjectsApi);
    try {
        return (await api.getNamespacedCustomObject({
            group: FLINK_GROUP,
            version: FLINK_VERSION,
            namespace,
            plural: "flinkdeployments",
            name,
        })) as FlinkDeploymentObject;
    } catch (err) {
        if ((err as { code?: unknown }).code === 404) throw new NotFoundError(`FlinkDeployment ${namespace}/${name}`);
        throw err;
    }
}

/** Merge-patch the FlinkDeployment `namespace/name` with `body` (e.g. lifecycle.ts suspensionPatch). */
export async function patchFlinkDeployment(access: KubeAccess, namespace: string, name: string, body: Record<string, unknown>): Promise<void> {
    const client = k8s();
    const api = loadKubeConfig(access).makeApiClient(client.CustomObjectsApi);
    await api.patchNamespacedCustomObject(
        { group: FLINK_GROUP, version: FLINK_VERSION, namespace, plural: "flinkdeployments", name, body, fieldManager: "pulumi-flink" },
        client.setHeaderOptions("Content-Type", client.PatchStrategy.MergePatch),
    );
}

/**
 * The newest Warning events (and the Operator's Rollback events) of an object, one line each,
 * newest first: the Operator records why it rolled back as an event, not in `status.error`.
 */
export async function recentEvents(access: KubeAccess, namespace: string, name: string, kind = "FlinkDeployment", limit = 3): Promise<string[]> {
    const core = loadKubeConfig(access).makeApiClient(k8s().CoreV1Api);
    const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name},involvedObject.kind=${kind}` });
    const time = (e: (typeof list.items)[number]) => new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0).getTime();
    return list.items
        .filter((e) => e.involvedObject?.name === name && (e.type === "Warning" || e.reason === "Rollback"))
        .sort((a, b) => time(b) - time(a))
        .slice(0, limit)
        .map((e) => `${e.reason ?? "Event"}: ${(e.message ?? "").replace(/\s+/g, " ").trim()}`);
}

/**
 * Watch the FlinkDeployment `namespace/name` and call `onChange` on every event, so a waiter
 * can re-read at once instead of at its next poll. Best effort: when the watch cannot be
 * opened or ends, nothing is called and polling carries on. Returns a function that stops it.
 */
export function watchFlinkDeployment(access: KubeAccess, namespace: string, name: string, onChange: () => void): () => void {
    let stopped = false;
    let controller: AbortController | undefined;
    const open = () => {
        if (stopped) return;
        const kc = loadKubeConfig(access);
        const path = `/apis/${FLINK_GROUP}/${FLINK_VERSION}/namespaces/${namespace}/flinkdeployments`;
        new (k8s().Watch)(kc)
            .watch(
                path,
                { fieldSelector: `metadata.name=${name}` },
                () => onChange(),
                (err: unknown) => {
                    // Ended by the server (timeouts are normal): reopen unless stopped; an error means polling only.
                    if (!err && !stopped) setTimeout(open, 1_000).unref();
                },
            )
            .then((c) => {
                controller = c;
                if (stopped) c.abort();
            })
            .catch(() => undefined);
    };
    open();
    return () => {
        stopped = true;
        controller?.abort();
    };
}
