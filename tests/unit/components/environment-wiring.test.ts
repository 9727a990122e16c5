/**
 * StreamingEnvironment's built-in `alerts`, `ingress` and kubernetes-cluster wiring from stack
 * settings, under Pulumi's mocked engine, and its bad blocks (one row each).
 */
import { parse } from "yaml";
import { PodMonitor, PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { AlertmanagerConfig } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1";
import { checkAlertRouteArgs } from "../../../provider/alerts";
import { renderRuleFile } from "../../../provider/core/alerts/rules";
import { installMocks, manifests, Registered, settle } from "../../support/k8s-mocks";
import { validateManifest } from "../../support/k8s-schemas";
import { expectRefused } from "../../support/input-error";

const HOOK = "https://hooks.example.com/T0/secret-path-123";
const registered: Registered[] = installMocks("prod", { "shop-project:alertWebhookUrl": HOOK, "shop-project:uiPassword": "ui-password-9" }, "shop-project");

const { StreamingEnvironment } = require("../../../sdk") as typeof import("../../../sdk");
type Settings = import("../../../sdk").EnvironmentSettings;

const sql = "CREATE TABLE s (v INT) WITH ('connector' = 'datagen'); CREATE TABLE k (v INT) WITH ('connector' = 'blackhole'); INSERT INTO k SELECT v FROM s";
const catalogue = { orders: { sql }, clicks: { sql, name: "clicks-sync" }, audit: { sql } };
const local = { main: { target: "local", restPort: 31601 }, side: { target: "local", restPort: 31611 } };
const alerts = {
    receivers: [
        { name: "ops", type: "webhook", urlSecret: "alertWebhookUrl" },
        { name: "team-a", type: "webhook", urlSecret: "alertWebhookUrl", sendResolved: false },
    ],
    defaultReceiver: "ops",
    routes: [{ team: "a", receiver: "team-a" }],
    jobs: { orders: { team: "a", conditions: { restartLoop: { threshold: 5 } } } },
    targets: { main: { jobManager: "localhost:9250" }, side: { jobManager: "localhost:9260" } },
    rulesDir: "/srv/prometheus/rules",
    alertmanagerDir: "/srv/alertmanager",
};
const settings = (over: Partial<Record<keyof Settings, unknown>> = {}): Settings =>
    ({
        home: { version: "2.3.0" },
        clusters: local,
        jobs: { orders: { cluster: "main" }, clicks: { cluster: "side" }, audit: { cluster: "main" } },
        alerts,
        ...over,
    }) as Settings;

describe("StreamingEnvironment alerts block (mocked engine; no Flink, Prometheus or Alertmanager run)", () => {
    test("creates one AlertRoute whose rendered rules name every declared job with the environment label; the webhook URL stays secret", async () => {
        const env = new StreamingEnvironment("shop", { settings: settings(), jobs: catalogue });
        await settle(registered, [env.summary]);
        const route = registered.find((r) => r.name === "shop-alerts")!;
        expect(route).toBeDefined();
        expect(route.hasSecret).toBe(true);
        expect(route.inputs).toMatchObject({
            environment: "shop",
            rulesFile: "/srv/prometheus/rules/shop.rules.yml",
            alertmanagerConfigFile: "/srv/alertmanager/alertmanager.yml",
            defaultReceiver: "ops",
        });
        const checked = checkAlertRouteArgs(route.inputs);
        expect(checked.failures).toEqual([]);
        const rules = parse(renderRuleFile(checked.args!.spec, checked.args!.customGroups)) as {
            groups: { name: string; rules: { alert: string; expr: string; labels: Record<string, string> }[] }[];
        };
        const absent = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert === "FlinkJobNotRunning");
        expect(absent.map((r) => [r.labels.flink_job, r.labels.environment]).sort()).toEqual([
            ["audit", "shop"],
            ["clicks-sync", "shop"],
            ["orders", "shop"],
        ]);
        for (const r of absent) expect(r.expr).toContain('environment="shop"');
        expect(rules.groups.map((g) => g.name).sort()).toEqual(["pulumi-flink/shop/main", "pulumi-flink/shop/side"]);
        const loop = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert === "FlinkJobRestartLoop" && r.labels.flink_job === "orders");
        expect(loop[0].expr).toMatch(/> 5$/);
        expect(route.inputs.routes).toEqual([{ match: { team: "a" }, receiver: "team-a" }]);
        const summary = (await new Promise<unknown>((r) => env.summary.apply(r))) as { alerts: { rulesFile: string; kind: string } };
        expect(summary.alerts).toMatchObject({ kind: "AlertRoute", rulesFile: "/srv/prometheus/rules/shop.rules.yml" });
        expect(JSON.stringify(summary)).not.toContain(HOOK);
    }, 20_000);

    test("a disabled job is not declared to the alert route", async () => {
        registered.splice(0);
        const env = new StreamingEnvironment("shop2", {
            settings: settings({
                jobs: { orders: { cluster: "main" }, clicks: { cluster: "side" }, audit: { enabled: false } },
                alerts: { ...alerts, jobs: {} },
            }),
            jobs: catalogue,
        });
        await settle(registered, [env.summary]);
        const route = registered.find((r) => r.name === "shop2-alerts")!;
        expect((route.inputs.jobs as { name: string }[]).map((j) => j.name).sort()).toEqual(["clicks-sync", "orders"]);
    }, 20_000);
});

describe("StreamingEnvironment alerts wire themselves: reporter on, ports chosen, targets derived (mocked engine; no Flink run)", () => {
    test("each local cluster gets its own block of reporter ports in key order; the route scrapes exactly them", async () => {
        registered.splice(0);
        const clusters = { main: { target: "local", restPort: 31601, taskManagers: 2 }, side: { target: "local", restPort: 31611 } };
        const env = new StreamingEnvironment("auto", {
            settings: settings({ clusters, alerts: { ...alerts, targets: undefined, metricsPort: 31620 } }),
            jobs: catalogue,
        });
        await settle(registered, [env.summary]);
        const config = (name: string) => registered.find((r) => r.name === name)!.inputs.configuration as Record<string, string>;
        expect(config("auto-main")).toMatchObject({ "metrics.reporter.prom.port": "31620-31622" });
        expect(config("auto-side")).toMatchObject({ "metrics.reporter.prom.port": "31623-31624" });
        const route = registered.find((r) => r.name === "auto-alerts")!;
        expect(route.inputs.clusters).toEqual([
            { name: "main", jobManagerTarget: "localhost:31620", taskManagerTargets: ["localhost:31621", "localhost:31622"] },
            { name: "side", jobManagerTarget: "localhost:31623", taskManagerTargets: ["localhost:31624"] },
        ]);
    }, 20_000);

    test("hand-written targets win; a cluster configuring its own reporter keeps it and takes no block", async () => {
        registered.splice(0);
        const own = {
            "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
            "metrics.reporter.prom.port": "31630-31631",
        };
        const clusters = { main: { target: "local", restPort: 31601, configuration: own }, side: { target: "local", restPort: 31611 } };
        const targets = { side: { jobManager: "flink-side:9999", team: "b" } };
        const env = new StreamingEnvironment("own", { settings: settings({ clusters, alerts: { ...alerts, targets, metricsPort: 31620 } }), jobs: catalogue });
        await settle(registered, [env.summary]);
        const config = (name: string) => registered.find((r) => r.name === name)!.inputs.configuration as Record<string, string>;
        expect(config("own-main")["metrics.reporter.prom.port"]).toBe("31630-31631");
        expect(config("own-side")["metrics.reporter.prom.port"]).toBe("31620-31621");
        expect(registered.find((r) => r.name === "own-alerts")!.inputs.clusters).toEqual([
            { name: "main", jobManagerTarget: "localhost:31630", taskManagerTargets: ["localhost:31631"] },
            { name: "side", jobManagerTarget: "flink-side:9999", team: "b" },
        ]);
    }, 20_000);
});

describe("StreamingEnvironment on Kubernetes: Operator objects, FlinkIngress and KubernetesAlertRoute (mocked engine; no pods run)", () => {
    test("every emitted manifest is valid against the real schemas; one Ingress per cluster; rules name the jobs", async () => {
        registered.splice(0);
        const env = new StreamingEnvironment("k8s", {
            settings: settings({
                home: { version: "1.20.3", image: "flink:1.20.3-java17" },
                clusters: { main: { target: "kubernetes", kubernetes: { namespace: "streaming", taskManager: { slots: 2 }, sqlGateway: { enabled: true } } } },
                jobs: {},
                alerts: { receivers: alerts.receivers, defaultReceiver: "ops", kubernetes: { selectorLabels: { release: "kube-prometheus-stack" } } },
                ingress: { host: "flink.example.com", ingressClassName: "nginx", basicAuth: { username: "ops", passwordSecret: "uiPassword" } },
            }),
            jobs: { orders: { sql } },
        });
        await settle(registered, [env.summary]);
        const all = manifests(registered);
        const kinds = all.map((m) => m.kind);
        for (const k of ["FlinkDeployment", "ServiceAccount", "Role", "RoleBinding", "Ingress", "PrometheusRule", "AlertmanagerConfig", "PodMonitor", "Secret"])
            expect(kinds).toContain(k);
        const models: Record<string, new (d: never) => { validate(): void }> = { PodMonitor, PrometheusRule, AlertmanagerConfig };
        const problems = all.flatMap((m) => {
            if (!models[m.kind]) return validateManifest(m);
            try {
                new models[m.kind](m as never).validate();
                return [];
            } catch (err) {
                return [`${m.kind}: ${(err as Error).message}`];
            }
        });
        expect(problems).toEqual([]);
        const rule = all.find((m) => m.kind === "PrometheusRule") as unknown as {
            metadata: { namespace: string; labels: Record<string, string> };
            spec: { groups: { rules: { alert: string; labels: Record<string, string> }[] }[] };
        };
        expect(rule.metadata).toMatchObject({ namespace: "streaming", labels: { release: "kube-prometheus-stack" } });
        const absent = rule.spec.groups.flatMap((g) => g.rules).filter((r) => r.alert === "FlinkJobNotRunning");
        expect(absent.map((r) => [r.labels.flink_job, r.labels.environment])).toEqual([["orders", "k8s"]]);
        const fd = all.find((m) => m.kind === "FlinkDeployment")!;
        expect(JSON.stringify(rule)).toContain(`"cluster":"${fd.metadata.name}"`);
        // The port the PodMonitor scrapes is opened by the cluster's pods, with the reporter on it.
        const monitor = all.find((m) => m.kind === "PodMonitor") as unknown as {
            spec: { selector: { matchExpressions: { key: string; values: string[] }[] }; podMetricsEndpoints: { port: string }[] };
        };
        const fdSpec = fd.spec as { flinkConfiguration: Record<string, string>; podTemplate: { spec: { containers: { name: string; ports?: unknown[] }[] } } };
        const main = fdSpec.podTemplate.spec.containers.find((c) => c.name === "flink-main-container")!;
        expect(main.ports).toEqual([{ name: monitor.spec.podMetricsEndpoints[0]!.port, containerPort: 9249, protocol: "TCP" }]);
        expect(monitor.spec.selector.matchExpressions.find((e) => e.key === "app")!.values).toEqual([fd.metadata.name]);
        expect(fdSpec.flinkConfiguration).toMatchObject({
            "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
            "metrics.reporter.prom.port": "9249",
        });
        const summary = (await new Promise<unknown>((r) => env.summary.apply(r))) as { ingress: Record<string, string> };
        expect(summary.ingress.main).toMatch(/^http:\/\/flink\.example\.com\/streaming\//);
        expect(JSON.stringify(all.filter((m) => m.kind !== "Secret"))).not.toContain("ui-password-9");
        expect(JSON.stringify(all.filter((m) => m.kind !== "Secret"))).not.toContain(HOOK);
        const receiverSecret = registered.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "k8s-alerts-receivers")!;
        expect(receiverSecret.hasSecret).toBe(true);
    }, 30_000);
});

describe("StreamingEnvironment alerts/ingress/kubernetes blocks are validated (property, value, fix)", () => {
    type Row = [string, Partial<Record<keyof Settings, unknown>>, string, string, string];
    const k8sCluster = { main: { target: "kubernetes", kubernetes: { namespace: "streaming" } } };
    const rows: Row[] = [
        [
            "receiver URL in plain text",
            { alerts: { ...alerts, receivers: [{ name: "ops", type: "webhook", urlSecret: "x", url: HOOK }] } },
            "alerts.receivers[0].url",
            "",
            "pulumi config set --secret",
        ],
        [
            "receiver without urlSecret",
            { alerts: { ...alerts, receivers: [{ name: "ops", type: "webhook" }] } },
            "alerts.receivers[0].urlSecret",
            "undefined",
            "",
        ],
        [
            "receiver secret key the stack does not set",
            { alerts: { ...alerts, receivers: [{ name: "ops", type: "webhook", urlSecret: "nope" }], routes: [] } },
            "alerts.receivers[0].urlSecret",
            '"nope"',
            "pulumi config set --secret nope",
        ],
        [
            "unknown receiver type",
            { alerts: { ...alerts, receivers: [{ name: "ops", type: "pager" }] } },
            "alerts.receivers[0].type",
            '"pager"',
            "webhook, email",
        ],
        [
            "duplicate receiver names",
            { alerts: { ...alerts, receivers: [alerts.receivers[0], alerts.receivers[0]] } },
            "alerts.receivers[1].name",
            '"ops"',
            "its own name",
        ],
        ["default receiver not declared", { alerts: { ...alerts, defaultReceiver: "oncall" } }, "alerts.defaultReceiver", '"oncall"', "ops, team-a"],
        [
            "route to an undeclared receiver",
            { alerts: { ...alerts, routes: [{ team: "a", receiver: "team-b" }] } },
            "alerts.routes[0].receiver",
            '"team-b"',
            "ops, team-a",
        ],
        ["route matching nothing", { alerts: { ...alerts, routes: [{ receiver: "ops" }] } }, "alerts.routes[0]", "", "team, job or severity"],
        [
            "route to a job the stack does not deploy",
            { alerts: { ...alerts, routes: [{ job: "ordrs", receiver: "ops" }] } },
            "alerts.routes[0].job",
            '"ordrs"',
            "audit, clicks, orders",
        ],
        ["job overrides for an unknown job", { alerts: { ...alerts, jobs: { ordrs: { team: "a" } } } }, "alerts.jobs.ordrs", "", "audit, clicks, orders"],
        [
            "a remote cluster without reporter target",
            {
                clusters: { ...local, side: { target: "remote", restUrl: "http://flink-side:8081" } },
                alerts: { ...alerts, targets: { main: alerts.targets.main } },
            },
            "alerts.targets.side",
            "undefined",
            "jobManager",
        ],
        [
            "a reporter target that is no host:port",
            { alerts: { ...alerts, targets: { ...alerts.targets, side: { jobManager: "localhost" } } } },
            "alerts.targets.side.jobManager",
            '"localhost"',
            "localhost:9250",
        ],
        [
            "reporter ports that include a declared port",
            { alerts: { ...alerts, targets: undefined, metricsPort: 31610 } },
            "alerts.metricsPort",
            "31610",
            "miss every declared port",
        ],
        ["a reporter port below 1024", { alerts: { ...alerts, metricsPort: 80 } }, "alerts.metricsPort", "80", "9250"],
        ["reporter ports past 65535", { alerts: { ...alerts, metricsPort: 65534 } }, "alerts.metricsPort", "65534", "lower metricsPort"],
        ["no rules directory", { alerts: { ...alerts, rulesDir: undefined } }, "alerts.rulesDir", "undefined", "rulesDir"],
        [
            "reload URL that is no URL",
            { alerts: { ...alerts, prometheusUrl: "localhost:9090" } },
            "alerts.prometheusUrl",
            '"localhost:9090"',
            "http://localhost:9090",
        ],
        ["an unknown alerts key", { alerts: { ...alerts, reciever: "x" } }, "alerts", "", "spelling"],
        [
            "kubernetes cluster without kubernetes block",
            { home: { version: "1.20.3", image: "flink:1.20.3" }, clusters: { main: { target: "kubernetes" } }, alerts: undefined },
            "clusters.main.kubernetes",
            "undefined",
            "namespace",
        ],
        ["kubernetes cluster with a home without image", { clusters: k8sCluster, alerts: undefined, jobs: {} }, "home.image", "undefined", "home.image"],
        [
            "kubernetes alerts without selector labels",
            {
                home: { version: "1.20.3", image: "flink:1.20.3" },
                clusters: k8sCluster,
                jobs: {},
                alerts: { receivers: alerts.receivers, defaultReceiver: "ops" },
            },
            "alerts.kubernetes",
            "undefined",
            "selectorLabels",
        ],
        ["ingress without a kubernetes cluster", { ingress: { host: "flink.example.com" } }, "ingress", "", "kubernetes cluster"],
        [
            "ingress host that is no host",
            { home: { version: "1.20.3", image: "flink:1.20.3" }, clusters: k8sCluster, jobs: {}, alerts: undefined, ingress: { host: "https://flink" } },
            "ingress.host",
            '"https://flink"',
            "flink.example.com",
        ],
        [
            "ingress password in plain text",
            {
                home: { version: "1.20.3", image: "flink:1.20.3" },
                clusters: k8sCluster,
                jobs: {},
                alerts: undefined,
                ingress: { host: "flink.example.com", basicAuth: { username: "u", passwordSecret: "uiPassword", password: "x" } },
            },
            "ingress.basicAuth.password",
            "",
            "pulumi config set --secret",
        ],
    ];
    test.each(rows)("%s", (_title, over, property, value, fixText) => {
        expectRefused(
            () => new StreamingEnvironment("bad", { settings: settings(over), jobs: catalogue }),
            'StreamingEnvironment "bad"',
            property,
            value,
            fixText,
        );
    });
});
