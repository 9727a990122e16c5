/**
 * Alerts wired from resources: a reporter port per process (pure), the environment's port rule
 * (pure, exact messages), and an AlertRoute given FlinkJob and SessionCluster resources (mocked engine; no Flink run).
 */
import { installMocks, Registered, settle } from "../../support/k8s-mocks";
import { reporterPorts, reporterTargets, prometheusReporterConfig } from "../../../provider/core/alerts/metrics";
import { reporterPortPlan } from "../../../sdk/components/environment-metrics";
import { environmentSettings } from "../../../sdk/components/environment-settings";
import { routeClusters, routeJobs } from "../../../sdk/alerts-resources";

const registered: Registered[] = installMocks("prod");
jest.setTimeout(30_000); // the mocked engine is slow on a busy 2-CPU machine
const flink = require("../../../sdk") as typeof import("../../../sdk");

describe("a reporter port per process of a local cluster", () => {
    test("the JobManager takes the first port of the range, TaskManager i the port after it plus i", () => {
        expect(reporterPorts(prometheusReporterConfig({ port: "9250-9253" }), 3)).toEqual({ jobManager: 9250, taskManagers: [9251, 9252, 9253] });
        expect(reporterTargets("flink-a", prometheusReporterConfig({ port: "9250-9260" }), 1)).toEqual({
            jobManager: "flink-a:9250",
            taskManagers: ["flink-a:9251"],
        });
    });
    test("unknown (Flink's own choice stands) with fewer ports than processes or the reporter off", () => {
        expect(reporterPorts(prometheusReporterConfig({ port: "9250-9251" }), 2)).toBeUndefined();
        expect(reporterPorts(prometheusReporterConfig({ port: 9250 }), 1)).toBeUndefined();
        expect(reporterPorts({ "metrics.reporter.prom.port": "9250-9260" }, 1)).toBeUndefined();
    });
});

describe("the environment's reporter port rule", () => {
    const parse = (clusters: Record<string, unknown>, metricsPort?: number, targets?: Record<string, unknown>) =>
        environmentSettings.parse({
            home: { version: "2.3.0" },
            clusters,
            alerts: {
                receivers: [{ name: "ops", type: "webhook", urlSecret: "hook" }],
                defaultReceiver: "ops",
                rulesDir: "r",
                alertmanagerDir: "a",
                metricsPort,
                targets,
            },
        });
    test("blocks of 1 + taskManagers ports in key order from 9250; remote clusters take none", () => {
        const s = parse(
            {
                b: { target: "local", restPort: 8201, taskManagers: 3 },
                a: { target: "local", restPort: 8101 },
                r: { target: "remote", restUrl: "http://x:8081" },
            },
            undefined,
            { r: { jobManager: "x:9249" } },
        );
        expect(reporterPortPlan(s)).toEqual({ ranges: { a: "9250-9251", b: "9252-9255" }, failures: [] });
    });
    test("a block that includes a declared port is refused with the port's property", () => {
        const s = parse({ a: { target: "local", restPort: 8101, rpcPort: 6101, sqlGateway: { enabled: true, port: 8103 } } }, 8102);
        expect(reporterPortPlan(s).failures.map((f) => f.reason)).toEqual([
            "alerts.metricsPort = 8102: gives cluster a the reporter ports 8102-8103, which include clusters.a.sqlGateway.port (8103); fix: choose a metricsPort whose blocks (1 + taskManagers ports per local cluster, in key order) miss every declared port",
        ]);
    });
    test("no alerts: no reporter is turned on", () => {
        const s = environmentSettings.parse({ home: { version: "2.3.0" }, clusters: { a: { target: "local" } } });
        expect(reporterPortPlan(s)).toEqual({ ranges: {}, failures: [] });
    });
});

describe("AlertRoute given FlinkJob and SessionCluster resources (mocked engine; no Flink run)", () => {
    const route = (name: string, extra: Record<string, unknown>) =>
        new flink.AlertRoute(name, {
            environment: "prod",
            receivers: [{ name: "ops", type: "webhook", url: "http://hook" }],
            defaultReceiver: "ops",
            rulesFile: "/r/flink.yml",
            alertmanagerConfigFile: "/a/alertmanager.yml",
            ...(extra as { clusters: [] }),
        });
    const home = new flink.FlinkHome("home", { version: "2.3.0" });
    const cluster = new flink.SessionCluster("main", {
        target: "local",
        home,
        taskManagers: 2,
        configuration: { ...flink.prometheusMetrics({ port: "9250-9252" }) },
    });
    const job = new flink.FlinkJob("orders", { cluster, name: "orders-sync", sql: "INSERT INTO k SELECT 1" });
    const other = new flink.FlinkJob("clicks", { cluster, sql: "INSERT INTO k SELECT 1" });

    test("names, cluster labels and scrape targets are derived; the hand-written forms still work beside them", async () => {
        const r = route("derived", {
            clusters: [cluster, { name: "legacy", jobManagerTarget: "yarn-jm:9249" }],
            jobs: [job, { job: other, team: "a", conditions: { restartLoop: { threshold: 5 } } }, { name: "elsewhere", cluster: "legacy" }],
        });
        await settle(registered, [r.ruleCount]);
        const inputs = registered.find((x) => x.name === "derived")!.inputs;
        expect(inputs.clusters).toEqual([
            { name: "main", jobManagerTarget: "localhost:9250", taskManagerTargets: ["localhost:9251", "localhost:9252"] },
            { name: "legacy", jobManagerTarget: "yarn-jm:9249" },
        ]);
        expect(inputs.jobs).toEqual([
            { name: "orders-sync", cluster: "main" },
            { name: "clicks", cluster: "main", team: "a", conditions: { restartLoop: { threshold: 5 } } },
            { name: "elsewhere", cluster: "legacy" },
        ]);
    });

    test("a cluster given with its own label: its jobs carry that label", async () => {
        const r = route("labelled", { clusters: [{ cluster, name: "c1", team: "ops" }], jobs: [job] });
        await settle(registered, [r.ruleCount]);
        const inputs = registered.find((x) => x.name === "labelled")!.inputs;
        expect(inputs.clusters).toEqual([
            { name: "c1", jobManagerTarget: "localhost:9250", taskManagerTargets: ["localhost:9251", "localhost:9252"], team: "ops" },
        ]);
        expect(inputs.jobs).toEqual([{ name: "orders-sync", cluster: "c1" }]);
    });

    test("a remote cluster has no derivable targets: refused with the hand-written form as the fix", async () => {
        const remote = new flink.SessionCluster("yarn", { target: "remote", restUrl: "http://yarn-proxy:8081" });
        expect(() => routeClusters([{ name: "legacy", jobManagerTarget: "yarn-jm:9249" }, remote])).toThrow(
            'clusters[1] = "(remote SessionCluster)": has reporters this program does not start, so their scrape targets are not known; fix: declare it by hand: { name, jobManagerTarget, taskManagerTargets }',
        );
    });

    test("an application-mode FlinkJob has no session cluster: refused with the hand-written form as the fix", async () => {
        const k8sHome = new flink.FlinkHome("k8s-home", { version: "1.20.3", image: "flink:1.20.3-java17" });
        const app = new flink.FlinkJob("app", {
            jar: { url: "local:///opt/flink/usrlib/orders.jar" },
            upgrade: { mode: "stateless" },
            application: { home: k8sHome, kubernetes: { namespace: "streaming" } },
        });
        await settle(registered, [app.urn]);
        expect(() => routeJobs([job, app], [cluster])).toThrow(
            'jobs[1] = "(FlinkJob)": runs in application mode (no SessionCluster to take its cluster label and targets from); fix: declare it by hand: { name, cluster } with a cluster of this route',
        );
    });
});
