/** AlertRoute inputs for tests, and where the real Prometheus tools are. */
import { execFileSync } from "child_process";

/** A valid AlertRoute input with every receiver type and a routing tree (files under `dir`). */
export function sampleInputs(dir: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        environment: "prod",
        clusters: [{ name: "main", jobManagerTarget: "localhost:9249", taskManagerTargets: ["localhost:9250"] }],
        jobs: [
            { name: "orders-sync", cluster: "main", team: "a" },
            { name: "billing.cdc", cluster: "main", team: "b", conditions: { restartLoop: { threshold: 5 } } },
        ],
        receivers: [
            { name: "ops", type: "webhook", url: "https://hooks.example.com/ops?token=s3cr3t-token" },
            {
                name: "team-a",
                type: "email",
                to: "a@example.com",
                from: "alerts@example.com",
                smarthost: "smtp.example.com:587",
                authUsername: "alerts",
                authPassword: "smtp-p4ss",
            },
            { name: "team-b", type: "slack", apiUrl: "https://hooks.slack.com/services/T0/B0/xyz", channel: "#team-b" },
            { name: "wecom", type: "wecom", corpId: "ww123", apiSecret: "wecom-s3cret", agentId: "1000002", toParty: "2" },
            { name: "dingtalk", type: "dingtalk", adapterUrl: "http://dingtalk-adapter:8060/dingtalk/ops/send" },
            { name: "lark", type: "lark", adapterUrl: "http://lark-adapter:8080/alertmanager" },
        ],
        defaultReceiver: "ops",
        routes: [
            { match: { environment: "prod", team: "a" }, receiver: "team-a" },
            { match: { environment: "prod", team: "b" }, receiver: "team-b" },
            { match: { environment: "test" }, receiver: "dingtalk" },
        ],
        rulesFile: `${dir}/rules/flink.yml`,
        alertmanagerConfigFile: `${dir}/alertmanager.yml`,
        targetsFile: `${dir}/targets/flink.json`,
        ...overrides,
    };
}

/** Secret values in {@link sampleInputs}: none may appear in a message. */
export const SAMPLE_SECRETS = ["s3cr3t-token", "smtp-p4ss", "hooks.slack.com/services/T0/B0/xyz", "wecom-s3cret"];

/** Path of a Prometheus tool; fails loudly when scripts/install-prometheus.sh has not run. */
export function tool(name: "promtool" | "amtool" | "prometheus" | "alertmanager"): string {
    const candidates = name === "alertmanager" ? ["alertmanager", "prometheus-alertmanager"] : [name];
    for (const c of candidates) {
        try {
            return execFileSync("sh", ["-c", `command -v ${c}`], { encoding: "utf8" }).trim();
        } catch {
            // next
        }
    }
    throw new Error(`${name} is not installed: run scripts/install-prometheus.sh`);
}
