/** Pure renderers: reporter config, rule expressions, targets and the Alertmanager tree. */
import { parse } from "yaml";
import {
    alertmanagerConfig,
    checkAlertRouteArgs,
    prometheusReporterConfig,
    renderRuleGroups,
    renderTargets,
    sanitizeLabelValue,
} from "../../../provider/alerts";
import { parsePortRange } from "../../../provider/core/alerts/metrics";
import { InputError } from "../../../provider/core/errors";
import { renderRuleFile } from "../../../provider/core/alerts/rules";
import { sampleInputs } from "../../support/alerts";

const spec = () => checkAlertRouteArgs(sampleInputs("/srv"))!.args!.spec;

describe("Prometheus reporter configuration", () => {
    test("factory class and port range", () => {
        expect(prometheusReporterConfig({ port: "9250-9260" })).toEqual({
            "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
            "metrics.reporter.prom.port": "9250-9260",
        });
    });
    test.each([
        ["9249", [9249, 9249]],
        [9249, [9249, 9249]],
        ["9250-9260", [9250, 9260]],
        ["9260-9250", undefined],
        ["70000", undefined],
        ["a-b", undefined],
    ])("port %p -> %p", (port, range) => {
        expect(parsePortRange(port as string)).toEqual(range);
    });
    test("an invalid port is an InputError in the formula", () =>
        expect(() => prometheusReporterConfig({ port: "x" })).toThrow(
            new InputError([
                {
                    property: "port",
                    reason: 'port = "x": is not a port or a port range; fix: use e.g. 9249, or "9250-9260" for several processes on one machine',
                },
            ]),
        ));
    test("label values sanitised as Flink does", () => expect(sanitizeLabelValue("orders-sync.v2 (eu)")).toBe("orders_sync_v2__eu_"));
});

describe("rules", () => {
    test("one group per cluster; per-job overrides land in that job's rule only", () => {
        const groups = renderRuleGroups(spec());
        expect(groups.map((g) => g.name)).toEqual(["pulumi-flink/prod/main"]);
        const loops = groups[0].rules.filter((r) => r.alert === "FlinkJobRestartLoop").map((r) => [r.labels.flink_job, r.expr]);
        expect(loops).toEqual([
            [
                "orders-sync",
                'sum by (environment, cluster, job_name) (increase(flink_jobmanager_job_numRestarts{environment="prod", cluster="main", job_name="orders_sync"}[10m])) > 2',
            ],
            [
                "billing.cdc",
                'sum by (environment, cluster, job_name) (increase(flink_jobmanager_job_numRestarts{environment="prod", cluster="main", job_name="billing_cdc"}[10m])) > 5',
            ],
        ]);
        expect(groups[0].rules.find((r) => r.alert === "FlinkJobNotRunning")!.expr).toBe(
            'absent(flink_jobmanager_job_uptime{environment="prod", cluster="main", job_name="orders_sync"})',
        );
        expect(groups[0].rules[0]).toMatchObject({
            alert: "FlinkClusterDown",
            expr: 'up{environment="prod", cluster="main", flink_role="jobmanager"} == 0',
            labels: { pulumi_flink_scope: "cluster" },
        });
    });
    test("disabled conditions render no rule; custom groups are appended", () => {
        const s = spec();
        s.jobs = s.jobs.map((j) => ({ ...j, conditions: { ...j.conditions, backpressure: { ...j.conditions.backpressure, enabled: false } } }));
        const doc = parse(renderRuleFile(s, [{ name: "mine", rules: [] }])) as { groups: { name: string; rules: { alert: string }[] }[] };
        expect(doc.groups.map((g) => g.name)).toEqual(["pulumi-flink/prod/main", "mine"]);
        expect(doc.groups[0].rules.map((r) => r.alert)).not.toContain("FlinkJobBackpressured");
    });
    test("targets carry environment, cluster and role", () => {
        expect(renderTargets(spec())).toEqual([
            { targets: ["localhost:9249"], labels: { environment: "prod", cluster: "main", flink_role: "jobmanager" } },
            { targets: ["localhost:9250"], labels: { environment: "prod", cluster: "main", flink_role: "taskmanager" } },
        ]);
    });
});

describe("Alertmanager configuration", () => {
    const am = alertmanagerConfig(spec()) as { route: Record<string, unknown>; inhibit_rules: unknown[]; receivers: Record<string, unknown>[] };
    test("grouped by environment and cluster, routes as matchers", () => {
        expect(am.route).toMatchObject({
            receiver: "ops",
            group_by: ["environment", "cluster"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
        });
        expect((am.route.routes as unknown[])[0]).toEqual({ receiver: "team-a", matchers: ['environment="prod"', 'team="a"'] });
    });
    test("job alerts are inhibited while their cluster is down", () => {
        expect(am.inhibit_rules).toEqual([
            { source_matchers: ['alertname="FlinkClusterDown"'], target_matchers: ['pulumi_flink_scope="job"'], equal: ["environment", "cluster"] },
        ]);
    });
    test("DingTalk and Lark go to their adapter as webhooks; WeCom is Alertmanager's wechat", () => {
        const byName = Object.fromEntries(am.receivers.map((r) => [r.name, r]));
        expect(byName.dingtalk).toEqual({
            name: "dingtalk",
            webhook_configs: [{ url: "http://dingtalk-adapter:8060/dingtalk/ops/send", send_resolved: true }],
        });
        expect(byName.lark).toEqual({ name: "lark", webhook_configs: [{ url: "http://lark-adapter:8080/alertmanager", send_resolved: true }] });
        expect(byName.wecom).toMatchObject({ wechat_configs: [{ corp_id: "ww123", agent_id: "1000002", to_party: "2" }] });
    });
});
