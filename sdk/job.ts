import * as pulumi from "@pulumi/pulumi";
import { SessionCluster } from "./cluster";
import { FlinkConfigValue } from "./home";
import { providerFor, withoutPromiseStacks } from "./provider";
import { VariableSet } from "./variables";
import type { FlinkApplicationArgs } from "./application";
import type { KubernetesTarget } from "./kubernetes";
import { inputError, kubernetesApplication } from "./kubernetes-render";
import { invalid } from "../provider/core/errors";
import type { DeferredArgumentCheck } from "../provider/core/component-rules";

import type { HealthGate, JarArtifact, JobDependency, RestoreFrom, UpgradePolicy } from "./job-options";
export type { HealthGate, JarArtifact, JobDependency, RestoreFrom, UpgradePolicy } from "./job-options";

/** Arguments of a {@link FlinkJob}: a JAR job (`jar`) or a SQL job (`sql`) on a session cluster, or an application-mode job on Kubernetes. */
export interface FlinkJobArgs {
    /**
     * The session cluster the job runs on. Changing it replaces the job. Exactly one of `cluster` and `application`.
     * @default undefined
     */
    readonly cluster?: SessionCluster;
    /**
     * Run the job in application mode on Kubernetes (its own FlinkDeployment) instead of on a session cluster.
     * @default undefined
     */
    readonly application?: FlinkApplicationArgs;
    /**
     * The job's name in Flink, and its identity: the job is found by it. Changing it replaces the job.
     * @default the resource name
     */
    readonly name?: pulumi.Input<string>;
    /**
     * The JAR to run (a JAR job). Exactly one of `jar` and `sql`.
     * @default undefined
     */
    readonly jar?: pulumi.Input<JarArtifact>;
    /**
     * The Flink SQL of a SQL job, as one script or a list of statements: DDL, `SET`, views, then
     * exactly one `INSERT INTO ...` or `EXECUTE STATEMENT SET BEGIN ... END`. `${NAME}` is
     * replaced by the variable NAME of `variables`, escaped for where it stands: inside `'...'`
     * with `'` doubled (the literal reads back as the exact value), inside a backquoted
     * identifier with `` ` `` doubled, in SQL code as is, in comments not at all. `$${NAME}`
     * stays `${NAME}`. Submitted through
     * the cluster's SQL Gateway; changed SQL is compiled (EXPLAIN) before the running job is touched.
     * @default undefined
     */
    readonly sql?: pulumi.Input<string | pulumi.Input<string>[]>;
    /**
     * Connector JARs a SQL job needs (added to its session with `ADD JAR`). A `uri` (hdfs://,
     * s3://, https://…) is passed to the SQL Gateway as written; `path`, `url` and `maven` are
     * files of the deploying machine, allowed only when the cluster's gateway runs there (local
     * target). Jars every job needs belong in the cluster's `libraries`.
     * @default []
     */
    readonly dependencies?: pulumi.Input<pulumi.Input<JobDependency>[]>;
    /**
     * Variables for `${NAME}` in `sql`, `args` and `configuration` values. Secrets may only be
     * used inside string literals of `sql` (Flink shows arguments and configuration in its web
     * UI; elsewhere in SQL a value is SQL text).
     * @default []
     */
    readonly variables?: VariableSet | VariableSet[];
    /**
     * Main class.
     * @default the JAR manifest's entry class
     */
    readonly entryClass?: pulumi.Input<string>;
    /**
     * Program arguments, one element per argument.
     * @default []
     */
    readonly args?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Job parallelism. Changing only this on a running JAR job rescales it in place (same job id,
     * restored from its latest checkpoint) when the cluster runs the adaptive scheduler, Flink is
     * 1.18+ and the job checkpoints; otherwise it is a savepoint-and-redeploy. The preview says which.
     * @default the cluster's `parallelism.default`
     */
    readonly parallelism?: pulumi.Input<number>;
    /**
     * Flink configuration for this job only (Flink 1.17+), e.g. checkpointing and restart strategy.
     * Keys the provider manages (savepoint path, job id) are rejected.
     * @default {}
     */
    readonly configuration?: pulumi.Input<Record<string, pulumi.Input<FlinkConfigValue>>>;
    /**
     * Upgrade and restore policy.
     * @default { mode: "savepoint", restore: "latest-state" }
     */
    readonly upgrade?: pulumi.Input<UpgradePolicy>;
    /**
     * Health gate after every (re)deploy.
     * @default { runningTimeoutSeconds: 120, stableSeconds: 10, maxRestarts: 0, finishTimeoutSeconds: 3600 }
     */
    readonly health?: pulumi.Input<HealthGate>;
    /**
     * When the new version fails its health gate, cancel it and start the previous version
     * again from the same savepoint.
     * @default true (application jobs: true with `kubernetes.highAvailability`, else false; the Operator rolls back only with HA)
     */
    readonly rollbackOnFailure?: pulumi.Input<boolean>;
    /**
     * What `pulumi destroy` (or removing the job) does: stop with a savepoint, cancel, or leave
     * the job running untouched.
     * @default "savepoint"
     */
    readonly onDelete?: pulumi.Input<"savepoint" | "cancel" | "leave-running">;
    /**
     * Take over a job already running under `name` (started by hand or by another tool) without
     * restarting it. Without it, such a job makes `up` fail rather than run a duplicate.
     * @default false
     */
    readonly adopt?: pulumi.Input<boolean>;
    /**
     * A savepoint to start the job from when no instance of it runs: on create, or when the job is
     * not running and this input is changed (a deliberate restore). While the job runs, its own newest
     * state wins: changing this input does nothing to it and the preview says so. The path must be a
     * savepoint of this job (Flink names its folder `savepoint-<first 6 hex of the job id>-…`; a
     * local one must hold `_metadata`); set `fromOtherJob` to restore another job's state on purpose.
     * @default undefined (the job's own newest savepoint or checkpoint, or empty state)
     */
    readonly restoreFrom?: pulumi.Input<RestoreFrom>;
    /**
     * The job ends by itself (bounded source: a backfill, a batch-like INSERT). `up` waits for it
     * to FINISH (`health.finishTimeoutSeconds`) instead of a stable window; a FAILED run fails the
     * update with Flink's root cause and is never rolled back (rerunning the previous version
     * would redo its output). A job that FINISHED by itself is left alone by later `up`s until its
     * definition changes; the new version then runs from empty state. Not allowed with
     * `health.requireCheckpoint`, `health.stableSeconds` or `rollbackOnFailure: true`.
     * @default false
     */
    readonly bounded?: pulumi.Input<boolean>;
    /**
     * Labels of the job. `owner` (else `team`) names its owner in `pulumi-flink status` and
     * `review`. They are written into the job's `pipeline.global-job-parameters` (shown in Flink's
     * web UI, Configuration tab) when the job is next submitted; changing only labels restarts
     * nothing. Values cannot hold `,` `:` `'` `"` or line breaks, and at most 256 characters.
     * @default {}
     */
    readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Set by the team components (KafkaToJdbcSync, MysqlCdcMirror, TableSync): their arguments
     * written as `${NAME}` and the rule each must meet once the job's variables are resolved,
     * checked by the job at preview. Not needed in hand-written jobs.
     * @default []
     */
    readonly componentChecks?: DeferredArgumentCheck[];
}

/** One savepoint pulumi-flink took or recorded for a job (the `savepoints` output, oldest first). */
export interface JobSavepoint {
    /** The generation it was taken of. */
    readonly generation: number;
    /** Where Flink wrote it (the path to restore from). */
    readonly path: string;
    /** When it was taken (ISO 8601; "" when not known). */
    readonly takenAt: string;
    /** probe: the plain savepoint before a stop; stop: the stop-with-savepoint; recorded: found by a deploy (e.g. of a run that was killed). */
    readonly kind: "probe" | "stop" | "recorded";
}

/** A Flink job (JAR or SQL) on a session cluster, upgraded with savepoint-and-redeploy. */
export class FlinkJob extends pulumi.dynamic.Resource {
    /** Flink job id of the running generation. */
    public readonly jobId!: pulumi.Output<string>;
    /** Flink job state as of the last create, update or refresh. */
    public readonly state!: pulumi.Output<string>;
    /** Deploy generation: 1 for the first submission, +1 per redeploy or restore. */
    public readonly generation!: pulumi.Output<number>;
    /** The most recent savepoint taken by pulumi-flink for this job ("" if none). */
    public readonly lastSavepoint!: pulumi.Output<string>;
    /** When `lastSavepoint` was taken (ISO 8601; "" when not known). */
    public readonly lastSavepointAt!: pulumi.Output<string>;
    /** The latest completed checkpoint seen by the last refresh ("" if none): the restore point if the JobManager is lost. */
    public readonly lastCheckpoint!: pulumi.Output<string>;
    /** When `lastCheckpoint` completed (ISO 8601; "" when none). */
    public readonly lastCheckpointAt!: pulumi.Output<string>;
    /** The job FINISHED by itself (bounded): later `up`s leave it alone until its definition changes. */
    public readonly finishedBySelf!: pulumi.Output<boolean>;
    /** What the running generation restored from ("" if it started empty). */
    public readonly restoredFrom!: pulumi.Output<string>;
    /** The savepoints kept under `upgrade.keepSavepoints` (oldest first, by generation); older ones were disposed. */
    public readonly savepoints!: pulumi.Output<JobSavepoint[]>;
    /** The job's page in the Flink web UI. */
    public readonly webUiUrl!: pulumi.Output<string>;
    /** When the running generation was submitted (ISO 8601). */
    public readonly deployedAt!: pulumi.Output<string>;
    /** Application mode only: the Operator's lifecycle state (STABLE, ROLLED_BACK, ...). */
    public readonly lifecycleState!: pulumi.Output<string | undefined>;
    /** Application mode only: the FlinkDeployment's namespace, name and REST port (for FlinkIngress). */
    public readonly kubernetesTarget?: pulumi.Output<KubernetesTarget>;
    /** The job's name in Flink (`name`, or the resource name), known at preview: what alert rules select on. */
    public readonly jobName!: pulumi.Output<string>;
    /** The session cluster the job runs on; undefined in application mode. */
    public readonly sessionCluster?: SessionCluster;

    constructor(name: string, args: FlinkJobArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs = {
            jobId: undefined,
            state: undefined,
            generation: undefined,
            lastSavepoint: undefined,
            lastSavepointAt: undefined,
            lastCheckpoint: undefined,
            lastCheckpointAt: undefined,
            finishedBySelf: undefined,
            restoredFrom: undefined,
            savepoints: undefined,
            webUiUrl: undefined,
            deployedAt: undefined,
        };
        if (args.application) {
            const { application, cluster, variables, ...rest } = args;
            if (cluster)
                throw inputError([
                    invalid(
                        "cluster",
                        "(SessionCluster)",
                        "conflicts with application (an application-mode job has its own cluster)",
                        "set exactly one of cluster and application",
                    ),
                ]);
            if (variables)
                throw inputError([
                    invalid(
                        "variables",
                        "(VariableSet)",
                        "are not supported for application-mode jobs",
                        "put the values in args or configuration, or run the job on a session cluster",
                    ),
                ]);
            const { home, kubernetes, ...extra } = application;
            const k = kubernetesApplication(name, home, { ...rest, ...extra, name: args.name ?? name, kubernetes } as never, opts);
            const props = {
                ...outputs,
                lifecycleState: undefined,
                flinkVersion: undefined,
                ...k.props,
                kubeconfig: k.kubeconfig === undefined ? undefined : pulumi.secret(k.kubeconfig),
            };
            const restoreStacks = withoutPromiseStacks();
            try {
                super(
                    providerFor("k8sApplication"),
                    name,
                    props,
                    pulumi.mergeOptions(opts, { dependsOn: k.objects, additionalSecretOutputs: ["kubeconfig"] }),
                    "flink",
                    "Job",
                );
            } finally {
                restoreStacks();
            }
            this.kubernetesTarget = k.target;
            this.jobName = pulumi.output(args.name ?? name);
            return;
        }
        const { cluster: maybeCluster, variables, ...rest } = args;
        if (!maybeCluster)
            throw inputError([
                invalid(
                    "cluster",
                    undefined,
                    "a job needs a session cluster or an application target",
                    "set cluster to a SessionCluster, or application: { home, kubernetes }",
                ),
            ]);
        const cluster = maybeCluster;
        const sets = variables === undefined ? [] : Array.isArray(variables) ? variables : [variables];
        const props = {
            ...outputs,
            ...rest,
            // One secret input: values and secrets of every set, encrypted in state as a whole.
            variables: pulumi.secret(
                pulumi.all(sets.map((v) => pulumi.all([v.values, v.secrets]).apply(([values, secrets]) => ({ values: values ?? {}, secrets: secrets ?? {} })))),
            ),
            name: args.name ?? name,
            // What the provider needs of the cluster; its REST URL is the job's cluster identity.
            // A plain object of outputs, not one output: while the cluster is updated its other
            // outputs are unknown in preview, but librariesHash is known, so the job's preview
            // can say it restarts for the cluster's libraries. (A secret connection stays a
            // secret: the engine carries secretness per nested property.)
            cluster: {
                restUrl: cluster.restUrl,
                flinkVersion: cluster.flinkVersion,
                webUiUrl: cluster.webUiUrl,
                connection: cluster.connection,
                gatewayLocal: cluster.gatewayLocal,
                librariesHash: cluster.librariesHash,
                handoff: cluster.handoff,
            },
        };
        const options = { dependsOn: [cluster, ...sets], additionalSecretOutputs: ["variables", "variablesHash"] };
        // The per-property promise traces are a third of a 500-job preview (see withoutPromiseStacks).
        const restoreStacks = withoutPromiseStacks();
        try {
            super(providerFor("job"), name, props, pulumi.mergeOptions(opts, options), "flink", "Job");
        } finally {
            restoreStacks();
        }
        this.jobName = pulumi.output(args.name ?? name);
        this.sessionCluster = cluster;
    }
}
