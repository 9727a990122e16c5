import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { FlinkConfigValue, FlinkHome } from "./home";
import { NAME_INPUT, providerFor } from "./provider";
import type { ClusterConnection } from "../provider/core/connection";
import type { KubernetesSessionArgs, KubernetesTarget } from "./kubernetes";
import { kubernetesSession } from "./kubernetes-render";
import { type ReporterTargets, reporterTargets } from "../provider/core/alerts/metrics";
import { type ClusterLibrary, declaredLibrariesHash, type MavenRepositoryArgs, secretRepository } from "./libraries";

/** A standalone cluster started on the deploying machine (dev, test, quickstart). */
export interface LocalSessionClusterArgs {
    /** Where the cluster runs. */
    readonly target: "local";
    /** The Flink distribution and default configuration the cluster is started from. */
    readonly home: FlinkHome;
    /**
     * Working directory (configuration, logs, pid files, savepoints). It survives between runs;
     * savepoints in it are never deleted by pulumi-flink.
     * @default ~/.local/share/pulumi-flink/<project>/<stack>/<name>
     */
    readonly workDir?: pulumi.Input<string>;
    /**
     * Address the cluster binds to and is reached at.
     * @default "localhost"
     */
    readonly host?: pulumi.Input<string>;
    /**
     * Port of the REST API and web UI.
     * @default 8081
     */
    readonly restPort?: pulumi.Input<number>;
    /**
     * Port of the JobManager RPC endpoint.
     * @default 6123
     */
    readonly rpcPort?: pulumi.Input<number>;
    /**
     * Number of TaskManager processes.
     * @default 1
     */
    readonly taskManagers?: pulumi.Input<number>;
    /**
     * Task slots per TaskManager.
     * @default 2
     */
    readonly slotsPerTaskManager?: pulumi.Input<number>;
    /**
     * Total process memory of the JobManager.
     * @default "1024m"
     */
    readonly jobManagerMemory?: pulumi.Input<string>;
    /**
     * Total process memory of each TaskManager.
     * @default "1280m"
     */
    readonly taskManagerMemory?: pulumi.Input<string>;
    /**
     * Flink configuration on top of the home's defaults. Keys the cluster sets from the
     * arguments above (ports, addresses, memory, slots) are rejected here.
     * @default {}
     */
    readonly configuration?: pulumi.Input<Record<string, pulumi.Input<FlinkConfigValue>>>;
    /**
     * How long to wait for all TaskManagers to register (and for the SQL Gateway to answer).
     * @default 120
     */
    readonly startTimeoutSeconds?: pulumi.Input<number>;
    /**
     * A Flink SQL Gateway started next to the cluster, from the same home and configuration, so
     * SQL jobs can be submitted to it. Its URL is the `sqlGatewayUrl` output.
     * @default { enabled: false }
     */
    readonly sqlGateway?: pulumi.Input<LocalSqlGatewayArgs>;
    /**
     * Connector and UDF jars on the cluster's classpath (JobManager, TaskManagers, SQL Gateway), so
     * SQL jobs use them without `ADD JAR`. Maven coordinates bring their runtime dependencies.
     * They go to the cluster's own lib folder (`<workDir>/lib`); the home is not changed. Changing
     * the list restarts the cluster, which is refused while jobs run.
     * @default []
     */
    readonly libraries?: pulumi.Input<pulumi.Input<ClusterLibrary>[]>;
    /**
     * Where `maven` libraries (and their dependencies) come from.
     * @default { url: "https://repo.maven.apache.org/maven2" }
     */
    readonly mavenRepository?: pulumi.Input<MavenRepositoryArgs>;
}

/** The SQL Gateway of a local cluster. Changing it restarts the cluster, like other settings. */
export interface LocalSqlGatewayArgs {
    /**
     * Start the SQL Gateway with the cluster.
     * @default false
     */
    readonly enabled?: pulumi.Input<boolean>;
    /**
     * Port of the gateway's REST endpoint, on the cluster's `host`; must differ from `restPort` and `rpcPort`.
     * @default 8083
     */
    readonly port?: pulumi.Input<number>;
}

/** An existing cluster (standalone, YARN session, managed elsewhere), adopted by REST URL. */
export interface RemoteSessionClusterArgs {
    /** Where the cluster runs. */
    readonly target: "remote";
    /** REST URL of the JobManager, e.g. `http://flink-jobmanager:8081` (may carry a path prefix). */
    readonly restUrl: pulumi.Input<string>;
    /**
     * URL of the web UI as users open it, when it differs from `restUrl` (an ingress).
     * @default restUrl
     */
    readonly webUiUrl?: pulumi.Input<string>;
    /**
     * Extra HTTP headers for every request, e.g. auth for a gateway in front of Flink. Stored as secrets.
     * @default {}
     */
    readonly headers?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * PEM CA certificate to trust for an https `restUrl`.
     * @default the system trust store
     */
    readonly caCert?: pulumi.Input<string>;
    /**
     * PEM client certificate for mutual TLS (with `clientKey`).
     * @default none
     */
    readonly clientCert?: pulumi.Input<string>;
    /**
     * PEM private key of `clientCert`. Stored as a secret.
     * @default none
     */
    readonly clientKey?: pulumi.Input<string>;
    /**
     * Skip TLS certificate verification (test setups only).
     * @default false
     */
    readonly insecureSkipVerify?: pulumi.Input<boolean>;
    /**
     * Timeout of one REST request.
     * @default 30
     */
    readonly requestTimeoutSeconds?: pulumi.Input<number>;
    /**
     * REST URL of a Flink SQL Gateway that submits to this cluster, e.g. `http://flink-sql-gateway:8083`
     * (same headers and TLS options as `restUrl`). Checked to answer `GET /v1/info` when set.
     * @default none (SQL jobs cannot be deployed to this cluster)
     */
    readonly sqlGatewayUrl?: pulumi.Input<string>;
    /**
     * The SQL Gateway at `sqlGatewayUrl` runs on the machine that runs `pulumi` (e.g. a YARN edge
     * node that also deploys), so it reads and writes this machine's files at the same paths. SQL
     * jobs may then name local dependency files, and are deployed from compiled plans with
     * stable operator ids and a state verdict (README: Changing SQL safely).
     * @default false
     */
    readonly sqlGatewayOnThisMachine?: pulumi.Input<boolean>;
}

export type { ClusterConnection };

/** A session-mode FlinkDeployment for the Flink Kubernetes Operator, with its service account and RBAC. */
export interface KubernetesSessionClusterArgs {
    /** Where the cluster runs. */
    readonly target: "kubernetes";
    /** An image home: the image, the Flink version inside it, and the default configuration. */
    readonly home: FlinkHome;
    /** Namespace, resources, HA, pod settings, REST service and access, SQL Gateway. */
    readonly kubernetes: KubernetesSessionArgs;
    /**
     * Connector and UDF jars (`maven` or `url` entries), resolved on the deploying machine and
     * fetched by an init container into the lib folder of every Flink and SQL Gateway pod.
     * @default []
     */
    readonly libraries?: pulumi.Input<pulumi.Input<ClusterLibrary>[]>;
    /**
     * Where `maven` libraries come from; the pods fetch from it too, with the credentials from a
     * Kubernetes Secret created beside the cluster.
     * @default { url: "https://repo.maven.apache.org/maven2" }
     */
    readonly mavenRepository?: pulumi.Input<MavenRepositoryArgs>;
}

export type SessionClusterArgs = LocalSessionClusterArgs | RemoteSessionClusterArgs | KubernetesSessionClusterArgs;

/** A Flink session cluster that jobs are submitted to. */
export class SessionCluster extends pulumi.dynamic.Resource {
    /** REST endpoint, as reached from the deploying machine. */
    public readonly restUrl!: pulumi.Output<string>;
    /** Web UI address to open in a browser. */
    public readonly webUiUrl!: pulumi.Output<string>;
    /** Version the cluster reports. */
    public readonly flinkVersion!: pulumi.Output<string>;
    /** Registered TaskManagers (as of the last create, update or refresh). */
    public readonly taskManagers!: pulumi.Output<number>;
    /** Total task slots (as of the last create, update or refresh). */
    public readonly slots!: pulumi.Output<number>;
    /** Jobs in any state / running (as of the last create, update or refresh). */
    public readonly jobsTotal!: pulumi.Output<number>;
    public readonly jobsRunning!: pulumi.Output<number>;
    /** SQL Gateway REST URL, as reached from the deploying machine; "" when the cluster has none. */
    public readonly sqlGatewayUrl!: pulumi.Output<string>;
    /** `running`, or `stopped` when a refresh found a local cluster dead (the next `up` restarts it). */
    public readonly status!: pulumi.Output<string>;
    /** How jobs reach the REST API (URL, headers, TLS); secret when it carries credentials. */
    public readonly connection!: pulumi.Output<ClusterConnection>;
    /** Kubernetes target only: the FlinkDeployment's namespace, name and REST port (for FlinkIngress). */
    public readonly kubernetesTarget?: pulumi.Output<KubernetesTarget>;
    /** Whether the SQL Gateway runs on the deploying machine and can read its files (local target). */
    public readonly gatewayLocal!: pulumi.Output<boolean>;
    /**
     * Digest of the declared `libraries` and repository URL ("" without libraries), known at
     * preview: a job on the cluster shows "cluster libraries" as a change when it differs.
     */
    public readonly librariesHash!: pulumi.Output<string>;
    /**
     * Local target: the savepoints the cluster took of its jobs when a change of `libraries`
     * restarted it, by job name (path, time, job id), until each job runs again. Jobs on the
     * cluster restore from them; `{}` when none.
     */
    public readonly handoff!: pulumi.Output<Record<string, { path: string; at: string; jobId: string; reason: string }>>;
    /**
     * Local target with the Prometheus reporter on and a port per process (`prometheusMetrics({ port: "9250-9251" })`
     * for a JobManager and one TaskManager): where each process serves its metrics, known at preview. The cluster
     * starts each process on its own port of the range (the JobManager the first). Undefined otherwise (remote and
     * Kubernetes clusters, reporter off, or a range with fewer ports than processes).
     */
    public readonly prometheusTargets!: pulumi.Output<ReporterTargets | undefined>;
    /** Where the cluster runs, as declared (`target`), known when the program runs. */
    public readonly targetKind!: SessionClusterArgs["target"];

    constructor(name: string, args: SessionClusterArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs = {
            connection: undefined,
            restUrl: undefined,
            webUiUrl: undefined,
            flinkVersion: undefined,
            slots: undefined,
            jobsTotal: undefined,
            jobsRunning: undefined,
            status: undefined,
            taskManagers: undefined,
            sqlGatewayUrl: undefined,
            handoff: undefined,
        };
        let props: pulumi.Inputs;
        if (args.target === "kubernetes") {
            // The Kubernetes objects are created first; the k8sCluster provider awaits and reaches them.
            const k = kubernetesSession(name, args.home, args.kubernetes, opts, {
                libraries: args.libraries,
                mavenRepository: secretRepository(args.mavenRepository),
            });
            props = { ...outputs, ...k.props, kubeconfig: k.kubeconfig === undefined ? undefined : pulumi.secret(k.kubeconfig) };
            const options = { dependsOn: k.objects, additionalSecretOutputs: ["kubeconfig", ...(k.kubeconfig === undefined ? [] : ["connection"])] };
            super(providerFor("k8sCluster"), name, props, pulumi.mergeOptions(opts, options), "flink", "SessionCluster");
            this.kubernetesTarget = k.target;
            this.gatewayLocal = pulumi.output(false);
            this.librariesHash = declaredLibrariesHash(args);
            this.prometheusTargets = pulumi.output(undefined);
            this.targetKind = args.target;
            return;
        }
        if (args.target === "local") {
            const { home, ...rest } = args;
            props = {
                ...outputs,
                ...rest,
                home: pulumi.output({ homePath: home.homePath, flinkVersion: home.flinkVersion, defaultConfig: home.defaultConfig }),
                workDir: args.workDir ?? path.join(os.homedir(), ".local", "share", "pulumi-flink", pulumi.getProject(), pulumi.getStack(), name),
                taskManagers: args.taskManagers,
                mavenRepository: secretRepository(args.mavenRepository),
            };
        } else {
            props = { ...outputs, ...args };
        }
        props[NAME_INPUT] = name; // progress lines name the resource
        const credentials = args.target === "remote" && (args.headers !== undefined || args.clientKey !== undefined);
        const secrets = { additionalSecretOutputs: ["headers", "clientKey", "mavenRepository", ...(credentials ? ["connection"] : [])] };
        super(providerFor("cluster"), name, props, pulumi.mergeOptions(opts, secrets), "flink", "SessionCluster");
        this.gatewayLocal =
            args.target === "local"
                ? pulumi.output(true)
                : pulumi.all([args.sqlGatewayOnThisMachine, args.sqlGatewayUrl]).apply(([here, url]) => here === true && url !== undefined);
        this.librariesHash = declaredLibrariesHash(args);
        this.prometheusTargets = args.target === "local" ? localReporterTargets(args) : pulumi.output(undefined);
        this.targetKind = args.target;
    }
}

/** The reporter targets a local cluster will have, from its declared arguments (as the provider merges them). */
function localReporterTargets(args: LocalSessionClusterArgs): pulumi.Output<ReporterTargets | undefined> {
    const declared = pulumi.output(args.home.declared.defaultConfig ?? {});
    return pulumi
        .all([args.host ?? "localhost", declared, pulumi.output(args.configuration ?? {}), args.taskManagers ?? 1])
        .apply(([host, defaults, configuration, taskManagers]) => reporterTargets(host, { ...defaults, ...configuration }, taskManagers));
}
