/**
 * Prometheus Operator objects for an AlertRoute on Kubernetes (pure): a PodMonitor that scrapes
 * the Flink pods with the labels the rules select on, a PrometheusRule, an AlertmanagerConfig,
 * and the data of the Secret its receivers reference (no secret is ever inlined in a CR).
 *
 * What users must match (documented in the README):
 * - Prometheus `ruleSelector` / `podMonitorSelector` must select `labels` (e.g. `release: kube-prometheus-stack`).
 * - Alertmanager `alertmanagerConfigSelector` must select `labels`; the operator adds a
 *   `namespace="<ns>"` matcher to the route, so every rule here carries `namespace: <ns>`.
 * - Flink pods expose the reporter as a container port named `metrics` and carry the Flink
 *   Kubernetes Operator's labels `app: <cluster>` and `component: jobmanager|taskmanager`.
 */
import { ALERT_NAMES, renderRuleGroups, ROLE_LABEL, SCOPE_LABEL } from "./rules";
import { GROUP_BY } from "./alertmanager";
import { AlertSpec, MatchLabel, ReceiverSpec } from "./spec";

export interface KubernetesAlertOptions {
    /** Namespace of the PodMonitor, PrometheusRule, AlertmanagerConfig and Secret (and of the Flink pods). */
    namespace: string;
    /** Base name of the objects. */
    name: string;
    /** Labels the Prometheus and Alertmanager selectors match. */
    labels: Record<string, string>;
    /** Name of the Secret holding receiver URLs and passwords. */
    secretName: string;
    /** Container port name of the Flink reporter. @default "metrics" */
    metricsPort?: string;
}

type Obj = Record<string, unknown>;
const LABEL_OF: Record<MatchLabel, string> = {
    environment: "environment",
    team: "team",
    job: "flink_job",
    cluster: "cluster",
    severity: "severity",
    alertname: "alertname",
};
const eq = (name: string, value: string) => ({ name, value, matchType: "=" });
const meta = (o: KubernetesAlertOptions, suffix: string) => ({ name: `${o.name}-${suffix}`, namespace: o.namespace, labels: { ...o.labels } });

/** PodMonitor: every pod of the declared clusters, labelled environment / cluster / flink_role. */
export function renderPodMonitor(spec: AlertSpec, o: KubernetesAlertOptions): Obj {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: meta(o, "flink"),
        spec: {
            selector: {
                matchExpressions: [
                    { key: "app", operator: "In", values: spec.clusters.map((c) => c.name) },
                    { key: "component", operator: "In", values: ["jobmanager", "taskmanager"] },
                ],
            },
            namespaceSelector: { matchNames: [o.namespace] },
            podMetricsEndpoints: [
                {
                    port: o.metricsPort ?? "metrics",
                    relabelings: [
                        { sourceLabels: ["__meta_kubernetes_pod_label_app"], targetLabel: "cluster" },
                        { sourceLabels: ["__meta_kubernetes_pod_label_component"], targetLabel: ROLE_LABEL },
                        { targetLabel: "environment", replacement: spec.environment, action: "replace" },
                    ],
                },
            ],
        },
    };
}

/** PrometheusRule with the same groups as the rule file, each alert also labelled with the namespace. */
export function renderPrometheusRule(spec: AlertSpec, o: KubernetesAlertOptions, customGroups: unknown[] = []): Obj {
    const groups = renderRuleGroups(spec).map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, labels: { ...r.labels, namespace: o.namespace } })) }));
    return { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: meta(o, "rules"), spec: { groups: [...groups, ...customGroups] } };
}

/** Secret keys per receiver: `<receiver>-url`, `<receiver>-password`, `<receiver>-api-secret`. */
export function receiverSecretData(spec: AlertSpec): Record<string, string> {
    const data: Record<string, string> = {};
    for (const r of spec.receivers) {
        if (r.type === "webhook") data[`${r.name}-url`] = r.url;
        if (r.type === "dingtalk" || r.type === "lark") data[`${r.name}-url`] = r.adapterUrl;
        if (r.type === "slack") data[`${r.name}-url`] = r.apiUrl;
        if (r.type === "email" && r.authPassword) data[`${r.name}-password`] = r.authPassword;
        if (r.type === "wecom") data[`${r.name}-api-secret`] = r.apiSecret;
    }
    return data;
}

function receiver(r: ReceiverSpec, secret: string): Obj {
    const ref = (key: string) => ({ name: secret, key: `${r.name}-${key}` });
    const sendResolved = r.sendResolved;
    switch (r.type) {
        case "webhook":
            return { name: r.name, webhookConfigs: [{ urlSecret: ref("url"), sendResolved, ...(r.maxAlerts ? { maxAlerts: r.maxAlerts } : {}) }] };
        case "dingtalk":
        case "lark":
            return { name: r.name, webhookConfigs: [{ urlSecret: ref("url"), sendResolved }] };
        case "slack":
            return { name: r.name, slackConfigs: [{ apiURL: ref("url"), channel: r.channel, sendResolved }] };
        case "email":
            return {
                name: r.name,
                emailConfigs: [
                    {
                        to: r.to,
                        from: r.from,
                        smarthost: r.smarthost,
                        requireTLS: r.requireTls,
                        sendResolved,
                        ...(r.authUsername ? { authUsername: r.authUsername } : {}),
                        ...(r.authPassword ? { authPassword: ref("password") } : {}),
                    },
                ],
            };
        case "wecom":
            return {
                name: r.name,
                wechatConfigs: [
                    {
                        corpID: r.corpId,
                        agentID: r.agentId,
                        apiSecret: ref("api-secret"),
                        sendResolved,
                        ...(r.toUser ? { toUser: r.toUser } : {}),
                        ...(r.toParty ? { toParty: r.toParty } : {}),
                        ...(r.apiUrl ? { apiURL: r.apiUrl } : {}),
                    },
                ],
            };
    }
}

/** AlertmanagerConfig: the same routing tree, grouping and inhibition as the file target. */
export function renderAlertmanagerConfigCR(spec: AlertSpec, o: KubernetesAlertOptions): Obj {
    return {
        apiVersion: "monitoring.coreos.com/v1alpha1",
        kind: "AlertmanagerConfig",
        metadata: meta(o, "routes"),
        spec: {
            route: {
                receiver: spec.defaultReceiver,
                groupBy: GROUP_BY,
                groupWait: spec.timing.groupWait,
                groupInterval: spec.timing.groupInterval,
                repeatInterval: spec.timing.repeatInterval,
                routes: spec.routes.map((r) => ({
                    receiver: r.receiver,
                    matchers: Object.entries(r.match).map(([k, v]) => eq(LABEL_OF[k as MatchLabel], v as string)),
                    ...(r.continue ? { continue: true } : {}),
                })),
            },
            receivers: spec.receivers.map((r) => receiver(r, o.secretName)),
            inhibitRules: [{ sourceMatch: [eq("alertname", ALERT_NAMES.clusterDown)], targetMatch: [eq(SCOPE_LABEL, "job")], equal: GROUP_BY }],
        },
    };
}
