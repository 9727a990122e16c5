/**
 * Kubernetes target: PodMonitor, PrometheusRule and AlertmanagerConfig validated against the
 * Prometheus Operator's schemas (@kubernetes-models/prometheus-operator); the component run on
 * Pulumi's mocked engine (no cluster, no pods run).
 */
import * as pulumi from "@pulumi/pulumi";
import { PodMonitor, PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { AlertmanagerConfig } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1";
import { Checker } from "../../../provider/core/alerts/checker";
import { checkSpec } from "../../../provider/core/alerts/check";
import { receiverSecretData, renderAlertmanagerConfigCR, renderPodMonitor, renderPrometheusRule } from "../../../provider/core/alerts/kubernetes";
import { AlertSpec } from "../../../provider/core/alerts/spec";
import { SAMPLE_SECRETS, sampleInputs } from "../../support/alerts";

function k8sSpec(): AlertSpec {
    const inputs = sampleInputs("/unused");
    for (const k of ["rulesFile", "alertmanagerConfigFile", "targetsFile"]) delete inputs[k];
    inputs.clusters = [{ name: "main" }];
    const c = new Checker();
    const { spec } = checkSpec(c, inputs, true);
    if (!spec) throw new Error(c.failures.map((f) => f.reason).join("\n"));
    return spec;
}
const opts = { namespace: "flink-prod", name: "prod-alerts", labels: { release: "kube-prometheus-stack" }, secretName: "prod-alerts-receivers" };

describe("Prometheus Operator objects (validated against the CRD schemas; no cluster)", () => {
    const spec = k8sSpec();

    test("PodMonitor is valid and labels targets with environment, cluster and role", () => {
        const obj = renderPodMonitor(spec, opts);
        expect(() => new PodMonitor(obj as never).validate()).not.toThrow();
        expect(JSON.stringify(obj)).toContain('"replacement":"prod"');
    });

    test("PrometheusRule is valid; every alert carries the namespace the AlertmanagerConfig matcher needs", () => {
        const obj = renderPrometheusRule(spec, opts) as { spec: { groups: { rules: { labels: Record<string, string> }[] }[] } };
        expect(() => new PrometheusRule(obj as never).validate()).not.toThrow();
        const labels = obj.spec.groups.flatMap((g) => g.rules.map((r) => r.labels.namespace));
        expect(labels.length).toBeGreaterThan(5);
        expect(new Set(labels)).toEqual(new Set(["flink-prod"]));
    });

    test("AlertmanagerConfig is valid, references the Secret and inlines no secret", () => {
        const obj = renderAlertmanagerConfigCR(spec, opts);
        expect(() => new AlertmanagerConfig(obj as never).validate()).not.toThrow();
        const text = JSON.stringify(obj);
        for (const s of SAMPLE_SECRETS) expect(text).not.toContain(s);
        expect(Object.keys(receiverSecretData(spec)).sort()).toEqual([
            "dingtalk-url",
            "lark-url",
            "ops-url",
            "team-a-password",
            "team-b-url",
            "wecom-api-secret",
        ]);
    });

    test("the schema check can fail: a wrong matchType is rejected", () => {
        const obj = renderAlertmanagerConfigCR(spec, opts) as { spec: { inhibitRules: { sourceMatch: { matchType: string }[] }[] } };
        obj.spec.inhibitRules[0].sourceMatch[0].matchType = "==";
        expect(() => new AlertmanagerConfig(obj as never).validate()).toThrow();
    });
});

describe("KubernetesAlertRoute component (mocked engine; no pods run)", () => {
    const created: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    beforeAll(() => {
        pulumi.runtime.setMocks(
            {
                newResource: (a) => {
                    created.push({ type: a.type, name: a.name, inputs: a.inputs });
                    return { id: `${a.name}-id`, state: a.inputs };
                },
                call: (a) => a.inputs,
            },
            "project",
            "stack",
            false,
        );
    });

    test("creates a Secret, a PodMonitor, a PrometheusRule and an AlertmanagerConfig with the selector labels", async () => {
        const { KubernetesAlertRoute } = await import("../../../sdk/alerts-kubernetes");
        const inputs = sampleInputs("/unused") as Record<string, any>;
        const route = new KubernetesAlertRoute("prod", {
            namespace: "flink-prod",
            selectorLabels: { release: "kps" },
            environment: "prod",
            clusters: [{ name: "main" }],
            jobs: inputs.jobs,
            receivers: inputs.receivers,
            defaultReceiver: "ops",
            routes: inputs.routes,
        });
        await new Promise<void>((r) => route.alertmanagerConfig.urn.apply(() => r()));
        await new Promise((r) => setTimeout(r, 100));
        const children = created.filter((c) => c.type !== "flink:index:KubernetesAlertRoute");
        expect(children.map((c) => c.inputs.kind as string).sort()).toEqual(["AlertmanagerConfig", "PodMonitor", "PrometheusRule", "Secret"]);
        for (const c of children) expect((c.inputs.metadata as { labels: Record<string, string> }).labels).toEqual({ release: "kps" });
    });
});
