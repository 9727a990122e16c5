import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FlinkConfigValue } from "./home";
import type { Manifest } from "../provider/core/k8s/render/types";

/** CPU and memory of a Flink process (pod). */
export interface KubernetesResources {
    /**
     * CPUs requested (and limited to) per pod.
     * @default 1
     */
    readonly cpu?: pulumi.Input<number>;
    /**
     * Total process memory per pod, as Flink reads it ("2048m", "2g").
     * @default "1600m" (JobManager), "2048m" (TaskManager)
     */
    readonly memory?: pulumi.Input<string>;
    /**
     * Ephemeral storage per pod, as a Kubernetes quantity ("10Gi").
     * @default none
     */
    readonly ephemeralStorage?: pulumi.Input<string>;
}

/** A toleration added to every Flink pod. */
export interface KubernetesToleration {
    /** @default matches all keys (with operator "Exists") */
    readonly key?: pulumi.Input<string>;
    /** @default "Equal" */
    readonly operator?: pulumi.Input<"Exists" | "Equal">;
    /** @default "" */
    readonly value?: pulumi.Input<string>;
    /** @default all effects */
    readonly effect?: pulumi.Input<"NoSchedule" | "PreferNoSchedule" | "NoExecute">;
    /** @default forever (effect NoExecute only) */
    readonly tolerationSeconds?: pulumi.Input<number>;
}

/** How `pulumi up` reaches the REST API of a cluster on Kubernetes. */
export interface KubernetesAccess {
    /**
     * `auto`: `url` if set, else the service DNS name when the deploying process runs inside the
     * cluster, else a port-forward opened on demand. `url`: only `url`. `service`: the service
     * DNS name. `port-forward`: always a port-forward through the Kubernetes API.
     * @default "auto"
     */
    readonly mode?: pulumi.Input<"auto" | "url" | "service" | "port-forward">;
    /**
     * A URL reaching the REST API, e.g. a FlinkIngress `url`.
     * @default none
     */
    readonly url?: pulumi.Input<string>;
}

/** Where and how a FlinkDeployment runs: shared by session clusters and application jobs. */
export interface KubernetesDeploymentArgs {
    /** Namespace of every object. */
    readonly namespace: pulumi.Input<string>;
    /**
     * Create the namespace (otherwise it must exist).
     * @default false
     */
    readonly createNamespace?: boolean;
    /**
     * The FlinkDeployment's name (Flink's cluster id; at most 45 characters). Its REST service is `<name>-rest`.
     * @default the resource name
     */
    readonly name?: pulumi.Input<string>;
    /**
     * The ServiceAccount the Flink pods run as. By default one is created with a Role holding
     * only what Flink's native Kubernetes mode needs (see the README).
     * @default { create: true, name: "<name>-flink" }
     */
    readonly serviceAccount?: { readonly create?: boolean; readonly name?: pulumi.Input<string> };
    /**
     * JobManager resources and replicas (more than 1 needs `highAvailability`).
     * @default { cpu: 1, memory: "1600m", replicas: 1 }
     */
    readonly jobManager?: pulumi.Input<KubernetesResources & { readonly replicas?: pulumi.Input<number> }>;
    /**
     * TaskManager resources, replicas and slots.
     * @default { cpu: 1, memory: "2048m" } and the home's slots
     */
    readonly taskManager?: pulumi.Input<KubernetesResources & { readonly replicas?: pulumi.Input<number>; readonly slots?: pulumi.Input<number> }>;
    /**
     * Flink configuration on top of the home's `defaultConfig`. Keys set by the arguments here
     * (namespace, HA, REST service, slots) are rejected.
     * @default {}
     */
    readonly configuration?: pulumi.Input<Record<string, pulumi.Input<FlinkConfigValue>>>;
    /**
     * A pod template (`{ metadata, spec }`) for JobManager and TaskManager pods, e.g. sidecars or volumes.
     * @default none
     */
    readonly podTemplate?: pulumi.Input<Record<string, unknown>>;
    /**
     * Node selector of every Flink pod.
     * @default none
     */
    readonly nodeSelector?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Tolerations of every Flink pod.
     * @default none
     */
    readonly tolerations?: pulumi.Input<pulumi.Input<KubernetesToleration>[]>;
    /**
     * Annotations of every Flink pod (e.g. image-cache or sidecar-injection annotations).
     * @default none
     */
    readonly annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Labels of the FlinkDeployment and its pods.
     * @default none
     */
    readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Kubernetes high availability (`high-availability.type: kubernetes`): leader election and
     * job metadata in ConfigMaps, job graphs and checkpoints pointers under `storageDir`.
     * @default none (no HA)
     */
    readonly highAvailability?: pulumi.Input<{ readonly storageDir: pulumi.Input<string> }>;
    /**
     * The REST service the Operator creates (`<name>-rest`): its type and port.
     * @default { exposedType: "ClusterIP", port: 8081 }
     */
    readonly restService?: pulumi.Input<{
        readonly exposedType?: pulumi.Input<"ClusterIP" | "NodePort" | "LoadBalancer" | "Headless_ClusterIP">;
        readonly port?: pulumi.Input<number>;
    }>;
    /**
     * How `pulumi up` reaches the REST API.
     * @default { mode: "auto" }
     */
    readonly access?: pulumi.Input<KubernetesAccess>;
    /**
     * Kubeconfig (YAML) used by pulumi-flink to await the cluster and reach it. Stored as a secret.
     * @default $KUBECONFIG or ~/.kube/config of the deploying machine
     */
    readonly kubeconfig?: pulumi.Input<string>;
    /**
     * Kubeconfig context.
     * @default the current context
     */
    readonly context?: pulumi.Input<string>;
    /**
     * How long to wait for the Operator to report the cluster ready (application jobs: STABLE).
     * @default 600 (session clusters), 900 (application jobs)
     */
    readonly readyTimeoutSeconds?: pulumi.Input<number>;
    /**
     * Turn on Flink's Prometheus reporter in every JobManager and TaskManager pod and open its port
     * as the container port named `metrics` (what a KubernetesAlertRoute's PodMonitor scrapes, with
     * the pods' `app: <name>` and `component` labels). A StreamingEnvironment with `alerts` sets it
     * on its Kubernetes clusters. Setting it makes `metrics.reporter.prom.*` keys in `configuration` conflict.
     * @default none (no reporter, no port)
     */
    readonly prometheus?: pulumi.Input<{ readonly port?: pulumi.Input<number> }>;
    /**
     * The Flink Kubernetes Operator release line installed ("1.10", "1.15"): what the FlinkDeployment
     * is checked against at preview without asking the cluster (offline previews). At `pulumi up`,
     * and at preview without it, the package reads the installed CRD (`flinkdeployments.flink.apache.org`)
     * from the cluster instead; when neither is available the preview warns that compatibility is unknown.
     * Known lines: 1.3, 1.7, 1.10 to 1.15.
     * @default the CRD read from the cluster
     */
    readonly operatorVersion?: pulumi.Input<string>;
    /**
     * The @pulumi/kubernetes provider for the Kubernetes objects.
     * @default the default Kubernetes provider
     */
    readonly provider?: k8s.Provider;
}

/** The SQL Gateway Deployment + Service beside a session cluster's JobManager. */
export interface KubernetesSqlGatewayArgs {
    /**
     * Run a SQL Gateway (same image) submitting to this cluster.
     * @default false
     */
    readonly enabled?: boolean;
    /**
     * Port of its REST endpoint (Service `<name>-sql-gateway`).
     * @default 8083
     */
    readonly port?: pulumi.Input<number>;
    /** @default 0.5 */
    readonly cpu?: pulumi.Input<number>;
    /** @default "1024m" */
    readonly memory?: pulumi.Input<string>;
    /** @default 1 */
    readonly replicas?: pulumi.Input<number>;
}

/** A session cluster's Kubernetes arguments. */
export interface KubernetesSessionArgs extends KubernetesDeploymentArgs {
    /**
     * A SQL Gateway beside the JobManager, so SQL jobs can run on this cluster.
     * @default { enabled: false }
     */
    readonly sqlGateway?: KubernetesSqlGatewayArgs;
}

/** Where a FlinkIngress points: a FlinkDeployment's REST service. */
export interface KubernetesTarget {
    namespace: string;
    name: string;
    restPort: number;
}

/** Top-level fields of each kind the package emits (everything but apiVersion and kind). */
const FIELDS: Record<string, string[]> = {
    Namespace: ["metadata"],
    ServiceAccount: ["metadata"],
    Role: ["metadata", "rules"],
    RoleBinding: ["metadata", "roleRef", "subjects"],
    Deployment: ["metadata", "spec"],
    Service: ["metadata", "spec"],
    Secret: ["metadata", "type", "stringData"],
    Ingress: ["metadata", "spec"],
    FlinkDeployment: ["metadata", "spec"],
};

/** Create one rendered manifest with @pulumi/kubernetes (typed resources for core kinds). */
export function createObject(name: string, manifest: pulumi.Output<Manifest>, kind: string, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const args: Record<string, pulumi.Output<unknown>> = {};
    for (const f of FIELDS[kind]) args[f] = manifest.apply((m) => m[f]);
    const a = args as never;
    switch (kind) {
        case "Namespace":
            return new k8s.core.v1.Namespace(name, a, opts);
        case "ServiceAccount":
            return new k8s.core.v1.ServiceAccount(name, a, opts);
        case "Role":
            return new k8s.rbac.v1.Role(name, a, opts);
        case "RoleBinding":
            return new k8s.rbac.v1.RoleBinding(name, a, opts);
        case "Deployment":
            return new k8s.apps.v1.Deployment(name, a, opts);
        case "Service":
            return new k8s.core.v1.Service(name, a, opts);
        case "Secret":
            return new k8s.core.v1.Secret(name, a, pulumi.mergeOptions(opts, { additionalSecretOutputs: ["stringData", "data"] }));
        case "Ingress":
            return new k8s.networking.v1.Ingress(name, a, opts);
        default:
            return new k8s.apiextensions.CustomResource(name, { apiVersion: "flink.apache.org/v1beta1", kind, ...args }, opts);
    }
}

/**
 * Create a renderer's objects in dependency order: namespace, then RBAC, then the rest.
 * `keys` are the manifest fields present (decided by plain arguments, so known at preview).
 */
export function createObjects<T extends object>(
    name: string,
    rendered: pulumi.Output<T>,
    keys: { key: keyof T & string; kind: string }[],
    opts: pulumi.CustomResourceOptions,
    /** Resources objects of a kind must wait for (the session's restart guard before its FlinkDeployment). */
    before: Partial<Record<string, pulumi.Resource[]>> = {},
): pulumi.CustomResource[] {
    const created: pulumi.CustomResource[] = [];
    let namespace: pulumi.CustomResource | undefined;
    const rbac: pulumi.CustomResource[] = [];
    for (const { key, kind } of keys) {
        const dependsOn =
            kind === "Namespace"
                ? []
                : ["ServiceAccount", "Role", "RoleBinding"].includes(kind)
                  ? namespace
                      ? [namespace]
                      : []
                  : [...(namespace ? [namespace] : []), ...rbac, ...(before[kind] ?? [])];
        const suffix = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        const obj = createObject(
            `${name}-${suffix}`,
            rendered.apply((r) => (r as Record<string, Manifest>)[key]),
            kind,
            pulumi.mergeOptions(opts, { dependsOn }),
        );
        if (kind === "Namespace") namespace = obj;
        if (["ServiceAccount", "Role", "RoleBinding"].includes(kind)) rbac.push(obj);
        created.push(obj);
    }
    return created;
}
