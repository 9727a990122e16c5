/**
 * The inputs of the provider kinds `k8sCluster` and `k8sApplication`, as the SDK resolves them
 * (see the Kubernetes contract). The SDK validates the user's arguments (k8s/schema.ts); these
 * schemas check what reaches the provider, with the same failure formula.
 */
import { z } from "zod";
import { type InputFailure, invalid } from "../core/errors";
import { containsUnknown } from "../core/unknown";
import { withoutPulumiKeys, zodFailures } from "../core/zod";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const label = (what: string, max: number) =>
    z.string().superRefine((s, ctx) => {
        if (s.length > max)
            ctx.addIssue({
                code: "custom",
                message: `must be at most ${max} characters (a ${what})`,
                params: { fix: `shorten it to ${max} characters or fewer` },
            });
        else if (!DNS_LABEL.test(s))
            ctx.addIssue({
                code: "custom",
                message: `must be a ${what}: lowercase letters, digits and "-", starting and ending with a letter or digit`,
                params: {
                    fix: `use e.g. "${
                        s
                            .toLowerCase()
                            .replace(/[^a-z0-9-]+/g, "-")
                            .replace(/^-+|-+$/g, "") || "flink"
                    }"`,
                },
            });
    });
const port = z.number().int().min(1).max(65535);
const httpUrl = z
    .string()
    .regex(/^https?:\/\/[^/?#\s]+[^?#\s]*$/i, 'must be an http(s) URL without query or fragment, e.g. "https://flink.example.com/ns/name/"');

export const accessSchema = z
    .object({
        mode: z.enum(["auto", "url", "service", "port-forward"]).default("auto"),
        url: httpUrl.optional(),
    })
    .strict()
    .superRefine((a, ctx) => {
        if (a.mode === "url" && !a.url)
            ctx.addIssue({
                code: "custom",
                path: ["url"],
                message: 'is required when access.mode is "url"',
                params: { fix: 'set access.url to the ingress URL of the REST API, or use access.mode "auto"' },
            });
        if ((a.mode === "service" || a.mode === "port-forward") && a.url)
            ctx.addIssue({
                code: "custom",
                path: ["url"],
                message: `is ignored when access.mode is "${a.mode}"`,
                params: { fix: 'remove access.url, or use access.mode "url" (or "auto") to use it' },
            });
    });

const kubeAccess = {
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
};

export const k8sClusterSchema = z
    .object({
        target: z.literal("kubernetes"),
        namespace: label("Kubernetes namespace name", 63),
        name: label("FlinkDeployment name", 45),
        flinkVersion: z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'must be a Flink version such as "1.20.3"'),
        restService: label("Service name", 63),
        restPort: port.default(8081),
        access: accessSchema.default({}),
        sqlGateway: z
            .object({ service: label("Service name", 63), port: port.default(8083), url: httpUrl.optional() })
            .strict()
            .optional(),
        ...kubeAccess,
        readyTimeoutSeconds: z.number().int().min(1).max(7200).default(600),
        specHash: z.string().min(1),
        librariesHash: z.string().optional(),
        /** Slots the cluster keeps up (`slotmanager.number-of-slots.min`): ready waits until they registered. */
        minSlots: z.number().int().min(0).optional(),
    })
    .strict();

export const k8sApplicationSchema = z
    .object({
        namespace: label("Kubernetes namespace name", 63),
        name: label("FlinkDeployment name", 45),
        specHash: z.string().min(1),
        upgradeMode: z.enum(["savepoint", "last-state", "stateless"]),
        ...kubeAccess,
        readyTimeoutSeconds: z.number().int().min(1).max(7200).default(900),
        access: accessSchema.optional(),
        /** The rendered spec enables the Operator's rollback (then a failing JobManager is waited out). */
        rollbackEnabled: z.boolean().default(false),
        /** REST Service of the application cluster. @default `<name>-rest`, 8081 */
        restService: label("Service name", 63).optional(),
        restPort: port.default(8081),
        /** What destroy does to the job (FlinkJob `onDelete`). Absent in states written before it was recorded. */
        onDelete: z.enum(["savepoint", "cancel"]).optional(),
    })
    .strict();

export type K8sClusterInputs = z.infer<typeof k8sClusterSchema>;
export type K8sApplicationInputs = z.infer<typeof k8sApplicationSchema>;

function check<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, news: Record<string, unknown>): { args?: T; failures: InputFailure[] } {
    const inputs = withoutPulumiKeys(news);
    if (containsUnknown(inputs)) return { failures: [] }; // checked again once known
    const parsed = schema.safeParse(inputs);
    if (!parsed.success) return { failures: zodFailures(parsed.error, redactKubeconfig(inputs)) };
    return { args: parsed.data, failures: [] };
}

/** Never quote a kubeconfig (it carries credentials) in a failure. */
function redactKubeconfig(inputs: Record<string, unknown>): Record<string, unknown> {
    return inputs.kubeconfig === undefined ? inputs : { ...inputs, kubeconfig: "(secret)" };
}

export function checkK8sClusterInputs(news: Record<string, unknown>): { args?: K8sClusterInputs; failures: InputFailure[] } {
    const result = check(k8sClusterSchema, news);
    const args = result.args;
    if (args?.sqlGateway && args.sqlGateway.service === args.restService && args.sqlGateway.port === args.restPort) {
        result.failures.push(
            invalid(
                "sqlGateway.service",
                args.sqlGateway.service,
                "is the REST service and port of the cluster",
                "point sqlGateway at the SQL Gateway's own Service (port 8083 by default)",
            ),
        );
    }
    return result;
}

export function checkK8sApplicationInputs(news: Record<string, unknown>): { args?: K8sApplicationInputs; failures: InputFailure[] } {
    return check(k8sApplicationSchema, news);
}
