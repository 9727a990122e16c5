/**
 * The `alerts` and `ingress` blocks of a StreamingEnvironment's stack config. Secret values (receiver
 * URLs, passwords) are never written in the config file in plain text: the block names a stack
 * config key set with `pulumi config set --secret`, and the environment reads it as a secret.
 * Conditions and timers are checked in depth by AlertRoute itself at preview.
 */
import { z } from "zod";
import type { AlertConditions, AlertSeverity } from "../alerts";
import { hint, secretHint } from "./validate";

/** A receiver; `*Secret` fields name a secret stack config key holding the value. */
export type EnvironmentAlertReceiver =
    | { readonly name: string; readonly type: "webhook"; readonly urlSecret: string; readonly maxAlerts?: number; readonly sendResolved?: boolean }
    | {
          readonly name: string;
          readonly type: "email";
          readonly to: string;
          readonly from: string;
          readonly smarthost: string;
          readonly authUsername?: string;
          readonly authPasswordSecret?: string;
          readonly requireTls?: boolean;
          readonly sendResolved?: boolean;
      }
    | { readonly name: string; readonly type: "slack"; readonly apiUrlSecret: string; readonly channel: string; readonly sendResolved?: boolean }
    | {
          readonly name: string;
          readonly type: "wecom";
          readonly corpId: string;
          readonly apiSecretSecret: string;
          readonly agentId: string;
          readonly toUser?: string;
          readonly toParty?: string;
          readonly apiUrl?: string;
          readonly sendResolved?: boolean;
      }
    | { readonly name: string; readonly type: "dingtalk" | "lark"; readonly adapterUrlSecret: string; readonly sendResolved?: boolean };

/** The `alerts` block: an AlertRoute over the environment's clusters and jobs. */
export interface EnvironmentAlerts {
    /**
     * Value of the `environment` label.
     * @default the StreamingEnvironment's name
     */
    readonly environment?: string;
    /** Receivers (secret values by config key). */
    readonly receivers: EnvironmentAlertReceiver[];
    /** Receiver of alerts no route matches. */
    readonly defaultReceiver: string;
    /**
     * Routes by team, job (catalogue key) or severity, first match wins unless `continue`.
     * @default []
     */
    readonly routes?: {
        readonly team?: string;
        readonly job?: string;
        readonly severity?: AlertSeverity;
        readonly receiver: string;
        readonly continue?: boolean;
    }[];
    /**
     * Team label and condition overrides per job (catalogue key).
     * @default {}
     */
    readonly jobs?: Record<string, { readonly team?: string; readonly conditions?: AlertConditions }>;
    /**
     * Conditions for every job.
     * @default AlertRoute's defaults
     */
    readonly conditions?: AlertConditions;
    /**
     * Alertmanager grouping timers.
     * @default AlertRoute's defaults
     */
    readonly timing?: { readonly groupWait?: string; readonly groupInterval?: string; readonly repeatInterval?: string };
    /**
     * Reporter targets per cluster key: required for each remote cluster (its reporters are not ours to set);
     * for a local cluster they win over the derived ones (see `metricsPort`).
     * @default local clusters: derived from the ports the environment gives their reporters
     */
    readonly targets?: Record<string, { readonly jobManager: string; readonly taskManagers?: string[]; readonly team?: string }>;
    /**
     * First Prometheus reporter port of the local clusters. The environment turns the reporter on for
     * each local cluster that does not configure it: clusters in key order take consecutive blocks of
     * `1 + taskManagers` ports (the JobManager the first); a block that includes a declared port is refused.
     * @default 9250
     */
    readonly metricsPort?: number;
    /**
     * Directory of the rule file `<environment>.rules.yml` and targets `<environment>.targets.json` (not on Kubernetes).
     * @default undefined
     */
    readonly rulesDir?: string;
    /**
     * Directory of `alertmanager.yml` (not on Kubernetes).
     * @default undefined
     */
    readonly alertmanagerDir?: string;
    /**
     * Prometheus base URL to `POST /-/reload`.
     * @default no reload
     */
    readonly prometheusUrl?: string;
    /**
     * Alertmanager base URL to `POST /-/reload`.
     * @default no reload
     */
    readonly alertmanagerUrl?: string;
    /**
     * Kubernetes only: labels the Prometheus Operator selects, and the namespace of the objects.
     * @default undefined
     */
    readonly kubernetes?: { readonly selectorLabels: Record<string, string>; readonly namespace?: string };
}

/** The `ingress` block: a FlinkIngress to each Kubernetes cluster's web UI. */
export interface EnvironmentIngress {
    /** Host name, e.g. "flink.example.com". */
    readonly host: string;
    /**
     * Path template (`{namespace}`, `{name}`).
     * @default FlinkIngress's "/{namespace}/{name}/"
     */
    readonly path?: string;
    /**
     * IngressClass (ingress-nginx).
     * @default the cluster's default class
     */
    readonly ingressClassName?: string;
    /**
     * TLS certificate Secret.
     * @default http
     */
    readonly tls?: { readonly secretName: string };
    /**
     * Basic auth; the password is read from the secret config key `passwordSecret`.
     * @default none
     */
    readonly basicAuth?: { readonly username: string; readonly passwordSecret: string; readonly realm?: string };
    /**
     * Extra annotations.
     * @default {}
     */
    readonly annotations?: Record<string, string>;
}

const name = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { ...hint("is not a valid name", "use letters, digits, '.', '_' and '-'") });
const secretKey = (field: string) =>
    z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/, {
        ...hint(`is not a config key name`, `name a secret stack config key, set with: pulumi config set --secret ${field} '...'`),
    });
const plainSecret = (field: string, key: string) =>
    z.unknown().superRefine((v, ctx) => {
        if (v !== undefined)
            ctx.addIssue({
                code: "custom",
                ...secretHint(
                    "would be a secret in plain text in the stack's config file",
                    `set ${key}: <config key> and store the value with: pulumi config set --secret <config key> '...' (${field})`,
                ),
            });
    });
const common = { name, sendResolved: z.boolean().optional() };
const receiver = z.discriminatedUnion(
    "type",
    [
        z
            .object({
                ...common,
                type: z.literal("webhook"),
                urlSecret: secretKey("alertWebhookUrl"),
                url: plainSecret("url", "urlSecret"),
                maxAlerts: z.number().int().min(0).optional(),
            })
            .strict(),
        z
            .object({
                ...common,
                type: z.literal("email"),
                to: z.string().min(3),
                from: z.string().min(3),
                smarthost: z.string().min(3),
                authUsername: z.string().optional(),
                authPasswordSecret: secretKey("smtpPassword").optional(),
                authPassword: plainSecret("authPassword", "authPasswordSecret"),
                requireTls: z.boolean().optional(),
            })
            .strict(),
        z
            .object({
                ...common,
                type: z.literal("slack"),
                apiUrlSecret: secretKey("slackUrl"),
                apiUrl: plainSecret("apiUrl", "apiUrlSecret"),
                channel: z.string().min(1),
            })
            .strict(),
        z
            .object({
                ...common,
                type: z.literal("wecom"),
                corpId: z.string().min(1),
                apiSecretSecret: secretKey("wecomSecret"),
                apiSecret: plainSecret("apiSecret", "apiSecretSecret"),
                agentId: z.string().min(1),
                toUser: z.string().optional(),
                toParty: z.string().optional(),
                apiUrl: z.string().url().optional(),
            })
            .strict(),
        z
            .object({
                ...common,
                type: z.enum(["dingtalk", "lark"]),
                adapterUrlSecret: secretKey("dingtalkAdapterUrl"),
                adapterUrl: plainSecret("adapterUrl", "adapterUrlSecret"),
            })
            .strict(),
    ],
    {
        errorMap: (issue, ctx) =>
            issue.code === "invalid_union_discriminator"
                ? hint("is not a receiver type", "use webhook, email, slack, wecom, dingtalk or lark")
                : { message: ctx.defaultError },
    },
);

const url = z.string().regex(/^https?:\/\/[^\s/]+/, { ...hint("is not an http(s) URL", 'write e.g. "http://localhost:9090"') });
const dir = z.string().min(1, { ...hint("is empty", "give a directory path (relative paths are from the program's directory)") });
const hostPort = z.string().regex(/^[A-Za-z0-9.[\]:-]+:\d{1,5}$/, { ...hint("is not host:port", 'write e.g. "localhost:9250"') });

export const alertSettings = z
    .object({
        environment: z.string().min(1).optional(),
        receivers: z
            .array(receiver)
            .min(1, { ...hint("is empty", "declare at least one receiver, e.g. { name: ops, type: webhook, urlSecret: alertWebhookUrl }") }),
        defaultReceiver: name,
        routes: z
            .array(
                z
                    .object({
                        team: z.string().min(1).optional(),
                        job: z.string().min(1).optional(),
                        severity: z.enum(["critical", "warning", "info"]).optional(),
                        receiver: name,
                        continue: z.boolean().optional(),
                    })
                    .strict(),
            )
            .default([]),
        jobs: z.record(z.object({ team: z.string().min(1).optional(), conditions: z.record(z.unknown()).optional() }).strict()).default({}),
        conditions: z.record(z.unknown()).optional(),
        timing: z.object({ groupWait: z.string().optional(), groupInterval: z.string().optional(), repeatInterval: z.string().optional() }).strict().optional(),
        targets: z
            .record(z.object({ jobManager: hostPort, taskManagers: z.array(hostPort).optional(), team: z.string().min(1).optional() }).strict())
            .optional(),
        metricsPort: z
            .number()
            .int()
            .min(1024, { ...hint("is below 1024", "use an unprivileged port, e.g. 9250") })
            .max(65535)
            .optional(),
        rulesDir: dir.optional(),
        alertmanagerDir: dir.optional(),
        prometheusUrl: url.optional(),
        alertmanagerUrl: url.optional(),
        kubernetes: z
            .object({ selectorLabels: z.record(z.string()), namespace: z.string().min(1).optional() })
            .strict()
            .optional(),
    })
    .strict()
    .superRefine((a, ctx) => {
        const names = a.receivers.map((r) => r.name);
        names.forEach((n, i) => {
            if (names.indexOf(n) !== i)
                ctx.addIssue({ code: "custom", path: ["receivers", i, "name"], ...hint("is a duplicate receiver name", "give every receiver its own name") });
        });
        if (!names.includes(a.defaultReceiver))
            ctx.addIssue({ code: "custom", path: ["defaultReceiver"], ...hint("names no receiver", `use one of ${names.join(", ")}`) });
        a.routes.forEach((r, i) => {
            if (!names.includes(r.receiver))
                ctx.addIssue({ code: "custom", path: ["routes", i, "receiver"], ...hint("names no receiver", `use one of ${names.join(", ")}`) });
            if (r.team === undefined && r.job === undefined && r.severity === undefined)
                ctx.addIssue({
                    code: "custom",
                    path: ["routes", i],
                    ...hint("matches nothing specific", "set team, job or severity (alerts no route matches go to defaultReceiver)"),
                });
        });
    });

export const ingressSettings = z
    .object({
        host: z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, { ...hint("is not a host name", 'write e.g. "flink.example.com"') }),
        path: z.string().startsWith("/").optional(),
        ingressClassName: z.string().min(1).optional(),
        tls: z
            .object({ secretName: z.string().min(1) })
            .strict()
            .optional(),
        basicAuth: z
            .object({
                username: z.string().min(1),
                passwordSecret: secretKey("flinkUiPassword"),
                password: plainSecret("password", "passwordSecret"),
                realm: z.string().optional(),
            })
            .strict()
            .optional(),
        annotations: z.record(z.string()).optional(),
    })
    .strict();
