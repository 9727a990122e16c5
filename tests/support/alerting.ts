/**
 * Real Prometheus and Alertmanager (Debian packages) for alert tests, with a webhook receiver
 * that records every notification. Short intervals so alerts fire and resolve in seconds.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { waitFor } from "./counter";
import { tool } from "./alerts";
import { portFree } from "../../provider/local/start";

/** One alert inside a webhook notification (Alertmanager's webhook payload, version 4). */
export interface NotifiedAlert {
    status: "firing" | "resolved";
    labels: Record<string, string>;
    annotations: Record<string, string>;
}
export interface Notification {
    receivedAt: number;
    receiver: string;
    status: "firing" | "resolved";
    groupLabels: Record<string, string>;
    alerts: NotifiedAlert[];
}

export interface Alerting {
    dir: string;
    prometheusUrl: string;
    alertmanagerUrl: string;
    webhookUrl: string;
    rulesFile: string;
    targetsFile: string;
    alertmanagerConfigFile: string;
    notifications: Notification[];
    stop(): Promise<void>;
}

async function ready(url: string, what: string, proc: ChildProcess, log: string): Promise<void> {
    await waitFor(
        `${what} ready at ${url}`,
        async () => {
            if (proc.exitCode !== null) throw new Error(`${what} exited: ${fs.readFileSync(log, "utf8").slice(-2000)}`);
            return (await fetch(`${url}/-/ready`)).ok;
        },
        30_000,
        200,
    );
}

function start(command: string, args: string[], log: string): ChildProcess {
    const out = fs.openSync(log, "a");
    return spawn(command, args, { stdio: ["ignore", out, out] });
}

async function stopProcess(proc: ChildProcess): Promise<void> {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
}

/** Start Prometheus (scraping file_sd targets every second), Alertmanager and a webhook receiver on the given ports. */
export async function startAlerting(dir: string, ports: { prometheus: number; alertmanager: number; webhook: number }): Promise<Alerting> {
    for (const d of ["rules", "targets", "prom-data", "am-data"]) fs.mkdirSync(path.join(dir, d), { recursive: true });
    const rulesFile = path.join(dir, "rules", "flink.yml");
    const targetsFile = path.join(dir, "targets", "flink.json");
    const alertmanagerConfigFile = path.join(dir, "alertmanager.yml");
    const promConfig = path.join(dir, "prometheus.yml");
    fs.writeFileSync(
        promConfig,
        [
            "global: { scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 1s }",
            `rule_files: ["${path.join(dir, "rules")}/*.yml"]`,
            `alerting: { alertmanagers: [ { static_configs: [ { targets: ["127.0.0.1:${ports.alertmanager}"] } ] } ] }`,
            // targets/ for an AlertRoute's targetsFile; rules/ too, where a StreamingEnvironment writes <environment>.targets.json beside its rules.
            `scrape_configs: [ { job_name: flink, file_sd_configs: [ { files: ["${path.join(dir, "targets")}/*.json", "${path.join(dir, "rules")}/*.json"], refresh_interval: 1s } ] } ]`,
            "",
        ].join("\n"),
    );
    // Until an AlertRoute writes its own: every alert to a receiver that sends nothing.
    fs.writeFileSync(alertmanagerConfigFile, "route: { receiver: none }\nreceivers: [ { name: none } ]\n");

    for (const port of Object.values(ports)) {
        if (!(await portFree("127.0.0.1", port))) throw new Error(`port ${port} is in use`);
    }
    const notifications: Notification[] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (d) => (body += d));
        req.on("end", () => {
            try {
                const n = JSON.parse(body) as Omit<Notification, "receivedAt">;
                notifications.push({
                    receivedAt: Date.now(),
                    receiver: n.receiver,
                    status: n.status,
                    groupLabels: n.groupLabels,
                    alerts: n.alerts.map((a) => ({ status: a.status, labels: a.labels, annotations: a.annotations })),
                });
            } catch {
                // not a notification
            }
            res.writeHead(200).end();
        });
    });
    await new Promise<void>((r) => server.listen(ports.webhook, "127.0.0.1", r));

    const prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;
    const alertmanagerUrl = `http://127.0.0.1:${ports.alertmanager}`;
    const prom = start(
        tool("prometheus"),
        [
            `--config.file=${promConfig}`,
            `--storage.tsdb.path=${path.join(dir, "prom-data")}`,
            `--web.listen-address=127.0.0.1:${ports.prometheus}`,
            "--web.enable-lifecycle",
            "--rules.alert.resend-delay=1s",
        ],
        path.join(dir, "prometheus.log"),
    );
    const am = start(
        tool("alertmanager"),
        [
            `--config.file=${alertmanagerConfigFile}`,
            `--storage.path=${path.join(dir, "am-data")}`,
            `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
            "--cluster.listen-address=", // no gossip port: it would collide between helpers
        ],
        path.join(dir, "alertmanager.log"),
    );
    const stop = async () => {
        await Promise.all([stopProcess(prom), stopProcess(am)]);
        await new Promise((r) => server.close(r));
    };
    try {
        await ready(prometheusUrl, "Prometheus", prom, path.join(dir, "prometheus.log"));
        await ready(alertmanagerUrl, "Alertmanager", am, path.join(dir, "alertmanager.log"));
    } catch (err) {
        await stop();
        throw err;
    }
    return {
        dir,
        prometheusUrl,
        alertmanagerUrl,
        webhookUrl: `http://127.0.0.1:${ports.webhook}/alerts`,
        rulesFile,
        targetsFile,
        alertmanagerConfigFile,
        notifications,
        stop,
    };
}

/** Firing or resolved alerts, across all notifications, matching the given labels. */
export function notified(
    all: readonly Notification[],
    status: "firing" | "resolved",
    labels: Record<string, string>,
): { notification: Notification; alert: NotifiedAlert }[] {
    return all.flatMap((n) =>
        n.alerts.filter((a) => a.status === status && Object.entries(labels).every(([k, v]) => a.labels[k] === v)).map((alert) => ({ notification: n, alert })),
    );
}

/** Names of the alerting rules Prometheus has loaded. */
export async function loadedAlerts(prometheusUrl: string): Promise<string[]> {
    const res = (await (await fetch(`${prometheusUrl}/api/v1/rules?type=alert`)).json()) as {
        data: { groups: { rules: { name: string; labels?: Record<string, string> }[] }[] };
    };
    return res.data.groups.flatMap((g) => g.rules.map((r) => `${r.name}/${r.labels?.flink_job ?? r.labels?.cluster ?? ""}`));
}

/** The reporter port (of `ports`) that serves JobManager metrics. */
export async function jobManagerPort(ports: number[]): Promise<number> {
    return waitFor(
        "the JobManager's reporter port",
        async () => {
            for (const p of ports) {
                const text = await fetch(`http://127.0.0.1:${p}/metrics`)
                    .then((r) => r.text())
                    .catch(() => "");
                if (/^flink_jobmanager_/m.test(text)) return p;
            }
            return undefined;
        },
        30_000,
        500,
    );
}
