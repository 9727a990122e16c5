/**
 * Acceptance C: alerts that wire themselves. examples/environments' prod stack, as it is (ports,
 * work folders, the alert directories and short alert timers set by this test's stack config),
 * with the real pulumi CLI, real Flink 2.3, real Prometheus and Alertmanager: its `alerts` block
 * turns the reporter on and writes the scrape targets, so Prometheus scrapes every process; while
 * the jobs are healthy nothing is sent; one job cancelled through Flink's REST API is exactly one
 * notification naming it (and not the cluster-down alert).
 */
import * as path from "path";
import { randomBytes } from "crypto";
import { createFlinkClient } from "../../provider/flink";
import { Alerting, notified, startAlerting } from "../support/alerting";
import { waitFor } from "../support/counter";
import { Config, exampleProject, initStack, NS, stackConfig } from "../support/environment-example";
import { PulumiProject } from "../support/pulumi";
import { portBlock } from "../support/testbed";

jest.setTimeout(10 * 60_000);

type Summary = { clusters: Record<string, { restUrl: string }>; jobs: Record<string, { jobId: string; cluster: string; state: string }> };

/** Values of an instant query, by the given label. */
async function query(prometheusUrl: string, q: string, label: string): Promise<Record<string, string>> {
    const r = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return Object.fromEntries(r.data.result.map((x) => [x.metric[label], x.value[1]]));
}

describe("examples/environments prod: alerts wire themselves (real pulumi CLI, Flink 2.3, Prometheus, Alertmanager)", () => {
    let alerting: Alerting;
    let project: PulumiProject;
    let config: Config;
    let deployed = false;

    beforeAll(async () => {
        // Flink picks random ephemeral ports that may land in a block: try a few port sets.
        for (let attempt = 0; !alerting; attempt++) {
            try {
                alerting = await startAlerting(path.join("/tmp", `pf-env-alerts-${process.pid}-${attempt}`), {
                    prometheus: portBlock(1341 + attempt * 3),
                    alertmanager: portBlock(1342 + attempt * 3),
                    webhook: portBlock(1343 + attempt * 3),
                });
            } catch (err) {
                if (attempt >= 3) throw err;
            }
        }
        project = exampleProject();
        config = stackConfig("prod", 1340, project.dir);
        // The only alert edits: where this test's Prometheus and Alertmanager read, and timers of seconds.
        Object.assign(config[`${NS}:alerts`], {
            rulesDir: path.join(alerting.dir, "rules"),
            alertmanagerDir: alerting.dir,
            prometheusUrl: alerting.prometheusUrl,
            alertmanagerUrl: alerting.alertmanagerUrl,
            conditions: { jobNotRunning: { for: "8s" } },
            timing: { groupWait: "1s", groupInterval: "2s", repeatInterval: "1h" },
        });
        await initStack(project, "prod", config);
        await project.ok(["config", "set", "-s", "prod", "--secret", "--path", "secrets.DB_PASSWORD", `pw-${randomBytes(6).toString("hex")}`]);
        await project.ok(["config", "set", "-s", "prod", "--secret", "alertWebhookUrl", alerting.webhookUrl]);
    });

    afterAll(async () => {
        if (deployed) {
            const r = await project.run(["destroy", "-s", "prod", "--yes", "--skip-preview"]);
            if (r.code !== 0) console.error(`destroy prod failed:\n${r.output.slice(-3000)}`);
        }
        await alerting?.stop();
    });

    test("healthy jobs send nothing; one job cancelled -> exactly one notification naming it", async () => {
        const started = Date.now();
        deployed = true;
        await project.ok(["up", "-s", "prod", "--yes", "--skip-preview"]);
        const out = await project.ok(["stack", "output", "-s", "prod", "--json"]);
        const summary = (JSON.parse(out.stdout) as { summary: Summary }).summary;
        const jobs = Object.keys(summary.jobs).sort();
        expect(jobs).toEqual(["audit", "clicks-sync", "orders-per-region"]);
        console.log(`[environment-alerts] up took ${Math.round((Date.now() - started) / 1000)} s`);

        // The environment turned the reporter on and told Prometheus where: JobManager and TaskManager
        // are scraped on the ports the rule gives (metricsPort, metricsPort + 1), labelled prod/main.
        const metricsPort = config[`${NS}:alerts`].metricsPort as number;
        await waitFor(
            "both reporter targets up",
            async () => {
                const up = await query(alerting.prometheusUrl, 'up{environment="prod",cluster="main"}', "instance");
                return Object.values(up).filter((v) => v === "1").length === 2 ? up : undefined;
            },
            60_000,
            500,
        ).then((up) => expect(Object.keys(up).sort()).toEqual([`localhost:${metricsPort}`, `localhost:${metricsPort + 1}`]));
        const uptime = await waitFor(
            "every job's uptime scraped",
            async () => {
                const u = await query(alerting.prometheusUrl, 'flink_jobmanager_job_uptime{environment="prod"}', "job_name");
                return Object.keys(u).length === 3 ? u : undefined;
            },
            60_000,
            500,
        );
        expect(Object.keys(uptime).sort()).toEqual(["audit", "clicks_sync", "orders_per_region"]);

        // Healthy for longer than the rule's `for: 8s` plus Alertmanager's group wait: nothing pending, firing or sent.
        await new Promise((r) => setTimeout(r, 15_000));
        expect(await query(alerting.prometheusUrl, 'ALERTS{environment="prod"}', "alertname")).toEqual({});
        expect(alerting.notifications).toEqual([]);

        const victim = summary.jobs["orders-per-region"];
        const client = createFlinkClient({ baseUrl: summary.clusters[victim.cluster].restUrl });
        const cancelledAt = Date.now();
        await client.cancelJob(victim.jobId);
        const [first] = await waitFor(
            "a firing notification for orders-per-region",
            () => {
                const n = notified(alerting.notifications, "firing", { flink_job: "orders-per-region" });
                return n.length ? n : undefined;
            },
            60_000,
            250,
        );
        console.log(`[environment-alerts] notified ${first.notification.receivedAt - cancelledAt} ms after the cancel`);
        expect(first.alert.labels).toMatchObject({ alertname: "FlinkJobNotRunning", flink_job: "orders-per-region", environment: "prod", cluster: "main" });
        await new Promise((r) => setTimeout(r, 8_000)); // several group intervals: no repeats, nothing else
        expect(alerting.notifications.flatMap((n) => n.alerts.map((a) => `${a.status}:${a.labels.alertname}:${a.labels.flink_job}`))).toEqual([
            "firing:FlinkJobNotRunning:orders-per-region",
        ]);
        console.log(`[environment-alerts] test body took ${Math.round((Date.now() - started) / 1000)} s`);
    });
});
