/**
 * Which pod backs a Service, and which of its ports a Service port targets: what
 * `kubectl port-forward svc/<name>` resolves before it forwards to a pod. Pure.
 */
import type { V1Pod, V1Service } from "@kubernetes/client-node";

/** A pod and container port to forward to. */
export interface PodPort {
    pod: string;
    port: number;
}

/** Thrown when the Service or its pods do not allow a forward (yet); `retryable` if it may pass later. */
export class ForwardTargetError extends Error {
    constructor(
        message: string,
        readonly retryable: boolean,
    ) {
        super(message);
        this.name = "ForwardTargetError";
    }
}

/** The label selector of a Service as a query string (`a=b,c=d`). */
export function selectorOf(service: V1Service, where: string): string {
    const selector = service.spec?.selector ?? {};
    const terms = Object.entries(selector)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`);
    if (!terms.length) throw new ForwardTargetError(`service ${where} has no pod selector, so no pod to forward to`, false);
    return terms.join(",");
}

/** Running, Ready and not being deleted: the pods a Service would send traffic to. */
export function isServing(pod: V1Pod): boolean {
    if (pod.metadata?.deletionTimestamp) return false;
    if (pod.status?.phase !== "Running") return false;
    return (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/**
 * The pod and container port behind `servicePort` of `service`: the newest serving pod (a
 * restarted JobManager replaces an old one), the Service's targetPort by number or by name.
 */
export function pickPodPort(service: V1Service, pods: readonly V1Pod[], servicePort: number, where: string): PodPort {
    const ports = service.spec?.ports ?? [];
    const entry = ports.find((p) => p.port === servicePort);
    if (!entry) {
        const known = ports.map((p) => p.port).join(", ") || "none";
        throw new ForwardTargetError(`service ${where} has no port ${servicePort} (its ports: ${known})`, false);
    }
    const serving = pods.filter(isServing).sort((a, b) => startOf(b) - startOf(a) || nameOf(a).localeCompare(nameOf(b)));
    const pod = serving[0];
    if (!pod) {
        const phases = pods.map((p) => `${nameOf(p)} ${p.status?.phase ?? "Unknown"}${isServing(p) ? "" : " (not ready)"}`).join(", ");
        throw new ForwardTargetError(
            `service ${where} has no running and ready pod${pods.length ? ` (pods: ${phases})` : " (no pods match its selector)"}`,
            true,
        );
    }
    const target = entry.targetPort ?? servicePort;
    if (typeof target === "number") return { pod: nameOf(pod), port: target };
    if (/^\d+$/.test(target)) return { pod: nameOf(pod), port: Number(target) };
    const named = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === target);
    if (!named)
        throw new ForwardTargetError(`pod ${nameOf(pod)} has no container port named "${target}" (targetPort of service ${where} port ${servicePort})`, false);
    return { pod: nameOf(pod), port: named.containerPort };
}

function nameOf(pod: V1Pod): string {
    return pod.metadata?.name ?? "";
}

function startOf(pod: V1Pod): number {
    const t = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
    return t ? new Date(t).getTime() : 0;
}
