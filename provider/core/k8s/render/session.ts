/** A session cluster on Kubernetes: RBAC, the session-mode FlinkDeployment, an optional SQL Gateway. */
import { hashOf } from "../../hash";
import { atLeast, tryParseFlinkVersion } from "../../version";
import type { SessionSpec } from "../schema";
import { deploymentName, flinkConfiguration, flinkDeployment, MAIN_CONTAINER, MANAGED_BY, podTemplate, restPort } from "./common";
import { renderRbac, RbacManifests } from "./rbac";
import type { ImageHome, Manifest } from "./types";
import { type PodLibraries, withLibraries } from "../libraries";

export const DEFAULT_READY_TIMEOUT = 600;
export const DEFAULT_SQL_GATEWAY_PORT = 8083;

/** Inputs of the `k8sCluster` provider kind (the contract with K8S-RUNTIME). */
export interface K8sClusterInputs {
    target: "kubernetes";
    namespace: string;
    name: string;
    flinkVersion: string;
    restService: string;
    restPort: number;
    access: { mode: "auto" | "url" | "service" | "port-forward"; url?: string };
    sqlGateway?: { service: string; port: number; url?: string };
    kubeconfig?: string;
    context?: string;
    readyTimeoutSeconds: number;
    specHash: string;
    /** Digest of the declared libraries ("" without): what jobs compare to show "cluster libraries". */
    librariesHash?: string;
    /** Slots kept up from the start (minimumSlots): `up` waits until they registered. */
    minSlots?: number;
}

export interface SessionManifests extends RbacManifests {
    flinkDeployment: Manifest;
    sqlGatewayDeployment?: Manifest;
    sqlGatewayService?: Manifest;
    /** The repository credentials for the libraries' init containers. */
    librariesSecret?: Manifest;
    inputs: K8sClusterInputs;
}

/** Cluster libraries of a session: the resolved list for the pods, the credentials Secret, the declared digest. */
export interface SessionLibraries extends PodLibraries {
    readonly hash: string;
    readonly secret?: Manifest;
}

/**
 * A native session cluster starts TaskManagers only for jobs that need slots: `taskManager.replicas`
 * alone starts none (the Operator applies it to standalone mode only). From Flink 1.19 the
 * resource manager keeps `slotmanager.number-of-slots.min` slots up, so replicas x slots
 * TaskManagers start with the cluster and register before the first job. Older lines: none up front.
 */
export function minimumSlots(home: ImageHome, spec: SessionSpec): Record<string, number> {
    const replicas = spec.taskManager?.replicas;
    const v = tryParseFlinkVersion(home.version);
    if (replicas === undefined || !v || !atLeast(v, 1, 19)) return {};
    const slots = spec.taskManager?.slots ?? Number(home.defaultConfig?.["taskmanager.numberOfTaskSlots"] ?? 1);
    return { "slotmanager.number-of-slots.min": replicas * (Number.isFinite(slots) && slots > 0 ? slots : 1) };
}

export function renderSession(resourceName: string, home: ImageHome, spec: SessionSpec, libs?: SessionLibraries): SessionManifests {
    const name = deploymentName(resourceName, spec);
    const timeout = spec.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT;
    const kept = minimumSlots(home, spec);
    const config = flinkConfiguration(home, spec, kept);
    const fd = flinkDeployment(resourceName, home, spec, config);
    if (libs?.libraries.length) {
        const template = (fd.spec as { podTemplate: { spec: Record<string, unknown> } }).podTemplate;
        template.spec = withLibraries(template.spec, "flink-main-container", libs);
    }
    // @pulumi/kubernetes awaits this: the Operator reports the JobManager deployment READY.
    fd.metadata.annotations = { "pulumi.com/waitFor": "jsonpath={.status.jobManagerDeploymentStatus}=READY", "pulumi.com/timeoutSeconds": String(timeout) };
    const gateway = spec.sqlGateway?.enabled ? renderSqlGateway(name, home, spec, config, libs) : undefined;
    return {
        ...renderRbac(name, spec),
        flinkDeployment: fd,
        ...(gateway ?? {}),
        ...(libs?.secret ? { librariesSecret: libs.secret } : {}),
        inputs: {
            target: "kubernetes",
            namespace: spec.namespace,
            name,
            flinkVersion: home.version,
            restService: `${name}-rest`,
            restPort: restPort(spec),
            access: { mode: spec.access?.mode ?? "auto", ...(spec.access?.url ? { url: spec.access.url } : {}) },
            ...(gateway ? { sqlGateway: { service: gateway.sqlGatewayService.metadata.name, port: spec.sqlGateway?.port ?? DEFAULT_SQL_GATEWAY_PORT } } : {}),
            ...(spec.kubeconfig ? { kubeconfig: spec.kubeconfig } : {}),
            ...(spec.context ? { context: spec.context } : {}),
            readyTimeoutSeconds: timeout,
            specHash: hashOf(fd.spec),
            ...(libs?.hash ? { librariesHash: libs.hash } : {}),
            ...(kept["slotmanager.number-of-slots.min"] ? { minSlots: kept["slotmanager.number-of-slots.min"] } : {}),
        },
    };
}

/**
 * Configuration keys the gateway does not take from the cluster: it reaches the JobManager through
 * the REST service (so no HA leader retrieval, which would need Kubernetes API rights it has not),
 * and the keys it sets itself below.
 */
function forGateway(key: string): boolean {
    return !key.startsWith("kubernetes.") && !key.startsWith("high-availability") && !key.startsWith("sql-gateway.endpoint.rest.") && !GATEWAY_KEYS.has(key);
}
const GATEWAY_KEYS = new Set(["rest.address", "rest.port", "execution.target"]);

/**
 * The SQL Gateway beside the JobManager: same image, `sql-gateway.sh start-foreground`, submitting
 * to the session's REST service. It gets what the cluster's pods get: the pod template (metadata,
 * volumes, sidecars; the `flink-main-container` settings such as env and volumeMounts go to its
 * container), node selector, tolerations, pull secrets, the libraries, and the Flink configuration
 * as dynamic properties. It needs no Kubernetes API rights, so no token is mounted.
 */
function renderSqlGateway(
    name: string,
    home: ImageHome,
    spec: SessionSpec,
    config: Record<string, string>,
    libs?: PodLibraries,
): { sqlGatewayDeployment: Manifest; sqlGatewayService: Manifest } {
    const gw = spec.sqlGateway ?? {};
    const port = gw.port ?? DEFAULT_SQL_GATEWAY_PORT;
    const app = `${name}-sql-gateway`;
    const selector = { app, component: "sql-gateway" };
    const template = podTemplate(home, spec) as {
        metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
        spec: Record<string, unknown>;
    };
    const containers = (template.spec.containers as Record<string, unknown>[] | undefined) ?? [];
    // The main container's settings, without its ports (the metrics port is the Flink processes').
    const { name: _n, ports: _p, ...main } = containers.find((c) => c.name === MAIN_CONTAINER) ?? {};
    const properties = Object.keys(config)
        .filter(forGateway)
        .map((key) => `-D${key}=${config[key]}`);
    const container = {
        ...main,
        name: "sql-gateway",
        image: home.image,
        ...(home.imagePullPolicy ? { imagePullPolicy: home.imagePullPolicy } : {}),
        // The image's entrypoint runs any other command as the flink user.
        args: [
            "bin/sql-gateway.sh",
            "start-foreground",
            ...properties,
            "-Dsql-gateway.endpoint.rest.address=0.0.0.0",
            "-Dsql-gateway.endpoint.rest.bind-address=0.0.0.0",
            `-Dsql-gateway.endpoint.rest.port=${port}`,
            "-Dexecution.target=remote",
            `-Drest.address=${name}-rest`,
            `-Drest.port=${restPort(spec)}`,
        ],
        ports: [{ name: "rest", containerPort: port }],
        readinessProbe: { httpGet: { path: "/v1/info", port }, initialDelaySeconds: 5, periodSeconds: 5 },
        resources: { requests: { cpu: String(gw.cpu ?? 0.5), memory: k8sMemory(gw.memory ?? "1024m") }, limits: { memory: k8sMemory(gw.memory ?? "1024m") } },
    };
    const sidecars = containers.filter((c) => c.name !== MAIN_CONTAINER);
    let podSpec: Record<string, unknown> = { ...template.spec, automountServiceAccountToken: false, containers: [container, ...sidecars] };
    if (libs) podSpec = withLibraries(podSpec, "sql-gateway", libs);
    const labels = { ...(template.metadata?.labels ?? {}), ...MANAGED_BY, ...selector };
    const annotations = template.metadata?.annotations;
    return {
        sqlGatewayDeployment: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: app, namespace: spec.namespace, labels: { ...MANAGED_BY, ...selector } },
            spec: {
                replicas: gw.replicas ?? 1,
                selector: { matchLabels: selector },
                template: { metadata: { labels, ...(annotations ? { annotations } : {}) }, spec: podSpec },
            },
        },
        sqlGatewayService: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: app, namespace: spec.namespace, labels: { ...MANAGED_BY, ...selector } },
            spec: { type: "ClusterIP", selector, ports: [{ name: "rest", port, targetPort: port, protocol: "TCP" }] },
        },
    };
}

/** Flink memory ("1024m" = MiB) as a Kubernetes quantity ("1024Mi"). */
export function k8sMemory(flink: string): string {
    const m = /^([0-9.]+)\s*([a-z]*)$/i.exec(flink.trim());
    if (!m) return flink;
    const unit = m[2].toLowerCase();
    const map: Record<string, string> = {
        "": "",
        b: "",
        k: "Ki",
        kb: "Ki",
        kib: "Ki",
        m: "Mi",
        mb: "Mi",
        mib: "Mi",
        g: "Gi",
        gb: "Gi",
        gib: "Gi",
        t: "Ti",
        tb: "Ti",
        tib: "Ti",
    };
    return `${m[1]}${map[unit] ?? m[2]}`;
}
