/**
 * D. The rendered rules and routes, checked by the real tools: `promtool test rules` for every
 * rule (firing and not firing), `amtool config routes test` for the routing tree, and the
 * validate-before-replace contract of the file writer.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { ALERT_NAMES, AlertRouteArgs, checkAlertRouteArgs, renderAlertmanagerConfig, renderRuleFile } from "../../provider/alerts";
import { amtoolCheckConfig, promtoolCheckRules, replaceFiles } from "../../provider/alerts/files";
import { renderedFiles } from "../../provider/alerts";
import { silent } from "../../provider/core/log";
import { sampleInputs, tool } from "../support/alerts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-alerts-rules-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function checked(inputs: Record<string, unknown>): AlertRouteArgs {
    const { args, failures } = checkAlertRouteArgs(inputs);
    if (!args) throw new Error(failures.map((f) => f.reason).join("\n"));
    return { ...args, promtool: tool("promtool"), amtool: tool("amtool") };
}

// Every condition on, short windows: each rule can be driven over its threshold in a few minutes of series.
const ALL_ON = { for: "1m", window: "3m" };
const args = checked(
    sampleInputs(dir, {
        environment: "prod",
        conditions: {
            jobNotRunning: ALL_ON,
            restartLoop: { ...ALL_ON, threshold: 2 },
            checkpointsFailing: { ...ALL_ON, threshold: 0 },
            noCheckpoint: ALL_ON,
            backpressure: { ...ALL_ON, threshold: 800 },
            kafkaLag: { ...ALL_ON, threshold: 1000 },
        },
        clusterDown: { for: "1m" },
    }),
);

const JOB = { environment: "prod", cluster: "main", job_name: "orders_sync" };
const sel = (labels: Record<string, string>) =>
    `{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}}`;
const series = (metric: string, labels: Record<string, string>, values: string) => ({ series: `${metric}${sel(labels)}`, values });
const jobLabels = {
    severity: "",
    environment: "prod",
    cluster: "main",
    flink_job: "orders-sync",
    team: "a",
    pulumi_flink_scope: "job",
    job_name: "orders_sync",
};
const uptime = series("flink_jobmanager_job_uptime", { ...JOB, job_id: "j1" }, "600000+60000x10");

/** For each alert: series that make it fire, series that keep it quiet, and its severity. */
const SCENARIOS: Record<string, { firing: object[]; quiet: object[]; severity: string; labels?: Record<string, string> }> = {
    [ALERT_NAMES.jobNotRunning]: {
        // Another job runs; ours has no series at all (a terminated job's series vanish).
        firing: [series("flink_jobmanager_job_uptime", { ...JOB, job_name: "billing_cdc", job_id: "j2" }, "0+60000x10")],
        quiet: [uptime, series("flink_jobmanager_job_uptime", { ...JOB, job_name: "billing_cdc", job_id: "j2" }, "0+60000x10")],
        severity: "critical",
    },
    [ALERT_NAMES.restartLoop]: {
        // Two job ids (a redeploy) and one restart a minute: still one alert for the job.
        firing: [
            uptime,
            series("flink_jobmanager_job_numRestarts", { ...JOB, job_id: "j1" }, "0+1x4 _x6"),
            series("flink_jobmanager_job_numRestarts", { ...JOB, job_id: "j9" }, "_x4 0+1x6"),
        ],
        quiet: [uptime, series("flink_jobmanager_job_numRestarts", { ...JOB, job_id: "j1" }, "0 0 1 1 1 1 1 1 1 1 1")],
        severity: "critical",
    },
    [ALERT_NAMES.checkpointsFailing]: {
        firing: [uptime, series("flink_jobmanager_job_numberOfFailedCheckpoints", { ...JOB, job_id: "j1" }, "0+1x10")],
        quiet: [uptime, series("flink_jobmanager_job_numberOfFailedCheckpoints", { ...JOB, job_id: "j1" }, "0x10")],
        severity: "warning",
    },
    [ALERT_NAMES.noCheckpoint]: {
        firing: [uptime, series("flink_jobmanager_job_numberOfCompletedCheckpoints", { ...JOB, job_id: "j1" }, "7x10")],
        quiet: [uptime, series("flink_jobmanager_job_numberOfCompletedCheckpoints", { ...JOB, job_id: "j1" }, "7+1x10")],
        severity: "warning",
    },
    [ALERT_NAMES.backpressure]: {
        firing: [
            uptime,
            series("flink_taskmanager_job_task_backPressuredTimeMsPerSecond", { ...JOB, task_name: "throttle", subtask_index: "0", tm_id: "tm1" }, "1000x10"),
            series("flink_taskmanager_job_task_backPressuredTimeMsPerSecond", { ...JOB, task_name: "source", subtask_index: "0", tm_id: "tm1" }, "0x10"),
        ],
        quiet: [
            uptime,
            series("flink_taskmanager_job_task_backPressuredTimeMsPerSecond", { ...JOB, task_name: "throttle", subtask_index: "0", tm_id: "tm1" }, "100x10"),
        ],
        severity: "warning",
    },
    [ALERT_NAMES.kafkaLag]: {
        firing: [
            uptime,
            ...["0", "1"].map((s) =>
                series("flink_taskmanager_job_task_operator_pendingRecords", { ...JOB, operator_name: "Source:_orders", subtask_index: s }, "600x10"),
            ),
        ],
        quiet: [
            uptime,
            series("flink_taskmanager_job_task_operator_pendingRecords", { ...JOB, operator_name: "Source:_orders", subtask_index: "0" }, "600x10"),
        ],
        severity: "warning",
    },
    [ALERT_NAMES.clusterDown]: {
        firing: [series("up", { environment: "prod", cluster: "main", flink_role: "jobmanager", instance: "localhost:9249", job: "flink" }, "1 0x10")],
        quiet: [series("up", { environment: "prod", cluster: "main", flink_role: "jobmanager", instance: "localhost:9249", job: "flink" }, "1x10")],
        severity: "critical",
        labels: {
            severity: "critical",
            environment: "prod",
            cluster: "main",
            pulumi_flink_scope: "cluster",
            flink_role: "jobmanager",
            instance: "localhost:9249",
            job: "flink",
        },
    },
};

/** The summary annotation the rule file gives an alert of `orders-sync` (or of the cluster). */
function summaryOf(alert: string): string {
    const text = renderRuleFile(args.spec);
    const rule = text.split("- alert: ").find((r) => r.startsWith(alert) && (alert === ALERT_NAMES.clusterDown || r.includes("flink_job: orders-sync")))!;
    return /summary: (.*)/.exec(rule)![1].replace(/^"|"$/g, "");
}

describe("rendered rules under promtool", () => {
    const rulesFile = path.join(dir, "rules.yml");
    beforeAll(() => fs.writeFileSync(rulesFile, renderRuleFile(args.spec)));

    test("promtool check rules accepts the rule file; amtool check-config accepts the Alertmanager config", async () => {
        expect(await promtoolCheckRules(args.promtool, rulesFile)).toBeUndefined();
        const am = path.join(dir, "am.yml");
        fs.writeFileSync(am, renderAlertmanagerConfig(args.spec));
        expect(await amtoolCheckConfig(args.amtool, am)).toBeUndefined();
    });

    test("every job condition and the cluster condition has a rule", () => {
        const alerts = new Set([...renderRuleFile(args.spec).matchAll(/- alert: (\w+)/g)].map((m) => m[1]));
        expect([...alerts].sort()).toEqual(Object.values(ALERT_NAMES).sort());
    });

    test.each(
        Object.keys(SCENARIOS).flatMap(
            (alert) =>
                [
                    [alert, "fires"],
                    [alert, "stays quiet"],
                ] as const,
        ),
    )("promtool test rules: %s %s", (alert, outcome) => {
        const s = SCENARIOS[alert];
        const labels = s.labels ?? { ...jobLabels, severity: s.severity };
        const testFile = path.join(dir, `test-${alert}-${outcome.replace(" ", "-")}.yml`);
        fs.writeFileSync(
            testFile,
            stringify({
                rule_files: [rulesFile],
                evaluation_interval: "1m",
                tests: [
                    {
                        interval: "1m",
                        input_series: outcome === "fires" ? s.firing : s.quiet,
                        alert_rule_test: [
                            {
                                eval_time: "8m",
                                alertname: alert,
                                exp_alerts: outcome === "fires" ? [{ exp_labels: labels, exp_annotations: { summary: summaryOf(alert) } }] : [],
                            },
                        ],
                    },
                ],
            }),
        );
        const run = spawnSync(args.promtool, ["test", "rules", testFile], { encoding: "utf8" });
        expect({ code: run.status, output: run.status === 0 ? "" : run.stdout + run.stderr }).toEqual({ code: 0, output: "" });
    });

    test("promtool test rules notices a wrong expectation (the harness can fail)", () => {
        const testFile = path.join(dir, "test-wrong.yml");
        fs.writeFileSync(
            testFile,
            stringify({
                rule_files: [rulesFile],
                evaluation_interval: "1m",
                tests: [
                    {
                        interval: "1m",
                        input_series: SCENARIOS[ALERT_NAMES.checkpointsFailing].quiet,
                        alert_rule_test: [
                            { eval_time: "8m", alertname: ALERT_NAMES.checkpointsFailing, exp_alerts: [{ exp_labels: { ...jobLabels, severity: "warning" } }] },
                        ],
                    },
                ],
            }),
        );
        expect(spawnSync(args.promtool, ["test", "rules", testFile], { encoding: "utf8" }).status).not.toBe(0);
    });
});

describe("routing tree under amtool config routes test", () => {
    const amFile = path.join(dir, "routes.yml");
    beforeAll(() => fs.writeFileSync(amFile, renderAlertmanagerConfig(args.spec)));
    const route = (labels: Record<string, string>) =>
        execFileSync(args.amtool, ["config", "routes", "test", `--config.file=${amFile}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], {
            encoding: "utf8",
        }).trim();

    test.each([
        ["team A's prod job -> team A's receiver", { environment: "prod", team: "a", flink_job: "orders-sync", alertname: "FlinkJobNotRunning" }, "team-a"],
        ["team B's prod job -> team B's receiver", { environment: "prod", team: "b", flink_job: "billing.cdc", alertname: "FlinkJobRestartLoop" }, "team-b"],
        ["team A's test job -> the test receiver, not team A's", { environment: "test", team: "a", alertname: "FlinkJobNotRunning" }, "dingtalk"],
        ["a prod cluster alert without a team -> the default receiver", { environment: "prod", cluster: "main", alertname: "FlinkClusterDown" }, "ops"],
    ])("%s", (_title, labels, receiver) => {
        expect(route(labels)).toBe(receiver);
    });

    test("--verify.receivers fails on a wrong receiver (the check can fail)", () => {
        const run = spawnSync(args.amtool, ["config", "routes", "test", `--config.file=${amFile}`, "--verify.receivers=team-b", "environment=prod", "team=a"], {
            encoding: "utf8",
        });
        expect(run.status).not.toBe(0);
    });
});

describe("validate before replace", () => {
    test("a custom rule promtool rejects leaves the deployed files untouched and names promtool's complaint", async () => {
        const good = checked(sampleInputs(path.join(dir, "deploy")));
        await replaceFiles(renderedFiles(good), silent);
        const before = fs.readFileSync(good.rulesFile, "utf8");
        const amBefore = fs.readFileSync(good.alertmanagerConfigFile, "utf8");
        expect((fs.statSync(good.alertmanagerConfigFile).mode & 0o777).toString(8)).toBe("600");
        const bad = checked(
            sampleInputs(path.join(dir, "deploy"), {
                customRules: "groups:\n- name: mine\n  rules:\n  - alert: Broken\n    expr: rate(foo[5m]\n",
                receivers: [{ name: "ops", type: "webhook", url: "https://example.com/x" }],
                routes: [],
            }),
        );
        await expect(replaceFiles(renderedFiles(bad), silent)).rejects.toThrow(
            /promtool check rules rejected it:[\s\S]*(parse error|unclosed)[\s\S]*left behind: the previous files, unchanged/,
        );
        expect(fs.readFileSync(good.rulesFile, "utf8")).toBe(before);
        expect(fs.readFileSync(good.alertmanagerConfigFile, "utf8")).toBe(amBefore);
        expect(fs.readdirSync(path.dirname(good.rulesFile)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    });
});
