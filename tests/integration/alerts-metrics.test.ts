/**
 * The metric names and labels the alert rules rely on, read from Flink's real Prometheus
 * reporter on every line of the test bed (a running job, a restarting one, checkpoints).
 */
import { createFlinkClient } from "../../provider/flink";
import { findReporterJar, prometheusReporterConfig, sanitizeLabelValue } from "../../provider/core/alerts/metrics";
import { RULE_METRICS } from "../../provider/core/alerts/rules";
import { RunningCluster, startCluster } from "../support/cluster";
import { waitFor } from "../support/counter";
import { outDirFor } from "../support/jobs";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(5 * 60_000);

/** Every sample line of every reporter port in the range. */
async function scrape(first: number, count: number): Promise<string> {
    const bodies = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
            try {
                return await (await fetch(`http://127.0.0.1:${first + i}/metrics`)).text();
            } catch {
                return "";
            }
        }),
    );
    return bodies.join("\n");
}

const series = (text: string, metric: string) => text.split("\n").filter((l) => l.startsWith(`${metric}{`));

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("Prometheus reporter on Flink %s", (version, line, index) => {
    let cluster: RunningCluster;
    const metricsPort = portBlock(1010 + index * 2);
    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(1011 + index * 2), {
            taskManagers: 1,
            slotsPerTaskManager: 2,
            configuration: { ...prometheusReporterConfig({ port: `${metricsPort}-${metricsPort + 4}` }), "execution.checkpointing.interval": "1s" },
        });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("the reporter jar is where Flink loads plugins from", () => {
        expect(findReporterJar(line.home).plugin).toMatch(/plugins\/metrics-prometheus\/flink-metrics-prometheus-.*\.jar$/);
    });

    test("a port per process: the JobManager serves on the range's first port, the TaskManager on the next (known before start)", async () => {
        const at = (port: number) =>
            fetch(`http://127.0.0.1:${port}/metrics`)
                .then((r) => r.text())
                .catch(() => "");
        const tm = await waitFor(
            "TaskManager metrics on the second port",
            async () => ((await at(metricsPort + 1)).includes("flink_taskmanager_") ? at(metricsPort + 1) : undefined),
            30_000,
            500,
        );
        expect([/^flink_jobmanager_/m.test(await at(metricsPort)), /^flink_taskmanager_/m.test(await at(metricsPort))]).toEqual([true, false]);
        expect([/^flink_jobmanager_/m.test(tm), /^flink_taskmanager_/m.test(tm)]).toEqual([false, true]);
        expect(await at(metricsPort + 2)).toBe(""); // nothing else of the range is taken
    });

    test("job, restart, checkpoint and task metrics carry the names and labels the rules use", async () => {
        const client = createFlinkClient({ baseUrl: cluster.restUrl });
        const jar = await client.uploadJar(line.testJobJar);
        const name = "alerts metrics-probe.v1";
        const run = (jobName: string, extra: string[]) =>
            client.runJar(jar, {
                entryClass: "pulumiflink.testjob.CounterJob",
                programArgsList: ["--out", outDirFor(cluster.workDir, jobName.replace(/\W/g, "")), "--name", jobName, "--rate", "50", ...extra],
                flinkConfiguration: {
                    "restart-strategy.type": "fixed-delay",
                    "restart-strategy.fixed-delay.attempts": "1000",
                    "restart-strategy.fixed-delay.delay": "1 s",
                },
            } as never);
        await run(name, []);
        await run("looping", ["--fail-after", "20"]);
        const text: string = await waitFor(
            "restarts and completed checkpoints in the scrape",
            async () => {
                const t = await scrape(metricsPort, 5);
                const restarts = series(t, RULE_METRICS.restarts).find((l) => l.includes('job_name="looping"'));
                const done = series(t, RULE_METRICS.completedCheckpoints).find((l) => l.includes(`job_name="${sanitizeLabelValue(name)}"`));
                return restarts && Number(restarts.split(" ").pop()) >= 2 && done && Number(done.split(" ").pop()) >= 1 ? t : undefined;
            },
            90_000,
            1000,
        );
        const sanitized = sanitizeLabelValue(name);
        expect(sanitized).toBe("alerts_metrics_probe_v1");
        for (const metric of [RULE_METRICS.running, RULE_METRICS.restarts, RULE_METRICS.completedCheckpoints, RULE_METRICS.failedCheckpoints]) {
            expect({ metric, found: series(text, metric).some((l) => l.includes(`job_name="${sanitized}"`)) }).toEqual({ metric, found: true });
        }
        expect(series(text, RULE_METRICS.backpressure).some((l) => l.includes(`job_name="${sanitized}"`))).toBe(true);
    });
});
