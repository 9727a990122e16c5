import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Checker } from "../provider/core/alerts/checker";
import { checkSpec } from "../provider/core/alerts/check";
import { receiverSecretData, renderAlertmanagerConfigCR, renderPodMonitor, renderPrometheusRule } from "../provider/core/alerts/kubernetes";
import { InputError } from "../provider/core/errors";
import type { AlertPolicyArgs } from "./alerts";

/** Arguments of a {@link KubernetesAlertRoute}: an AlertRoute's spec, plus where the objects go. */
export interface KubernetesAlertRouteArgs extends AlertPolicyArgs {
    /** Namespace of the Flink pods and of the objects created. */
    readonly namespace: pulumi.Input<string>;
    /**
     * Labels your Prometheus `ruleSelector`/`podMonitorSelector` and Alertmanager
     * `alertmanagerConfigSelector` match, e.g. `{ release: "kube-prometheus-stack" }`.
     */
    readonly selectorLabels: pulumi.Input<Record<string, string>>;
    /** Container port name of the Flink reporter in the pod template. @default "metrics" */
    readonly metricsPort?: string;
    /** Clusters (FlinkDeployment names = the pods' `app` label). */
    readonly clusters: pulumi.Input<{ readonly name: pulumi.Input<string>; readonly team?: pulumi.Input<string> }[]>;
}

/**
 * An AlertRoute on Kubernetes, for the Prometheus Operator: a PodMonitor, a PrometheusRule, an
 * AlertmanagerConfig and the Secret with receiver credentials. Invalid input fails the program
 * (at preview) with property, value and fix.
 */
export class KubernetesAlertRoute extends pulumi.ComponentResource {
    public readonly podMonitor: k8s.apiextensions.CustomResource;
    public readonly prometheusRule: k8s.apiextensions.CustomResource;
    public readonly alertmanagerConfig: k8s.apiextensions.CustomResource;
    public readonly secret: k8s.core.v1.Secret;

    constructor(name: string, args: KubernetesAlertRouteArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flink:index:KubernetesAlertRoute", name, {}, opts);
        // Loaded here so programs without Kubernetes never load the Kubernetes SDK.
        const kubernetes = require("@pulumi/kubernetes") as typeof k8s; // eslint-disable-line @typescript-eslint/no-require-imports
        const { namespace, selectorLabels, metricsPort, ...specInputs } = args;
        const secretName = `${name}-alert-receivers`;
        const rendered = pulumi.all([pulumi.output(specInputs), namespace, selectorLabels]).apply(([inputs, ns, labels]) => {
            const c = new Checker();
            const { spec, customGroups } = checkSpec(c, inputs as unknown as Record<string, unknown>, true);
            if (!spec) throw new InputError(c.failures);
            const o = { namespace: ns, name, labels, secretName, ...(metricsPort ? { metricsPort } : {}) };
            return {
                podMonitor: renderPodMonitor(spec, o),
                rule: renderPrometheusRule(spec, o, customGroups),
                am: renderAlertmanagerConfigCR(spec, o),
                secretData: receiverSecretData(spec),
            };
        });
        const child = { parent: this };
        const cr = (suffix: string, kind: string, apiVersion: string, obj: pulumi.Output<Record<string, unknown>>) =>
            new kubernetes.apiextensions.CustomResource(
                `${name}-${suffix}`,
                { apiVersion, kind, metadata: obj.apply((o) => o.metadata as k8s.types.input.meta.v1.ObjectMeta), spec: obj.apply((o) => o.spec) },
                child,
            );
        this.secret = new kubernetes.core.v1.Secret(
            `${name}-receivers`,
            { metadata: { name: secretName, namespace, labels: selectorLabels }, stringData: pulumi.secret(rendered.apply((r) => r.secretData)) },
            child,
        );
        this.podMonitor = cr(
            "podmonitor",
            "PodMonitor",
            "monitoring.coreos.com/v1",
            rendered.apply((r) => r.podMonitor),
        );
        this.prometheusRule = cr(
            "rules",
            "PrometheusRule",
            "monitoring.coreos.com/v1",
            rendered.apply((r) => r.rule),
        );
        this.alertmanagerConfig = cr(
            "routes",
            "AlertmanagerConfig",
            "monitoring.coreos.com/v1alpha1",
            rendered.apply((r) => r.am),
        );
        this.registerOutputs({});
    }
}
