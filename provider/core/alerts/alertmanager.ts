/**
 * Render an Alertmanager configuration from an AlertRoute (pure): receivers, a routing tree
 * grouped by cluster, and the inhibition that holds job alerts back while their cluster is down.
 */
import { stringify } from "yaml";
import { ALERT_NAMES, JOB_LABEL, SCOPE_LABEL } from "./rules";
import { AlertSpec, MatchLabel, ReceiverSpec, RouteSpec } from "./spec";

/** Alerts are grouped per environment and cluster: a dying cluster is one notification. */
export const GROUP_BY = ["environment", "cluster"];

/** Route match keys -> alert label names. */
const LABEL_OF: Record<MatchLabel, string> = {
    environment: "environment",
    team: "team",
    job: JOB_LABEL,
    cluster: "cluster",
    severity: "severity",
    alertname: "alertname",
};

const matcher = (label: string, value: string) => `${label}=${JSON.stringify(value)}`;

/** DingTalk and Lark/Feishu have no native Alertmanager integration: their adapter takes Alertmanager's webhook payload. */
export function renderReceiver(r: ReceiverSpec): Record<string, unknown> {
    const resolved = { send_resolved: r.sendResolved };
    switch (r.type) {
        case "webhook":
            return { name: r.name, webhook_configs: [{ url: r.url, ...resolved, ...(r.maxAlerts ? { max_alerts: r.maxAlerts } : {}) }] };
        case "dingtalk":
        case "lark":
            return { name: r.name, webhook_configs: [{ url: r.adapterUrl, ...resolved }] };
        case "email":
            return {
                name: r.name,
                email_configs: [
                    {
                        to: r.to,
                        from: r.from,
                        smarthost: r.smarthost,
                        ...(r.authUsername ? { auth_username: r.authUsername } : {}),
                        ...(r.authPassword ? { auth_password: r.authPassword } : {}),
                        require_tls: r.requireTls,
                        ...resolved,
                    },
                ],
            };
        case "slack":
            return {
                name: r.name,
                slack_configs: [
                    {
                        api_url: r.apiUrl,
                        channel: r.channel,
                        title: "{{ .CommonLabels.alertname }} ({{ .CommonLabels.environment }}/{{ .CommonLabels.cluster }})",
                        text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
                        ...resolved,
                    },
                ],
            };
        case "wecom":
            return {
                name: r.name,
                wechat_configs: [
                    {
                        corp_id: r.corpId,
                        api_secret: r.apiSecret,
                        agent_id: r.agentId,
                        ...(r.toUser ? { to_user: r.toUser } : {}),
                        ...(r.toParty ? { to_party: r.toParty } : {}),
                        ...(r.apiUrl ? { api_url: r.apiUrl } : {}),
                        message: "{{ range .Alerts }}[{{ .Status }}] {{ .Annotations.summary }}\n{{ end }}",
                        ...resolved,
                    },
                ],
            };
    }
}

function renderRoute(route: RouteSpec): Record<string, unknown> {
    const matchers = Object.entries(route.match).map(([k, v]) => matcher(LABEL_OF[k as MatchLabel], v as string));
    return { receiver: route.receiver, matchers, ...(route.continue ? { continue: true } : {}) };
}

/** The whole Alertmanager configuration as an object. */
export function alertmanagerConfig(spec: AlertSpec): Record<string, unknown> {
    return {
        route: {
            receiver: spec.defaultReceiver,
            group_by: GROUP_BY,
            group_wait: spec.timing.groupWait,
            group_interval: spec.timing.groupInterval,
            repeat_interval: spec.timing.repeatInterval,
            routes: spec.routes.map(renderRoute),
        },
        inhibit_rules: [
            {
                // While a cluster's JobManager is down, every one of its jobs looks down too.
                source_matchers: [matcher("alertname", ALERT_NAMES.clusterDown)],
                target_matchers: [matcher(SCOPE_LABEL, "job")],
                equal: GROUP_BY,
            },
        ],
        receivers: spec.receivers.map(renderReceiver),
    };
}

/** The Alertmanager configuration file (YAML). It holds receiver secrets: write it with mode 0600. */
export function renderAlertmanagerConfig(spec: AlertSpec): string {
    return `# Written by pulumi-flink (AlertRoute). Manual edits are overwritten.\n${stringify(alertmanagerConfig(spec), { lineWidth: 0 })}`;
}
