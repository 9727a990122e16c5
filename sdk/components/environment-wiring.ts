/**
 * Built-in wiring of a StreamingEnvironment's `alerts` and `ingress` blocks: an AlertRoute (or a
 * KubernetesAlertRoute) over exactly the clusters and jobs the stack declares, and a FlinkIngress
 * per Kubernetes cluster. Secret values are read from the stack's secret config keys.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AlertCluster, AlertConditions, AlertReceiver, AlertRoute, AlertRouteRule } from "../alerts";
import { KubernetesAlertRoute } from "../alerts-kubernetes";
import type { SessionCluster } from "../cluster";
import { FlinkIngress } from "../ingress";
import { InputError, InputFailure as Failure, invalid } from "../../provider/core/errors";
import type { EnvironmentAlertReceiver } from "./environment-alerts-settings";
import type { ParsedEnvironmentSettings } from "./environment-settings";

/** A deployed job as the wiring needs it. */
export interface WiredJob {
    key: string;
    name: string;
    cluster: string;
    /** The job's resource: the alert route waits for it, so a first deployment does not page. */
    resource?: pulumi.Resource;
}

/** Reads secret config keys, collecting a failure per missing key. */
class SecretReader {
    readonly failures: Failure[] = [];
    private readonly config: pulumi.Config;
    constructor(namespace?: string) {
        this.config = new pulumi.Config(namespace);
    }
    read(property: string, key: string): pulumi.Output<string> {
        const v = this.config.getSecret(key);
        if (v === undefined) {
            this.failures.push(
                invalid(property, key, "names a config key this stack does not set", `run: pulumi config set --secret ${key} '...' (or fix the key name)`),
            );
            return pulumi.secret("");
        }
        return v;
    }
}

function receiverOf(r: EnvironmentAlertReceiver, i: number, secrets: SecretReader): pulumi.Output<AlertReceiver> {
    const p = `alerts.receivers[${i}]`;
    switch (r.type) {
        case "webhook": {
            const { urlSecret, ...rest } = r;
            return secrets.read(`${p}.urlSecret`, urlSecret).apply((url) => ({ ...rest, url }));
        }
        case "email": {
            const { authPasswordSecret, ...rest } = r;
            if (authPasswordSecret === undefined) return pulumi.output(rest as AlertReceiver);
            return secrets.read(`${p}.authPasswordSecret`, authPasswordSecret).apply((authPassword) => ({ ...rest, authPassword }));
        }
        case "slack": {
            const { apiUrlSecret, ...rest } = r;
            return secrets.read(`${p}.apiUrlSecret`, apiUrlSecret).apply((apiUrl) => ({ ...rest, apiUrl }));
        }
        case "wecom": {
            const { apiSecretSecret, ...rest } = r;
            return secrets.read(`${p}.apiSecretSecret`, apiSecretSecret).apply((apiSecret) => ({ ...rest, apiSecret }));
        }
        default: {
            const { adapterUrlSecret, ...rest } = r;
            return secrets.read(`${p}.adapterUrlSecret`, adapterUrlSecret).apply((adapterUrl) => ({ ...rest, adapterUrl }));
        }
    }
}

/** Cross-checks of the alerts block against the deployed jobs. */
function checkAlertJobs(a: NonNullable<ParsedEnvironmentSettings["alerts"]>, jobs: WiredJob[]): Failure[] {
    const keys = jobs.map((j) => j.key);
    const fix = keys.length ? `use one of ${keys.join(", ")}` : "remove it: this stack deploys no job";
    const failures = Object.keys(a.jobs)
        .filter((k) => !keys.includes(k))
        .map((k) => invalid(`alerts.jobs.${k}`, a.jobs[k], "names no job this stack deploys", fix));
    a.routes.forEach((r, i) => {
        if (r.job !== undefined && !keys.includes(r.job)) failures.push(invalid(`alerts.routes[${i}].job`, r.job, "names no job this stack deploys", fix));
    });
    return failures;
}

/** Create the environment's alert route; returns summary facts, or failures. */
export function wireAlerts(
    env: string,
    s: ParsedEnvironmentSettings,
    clusters: Record<string, SessionCluster>,
    jobs: WiredJob[],
    configNamespace: string | undefined,
    parent: pulumi.Resource,
): { failures: Failure[]; summary?: Record<string, pulumi.Input<unknown>> } {
    const a = s.alerts;
    if (!a) return { failures: [] };
    const failures = checkAlertJobs(a, jobs);
    const secrets = new SecretReader(configNamespace);
    const receivers = pulumi.all(a.receivers.map((r, i) => receiverOf(r, i, secrets)));
    failures.push(...secrets.failures);
    if (failures.length) return { failures };

    const environment = a.environment ?? env;
    const onK8s = Object.values(s.clusters).some((c) => c.target === "kubernetes");
    // On Kubernetes the `cluster` label is the FlinkDeployment's name; elsewhere the cluster key.
    const clusterLabel = (key: string) => (onK8s ? clusters[key].kubernetesTarget!.apply((t) => t.name) : pulumi.output(key));
    const alertJobs = jobs.map((j) => ({
        name: j.name,
        cluster: clusterLabel(j.cluster),
        ...(a.jobs[j.key]?.team ? { team: a.jobs[j.key].team } : {}),
        ...(a.jobs[j.key]?.conditions ? { conditions: a.jobs[j.key].conditions as AlertConditions } : {}),
    }));
    const nameOf = (key: string) => jobs.find((j) => j.key === key)!.name;
    const routes: AlertRouteRule[] = a.routes.map((r) => ({
        match: { ...(r.team ? { team: r.team } : {}), ...(r.job ? { job: nameOf(r.job) } : {}), ...(r.severity ? { severity: r.severity } : {}) },
        receiver: r.receiver,
        ...(r.continue !== undefined ? { continue: r.continue } : {}),
    }));
    const spec = {
        environment,
        jobs: alertJobs,
        receivers,
        defaultReceiver: a.defaultReceiver,
        routes,
        ...(a.conditions ? { conditions: a.conditions as AlertConditions } : {}),
        ...(a.timing ? { timing: a.timing } : {}),
    };
    // Rules go live once the jobs run: a job still being deployed is not "not running".
    const opts = { parent, dependsOn: jobs.flatMap((j) => j.resource ?? []) };
    if (onK8s) {
        const k = a.kubernetes!;
        const first = Object.values(clusters)[0].kubernetesTarget!;
        const route = new KubernetesAlertRoute(
            `${env}-alerts`,
            {
                ...spec,
                namespace: k.namespace ?? first.apply((t) => t.namespace),
                selectorLabels: k.selectorLabels,
                clusters: Object.keys(clusters).map((key) => ({ name: clusterLabel(key), ...(a.targets?.[key]?.team ? { team: a.targets[key].team } : {}) })),
            },
            opts,
        );
        return { failures: [], summary: { environment, kind: "KubernetesAlertRoute", prometheusRule: route.prometheusRule.metadata.name } };
    }
    const rulesDir = path.resolve(a.rulesDir!);
    const rulesFile = path.join(rulesDir, `${environment}.rules.yml`);
    const route = new AlertRoute(
        `${env}-alerts`,
        {
            ...spec,
            clusters: Object.keys(clusters).map((key) => clusterTargets(key, a.targets?.[key], clusters[key])),
            rulesFile,
            targetsFile: path.join(rulesDir, `${environment}.targets.json`),
            alertmanagerConfigFile: path.join(path.resolve(a.alertmanagerDir!), "alertmanager.yml"),
            ...(a.prometheusUrl ? { prometheusUrl: a.prometheusUrl } : {}),
            ...(a.alertmanagerUrl ? { alertmanagerUrl: a.alertmanagerUrl } : {}),
        },
        opts,
    );
    return { failures: [], summary: { environment, kind: "AlertRoute", rulesFile, ruleCount: route.ruleCount } };
}

type HandTargets = NonNullable<NonNullable<ParsedEnvironmentSettings["alerts"]>["targets"]>[string];

/** A cluster's scrape targets: written by hand (they win), else derived from the reporter the environment turned on. */
function clusterTargets(key: string, hand: HandTargets | undefined, cluster: SessionCluster): pulumi.Input<AlertCluster> {
    if (hand)
        return {
            name: key,
            jobManagerTarget: hand.jobManager,
            ...(hand.taskManagers ? { taskManagerTargets: hand.taskManagers } : {}),
            ...(hand.team ? { team: hand.team } : {}),
        };
    return cluster.prometheusTargets.apply((t) => {
        // A local cluster whose own configuration sets a reporter range too small for a port per process.
        if (!t)
            throw new InputError([
                invalid(
                    `alerts.targets.${key}`,
                    undefined,
                    "cannot be derived: the cluster's own reporter setting has fewer ports than processes",
                    `give metrics.reporter.prom.port a range of 1 + taskManagers ports, ` +
                        `remove it (the environment chooses), or set alerts.targets.${key}.jobManager`,
                ),
            ]);
        return { name: key, jobManagerTarget: t.jobManager, taskManagerTargets: t.taskManagers };
    });
}

/** A FlinkIngress per Kubernetes cluster; returns their URLs by cluster key, or failures. */
export function wireIngress(
    env: string,
    s: ParsedEnvironmentSettings,
    clusters: Record<string, SessionCluster>,
    configNamespace: string | undefined,
    parent: pulumi.Resource,
): { failures: Failure[]; urls?: Record<string, pulumi.Output<string>> } {
    const i = s.ingress;
    if (!i) return { failures: [] };
    const secrets = new SecretReader(configNamespace);
    const { basicAuth, ...rest } = i;
    const auth = basicAuth
        ? {
              username: basicAuth.username,
              password: secrets.read("ingress.basicAuth.passwordSecret", basicAuth.passwordSecret),
              ...(basicAuth.realm ? { realm: basicAuth.realm } : {}),
          }
        : undefined;
    if (secrets.failures.length) return { failures: secrets.failures };
    const urls: Record<string, pulumi.Output<string>> = {};
    for (const [key, c] of Object.entries(s.clusters)) {
        if (c.target !== "kubernetes") continue;
        urls[key] = new FlinkIngress(`${env}-${key}-ui`, { ...rest, cluster: clusters[key], ...(auth ? { basicAuth: auth } : {}) }, { parent }).url;
    }
    return { failures: [], urls };
}
