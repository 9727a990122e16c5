/**
 * AlertRoute end to end, all real: Flink with its Prometheus reporter, Prometheus and
 * Alertmanager from Debian, the pulumi CLI, and a webhook receiver written here.
 * A. a job cancelled out of band -> exactly one notification naming job and environment; it
 *    resolves when `pulumi up` restores the job.
 * E. a bad custom rule / receiver fails preview and update with the tool's message; the deployed
 *    rules keep working (B and C below fire from them).
 * B. a restart-looping job -> one notification for the incident, not one per restart.
 * C. a session cluster with 10 jobs stops -> one grouped cluster notification; job alerts inhibited.
 * One Flink line (PULUMI_FLINK_ALERTS_LINE, default the newest of the test bed) keeps this within
 * budget; the metric names are checked on every line in tests/integration/alerts-metrics.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sha256 } from "../../provider/core/hash";
import { createFlinkClient, FlinkClient } from "../../provider/flink";
import { prometheusReporterConfig } from "../../provider/core/alerts/metrics";
import { Alerting, jobManagerPort, loadedAlerts, notified, startAlerting } from "../support/alerting";
import { RunningCluster, startCluster } from "../support/cluster";
import { waitFor } from "../support/counter";
import { counterJob, outDirFor } from "../support/jobs";
import { PulumiProject } from "../support/pulumi";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(10 * 60_000);

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const cluster = new flink.SessionCluster("cluster", { target: "remote", restUrl: cfg.require("restUrl") });
const jobs = JSON.parse(cfg.get("jobs") || "{}");
const flinkJobs = Object.entries(jobs).map(([resource, args]) => new flink.FlinkJob(resource, { cluster, ...args }));
const a = JSON.parse(cfg.require("alerts"));
// The declared jobs of this program, plus jobs declared elsewhere (submitted by the test).
const declared = [...Object.values(jobs).map((j) => ({ name: j.name, cluster: "c1", team: "a" })), ...a.otherJobs];
delete a.otherJobs;
const route = new flink.AlertRoute("alerts", {
    ...a,
    jobs: declared,
    receivers: [{ name: "hook", type: "webhook", url: cfg.requireSecret("webhookUrl") }],
    defaultReceiver: "hook",
    customRules: cfg.get("customRules"),
}, { dependsOn: flinkJobs }); // rules go live once the jobs run: a first deployment does not page
exports.ruleCount = route.ruleCount;
`;

const line = (() => {
    const lines = flinkLines();
    const wanted = process.env.PULUMI_FLINK_ALERTS_LINE;
    return (wanted ? lines.find((l) => l.version === wanted) : undefined) ?? lines[lines.length - 1];
})();

const LOOP = { restarts: "restart-strategy.type", attempts: "restart-strategy.fixed-delay.attempts", delay: "restart-strategy.fixed-delay.delay" };

async function submit(client: FlinkClient, jar: string, name: string, out: string, extra: string[] = []): Promise<string> {
    return client.runJar(jar, {
        entryClass: "pulumiflink.testjob.CounterJob",
        programArgsList: ["--out", out, "--name", name, "--rate", "5", ...extra],
        flinkConfiguration: { [LOOP.restarts]: "fixed-delay", [LOOP.attempts]: "100000", [LOOP.delay]: "1 s" },
    } as never);
}

describe(`AlertRoute with real Flink ${line.version}, Prometheus and Alertmanager (real pulumi CLI)`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-alerts-e2e-"));
    let alerting: Alerting;
    let c1: RunningCluster;
    let c2: RunningCluster;
    let c1Client: FlinkClient;
    let c2Jobs: string[] = [];
    let c2Stopped = false;
    let project: PulumiProject;
    let alertsConfig: Record<string, unknown>;
    const env = "staging";

    /** Start a cluster with the reporter on two ports (JobManager + one TaskManager) and return the targets. */
    async function clusterWithMetrics(offset: number, slots: number): Promise<{ cluster: RunningCluster; jm: string; tm: string }> {
        const metrics = portBlock(offset + 1);
        const cluster = await startCluster(line, portBlock(offset), {
            taskManagers: 1,
            slotsPerTaskManager: slots,
            taskManagerMemory: "1536m",
            configuration: prometheusReporterConfig({ port: `${metrics}-${metrics + 1}` }),
        });
        const jmPort = await jobManagerPort([metrics, metrics + 1]);
        return { cluster, jm: `127.0.0.1:${jmPort}`, tm: `127.0.0.1:${jmPort === metrics ? metrics + 1 : metrics}` };
    }

    beforeAll(async () => {
        // Flink picks random ephemeral ports that may land in our block: try a few port sets.
        for (let attempt = 0; !alerting; attempt++) {
            try {
                alerting = await startAlerting(path.join(dir, `a${attempt}`), {
                    prometheus: portBlock(1040 + attempt * 3),
                    alertmanager: portBlock(1041 + attempt * 3),
                    webhook: portBlock(1042 + attempt * 3),
                });
            } catch (err) {
                if (attempt >= 3) throw err;
            }
        }
        const first = await clusterWithMetrics(1020, 4);
        const second = await clusterWithMetrics(1030, 10);
        c1 = first.cluster;
        c2 = second.cluster;
        c1Client = createFlinkClient({ baseUrl: c1.restUrl });
        // C's ten jobs run on c2, submitted by hand but declared to the AlertRoute.
        const c2Client = createFlinkClient({ baseUrl: c2.restUrl });
        const jar = await c2Client.uploadJar(line.testJobJar);
        c2Jobs = Array.from({ length: 10 }, (_, i) => `alert-c-${i}`);
        for (const name of c2Jobs) await submit(c2Client, jar, name, outDirFor(c2.workDir, name));
        await waitFor(
            "ten RUNNING jobs on c2",
            async () => (await c2Client.jobsOverview()).filter((j) => j.state === "RUNNING").length === 10 || undefined,
            120_000,
            1000,
        );

        alertsConfig = {
            environment: env,
            clusters: [
                { name: "c1", jobManagerTarget: first.jm, taskManagerTargets: [first.tm] },
                { name: "c2", jobManagerTarget: second.jm, taskManagerTargets: [second.tm] },
            ],
            otherJobs: c2Jobs.map((name) => ({ name, cluster: "c2" })),
            // Short, but a few scrapes long: a busy test machine may miss one scrape without it being an incident.
            conditions: { jobNotRunning: { for: "8s" }, restartLoop: { window: "1m", threshold: 2 } },
            clusterDown: { for: "3s" },
            timing: { groupWait: "1s", groupInterval: "2s", repeatInterval: "1h" },
            rulesFile: alerting.rulesFile,
            targetsFile: alerting.targetsFile,
            alertmanagerConfigFile: alerting.alertmanagerConfigFile,
            prometheusUrl: alerting.prometheusUrl,
            alertmanagerUrl: alerting.alertmanagerUrl,
        };
        project = new PulumiProject("alerts", PROGRAM);
        await project.init();
        await project.ok(["config", "set", "restUrl", c1.restUrl]);
        await project.ok(["config", "set", "--secret", "webhookUrl", alerting.webhookUrl]);
        await project.ok(["config", "set", "alerts", JSON.stringify(alertsConfig)]);
        await project.ok([
            "config",
            "set",
            "jobs",
            JSON.stringify({ a: { ...counterJob(line, "alert-a", outDirFor(c1.workDir, "a")), upgrade: { restore: "none" } } }),
        ]);
        await project.ok(["up", "--yes", "--skip-preview"]);
    });

    afterAll(async () => {
        await project?.run(["destroy", "--yes", "--skip-preview"]);
        await c1?.stop();
        if (!c2Stopped) await c2?.stop();
        await alerting?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    test("the deployed files: rules loaded by Prometheus, secrets only in the 0600 Alertmanager config, never in state", async () => {
        const loaded = await loadedAlerts(alerting.prometheusUrl);
        expect(loaded).toEqual(expect.arrayContaining(["FlinkJobNotRunning/alert-a", "FlinkClusterDown/c2", ...c2Jobs.map((j) => `FlinkJobNotRunning/${j}`)]));
        expect((fs.statSync(alerting.alertmanagerConfigFile).mode & 0o777).toString(8)).toBe("600");
        expect(fs.readFileSync(alerting.alertmanagerConfigFile, "utf8")).toContain(alerting.webhookUrl);
        expect(await project.exportState()).not.toContain(alerting.webhookUrl);
        // Every target answers with the labels the rules select on.
        await waitFor(
            "all four reporter targets up",
            async () => {
                const r = (await (
                    await fetch(`${alerting.prometheusUrl}/api/v1/query?query=${encodeURIComponent(`up{environment="${env}"} == 1`)}`)
                ).json()) as { data: { result: unknown[] } };
                return r.data.result.length === 4 || undefined;
            },
            30_000,
            500,
        );
    });

    test("A: one job cancelled out of band -> exactly one notification naming job and environment; up restores it and the alert resolves", async () => {
        const job = (await c1Client.jobsOverview()).find((j) => j.name === "alert-a" && j.state === "RUNNING")!;
        expect(notified(alerting.notifications, "firing", { flink_job: "alert-a" })).toEqual([]);
        const cancelledAt = Date.now();
        await c1Client.cancelJob(job.jid);
        const [first] = await waitFor(
            "a firing notification for alert-a",
            () =>
                notified(alerting.notifications, "firing", { flink_job: "alert-a" })[0] && notified(alerting.notifications, "firing", { flink_job: "alert-a" }),
            90_000,
            250,
        );
        expect(first.alert.labels).toMatchObject({
            alertname: "FlinkJobNotRunning",
            flink_job: "alert-a",
            environment: env,
            cluster: "c1",
            severity: "critical",
        });
        expect(first.alert.annotations.summary).toContain(`alert-a (${env}/c1)`);
        const latency = first.notification.receivedAt - cancelledAt;
        console.log(`[alerts A] notified ${latency} ms after the cancel`);
        await new Promise((r) => setTimeout(r, 10_000)); // several group intervals: no repeats
        expect(notified(alerting.notifications, "firing", { flink_job: "alert-a" })).toHaveLength(1);

        await project.ok(["up", "--yes", "--skip-preview", "--refresh"]);
        await waitFor(
            "alert-a RUNNING again",
            async () => (await c1Client.jobsOverview()).some((j) => j.name === "alert-a" && j.state === "RUNNING") || undefined,
            60_000,
        );
        const resolved = await waitFor(
            "a resolved notification for alert-a",
            () => notified(alerting.notifications, "resolved", { flink_job: "alert-a" })[0],
            90_000,
            250,
        );
        expect(resolved.alert.labels).toMatchObject({ alertname: "FlinkJobNotRunning", environment: env });
        expect(notified(alerting.notifications, "firing", { flink_job: "alert-a" })).toHaveLength(1);
    });

    test("E: a bad custom rule or receiver fails preview and update with the tool's message; the deployed rules stay", async () => {
        const before = sha256(fs.readFileSync(alerting.rulesFile));
        await project.ok([
            "config",
            "set",
            "customRules",
            "groups:\n- name: mine\n  rules:\n  - alert: Broken\n    expr: sum(rate(flink_jobmanager_job_uptime[1m])\n",
        ]);
        const preview = await project.run(["preview"]);
        expect(preview.code).not.toBe(0);
        expect(preview.output).toContain("promtool check rules rejected it");
        expect(preview.output).toMatch(/parse error|unclosed left parenthesis/);
        const up = await project.run(["up", "--yes", "--skip-preview"]);
        expect(up.code).not.toBe(0);
        expect(up.output).toContain("promtool check rules rejected it");
        await project.ok(["config", "rm", "customRules"]);

        await project.ok(["config", "set", "--secret", "webhookUrl", "hxxp://s3cret-token@hooks"]);
        const bad = await project.run(["preview"]);
        expect(bad.code).not.toBe(0);
        expect(bad.output).toContain('receivers[0].url = "***": is not an http(s) URL');
        expect(bad.output).not.toContain("s3cret-token");
        await project.ok(["config", "set", "--secret", "webhookUrl", alerting.webhookUrl]);

        expect(sha256(fs.readFileSync(alerting.rulesFile))).toBe(before);
        expect(await loadedAlerts(alerting.prometheusUrl)).toEqual(expect.arrayContaining(["FlinkJobNotRunning/alert-a", "FlinkJobRestartLoop/alert-a"]));
        expect((await project.run(["preview", "--expect-no-changes"])).code).toBe(0);
    });

    test("drift: a rule file deleted by hand is found by refresh and rewritten by up --refresh", async () => {
        const before = fs.readFileSync(alerting.rulesFile, "utf8");
        fs.rmSync(alerting.rulesFile);
        const up = await project.ok(["up", "--yes", "--skip-preview", "--refresh"]);
        expect(up.output).toContain("was changed or removed outside Pulumi");
        expect(fs.readFileSync(alerting.rulesFile, "utf8")).toBe(before);
        expect(await loadedAlerts(alerting.prometheusUrl)).toEqual(expect.arrayContaining(["FlinkJobNotRunning/alert-a"]));
    });

    test("B: a restart-looping job -> one notification for the incident, not one per restart", async () => {
        const jar = await c1Client.uploadJar(line.testJobJar);
        const jid = await submit(c1Client, jar, "alert-b-loop", outDirFor(c1.workDir, "b"), ["--fail-after", "10"]);
        (alertsConfig.otherJobs as unknown[]).push({ name: "alert-b-loop", cluster: "c1", team: "a" });
        await project.ok(["config", "set", "alerts", JSON.stringify(alertsConfig)]);
        await project.ok(["up", "--yes", "--skip-preview"]); // the route now declares the looping job: rules rewritten and reloaded
        const [first] = await waitFor(
            "a restart-loop notification",
            () => {
                const n = notified(alerting.notifications, "firing", { flink_job: "alert-b-loop", alertname: "FlinkJobRestartLoop" });
                return n.length ? n : undefined;
            },
            120_000,
            250,
        );
        expect(first.alert.labels).toMatchObject({ environment: env, cluster: "c1", severity: "critical" });
        // Restarts as Flink counts them (the exception history is capped, the counter is not).
        const restartsAt = async () => {
            const q = encodeURIComponent('max(flink_jobmanager_job_numRestarts{job_name="alert_b_loop"})');
            const r = (await (await fetch(`${alerting.prometheusUrl}/api/v1/query?query=${q}`)).json()) as { data: { result: { value: [number, string] }[] } };
            return Number(r.data.result[0]?.value[1] ?? 0);
        };
        expect(jid).toMatch(/^[0-9a-f]{32}$/);
        const seen = await restartsAt();
        await waitFor("five more restarts", async () => (await restartsAt()) >= seen + 5 || undefined, 90_000, 500);
        await new Promise((r) => setTimeout(r, 5_000));
        expect(notified(alerting.notifications, "firing", { flink_job: "alert-b-loop" }).map((n) => n.alert.labels.alertname)).toEqual(["FlinkJobRestartLoop"]);
    });

    test("C: a session cluster with 10 jobs stops -> one grouped cluster notification; its job alerts are inhibited", async () => {
        const before = alerting.notifications.length;
        await c2.stop();
        c2Stopped = true;
        const clusterNotes = await waitFor(
            "the cluster-down notification",
            () => {
                const n = notified(alerting.notifications.slice(before), "firing", { alertname: "FlinkClusterDown", cluster: "c2" });
                return n.length ? n : undefined;
            },
            90_000,
            250,
        );
        // The job alerts fire in Prometheus (after their 8 s) and reach Alertmanager, which holds them back.
        const inhibited = await waitFor(
            "ten inhibited job alerts in Alertmanager",
            async () => {
                const alerts = (await (
                    await fetch(
                        `${alerting.alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent('cluster="c2"')}&filter=${encodeURIComponent('alertname="FlinkJobNotRunning"')}`,
                    )
                ).json()) as { status: { inhibitedBy: string[] } }[];
                return alerts.length === 10 && alerts.every((a) => a.status.inhibitedBy.length > 0) ? alerts : undefined;
            },
            60_000,
            500,
        );
        expect(inhibited).toHaveLength(10);
        await new Promise((r) => setTimeout(r, 6_000)); // group intervals pass: nothing more is sent for c2
        const forC2 = alerting.notifications.slice(before).filter((n) => n.groupLabels.cluster === "c2");
        expect(forC2.map((n) => n.alerts.map((a) => `${a.status}:${a.labels.alertname}`))).toEqual([["firing:FlinkClusterDown"]]);
        expect(clusterNotes).toHaveLength(1);
        expect(notified(alerting.notifications, "firing", { alertname: "FlinkJobNotRunning", cluster: "c2" })).toEqual([]);
    });
});
