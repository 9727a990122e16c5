/**
 * Validation of every Kubernetes argument (session clusters, application jobs, ingresses): the
 * apiserver's and the Operator's rules applied at preview, each failure with property, value, fix.
 */
import { z } from "zod";
import { InputFailure, invalid } from "../errors";
import { containsUnknown } from "../unknown";
import { zodFailures } from "../zod";
import { validateConfig } from "../flink-config";
import { checkOperatorVersion } from "./compat";
import { DNS1035_LABEL, isLabel, isLabelValue, isQualifiedKey, isSubdomain, MEMORY, QUANTITY } from "./names";

/** zod schema plus one rule; a broken rule carries its own fix. */
export function rule<S extends z.ZodTypeAny>(schema: S, ok: (v: z.output<S>) => boolean, problem: string, fix: string): z.ZodEffects<S> {
    return schema.superRefine((v, ctx) => {
        if (!containsUnknown(v) && !ok(v)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem, params: { fix } });
    });
}

const str = z.string();
export const labelName = (what: string, example: string) =>
    rule(
        str,
        isLabel,
        `is not a valid ${what} (DNS-1123 label: lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)`,
        `use a name like "${example}"`,
    );
export const subdomainName = (what: string, example: string) =>
    rule(str, isSubdomain, `is not a valid ${what} (lowercase DNS-1123 subdomain)`, `use a name like "${example}"`);
const intIn = (min: number, max: number, fix: string) =>
    rule(z.number(), (n) => Number.isInteger(n) && n >= min && n <= max, `must be a whole number from ${min} to ${max}`, fix);
const memory = rule(str, (s) => MEMORY.test(s.trim()), "is not a memory size", 'use a size such as "2048m", "2g" or "2Gi"');
const quantity = rule(str, (s) => QUANTITY.test(s), "is not a Kubernetes quantity", 'use a quantity such as "10Gi" or "500M"');
const cpu = rule(z.number(), (n) => Number.isFinite(n) && n > 0 && n <= 1024, "must be a positive number of CPUs", "use e.g. 0.5 or 2");
const qualifiedMap = (values: z.ZodTypeAny, what: string) =>
    z.record(values).superRefine((m, ctx) => {
        for (const key of Object.keys(m)) {
            if (!isQualifiedKey(key))
                ctx.addIssue({
                    code: z.ZodIssueCode.custom,
                    path: [key],
                    message: `is not a valid ${what} key`,
                    params: { fix: 'use "name" or "prefix.example.com/name" (letters, digits, "-", "_", "."; name at most 63 characters)' },
                });
        }
    });
const labelValues = rule(
    str,
    isLabelValue,
    "is not a valid label value",
    "use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
);

const resources = { cpu: cpu.optional(), memory: memory.optional(), ephemeralStorage: quantity.optional() };

const toleration = rule(
    z
        .object({
            key: str.optional(),
            operator: z.enum(["Exists", "Equal"]).optional(),
            value: str.optional(),
            effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
            tolerationSeconds: z.number().int().optional(),
        })
        .strict(),
    (t) => !(t.operator === "Exists" && t.value !== undefined) && !(t.tolerationSeconds !== undefined && t.effect !== "NoExecute"),
    "is not a valid toleration (operator Exists takes no value; tolerationSeconds needs effect NoExecute)",
    'use e.g. {key: "dedicated", operator: "Equal", value: "flink", effect: "NoSchedule"}',
);

const uri = rule(
    str,
    (s) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/.test(s),
    "is not a URI with a scheme",
    'use a durable filesystem URI such as "s3://bucket/flink/ha"',
);

/** Kubernetes arguments shared by session clusters and application jobs. */
export const deploymentSpecSchema = z
    .object({
        namespace: labelName("namespace name", "flink"),
        createNamespace: z.boolean().optional(),
        name: rule(
            str,
            (s) => s.length <= 45 && DNS1035_LABEL.test(s),
            "is not a valid FlinkDeployment name (a DNS-1035 label of at most 45 characters: Flink's kubernetes.cluster-id limit)",
            'use a name like "analytics"',
        ).optional(),
        serviceAccount: z
            .object({ create: z.boolean().optional(), name: subdomainName("ServiceAccount name", "flink").optional() })
            .strict()
            .optional(),
        jobManager: z
            .object({ ...resources, replicas: intIn(1, 3, "use 1, or up to 3 standby JobManagers with highAvailability").optional() })
            .strict()
            .optional(),
        taskManager: z
            .object({
                ...resources,
                replicas: intIn(0, 10000, "use a TaskManager count such as 2").optional(),
                slots: intIn(1, 1024, "use a slot count such as 2").optional(),
            })
            .strict()
            .optional(),
        configuration: z.record(z.unknown()).optional(),
        podTemplate: z
            .object({
                apiVersion: z.literal("v1").optional(),
                kind: z.literal("Pod").optional(),
                metadata: z.record(z.unknown()).optional(),
                spec: z.record(z.unknown()).optional(),
            })
            .strict()
            .optional(),
        nodeSelector: qualifiedMap(labelValues, "node selector").optional(),
        tolerations: z.array(toleration).optional(),
        annotations: qualifiedMap(str, "annotation").optional(),
        labels: qualifiedMap(labelValues, "label").optional(),
        highAvailability: z.object({ storageDir: uri }).strict().optional(),
        restService: z
            .object({
                exposedType: z.enum(["ClusterIP", "NodePort", "LoadBalancer", "Headless_ClusterIP"]).optional(),
                port: intIn(1, 65535, "use a port such as 8081").optional(),
            })
            .strict()
            .optional(),
        access: z
            .object({
                mode: z.enum(["auto", "url", "service", "port-forward"]).optional(),
                url: rule(
                    str,
                    (s) => /^https?:\/\/[^/\s]+/.test(s),
                    "is not an http(s) URL",
                    'use e.g. "https://flink.example.com/flink/analytics/"',
                ).optional(),
            })
            .strict()
            .optional(),
        kubeconfig: str.min(1).optional(),
        context: str.min(1).optional(),
        readyTimeoutSeconds: intIn(10, 86400, "use e.g. 600").optional(),
        operatorVersion: str.optional(),
        prometheus: z
            .object({ port: intIn(1, 65535, "use e.g. 9249").optional() })
            .strict()
            .optional(),
    })
    .strict();

export const sessionSpecSchema = deploymentSpecSchema.extend({
    sqlGateway: z
        .object({
            enabled: z.boolean().optional(),
            port: intIn(1, 65535, "use e.g. 8083").optional(),
            ...resources,
            replicas: intIn(1, 10, "use 1").optional(),
        })
        .strict()
        .optional(),
});

export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;
export type SessionSpec = z.infer<typeof sessionSpecSchema>;

/** Configuration keys a typed argument owns; setting them in `configuration` would conflict. */
const OWNED: Record<string, string> = {
    "kubernetes.namespace": "namespace",
    "kubernetes.cluster-id": "name",
    "kubernetes.service-account": "serviceAccount",
    "kubernetes.jobmanager.service-account": "serviceAccount",
    "kubernetes.container.image": "the home's image",
    "kubernetes.container.image.ref": "the home's image",
    "kubernetes.container.image.pull-policy": "the home's imagePullPolicy",
    "high-availability": "highAvailability",
    "high-availability.type": "highAvailability",
    "high-availability.storageDir": "highAvailability.storageDir",
    "kubernetes.rest-service.exposed.type": "restService.exposedType",
    "rest.port": "restService.port",
    "taskmanager.numberOfTaskSlots": "taskManager.slots",
    "kubernetes.jobmanager.replicas": "jobManager.replicas",
};
/** Keys `prometheus` owns, only when it is set (without it, configuring the reporter by hand stays allowed). */
const OWNED_BY_PROMETHEUS: Record<string, string> = {
    "metrics.reporter.prom.factory.class": "prometheus",
    "metrics.reporter.prom.port": "prometheus.port",
};

/** Rules spanning properties, after the shape is right. */
export function crossCheck(spec: DeploymentSpec & { sqlGateway?: SessionSpec["sqlGateway"] }, prefix: string): InputFailure[] {
    const f: InputFailure[] = [];
    const config = spec.configuration ?? {};
    f.push(...validateConfig(`${prefix}configuration`, spec.configuration, undefined));
    f.push(...checkOperatorVersion(spec.operatorVersion, `${prefix}operatorVersion`));
    const owned = spec.prometheus ? { ...OWNED, ...OWNED_BY_PROMETHEUS } : OWNED;
    for (const key of Object.keys(config)) {
        if (owned[key])
            f.push(
                invalid(
                    `${prefix}configuration[${JSON.stringify(key)}]`,
                    config[key],
                    `conflicts with ${owned[key]}, which sets it`,
                    `remove it from configuration and set ${owned[key]}`,
                ),
            );
    }
    if ((spec.jobManager?.replicas ?? 1) > 1 && !spec.highAvailability) {
        f.push(
            invalid(
                `${prefix}jobManager.replicas`,
                spec.jobManager?.replicas,
                "standby JobManagers need Kubernetes high availability",
                `set ${prefix}highAvailability.storageDir, or use 1 replica`,
            ),
        );
    }
    const access = spec.access;
    if (access?.mode === "url" && access.url === undefined)
        f.push(
            invalid(
                `${prefix}access.url`,
                undefined,
                'is required with access.mode "url"',
                "set access.url to a URL that reaches the REST API (e.g. the FlinkIngress url)",
            ),
        );
    if (access?.url !== undefined && access.mode !== undefined && access.mode !== "url" && access.mode !== "auto") {
        f.push(
            invalid(
                `${prefix}access.mode`,
                access.mode,
                'conflicts with access.url, which is only used by modes "url" and "auto"',
                'remove access.url or set access.mode to "url"',
            ),
        );
    }
    if (access?.mode === "service" && spec.restService?.exposedType === "Headless_ClusterIP") {
        f.push(
            invalid(
                `${prefix}restService.exposedType`,
                "Headless_ClusterIP",
                'a headless REST service has no address for access.mode "service"',
                'use ClusterIP, NodePort or LoadBalancer, or access.mode "port-forward"',
            ),
        );
    }
    if (spec.serviceAccount?.create === false && spec.serviceAccount.name === undefined) {
        f.push(
            invalid(
                `${prefix}serviceAccount.name`,
                undefined,
                "is required when serviceAccount.create is false",
                "name an existing ServiceAccount with Flink's RBAC",
            ),
        );
    }
    const metricsPort = spec.prometheus ? (spec.prometheus.port ?? 9249) : undefined;
    if (metricsPort !== undefined && metricsPort === (spec.restService?.port ?? 8081))
        f.push(invalid(`${prefix}prometheus.port`, metricsPort, "is the JobManager's REST port", "use another port, e.g. 9249"));
    const gw = spec.sqlGateway;
    if (gw?.port !== undefined && gw.port === (spec.restService?.port ?? 8081)) {
        f.push(invalid(`${prefix}sqlGateway.port`, gw.port, "is the JobManager's REST port", "use another port, e.g. 8083"));
    }
    return f;
}

/** Without `name`, the resource (or job) name becomes the FlinkDeployment's name; it must be one. */
export function checkDerivedName(fallback: string, spec: DeploymentSpec, prefix: string, what: string): InputFailure[] {
    if (spec.name !== undefined || (fallback.length <= 45 && DNS1035_LABEL.test(fallback))) return [];
    return [
        invalid(
            `${prefix}name`,
            undefined,
            `defaults to the ${what} ${JSON.stringify(fallback)}, which is not a valid FlinkDeployment name (a DNS-1035 label of at most 45 characters)`,
            `set ${prefix}name, e.g. "${
                fallback
                    .toLowerCase()
                    .replace(/[^a-z0-9-]+/g, "-")
                    .replace(/^[^a-z]+/, "")
                    .slice(0, 45)
                    .replace(/-+$/, "") || "flink"
            }"`,
        ),
    ];
}

/** Check the `kubernetes` arguments of a session cluster. */
export function checkSessionSpec(input: unknown, prefix = "kubernetes.", resourceName?: string): { spec?: SessionSpec; failures: InputFailure[] } {
    if (input === undefined || input === null)
        return { failures: [invalid(prefix.replace(/\.$/, ""), input, 'is required for target "kubernetes"', 'set kubernetes: { namespace: "flink" }')] };
    const parsed = sessionSpecSchema.safeParse(input);
    if (!parsed.success) return { failures: zodFailures(parsed.error, input, prefix).map(trimDot) };
    const named = resourceName === undefined ? [] : checkDerivedName(resourceName, parsed.data, prefix, "resource name");
    return { spec: parsed.data, failures: [...named, ...crossCheck(parsed.data, prefix)] };
}

/** A failure at the root of a prefixed object is named "kubernetes", not "kubernetes.". */
export function trimDot(f: InputFailure): InputFailure {
    if (!f.property.endsWith(".")) return f;
    const property = f.property.slice(0, -1);
    return { property, reason: property + f.reason.slice(f.property.length) };
}
