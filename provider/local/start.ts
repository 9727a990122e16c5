import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { DeployError } from "../core/errors";
import { run } from "../core/exec";
import { Progress } from "../core/log";
import { gatewayLog4jProperties } from "./gateway-log";
import { LocalLayout, scriptEnv } from "./layout";
import { clusterProcesses, stopProcesses } from "./processes";

/** What the cluster reports about itself, read over REST. */
export interface ClusterProbe {
    taskManagers: number;
    slotsTotal: number;
    flinkVersion: string;
}

export interface StartRequest {
    layout: LocalLayout;
    homePath: string;
    /** Full text of the configuration file, already rendered in the home's dialect. */
    configText: string;
    configFileName: string;
    host: string;
    ports: number[];
    /** Prometheus reporter port of the JobManager and of each TaskManager, when pinned per process (see reporterPorts). */
    reporterPorts?: { jobManager: number; taskManagers: number[] };
    taskManagers: number;
    slotsPerTaskManager: number;
    timeoutMs: number;
    /** Reads the cluster's overview; throws while the REST endpoint is not up. */
    probe: () => Promise<ClusterProbe>;
}

/** True if nothing listens on host:port. */
export function portFree(host: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(false));
        server.once("listening", () => server.close(() => resolve(true)));
        server.listen(port, host);
    });
}

/** Write conf/ for this cluster: our config file plus the home's logging setup. */
export function writeConf(req: Pick<StartRequest, "layout" | "homePath" | "configText" | "configFileName">): void {
    const { layout } = req;
    for (const dir of [layout.confDir, layout.logDir, layout.pidDir, layout.savepointDir, layout.checkpointDir]) fs.mkdirSync(dir, { recursive: true });
    for (const file of fs.readdirSync(layout.confDir)) {
        if (file === "flink-conf.yaml" || file === "config.yaml") fs.rmSync(path.join(layout.confDir, file));
    }
    const homeConf = path.join(req.homePath, "conf");
    for (const file of fs.readdirSync(homeConf)) {
        if (/^log4j.*\.properties$|^logback.*\.xml$/.test(file)) fs.copyFileSync(path.join(homeConf, file), path.join(layout.confDir, file));
    }
    fs.writeFileSync(path.join(layout.confDir, req.configFileName), req.configText);
}

/**
 * The SQL Gateway's own conf dir, inside the cluster's (so its processes are still recognised by
 * the conf dir on their command line): the cluster's configuration file, and a logging setup that
 * masks SQL string literals (see gateway-log.ts). Flink's scripts read the logging setup from the
 * conf dir only, so the gateway needs a dir of its own for the JobManager's log to stay unmasked.
 */
export function writeGatewayConf(layout: LocalLayout): string {
    const dir = path.join(layout.confDir, "sql-gateway");
    fs.mkdirSync(dir, { recursive: true });
    for (const file of ["flink-conf.yaml", "config.yaml"]) {
        fs.rmSync(path.join(dir, file), { force: true });
        if (fs.existsSync(path.join(layout.confDir, file))) fs.copyFileSync(path.join(layout.confDir, file), path.join(dir, file));
    }
    fs.writeFileSync(path.join(dir, "log4j.properties"), gatewayLog4jProperties());
    return dir;
}

/** Last error lines of the cluster's logs (or of the files matching `only`): the root cause of a failed start is usually there. */
export function logTail(layout: LocalLayout, lines = 15, only?: RegExp): string {
    if (!fs.existsSync(layout.logDir)) return "";
    const logs = fs.readdirSync(layout.logDir).filter((f) => (f.endsWith(".log") || f.endsWith(".out")) && (!only || only.test(f)));
    const interesting = logs
        .map((f) => path.join(layout.logDir, f))
        .flatMap((f) =>
            fs
                .readFileSync(f, "utf8")
                .split("\n")
                .map((l) => `${path.basename(f)}: ${l}`),
        )
        .filter((l) => /ERROR|Exception|Caused by/.test(l));
    return interesting.slice(-lines).join("\n");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Start a standalone JobManager and N TaskManagers with Flink's own scripts, and wait until the
 * cluster reports all its slots. On failure, stops whatever it started and reports the log.
 */
export async function startLocalCluster(req: StartRequest, progress: Progress): Promise<ClusterProbe> {
    const reporter = req.reporterPorts;
    for (const port of [...req.ports, ...(reporter ? [reporter.jobManager, ...reporter.taskManagers] : [])]) {
        if (!(await portFree(req.host, port))) {
            throw new DeployError(
                `port ${port} on ${req.host} is already in use by another process`,
                "nothing was started; choose free ports (restPort / rpcPort / sqlGateway.port / metrics.reporter.prom.port) or stop the other process",
            );
        }
    }
    writeConf(req);
    const env = scriptEnv(req.layout);
    const bin = path.join(req.homePath, "bin");
    progress(`starting JobManager (work dir ${req.layout.workDir})`);
    // Each process gets its own reporter port (a dynamic property): the scrape targets are then known in advance.
    const pin = (port: number | undefined) => (port === undefined ? [] : ["-D", `metrics.reporter.prom.port=${port}`]);
    const scripts: [string, string[]][] = [
        ["jobmanager.sh", pin(reporter?.jobManager)],
        ...Array.from({ length: req.taskManagers }, (_, i): [string, string[]] => ["taskmanager.sh", pin(reporter?.taskManagers[i])]),
    ];
    for (const [script, extra] of scripts) {
        const result = await run("bash", [path.join(bin, script), "start", ...extra], { env, cwd: req.layout.workDir });
        if (result.code !== 0) {
            await stopProcesses(req.layout);
            throw new DeployError(
                `${script} start failed (exit ${result.code}): ${result.stderr.trim().slice(-500)}`,
                "no process of this cluster (stopped what had started)",
            );
        }
    }
    progress(`started JobManager and ${req.taskManagers} TaskManager(s); waiting for ${req.taskManagers * req.slotsPerTaskManager} slots`);
    const deadline = Date.now() + req.timeoutMs;
    let last: ClusterProbe | undefined;
    let lastError = "";
    while (Date.now() < deadline) {
        if (clusterProcesses(req.layout).length === 0) break; // every JVM died: no point waiting
        try {
            last = await req.probe();
            if (last.taskManagers >= req.taskManagers && last.slotsTotal >= req.taskManagers * req.slotsPerTaskManager) {
                progress(`ready: Flink ${last.flinkVersion}, ${last.taskManagers} TaskManager(s), ${last.slotsTotal} slots`);
                return last;
            }
        } catch (err) {
            lastError = err instanceof Error ? err.message : String(err);
        }
        await sleep(500);
    }
    const tail = logTail(req.layout);
    await stopProcesses(req.layout);
    const seen = last
        ? `it reported ${last.taskManagers} TaskManager(s) and ${last.slotsTotal} slots`
        : `its REST endpoint never answered (${lastError || "no process left"})`;
    throw new DeployError(
        `the local cluster did not become ready within ${Math.round(req.timeoutMs / 1000)} s: ${seen}${tail ? `\nlog:\n${tail}` : ""}`,
        `no process of this cluster (stopped); logs are in ${req.layout.logDir}`,
    );
}

export interface SqlGatewayStartRequest {
    layout: LocalLayout;
    homePath: string;
    host: string;
    port: number;
    timeoutMs: number;
    /** Asks the gateway for its version (GET /v1/info); throws while it is not up. */
    probe: () => Promise<string>;
}

/**
 * Start Flink's SQL Gateway next to a running local cluster, with Flink's own script from the same
 * home and the cluster's conf dir (so it submits to this cluster), and wait until it answers.
 * Its pid file lands in the cluster's pid dir, so `stopProcesses` stops it with the cluster.
 * On failure, stops every process of the cluster: a half-started cluster is never left behind.
 */
export async function startSqlGateway(req: SqlGatewayStartRequest, progress: Progress): Promise<string> {
    const gatewayUp = () => clusterProcesses(req.layout).some((p) => p.role === "sqlgateway");
    const fail = async (why: string): Promise<never> => {
        const tail = logTail(req.layout, 15, /sql-gateway/);
        await stopProcesses(req.layout);
        throw new DeployError(
            `the SQL Gateway of the local cluster ${why}${tail ? `\nlog:\n${tail}` : ""}`,
            `no process of this cluster (stopped); logs are in ${req.layout.logDir}`,
        );
    };
    const args = [
        path.join(req.homePath, "bin", "sql-gateway.sh"),
        "start",
        `-Dsql-gateway.endpoint.rest.address=${req.host}`,
        `-Dsql-gateway.endpoint.rest.bind-address=${req.host}`,
        `-Dsql-gateway.endpoint.rest.port=${req.port}`,
    ];
    progress(`starting the SQL Gateway on port ${req.port}`);
    const env = { ...scriptEnv(req.layout), FLINK_CONF_DIR: writeGatewayConf(req.layout) };
    const result = await run("bash", args, { env, cwd: req.layout.workDir });
    if (result.code !== 0) return fail(`did not start: sql-gateway.sh start failed (exit ${result.code}): ${result.stderr.trim().slice(-500)}`);
    const deadline = Date.now() + req.timeoutMs;
    let lastError = "";
    while (Date.now() < deadline) {
        try {
            const version = await req.probe();
            progress(`SQL Gateway ready (Flink ${version})`);
            return version;
        } catch (err) {
            lastError = err instanceof Error ? err.message : String(err);
        }
        if (!gatewayUp()) {
            // The script returns before the JVM is up; give a just-written pid file a moment.
            await sleep(1_000);
            if (!gatewayUp()) return fail(`exited during start (${lastError || "no answer"})`);
        }
        await sleep(500);
    }
    return fail(`did not answer GET /v1/info within ${Math.round(req.timeoutMs / 1000)} s (${lastError})`);
}
