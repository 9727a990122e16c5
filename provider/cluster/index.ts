import * as fs from "fs";
import { DeployError, messageOf, parsedOrThrow } from "../core/errors";
import { isActive } from "../flink/states";
import { changedKeys, plain } from "../core/diff";
import { hashOf, stableJson } from "../core/hash";
import { nameOutput, progressFor, Progress, resourceLabel } from "../core/log";
import { localLayout } from "../local/layout";
import { clusterProcesses, stopProcesses } from "../local/processes";
import { portFree, startLocalCluster, startSqlGateway } from "../local/start";
import { createGatewayClient, type GatewayClientOptions } from "../sqlgateway";
import { containsUnknown } from "../core/unknown";
import { withoutPulumiKeys } from "../core/zod";
import { prepareLibDir } from "../core/libraries/local";
import { librariesHash, type ResolvedLibrary, resolveLibraries } from "../core/libraries/resolve";
import { homeLibJars } from "../core/libraries/schema";
import { clusterJobList, type Handoff, prepareRestart, previewRestart, refuseRestart, settleHandoff } from "./handoff";
import type { ClusterConnection } from "../core/connection";
import { clusterApi, ClusterSnapshot } from "./api";
import { localClusterConfig, localRestUrl, localSqlGatewayUrl } from "./config";
import { reporterPorts } from "../core/alerts/metrics";
import { checkClusterArgs, ClusterArgs, LocalClusterArgs, RemoteClusterArgs, sqlGatewayOf } from "./schema";
import { type TypedProvider, unreadable } from "../core/providers";

export { checkClusterArgs } from "./schema";
export { localClusterConfig } from "./config";

export const CLUSTER_STATE_VERSION = 1;

/** Stored outputs: the inputs echoed under their own names (so secrets stay secret), plus facts. */
export type ClusterState = ClusterArgs & {
    restUrl: string;
    webUiUrl: string;
    flinkVersion: string;
    taskManagers: number;
    slots: number;
    jobsTotal: number;
    jobsRunning: number;
    /** SQL Gateway REST URL ("" when the cluster has none). */
    sqlGatewayUrl: string;
    status: "running" | "stopped" | "unreachable";
    /** How jobs reach this cluster (secret when it carries headers or a client key). */
    connection: ClusterConnection;
    /** Hash of the effective configuration a local cluster was started with. */
    configHash: string;
    /** Digest of the declared libraries and repository URL ("" without libraries): a job shows a change of it. */
    librariesHash: string;
    /** Whether the SQL Gateway runs on the deploying machine (can read its files): local clusters only. */
    gatewayLocal: boolean;
    /** Savepoints this (local) cluster took of its jobs to restart for new libraries, by job name, until each job runs again. */
    handoff: Handoff;
    stateVersion: number;
};

/** Inputs whose change means a different cluster (replace), per target. */
const REPLACE_KEYS: Record<string, readonly string[]> = { local: ["target", "workDir"], remote: ["target", "restUrl"] };
const UPDATE_KEYS: Record<string, readonly string[]> = {
    local: [
        "home",
        "host",
        "restPort",
        "rpcPort",
        "taskManagers",
        "slotsPerTaskManager",
        "jobManagerMemory",
        "taskManagerMemory",
        "configuration",
        "startTimeoutSeconds",
        "sqlGateway",
        "libraries",
        "mavenRepository",
    ],
    remote: [
        "webUiUrl",
        "headers",
        "caCert",
        "clientCert",
        "clientKey",
        "insecureSkipVerify",
        "requestTimeoutSeconds",
        "sqlGatewayUrl",
        "sqlGatewayOnThisMachine",
    ],
};

function parseArgs(inputs: Record<string, unknown>): ClusterArgs {
    const { args, failures } = checkClusterArgs(inputs);
    return parsedOrThrow("SessionCluster", args, failures);
}

function connectionOf(args: ClusterArgs): ClusterConnection {
    if (args.target === "local") {
        const sqlGatewayUrl = localSqlGatewayUrl(args);
        return { restUrl: localRestUrl(args), timeoutMs: 10_000, ...(sqlGatewayUrl ? { sqlGatewayUrl } : {}) };
    }
    return {
        restUrl: args.restUrl,
        sqlGatewayUrl: args.sqlGatewayUrl,
        headers: args.headers,
        caCert: args.caCert,
        clientCert: args.clientCert,
        clientKey: args.clientKey,
        insecureSkipVerify: args.insecureSkipVerify,
        timeoutMs: args.requestTimeoutSeconds * 1000,
    };
}

function stateOf(args: ClusterArgs, snap: ClusterSnapshot, configHash: string, handoff: Handoff = {}): ClusterState {
    const restUrl = connectionOf(args).restUrl;
    const webUiUrl = args.target === "remote" && args.webUiUrl ? args.webUiUrl : `${restUrl.replace(/\/$/, "")}/#/overview`;
    const connection = connectionOf(args);
    const sqlGatewayUrl = args.target === "local" ? localSqlGatewayUrl(args) : (args.sqlGatewayUrl ?? "");
    const libs = args.target === "local" ? librariesHash(args.libraries, args.mavenRepository) : "";
    return plain({
        ...args,
        restUrl,
        webUiUrl,
        ...snap,
        sqlGatewayUrl,
        status: "running" as const,
        connection,
        configHash,
        librariesHash: libs,
        gatewayLocal: args.target === "local" || (args.sqlGatewayOnThisMachine && args.sqlGatewayUrl !== undefined),
        handoff,
        stateVersion: CLUSTER_STATE_VERSION,
    });
}

/** A SQL Gateway client with the cluster's connection options (headers, TLS). */
function gatewayOptions(conn: ClusterConnection, url: string): GatewayClientOptions {
    return {
        baseUrl: url,
        headers: conn.headers,
        ca: conn.caCert,
        cert: conn.clientCert,
        key: conn.clientKey,
        rejectUnauthorized: !conn.insecureSkipVerify,
        timeoutMs: conn.timeoutMs,
    };
}

/** The version the SQL Gateway at `url` reports (GET /v1/info). */
async function gatewayVersion(conn: ClusterConnection, url: string, retries?: number): Promise<string> {
    const client = createGatewayClient({ ...gatewayOptions(conn, url), ...(retries !== undefined ? { retries } : {}) });
    try {
        return (await client.info()).version;
    } finally {
        await client.close();
    }
}

/** Start the SQL Gateway of a running local cluster if it is enabled and not running yet. */
async function ensureLocalSqlGateway(args: LocalClusterArgs, progress: Progress): Promise<void> {
    const gateway = sqlGatewayOf(args);
    if (!gateway.enabled) return;
    const layout = localLayout(args.workDir);
    if (clusterProcesses(layout).some((p) => p.role === "sqlgateway")) return;
    if (!(await portFree(args.host, gateway.port))) {
        throw new DeployError(
            `port ${gateway.port} on ${args.host} (sqlGateway.port) is already in use by another process`,
            "the cluster running without its SQL Gateway; choose a free sqlGateway.port or stop the other process",
        );
    }
    const conn = connectionOf(args);
    const url = localSqlGatewayUrl(args);
    await startSqlGateway(
        {
            layout,
            homePath: args.home.homePath,
            host: args.host,
            port: gateway.port,
            timeoutMs: args.startTimeoutSeconds * 1000,
            probe: () => gatewayVersion(conn, url, 0),
        },
        progress,
    );
}

/** Refuse to restart a cluster that runs jobs: a restart would kill them without a savepoint. */
async function ensureNoRunningJobs(args: LocalClusterArgs, why: string): Promise<void> {
    let jobs: { name: string; state: string }[];
    try {
        jobs = await clusterApi(connectionOf(args)).jobs();
    } catch {
        return; // not reachable: nothing runs there that a restart could lose
    }
    const running = jobs.filter((j) => isActive(j.state));
    if (running.length) refuseRestart(why, running);
}

/** The cluster's libraries as verified local jars; done before anything is stopped, so a failed download changes nothing. */
function localLibraries(args: LocalClusterArgs, progress: Progress): Promise<ResolvedLibrary[]> {
    if (!args.libraries?.length) return Promise.resolve([]);
    return resolveLibraries(args.libraries, { repository: args.mavenRepository, homeJars: homeLibJars(args.home.homePath), progress });
}

async function startLocal(args: LocalClusterArgs, progress: Progress, resolved?: ResolvedLibrary[]): Promise<ClusterState> {
    const state = await startLocalProcesses(args, progress, resolved);
    // What is still handed over: none of the restarted cluster's jobs runs yet, a job that runs again is done.
    const handoff = settleHandoff(localLayout(args.workDir).pidDir, (await clusterJobList(connectionOf(args))) ?? []);
    return { ...state, handoff };
}

async function startLocalProcesses(args: LocalClusterArgs, progress: Progress, resolved?: ResolvedLibrary[]): Promise<ClusterState> {
    const layout = localLayout(args.workDir);
    const { config, dialect, text } = localClusterConfig(args, layout);
    const gateway = sqlGatewayOf(args);
    const libraries = resolved ?? (await localLibraries(args, progress));
    // Only an enabled gateway and libraries enter the hash: clusters started before they existed keep theirs.
    const jars = libraries.map((l) => `${l.fileName}@${l.sha1 ?? l.sha256}`);
    const configHash = hashOf({
        config,
        home: args.home.homePath,
        tms: args.taskManagers,
        ...(gateway.enabled ? { sqlGateway: gateway.port } : {}),
        ...(jars.length ? { jars } : {}),
    });
    const api = clusterApi(connectionOf(args));
    const running = clusterProcesses(layout);
    const recorded = fs.existsSync(layout.stateFile) ? (JSON.parse(fs.readFileSync(layout.stateFile, "utf8")) as { configHash?: string }) : {};
    if (running.length && recorded.configHash === configHash) {
        // A previous run started it and then died before saving state: adopt, do not restart.
        progress(`adopting the cluster already running from ${layout.workDir}`);
        await ensureLocalSqlGateway(args, progress);
        return stateOf(args, await api.snapshot(), configHash);
    }
    if (running.length) {
        await ensureNoRunningJobs(args, "a changed configuration");
        progress(`stopping ${running.length} process(es) started with an older configuration`);
        await stopProcesses(layout);
    }
    if (libraries.length) {
        const names = prepareLibDir(layout.libDir, args.home.homePath, libraries);
        progress(`lib folder ${layout.libDir}: ${names.length} jar(s), ${libraries.length} of them libraries (the home's lib is not changed)`);
    } else fs.rmSync(layout.libDir, { recursive: true, force: true });
    const probe = async () => {
        const s = await api.snapshot();
        return { taskManagers: s.taskManagers, slotsTotal: s.slots, flinkVersion: s.flinkVersion };
    };
    const ports = [args.restPort, args.rpcPort, ...(gateway.enabled ? [gateway.port] : [])];
    const configFileName = dialect;
    await startLocalCluster(
        {
            layout,
            homePath: args.home.homePath,
            configText: text,
            configFileName,
            host: args.host,
            ports,
            reporterPorts: reporterPorts(config, args.taskManagers),
            taskManagers: args.taskManagers,
            slotsPerTaskManager: args.slotsPerTaskManager,
            timeoutMs: args.startTimeoutSeconds * 1000,
            probe,
        },
        progress,
    );
    await ensureLocalSqlGateway(args, progress);
    fs.writeFileSync(layout.stateFile, stableJson({ configHash, startedAt: new Date().toISOString() }));
    return stateOf(args, await api.snapshot(), configHash);
}

async function connectRemote(args: RemoteClusterArgs, progress: Progress): Promise<ClusterState> {
    try {
        const snap = await clusterApi(connectionOf(args)).snapshot();
        progress(`adopted remote cluster: Flink ${snap.flinkVersion}, ${snap.taskManagers} TaskManager(s), ${snap.jobsRunning} running job(s)`);
        if (args.sqlGatewayUrl) await checkRemoteGateway(args, args.sqlGatewayUrl, snap.flinkVersion, progress);
        return stateOf(args, snap, "");
    } catch (err) {
        if (err instanceof DeployError) throw err;
        throw new DeployError(
            `cannot reach the Flink REST API at ${args.restUrl}: ${err instanceof Error ? err.message : String(err)}`,
            "nothing; check restUrl, headers and TLS options",
        );
    }
}

async function checkRemoteGateway(args: RemoteClusterArgs, url: string, clusterVersion: string, progress: Progress): Promise<void> {
    let version: string;
    try {
        version = await gatewayVersion(connectionOf(args), url);
    } catch (err) {
        throw new DeployError(
            `cannot reach the Flink SQL Gateway at ${url}: ${err instanceof Error ? err.message : String(err)}`,
            "nothing; check sqlGatewayUrl (the gateway's REST endpoint, port 8083 by default), headers and TLS options",
        );
    }
    if (version !== clusterVersion)
        progress(`warning: the SQL Gateway reports Flink ${version} but the cluster ${clusterVersion}; use a gateway of the cluster's version`);
    else progress(`SQL Gateway at ${url}: Flink ${version}`);
}

/** Which inputs changed, compared as the outputs hold them (defaulted). */
function changedInputs(olds: ClusterState, rawNews: Record<string, unknown>): { replaces: string[]; updates: string[]; retarget: boolean } {
    // Outputs hold defaulted values, so compare against defaulted inputs when they are known.
    const parsed = checkClusterArgs(rawNews).args;
    const news = { ...(parsed ?? withoutPulumiKeys(rawNews)) } as Record<string, unknown>;
    // webUiUrl is both an optional input (remote) and an output: compare what it resolves to.
    if (news.target === "remote" && news.webUiUrl === undefined && typeof news.restUrl === "string")
        news.webUiUrl = stateOf(news as unknown as ClusterArgs, { flinkVersion: "", taskManagers: 0, slots: 0, jobsTotal: 0, jobsRunning: 0 }, "").webUiUrl;
    const old = { ...(olds as unknown as Record<string, unknown>) };
    // An off gateway is off whatever its port; state from before sqlGateway existed has none.
    if (news.target === "local" && !containsUnknown(news.sqlGateway)) {
        news.sqlGateway = sqlGatewayOf(news);
        old.sqlGateway = sqlGatewayOf(old);
    }
    // An empty library list is no libraries: declaring `libraries: []` must not restart the cluster.
    for (const side of [news, old]) if (Array.isArray(side.libraries) && side.libraries.length === 0) delete side.libraries;
    // sqlGatewayUrl is both an optional input (remote) and an output ("" when unset).
    if (news.target === "remote" && news.sqlGatewayUrl === undefined) news.sqlGatewayUrl = "";
    if (old.sqlGatewayUrl === undefined) old.sqlGatewayUrl = "";
    if (olds.target === "remote" && old.sqlGatewayOnThisMachine === undefined) old.sqlGatewayOnThisMachine = false; // state from before it existed
    const target = String(news.target);
    if (olds.target !== news.target) return { replaces: ["target"], updates: [], retarget: true };
    const replaces = changedKeys(old, news, REPLACE_KEYS[target] ?? []);
    const updates = changedKeys(old, news, UPDATE_KEYS[target] ?? []);
    // A refresh that found the cluster dead makes the next `up` start it again.
    if (olds.status && olds.status !== "running" && target === "local") updates.push("status");
    return { replaces, updates, retarget: false };
}

/** The SessionCluster dynamic provider. */
export const clusterProvider: TypedProvider<ClusterState> = {
    async check(_olds, news) {
        const { failures } = checkClusterArgs(news);
        return { inputs: news, failures: failures.map((f) => ({ property: f.property, reason: f.reason })) };
    },

    async diff(_id, olds: ClusterState, rawNews) {
        const { replaces, updates, retarget } = changedInputs(olds, rawNews);
        if (retarget) return { changes: true, replaces: ["target"], deleteBeforeReplace: true };
        const target = String(olds.target);
        if (olds.target === "local" && !replaces.length && updates.length && olds.status === "running")
            await previewRestart(connectionOf(olds), updates, resourceLabel("SessionCluster", rawNews, "local"));
        return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && target === "local" };
    },
    async create(inputs) {
        const args = parseArgs(inputs);
        const progress = progressFor(resourceLabel("SessionCluster", inputs, args.target));
        const outs = args.target === "local" ? await startLocal(args, progress) : await connectRemote(args, progress);
        const id = args.target === "local" ? `local-${hashOf(localLayout(args.workDir).workDir)}` : `remote-${hashOf(args.restUrl)}`;
        return { id, outs: { ...outs, ...nameOutput(inputs) } };
    },

    async update(_id, olds: ClusterState, news) {
        const args = parseArgs(news);
        const progress = progressFor(resourceLabel("SessionCluster", news, args.target));
        if (args.target === "remote") return { outs: { ...(await connectRemote(args, progress)), ...nameOutput(news) } };
        // Libraries first: a failed download changes nothing, no job is stopped for it.
        const libraries = await localLibraries(args, progress);
        const handoff =
            olds.status === "running" && olds.target === "local"
                ? await prepareRestart(connectionOf(olds), localLayout(olds.workDir).pidDir, changedInputs(olds, news).updates, progress)
                : {};
        progress(olds.status === "running" ? "restarting with the new configuration" : "starting (a refresh found it stopped)");
        await stopProcesses(localLayout(olds.target === "local" ? olds.workDir : args.workDir));
        try {
            return { outs: { ...(await startLocal(args, progress, libraries)), ...nameOutput(news) } };
        } catch (err) {
            if (!Object.keys(handoff).length) throw err;
            const taken = Object.entries(handoff)
                .map(([name, p]) => `${name} at ${p.path}`)
                .join("; ");
            throw new DeployError(
                `${messageOf(err)}`,
                `the jobs stopped with a savepoint before the restart (recorded in ${localLayout(args.workDir).pidDir}/handoff.json; ` +
                    `the next \`pulumi up\` restores them): ${taken}`,
                err,
            );
        }
    },

    async read(id, props?: ClusterState) {
        if (!props) return { id, props: unreadable(props) };
        if (props.target === "local" && clusterProcesses(localLayout(props.workDir)).length === 0) {
            return { id, props: { ...props, status: "stopped", taskManagers: 0, slots: 0, jobsTotal: 0, jobsRunning: 0 } };
        }
        try {
            const snap = await clusterApi(connectionOf(props)).snapshot();
            return { id, props: { ...props, ...snap, status: "running" } };
        } catch {
            return { id, props: { ...props, status: props.target === "local" ? "stopped" : "unreachable" } };
        }
    },

    async delete(_id, props: ClusterState) {
        if (props.target !== "local") return; // adopted, never ours to stop
        const layout = localLayout(props.workDir);
        const stopped = await stopProcesses(layout);
        const left = clusterProcesses(layout);
        if (left.length)
            throw new DeployError(`processes ${left.map((p) => p.pid).join(", ")} of the local cluster did not stop`, "those processes; stop them by hand");
        progressFor(resourceLabel("SessionCluster", props as unknown as Record<string, unknown>, "local"))(
            `stopped ${stopped.length} process(es); savepoints kept in ${layout.savepointDir}`,
        );
    },
};
