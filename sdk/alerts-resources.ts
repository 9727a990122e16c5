/**
 * An AlertRoute's jobs and clusters given as the FlinkJob and SessionCluster resources of the
 * program: names, clusters and scrape targets are derived from them instead of restated by hand.
 * The hand-written forms ({@link AlertJob}, {@link AlertCluster}) stay for what the program does
 * not manage (a remote cluster's reporters, jobs submitted elsewhere).
 */
import * as pulumi from "@pulumi/pulumi";
import { SessionCluster } from "./cluster";
import { FlinkJob } from "./job";
import { InputError, type InputFailure, invalid } from "../provider/core/errors";
import type { AlertCluster, AlertConditions, AlertJob } from "./alerts";

/** A FlinkJob of the program with its routing label and condition overrides. */
export interface AlertJobResource {
    /** The job: its Flink name and its cluster are the alert's `flink_job` and `cluster`. */
    readonly job: FlinkJob;
    /** `team` label, for routing. @default none */
    readonly team?: pulumi.Input<string>;
    /** Overrides of the route's `conditions` for this job. @default the route's conditions */
    readonly conditions?: AlertConditions;
}

/** A SessionCluster of the program whose reporters are scraped (a local cluster with `prometheusMetrics` on). */
export interface AlertClusterResource {
    readonly cluster: SessionCluster;
    /** Value of the `cluster` label. @default the SessionCluster's resource name */
    readonly name?: pulumi.Input<string>;
    /** `team` label of the cluster alert. @default none */
    readonly team?: pulumi.Input<string>;
}

/** A job of an AlertRoute: by hand, or a FlinkJob resource (alone or with `team` / `conditions`). */
export type AlertRouteJob = AlertJob | FlinkJob | AlertJobResource;
/** A cluster of an AlertRoute: by hand, or a SessionCluster resource (alone or with `name` / `team`). */
export type AlertRouteCluster = AlertCluster | SessionCluster | AlertClusterResource;

/** The last part of a URN: the resource's name. */
const resourceName = (r: pulumi.Resource): pulumi.Output<string> => r.urn.apply((u) => u.slice(u.lastIndexOf("::") + 2));

function asClusterResource(c: AlertRouteCluster): AlertClusterResource | undefined {
    if (c instanceof SessionCluster) return { cluster: c };
    return "cluster" in c && c.cluster instanceof SessionCluster ? (c as AlertClusterResource) : undefined;
}

function asJobResource(j: AlertRouteJob): AlertJobResource | undefined {
    if (j instanceof FlinkJob) return { job: j };
    return "job" in j && j.job instanceof FlinkJob ? (j as AlertJobResource) : undefined;
}

const HAND_WRITTEN = "declare it by hand: { name, jobManagerTarget, taskManagerTargets }";

/** A declared cluster resource as the route's hand-written form: label and targets from its outputs. */
function clusterOf(c: AlertClusterResource, i: number): pulumi.Output<AlertCluster> {
    if (c.cluster.targetKind !== "local")
        throw new InputError([
            invalid(
                `clusters[${i}]`,
                `(${c.cluster.targetKind} SessionCluster)`,
                "has reporters this program does not start, so their scrape targets are not known",
                `${HAND_WRITTEN}${c.cluster.targetKind === "kubernetes" ? ", or use KubernetesAlertRoute (a PodMonitor finds the pods)" : ""}`,
            ),
        ]);
    return pulumi.all([c.name ?? resourceName(c.cluster), c.cluster.prometheusTargets, c.team]).apply(([name, targets, team]) => {
        // Known only once the configuration is: the program stops here with this message.
        if (!targets)
            throw new InputError([
                invalid(
                    `clusters[${i}]`,
                    name,
                    "has no known Prometheus reporter targets (the reporter is off, or its range has fewer ports than processes)",
                    `set configuration: { ...flink.prometheusMetrics({ port: "9250-9251" }) } (a port per process), or ${HAND_WRITTEN}`,
                ),
            ]);
        return { name, jobManagerTarget: targets.jobManager, taskManagerTargets: targets.taskManagers, ...(team !== undefined ? { team } : {}) };
    });
}

/** The route's clusters in the hand-written form (unchanged when given that way). */
export function routeClusters(clusters: pulumi.Input<pulumi.Input<AlertCluster>[]> | readonly AlertRouteCluster[]): pulumi.Input<pulumi.Input<AlertCluster>[]> {
    if (!Array.isArray(clusters)) return clusters as pulumi.Input<pulumi.Input<AlertCluster>[]>;
    return (clusters as readonly AlertRouteCluster[]).map((c, i) => {
        const r = asClusterResource(c);
        return r ? clusterOf(r, i) : (c as AlertCluster);
    });
}

/**
 * The route's jobs in the hand-written form. A FlinkJob's `cluster` label is the label its
 * SessionCluster has among the route's clusters, else that cluster's resource name.
 */
export function routeJobs(
    jobs: pulumi.Input<pulumi.Input<AlertJob>[]> | readonly AlertRouteJob[] | undefined,
    clusters: pulumi.Input<pulumi.Input<AlertCluster>[]> | readonly AlertRouteCluster[],
): pulumi.Input<pulumi.Input<AlertJob>[]> | undefined {
    if (!Array.isArray(jobs)) return jobs as pulumi.Input<pulumi.Input<AlertJob>[]> | undefined;
    const declared = Array.isArray(clusters) ? (clusters as readonly AlertRouteCluster[]).map(asClusterResource) : [];
    const failures: InputFailure[] = [];
    const out = (jobs as readonly AlertRouteJob[]).map((j, i): pulumi.Input<AlertJob> => {
        const r = asJobResource(j);
        if (!r) return j as AlertJob;
        const session = r.job.sessionCluster;
        if (!session) {
            failures.push(
                invalid(
                    `jobs[${i}]`,
                    "(FlinkJob)",
                    "runs in application mode (no SessionCluster to take its cluster label and targets from)",
                    "declare it by hand: { name, cluster } with a cluster of this route",
                ),
            );
            return { name: "", cluster: "" };
        }
        const label = declared.find((d) => d?.cluster === session);
        const cluster = label ? (label.name ?? resourceName(session)) : resourceName(session);
        return {
            name: r.job.jobName,
            cluster,
            ...(r.team !== undefined ? { team: r.team } : {}),
            ...(r.conditions !== undefined ? { conditions: r.conditions } : {}),
        };
    });
    if (failures.length) throw new InputError(failures);
    return out;
}

/** The FlinkJob resources among the route's jobs: the route waits for them, so a first deployment does not page. */
export function jobResources(jobs: readonly AlertRouteJob[] | unknown): FlinkJob[] {
    return Array.isArray(jobs) ? (jobs as readonly AlertRouteJob[]).flatMap((j) => asJobResource(j)?.job ?? []) : [];
}
