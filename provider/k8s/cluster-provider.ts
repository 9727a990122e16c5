/**
 * Provider kind `k8sCluster`: a session cluster the Flink Kubernetes Operator runs. The
 * FlinkDeployment itself is created by @pulumi/kubernetes in the SDK (this resource depends on
 * it); this provider decides how `pulumi up` reaches the JobManager (access.url > in-cluster
 * service > port-forward), waits until its REST API answers, and records the same outputs as
 * local and remote clusters, so FlinkJob works on it unchanged.
 */
import { clusterApi, type ClusterSnapshot } from "../cluster/api";
import type { ClusterConnection, KubernetesConnection } from "../core/connection";
import { changedKeys, plain } from "../core/diff";
import { DeployError, messageOf, parsedOrThrow } from "../core/errors";
import { withoutPulumiKeys } from "../core/zod";
import { progressFor, type Progress } from "../core/log";
import { type AccessEnv, chooseAccess, routeKubernetes, serviceUrl } from "./endpoint";
import { checkK8sClusterInputs, type K8sClusterInputs } from "./inputs";
import { hasKubeAccess } from "../core/k8s/kubeconfig";
import { interpret } from "./lifecycle";
import { readFlinkDeployment } from "./status";
import { type TypedProvider, unreadable } from "../core/providers";

export const K8S_CLUSTER_STATE_VERSION = 1;

export type K8sClusterState = K8sClusterInputs &
    ClusterSnapshot & {
        restUrl: string;
        webUiUrl: string;
        sqlGatewayUrl: string;
        status: "running" | "unreachable";
        librariesHash: string;
        gatewayLocal: false;
        /** Always empty: the local target's savepoints of a restart hand-over (see provider/cluster/handoff.ts). */
        handoff: Record<string, never>;
        connection: ClusterConnection;
        stateVersion: number;
    };

/** A new name or namespace is another FlinkDeployment: replace. */
const REPLACE_KEYS = ["target", "namespace", "name"] as const;
const UPDATE_KEYS = [
    "specHash",
    "librariesHash",
    "flinkVersion",
    "restService",
    "restPort",
    "access",
    "sqlGateway",
    "kubeconfig",
    "context",
    "readyTimeoutSeconds",
    "minSlots",
] as const;

function parse(inputs: Record<string, unknown>): K8sClusterInputs {
    const { args, failures } = checkK8sClusterInputs(inputs);
    return parsedOrThrow("SessionCluster", args, failures);
}

/** How jobs reach this cluster; `kubernetes` is set whenever a port-forward may be needed. */
export function connectionFor(args: K8sClusterInputs, env: AccessEnv): ClusterConnection {
    const access = chooseAccess(args, env);
    const gateway = args.sqlGateway;
    const sqlGatewayUrl = gateway ? (gateway.url ?? serviceUrl(gateway.service, args.namespace, gateway.port)) : undefined;
    const conn: ClusterConnection = { restUrl: access.url, timeoutMs: 30_000, ...(sqlGatewayUrl ? { sqlGatewayUrl } : {}) };
    const explicit = args.access.mode;
    // An explicit "url"/"service" means the user knows the URL resolves; "auto" keeps the
    // forward available for a later run outside the cluster (resolveBaseUrl decides then).
    const mayForward = access.kind === "port-forward" || (access.kind === "service" && explicit === "auto");
    if (mayForward || (gateway && !gateway.url && access.kind === "url")) {
        const k: KubernetesConnection = {
            namespace: args.namespace,
            service: args.restService,
            port: args.restPort,
            mode: explicit === "port-forward" ? "port-forward" : "auto",
            ...(args.context ? { context: args.context } : {}),
            ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}),
            ...(gateway && !gateway.url ? { sqlGateway: { service: gateway.service, port: gateway.port } } : {}),
        };
        conn.kubernetes = k;
    }
    return conn;
}

function stateOf(args: K8sClusterInputs, conn: ClusterConnection, snap: ClusterSnapshot, status: K8sClusterState["status"]): K8sClusterState {
    return plain({
        ...args,
        ...snap,
        restUrl: conn.restUrl,
        webUiUrl: `${conn.restUrl.replace(/\/$/, "")}/#/overview`,
        sqlGatewayUrl: conn.sqlGatewayUrl ?? "",
        status,
        connection: conn,
        librariesHash: args.librariesHash ?? "",
        gatewayLocal: false, // the gateway runs in the cluster: it cannot read the deploying machine's files
        // No local hand-over on Kubernetes, but an output jobs read must exist: a missing one is
        // unknown in every preview, and a SQL edit could then never be compiled at preview.
        handoff: {},
        stateVersion: K8S_CLUSTER_STATE_VERSION,
    });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Poll interval while waiting (tests shorten it). */
export const timing = { pollMs: 3_000 };

/**
 * Wait until the cluster runs this spec: the Operator reconciled the FlinkDeployment's current
 * generation (read when the kubeconfig allows; right after a spec change the old JobManager still
 * answers), the JobManager REST API answers `/overview`, and the slots kept up from the start
 * (`minSlots`) registered. A terminal failure the Operator reports fails at once.
 */
async function awaitReady(args: K8sClusterInputs, conn: ClusterConnection, progress: Progress): Promise<ClusterSnapshot> {
    routeKubernetes(conn);
    const deadline = Date.now() + args.readyTimeoutSeconds * 1000;
    let waitingFor: string;
    let said = "";
    for (;;) {
        const deployment = hasKubeAccess(args) ? await readFlinkDeployment(args, args.namespace, args.name).catch(() => undefined) : undefined;
        const verdict = deployment && interpret(deployment, { secretValues: args.kubeconfig ? [args.kubeconfig] : [] });
        if (verdict?.done && !verdict.ok) {
            throw new DeployError(
                `session cluster ${args.namespace}/${args.name}: ${verdict.message}`,
                "the FlinkDeployment as the Operator left it; fix its spec (or the cluster) and run `pulumi up` again",
            );
        }
        if (verdict && !verdict.done) waitingFor = `the Operator (${verdict.progress})`;
        else {
            try {
                const snap = await clusterApi({ ...conn, timeoutMs: Math.min(conn.timeoutMs, 15_000) }).snapshot();
                if (snap.slots >= (args.minSlots ?? 0)) return snap;
                waitingFor = `TaskManagers: ${snap.slots} of the ${args.minSlots} slots kept up have registered (${snap.taskManagers} TaskManager(s))`;
            } catch (err) {
                waitingFor = `the JobManager REST API at ${conn.restUrl}${verdict ? ` (${verdict.progress})` : ""}: ${messageOf(err).split("\n")[0]!}`;
            }
        }
        const line = `waiting for ${waitingFor}`;
        if (line !== said) progress(line);
        said = line;
        if (Date.now() >= deadline) {
            throw new DeployError(
                `session cluster ${args.namespace}/${args.name} not ready within ${args.readyTimeoutSeconds} s: still waiting for ${waitingFor}`,
                "the FlinkDeployment in place (the Operator keeps reconciling it); check `kubectl -n " +
                    args.namespace +
                    " describe flinkdeployment " +
                    args.name +
                    "` and its pods, or raise readyTimeoutSeconds",
            );
        }
        await sleep(Math.min(timing.pollMs, Math.max(0, deadline - Date.now())));
    }
}

async function deploy(args: K8sClusterInputs): Promise<K8sClusterState> {
    const progress = progressFor(`SessionCluster ${args.namespace}/${args.name}`);
    const conn = connectionFor(args, process.env);
    const snap = await awaitReady(args, conn, progress);
    progress(`ready: Flink ${snap.flinkVersion}, ${snap.taskManagers} TaskManager(s), ${snap.slots} slot(s), ${snap.jobsRunning} running job(s)`);
    if (snap.flinkVersion !== args.flinkVersion)
        progress(
            `warning: the home declares Flink ${args.flinkVersion} but the cluster reports ${snap.flinkVersion}; ` +
                "set the home's flinkVersion to the image's version",
        );
    return stateOf(args, conn, snap, "running");
}

/** The `k8sCluster` dynamic provider. */
export const k8sClusterProvider: TypedProvider<K8sClusterState> = {
    async check(_olds, news) {
        const { failures } = checkK8sClusterInputs(news);
        return { inputs: news, failures: failures.map((f) => ({ property: f.property, reason: f.reason })) };
    },

    async diff(_id, olds: K8sClusterState, rawNews) {
        const news = (checkK8sClusterInputs(rawNews).args ?? withoutPulumiKeys(rawNews)) as Record<string, unknown>;
        // State stores "no libraries" as "" (an output must be a string); the input leaves it out.
        // Compared as is, every preview updated the cluster and made its outputs unknown to its jobs.
        const old = { ...olds, librariesHash: olds.librariesHash || undefined } as unknown as Record<string, unknown>;
        const replaces = changedKeys(old, news, REPLACE_KEYS);
        const updates = changedKeys(old, news, UPDATE_KEYS);
        // A refresh that found the cluster unreachable makes the next `up` wait for it again.
        if (olds.status && olds.status !== "running") updates.push("status");
        return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs) {
        const args = parse(inputs);
        return { id: `${args.namespace}/${args.name}`, outs: await deploy(args) };
    },

    async update(_id, _olds, news) {
        return { outs: await deploy(parse(news)) };
    },

    async read(id, props?: K8sClusterState) {
        if (!props?.connection) return { id, props: unreadable(props) };
        try {
            routeKubernetes(props.connection);
            const snap = await clusterApi(props.connection).snapshot();
            return { id, props: { ...props, ...snap, handoff: {}, status: "running" } };
        } catch {
            return { id, props: { ...props, status: "unreachable" } };
        }
    },

    // The FlinkDeployment belongs to @pulumi/kubernetes; deleting it stops the cluster.
    async delete() {
        return;
    },
};
