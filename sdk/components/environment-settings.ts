/**
 * The stack-config side of a {@link StreamingEnvironment}: what may differ between `test` and
 * `prod` is exactly this shape, read from `Pulumi.<stack>.yaml`, and validated at program time.
 */
import { z } from "zod";
import type { FlinkConfigValue } from "../home";
import type { HealthGate, UpgradePolicy } from "../job";
import type { LocalSessionClusterArgs, RemoteSessionClusterArgs } from "../cluster";
import type { KubernetesSessionArgs } from "../kubernetes";
import { alertSettings, EnvironmentAlerts, EnvironmentIngress, ingressSettings } from "./environment-alerts-settings";
import { VARIABLE } from "./sql-text";
import { hint } from "./validate";
import { isParallelism, PARALLELISM_RULE } from "../../provider/core/flink-config";

/** A local, remote or Kubernetes cluster as stack config describes it (`home` is the environment's). */
export type EnvironmentCluster =
    Omit<LocalSessionClusterArgs, "home"> | RemoteSessionClusterArgs | { readonly target: "kubernetes"; readonly kubernetes: KubernetesSessionArgs };

/** Per-stack settings of one job of the program's catalogue (or a SQL job defined in config alone). */
export interface EnvironmentJobSettings {
    /**
     * Deploy this job in this stack.
     * @default true
     */
    readonly enabled?: boolean;
    /**
     * Key of the cluster (in `clusters`) the job runs on.
     * @default the only cluster (required when there are several)
     */
    readonly cluster?: string;
    /**
     * Job parallelism in this stack.
     * @default the catalogue's, else `jobDefaults.parallelism`, else the cluster's default
     */
    readonly parallelism?: number;
    /**
     * Flink configuration for this job in this stack, on top of the catalogue's.
     * @default {}
     */
    readonly configuration?: Record<string, FlinkConfigValue>;
    /**
     * Labels of this job in this stack (e.g. `owner`), on top of the catalogue's and `jobDefaults.labels`.
     * @default {}
     */
    readonly labels?: Record<string, string>;
    /**
     * The job's SQL, for a job defined in stack config alone (not in the program's catalogue).
     * @default undefined
     */
    readonly sql?: string | string[];
}

/** Job settings every job of the stack starts from. */
export interface EnvironmentJobDefaults {
    /**
     * Parallelism of jobs that set none.
     * @default the cluster's `parallelism.default`
     */
    readonly parallelism?: number;
    /**
     * Flink configuration for every job (jobs' own keys win).
     * @default {}
     */
    readonly configuration?: Record<string, FlinkConfigValue>;
    /**
     * Upgrade policy of jobs that set none.
     * @default FlinkJob's default
     */
    readonly upgrade?: UpgradePolicy;
    /**
     * Health gate of jobs that set none.
     * @default FlinkJob's default
     */
    readonly health?: HealthGate;
    /**
     * What removing a job does, for jobs that set none (e.g. "cancel" in a throwaway test stack).
     * @default FlinkJob's default ("savepoint")
     */
    readonly onDelete?: "savepoint" | "cancel" | "leave-running";
    /**
     * Labels of every job (e.g. `{ owner: "data-platform" }`); a job's own labels win per key.
     * @default {}
     */
    readonly labels?: Record<string, string>;
}

/** Everything a stack's config says about its environment (secrets are read separately, as secrets). */
export interface EnvironmentSettings {
    /** The Flink distribution every local cluster of the stack starts from. */
    readonly home: {
        readonly version?: string;
        readonly path?: string;
        readonly image?: string;
        readonly imagePullSecrets?: string[];
        readonly defaultConfig?: Record<string, FlinkConfigValue>;
    };
    /** The stack's session clusters by key. */
    readonly clusters: Record<string, EnvironmentCluster>;
    /**
     * Plain variables for `${NAME}` in the jobs' SQL.
     * @default {}
     */
    readonly variables?: Record<string, string>;
    /**
     * Per-job settings by catalogue key.
     * @default {}
     */
    readonly jobs?: Record<string, EnvironmentJobSettings>;
    /**
     * Defaults for every job.
     * @default {}
     */
    readonly jobDefaults?: EnvironmentJobDefaults;
    /**
     * Alert rules and routes for the environment's jobs (an AlertRoute, or a KubernetesAlertRoute on Kubernetes).
     * @default no alerts
     */
    readonly alerts?: EnvironmentAlerts;
    /**
     * A FlinkIngress to the web UI of every Kubernetes cluster.
     * @default no ingress
     */
    readonly ingress?: EnvironmentIngress;
}

const KEY = /^[a-z][a-z0-9-]{0,39}$/;
const key = (what: string) =>
    z.string().regex(KEY, { ...hint(`is not a valid ${what} key`, "use lower-case letters, digits and '-', starting with a letter (at most 40), e.g. main") });
const configValue = z.union([z.string(), z.number(), z.boolean()]);
const parallelism = z.number().refine(isParallelism, hint(PARALLELISM_RULE.problem, PARALLELISM_RULE.fix));

const cluster = z
    .object({ target: z.enum(["local", "remote", "kubernetes"]) })
    .passthrough()
    .superRefine((c, ctx) => {
        if ("home" in c)
            ctx.addIssue({
                code: "custom",
                path: ["home"],
                ...hint("is set on a cluster", "set the environment's `home` once; every local cluster starts from it"),
            });
        if (c.target === "kubernetes" && (typeof c.kubernetes !== "object" || c.kubernetes === null))
            ctx.addIssue({
                code: "custom",
                path: ["kubernetes"],
                ...hint("is required for a kubernetes cluster", "set kubernetes: { namespace: streaming, taskManager: { slots: 2 } }"),
            });
        if (c.target === "remote" && typeof c.restUrl !== "string")
            ctx.addIssue({
                code: "custom",
                path: ["restUrl"],
                ...hint("is required for a remote cluster", 'set restUrl, e.g. "http://flink-jobmanager:8081"'),
            });
    });

const jobSettings = z
    .object({
        enabled: z.boolean().optional(),
        cluster: key("cluster").optional(),
        parallelism: parallelism.optional(),
        configuration: z.record(configValue).optional(),
        labels: z.record(z.string()).optional(),
        sql: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    })
    .strict();

export const environmentSettings = z
    .object({
        home: z
            .object({
                version: z
                    .string()
                    .regex(/^\d+\.\d+(\.\d+)?$/, { ...hint("is not a Flink version", 'write e.g. "2.3.0"') })
                    .optional(),
                path: z.string().min(1).optional(),
                image: z.string().min(1).optional(),
                imagePullSecrets: z.array(z.string().min(1)).optional(),
                defaultConfig: z.record(configValue).optional(),
            })
            .strict()
            .refine((h) => h.version !== undefined || h.path !== undefined, {
                ...hint("has neither version nor path", "set home.version (downloaded) or home.path (an existing distribution)"),
            }),
        clusters: z.record(key("cluster"), cluster).refine((c) => Object.keys(c).length > 0, {
            ...hint("is empty", "declare at least one cluster, e.g. clusters: { main: { target: local, restPort: 8081 } }"),
        }),
        variables: z
            .record(z.string().regex(VARIABLE, { ...hint("is not a variable name", "use letters, digits and _, not starting with a digit") }), z.string())
            .default({}),
        jobs: z.record(key("job"), jobSettings).default({}),
        jobDefaults: z
            .object({
                parallelism: parallelism.optional(),
                configuration: z.record(configValue).optional(),
                upgrade: z.record(z.unknown()).optional(),
                health: z.record(z.unknown()).optional(),
                onDelete: z.enum(["savepoint", "cancel", "leave-running"]).optional(),
                labels: z.record(z.string()).optional(),
            })
            .strict()
            .default({}),
        alerts: alertSettings.optional(),
        ingress: ingressSettings.optional(),
    })
    .strict()
    .superRefine((s, ctx) => {
        const keys = Object.keys(s.clusters);
        for (const [name, job] of Object.entries(s.jobs)) {
            if (job.cluster !== undefined && !keys.includes(job.cluster))
                ctx.addIssue({ code: "custom", path: ["jobs", name, "cluster"], ...hint("is not a declared cluster", `use one of ${keys.join(", ")}`) });
        }
        const k8s = keys.filter((k) => s.clusters[k].target === "kubernetes");
        if (k8s.length && !s.home.image)
            ctx.addIssue({
                code: "custom",
                path: ["home", "image"],
                ...hint("is required by kubernetes clusters", 'set home.image, e.g. "flink:2.1.0-java17", with home.version the Flink version inside it'),
            });
        if (s.ingress && !k8s.length)
            ctx.addIssue({
                code: "custom",
                path: ["ingress"],
                ...hint("is set, but no cluster has target kubernetes", "remove ingress, or declare a kubernetes cluster"),
            });
        if (s.alerts && k8s.length && k8s.length !== keys.length)
            ctx.addIssue({
                code: "custom",
                path: ["alerts"],
                ...hint("covers clusters of kubernetes and other targets", "use one kind of target per stack with alerts (kubernetes, or local/remote)"),
            });
        if (s.alerts && !k8s.length) {
            // Local clusters get their reporter and targets from the environment (environment-metrics.ts).
            for (const k of keys.filter((key) => s.clusters[key].target === "remote"))
                if (!s.alerts.targets?.[k])
                    ctx.addIssue({
                        code: "custom",
                        path: ["alerts", "targets", k],
                        ...hint(
                            "is required for a remote cluster: Prometheus scrapes its reporter, which this stack does not start",
                            `set alerts.targets.${k}.jobManager to the JobManager reporter's host:port, e.g. "localhost:9250"`,
                        ),
                    });
        }
        if (s.alerts && k8s.length && !s.alerts.kubernetes)
            ctx.addIssue({
                code: "custom",
                path: ["alerts", "kubernetes"],
                ...hint(
                    "is required on kubernetes",
                    "set alerts.kubernetes.selectorLabels to the labels your Prometheus and Alertmanager select, e.g. { release: kube-prometheus-stack }",
                ),
            });
        if (s.alerts && !k8s.length && !s.alerts.rulesDir)
            ctx.addIssue({
                code: "custom",
                path: ["alerts", "rulesDir"],
                ...hint("is required outside kubernetes", "set alerts.rulesDir and alerts.alertmanagerDir to the directories Prometheus and Alertmanager read"),
            });
        if (s.alerts && !k8s.length && !s.alerts.alertmanagerDir)
            ctx.addIssue({
                code: "custom",
                path: ["alerts", "alertmanagerDir"],
                ...hint("is required outside kubernetes", "set alerts.alertmanagerDir to the directory of alertmanager.yml"),
            });
    });

export type ParsedEnvironmentSettings = z.infer<typeof environmentSettings>;
