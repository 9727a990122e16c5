/** Validation of FlinkIngress arguments. */
import { z } from "zod";
import { InputFailure, invalid } from "../errors";
import { zodFailures } from "../zod";
import { isQualifiedKey, isSubdomain } from "./names";
import { labelName, rule, subdomainName } from "./schema";

const host = rule(
    z.string(),
    (h) => isSubdomain(h.startsWith("*.") ? h.slice(2) : h) && h.includes("."),
    "is not a valid ingress host (a lowercase DNS name such as flink.example.com; no scheme, port or path; a wildcard only as the first label)",
    'use a host like "flink.example.com"',
);
const path = rule(
    z.string(),
    (p) => /^\/([A-Za-z0-9._~-]+\/|\{namespace\}\/|\{name\}\/)+$/.test(p),
    "is not a path template (at least one segment; " +
        "it must start and end with '/', and hold only letters, digits, '-', '.', '_', '~' and the placeholders {namespace} and {name} as whole segments)",
    'use e.g. "/{namespace}/{name}/" or "/flink/{name}/"',
);

/** Annotations the ingress sets itself; a user value would silently break the sub-path or auth. */
export const MANAGED_ANNOTATIONS = [
    "nginx.ingress.kubernetes.io/rewrite-target",
    "nginx.ingress.kubernetes.io/use-regex",
    "nginx.ingress.kubernetes.io/auth-type",
    "nginx.ingress.kubernetes.io/auth-secret",
    "nginx.ingress.kubernetes.io/auth-realm",
    "nginx.ingress.kubernetes.io/permanent-redirect",
];

export const ingressSpecSchema = z
    .object({
        target: z
            .object({ namespace: labelName("namespace name", "flink"), name: labelName("FlinkDeployment name", "analytics"), restPort: z.number().int() })
            .strict(),
        host,
        path: path.optional(),
        ingressClassName: subdomainName("IngressClass name", "nginx").optional(),
        tls: z
            .object({ secretName: subdomainName("TLS Secret name", "flink-example-com-tls") })
            .strict()
            .optional(),
        basicAuth: z
            .object({
                username: rule(z.string(), (u) => /^[^:\s]{1,64}$/.test(u), "is not a valid basic-auth user name (no ':' or spaces)", 'use e.g. "flink"'),
                password: rule(
                    z.string(),
                    (p) => p.length >= 8 && !/[\r\n]/.test(p),
                    "must be at least 8 characters on one line",
                    "use a longer password (from a Pulumi secret)",
                ),
                realm: z.string().optional(),
            })
            .strict()
            .optional(),
        annotations: z.record(z.string()).optional(),
        name: labelName("Ingress name", "analytics-ui").optional(),
    })
    .strict();

export type IngressSpec = z.infer<typeof ingressSpecSchema>;

export function checkIngressSpec(input: unknown): { spec?: IngressSpec; failures: InputFailure[] } {
    const parsed = ingressSpecSchema.safeParse(input);
    if (!parsed.success) return { failures: zodFailures(parsed.error, input).map(hidePassword(input)) };
    const spec = parsed.data;
    const failures: InputFailure[] = [];
    for (const [key, value] of Object.entries(spec.annotations ?? {})) {
        if (!isQualifiedKey(key))
            failures.push(invalid(`annotations[${JSON.stringify(key)}]`, key, "is not a valid annotation key", 'use "prefix.example.com/name"'));
        else if (MANAGED_ANNOTATIONS.includes(key))
            failures.push(
                invalid(
                    `annotations[${JSON.stringify(key)}]`,
                    value,
                    "is set by FlinkIngress (sub-path rewrite or basic auth) and would break it",
                    "remove it; use path and basicAuth instead",
                ),
            );
    }
    return { spec, failures };
}

/** A rejected password must not appear in the error (previews and logs are not secret). */
function hidePassword(input: unknown): (f: InputFailure) => InputFailure {
    const password = (input as { basicAuth?: { password?: unknown } } | undefined)?.basicAuth?.password;
    return (f) =>
        typeof password === "string" && password !== "" ? { property: f.property, reason: f.reason.split(JSON.stringify(password)).join('"[secret]"') } : f;
}
