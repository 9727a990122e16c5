/** Pieces shared by session and application FlinkDeployments: names, configuration, pod template. */
import { InputError, invalid } from "../../errors";
import { crdFlinkVersion } from "../operator";
import type { DeploymentSpec } from "../schema";
import type { ImageHome, Manifest } from "./types";
import { prometheusReporterConfig } from "../../alerts/metrics";

/** The container port name KubernetesAlertRoute's PodMonitor scrapes (its `metricsPort` default). */
export const METRICS_PORT_NAME = "metrics";
export const DEFAULT_METRICS_PORT = 9249;
/** The container the Operator merges a pod template's settings into (by name). */
export const MAIN_CONTAINER = "flink-main-container";

export function metricsPort(spec: DeploymentSpec): number | undefined {
    return spec.prometheus ? (spec.prometheus.port ?? DEFAULT_METRICS_PORT) : undefined;
}

export const FLINK_API = "flink.apache.org/v1beta1";
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "pulumi-flink" };

export function deploymentName(resourceName: string, spec: DeploymentSpec): string {
    return spec.name ?? resourceName;
}
export function serviceAccountName(fdName: string, spec: DeploymentSpec): string {
    return spec.serviceAccount?.name ?? `${fdName}-flink`;
}
export function restPort(spec: DeploymentSpec): number {
    return spec.restService?.port ?? 8081;
}

/** The FlinkDeployment CRD types flinkConfiguration as a string map. */
function strings(config: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of Object.keys(config).sort()) out[key] = String(config[key]);
    return out;
}

/** Home defaults, then the user's configuration, then the keys typed arguments own. */
export function flinkConfiguration(home: ImageHome, spec: DeploymentSpec, extra: Record<string, unknown> = {}): Record<string, string> {
    const owned: Record<string, unknown> = {};
    if (spec.restService?.port !== undefined) owned["rest.port"] = spec.restService.port;
    if (spec.restService?.exposedType !== undefined) owned["kubernetes.rest-service.exposed.type"] = spec.restService.exposedType;
    if (spec.taskManager?.slots !== undefined) owned["taskmanager.numberOfTaskSlots"] = spec.taskManager.slots;
    if (spec.highAvailability) {
        owned["high-availability.type"] = "kubernetes";
        owned["high-availability.storageDir"] = spec.highAvailability.storageDir;
    }
    // Each pod has its own network namespace, so one port serves every JobManager and TaskManager.
    const port = metricsPort(spec);
    if (port !== undefined) Object.assign(owned, prometheusReporterConfig({ port }));
    return strings({ ...(home.defaultConfig ?? {}), ...(spec.configuration ?? {}), ...extra, ...owned });
}

function resource(r: { cpu?: number; memory?: string; ephemeralStorage?: string } | undefined, cpu: number, memory: string) {
    return { cpu: r?.cpu ?? cpu, memory: r?.memory ?? memory, ...(r?.ephemeralStorage ? { ephemeralStorage: r.ephemeralStorage } : {}) };
}

/** Pod template: the user's, with node selector, tolerations, annotations and pull secrets added. */
export function podTemplate(home: ImageHome, spec: DeploymentSpec): Record<string, unknown> {
    const user = spec.podTemplate ?? {};
    const userSpec = (user.spec ?? {}) as Record<string, unknown>;
    const userMeta = (user.metadata ?? {}) as Record<string, unknown>;
    const podSpec: Record<string, unknown> = { ...userSpec };
    if (spec.nodeSelector) podSpec.nodeSelector = { ...((userSpec.nodeSelector as object) ?? {}), ...spec.nodeSelector };
    if (spec.tolerations) podSpec.tolerations = [...((userSpec.tolerations as unknown[]) ?? []), ...spec.tolerations];
    if (home.imagePullSecrets?.length) podSpec.imagePullSecrets = home.imagePullSecrets.map((name) => ({ name }));
    const port = metricsPort(spec);
    if (port !== undefined)
        podSpec.containers = withPort(userSpec.containers, MAIN_CONTAINER, { name: METRICS_PORT_NAME, containerPort: port, protocol: "TCP" });
    const metadata: Record<string, unknown> = { ...userMeta };
    if (spec.annotations) metadata.annotations = { ...((userMeta.annotations as object) ?? {}), ...spec.annotations };
    if (spec.labels) metadata.labels = { ...((userMeta.labels as object) ?? {}), ...spec.labels };
    return { apiVersion: "v1", kind: "Pod", ...(Object.keys(metadata).length ? { metadata } : {}), spec: podSpec };
}

/** The containers with `port` added to the one named `name` (created when absent: the Operator merges by name). */
function withPort(containers: unknown, name: string, port: Record<string, unknown>): Record<string, unknown>[] {
    const list = [...((containers as Record<string, unknown>[] | undefined) ?? [])];
    const at = list.findIndex((c) => c.name === name);
    const main = at >= 0 ? list[at]! : { name };
    const merged = { ...main, ports: [...((main.ports as unknown[] | undefined) ?? []), port] };
    if (at >= 0) list[at] = merged;
    else list.push(merged);
    return list;
}

/** The FlinkDeployment shared by both modes; the caller adds `job` and readiness annotations. */
export function flinkDeployment(resourceName: string, home: ImageHome, spec: DeploymentSpec, config: Record<string, string>): Manifest {
    const name = deploymentName(resourceName, spec);
    const flinkVersion = crdFlinkVersion(home.version);
    // check rejects it first
    if (!flinkVersion) throw new InputError([invalid("home.version", home.version, "is not a Flink version", 'use a release such as "1.20.3"')]);
    return {
        apiVersion: FLINK_API,
        kind: "FlinkDeployment",
        metadata: { name, namespace: spec.namespace, labels: { ...MANAGED_BY, ...(spec.labels ?? {}) } },
        spec: {
            image: home.image,
            ...(home.imagePullPolicy ? { imagePullPolicy: home.imagePullPolicy } : {}),
            flinkVersion,
            mode: "native",
            serviceAccount: serviceAccountName(name, spec),
            flinkConfiguration: config,
            podTemplate: podTemplate(home, spec),
            jobManager: { replicas: spec.jobManager?.replicas ?? 1, resource: resource(spec.jobManager, 1, "1600m") },
            taskManager: {
                ...(spec.taskManager?.replicas !== undefined ? { replicas: spec.taskManager.replicas } : {}),
                resource: resource(spec.taskManager, 1, "2048m"),
            },
        },
    };
}
