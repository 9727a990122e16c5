/**
 * Provider kind `k8sSessionGuard`: a Kubernetes session cluster's FlinkDeployment depends on it,
 * so its update runs BEFORE @pulumi/kubernetes changes the spec. A changed spec makes the
 * Operator redeploy the session cluster, which kills every job submitted to it; like a local
 * cluster, the change is refused while jobs run there (our choice over a savepoint dance: the
 * jobs' own previews promise no restart). It asks the JobManager's REST API which jobs run
 * (port-forward as the cluster does); when that is not known and the Operator reports the
 * JobManager ready, it refuses too. The preview names the jobs, or says why they are unknown.
 */
import { clusterJobList } from "../cluster/handoff";
import type { JobOverview } from "../flink";
import { isActive } from "../flink/states";
import { DeployError, messageOf, parsedOrThrow } from "../core/errors";
import { plain } from "../core/diff";
import { progressFor } from "../core/log";
import { type TypedProvider } from "../core/providers";
import { connectionFor } from "./cluster-provider";
import { routeKubernetes } from "./endpoint";
import { checkK8sClusterInputs, type K8sClusterInputs } from "./inputs";
import { hasKubeAccess } from "../core/k8s/kubeconfig";
import { readFlinkDeployment } from "./status";

/** What is kept: the spec digest the cluster runs with (no kubeconfig: it is read from the new inputs). */
export type K8sSessionGuardState = Omit<K8sClusterInputs, "kubeconfig">;

/** Which jobs run, or why that is not known; `idle` when the Operator reports no ready JobManager. */
export type RunningJobs = { jobs: JobOverview[] } | { unknown: string; idle: boolean };

/** The jobs on the cluster: REST first, then the FlinkDeployment's status to tell "down" from "unreachable". */
export async function runningJobs(args: K8sClusterInputs, quick: boolean): Promise<RunningJobs> {
    const conn = connectionFor(args, process.env);
    routeKubernetes(conn);
    const jobs = await clusterJobList(conn, quick && !conn.kubernetes);
    if (jobs) return { jobs: jobs.filter((j) => isActive(j.state)) };
    let status = "unread (no kubeconfig at hand)";
    if (hasKubeAccess(args)) {
        try {
            status = (await readFlinkDeployment(args, args.namespace, args.name)).status?.jobManagerDeploymentStatus ?? "not reported";
        } catch (err) {
            status = `unread (${messageOf(err).split("\n")[0]!.slice(0, 160)})`;
        }
    }
    return {
        unknown: `its REST API at ${conn.restUrl} did not answer; the Operator's JobManager status: ${status}`,
        idle: /^(MISSING|DEPLOYING|ERROR)$/.test(status),
    };
}

/**
 * The way through, said wherever the refusal is (up, review). A restarted session cluster lists no
 * job it ran before (without HA its job history is in the JobManager's memory), so a job deployed
 * again does not find its stop savepoint by itself: restoreFrom names it.
 */
export const THROUGH =
    "remove the jobs from the program and run `pulumi up` without the cluster change (each stops with a savepoint; up prints its path), " +
    "then apply the cluster change and deploy the jobs again with restoreFrom: { savepointPath: <that path> } in one `pulumi up` " +
    "(the restarted cluster no longer lists the stopped jobs, so nothing finds those savepoints by itself)";

const names = (jobs: JobOverview[]) => jobs.map((j) => `${j.name} (${j.state})`).join(", ");

/** The preview line for a spec change (pure). */
export function describeSpecChange(where: string, running: RunningJobs): string {
    const why = `the FlinkDeployment spec of ${where} changed, so the Operator restarts the session cluster`;
    if ("unknown" in running)
        return running.idle
            ? `${why}: no JobManager is ready, so no job runs there (${running.unknown})`
            : `${why}: which jobs run is unknown (${running.unknown}); up refuses the change unless they can be listed`;
    if (!running.jobs.length) return `${why}: no job runs on it`;
    return `${why}: REFUSED at up: the restart would kill ${running.jobs.length} job(s) without a savepoint: ${names(running.jobs)}`;
}

/** Throws when the restart would kill jobs, or when which jobs run is unknown (pure). */
export function refuseSpecChange(where: string, running: RunningJobs): void {
    const left = "the FlinkDeployment unchanged and its jobs running";
    if ("unknown" in running) {
        if (running.idle) return;
        throw new DeployError(
            `changing the FlinkDeployment spec of ${where} restarts the session cluster, and which jobs run on it is unknown: ${running.unknown}`,
            `${left}; make its REST API reachable (access, kubeconfig) so the jobs can be listed, or stop them first, then run \`pulumi up\` again`,
        );
    }
    if (!running.jobs.length) return;
    throw new DeployError(
        `changing the FlinkDeployment spec of ${where} restarts the session cluster, ` +
            `which would kill ${running.jobs.length} job(s) without a savepoint: ${names(running.jobs)}`,
        `${left}; ${THROUGH}`,
    );
}

function parse(inputs: Record<string, unknown>): K8sClusterInputs {
    const { args, failures } = checkK8sClusterInputs(inputs);
    return parsedOrThrow("SessionCluster", args, failures);
}
const stateOf = (args: K8sClusterInputs): K8sSessionGuardState => {
    const { kubeconfig: _secret, ...rest } = args;
    return plain(rest);
};
const where = (a: { namespace: string; name: string }) => `session cluster ${a.namespace}/${a.name}`;

export const k8sSessionGuardProvider: TypedProvider<K8sSessionGuardState> = {
    async check(_olds, news) {
        const { failures } = checkK8sClusterInputs(news);
        return { inputs: news, failures: failures.map((f) => ({ property: f.property, reason: f.reason })) };
    },

    async diff(_id, olds: K8sSessionGuardState, rawNews) {
        const { args } = checkK8sClusterInputs(rawNews);
        if (!args) return { changes: true };
        const changed = olds.specHash !== args.specHash;
        if (changed && olds.specHash)
            progressFor(`SessionCluster ${where(args)}`)(`preview: ${describeSpecChange(where(args), await runningJobs(args, true))}`);
        return { changes: changed || olds.namespace !== args.namespace || olds.name !== args.name };
    },

    // A new FlinkDeployment: nothing runs there yet.
    async create(inputs) {
        const args = parse(inputs);
        return { id: `${args.namespace}/${args.name}`, outs: stateOf(args) };
    },

    async update(_id, olds: K8sSessionGuardState, news) {
        const args = parse(news);
        if (olds.specHash !== args.specHash && olds.namespace === args.namespace && olds.name === args.name) {
            const running = await runningJobs(args, false);
            refuseSpecChange(where(args), running);
            progressFor(`SessionCluster ${where(args)}`)(describeSpecChange(where(args), running));
        }
        return { outs: stateOf(args) };
    },

    async delete() {
        return;
    },
};
