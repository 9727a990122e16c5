/**
 * StreamingEnvironment: one environment (home, clusters, variables, jobs) from one program, with
 * everything that differs between stacks read from the stack's config. `test` and `prod` are then
 * two `Pulumi.<stack>.yaml` files, and a pull request that changes one shows in its preview.
 */
import * as pulumi from "@pulumi/pulumi";
import { SessionCluster } from "../cluster";
import { FlinkHome } from "../home";
import { FlinkJob } from "../job";
import { VariableSet } from "../variables";
import { InputError, invalid } from "../../provider/core/errors";
import { EnvironmentSettings, environmentSettings, ParsedEnvironmentSettings } from "./environment-settings";
import { wireAlerts, wireIngress } from "./environment-wiring";
import { reporterPortPlan } from "./environment-metrics";
import { prometheusReporterConfig } from "../../provider/core/alerts/metrics";
import { ComponentJobOptions, GeneratedSqlJob } from "./table-sync";
import { parseComponentArgs } from "./validate";

/** What the environment hands a catalogue job: where it runs and its stack-specific settings. */
export interface EnvironmentJobContext {
    /** The catalogue key (also the default Flink job name). */
    readonly key: string;
    /** The cluster chosen by the stack's config. */
    readonly cluster: SessionCluster;
    /** The environment's variables (plain and secret). */
    readonly variables: VariableSet;
    /** Job options resolved for this stack: defaults, then the job's config (pass to the component's `job`). */
    readonly job: ComponentJobOptions;
}

/** A catalogue job defined in code: a FlinkJob-like spec (SQL or JAR) ... */
export type EnvironmentJobSpec = ComponentJobOptions &
    Pick<import("../job").FlinkJobArgs, "sql" | "jar" | "entryClass" | "args" | "name"> & {
        /**
         * Cluster key.
         * @default the only cluster
         */
        readonly cluster?: string;
    };
/** ... or a factory building a component (e.g. a KafkaToJdbcSync) from the context. */
export type EnvironmentJobFactory = (name: string, ctx: EnvironmentJobContext, opts: pulumi.ComponentResourceOptions) => FlinkJob | GeneratedSqlJob;
export type EnvironmentJob = EnvironmentJobSpec | EnvironmentJobFactory;

/** Arguments of a {@link StreamingEnvironment}. */
export interface StreamingEnvironmentArgs {
    /** The stack's settings (see {@link StreamingEnvironment.fromConfig} to read them from stack config). */
    readonly settings: EnvironmentSettings;
    /**
     * Secret variables (stored encrypted; use `pulumi config set --secret`).
     * @default {}
     */
    readonly secrets?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * The program's job catalogue by key; each stack enables, places and sizes them in `settings.jobs`.
     * @default {}
     */
    readonly jobs?: Record<string, EnvironmentJob>;
    /**
     * Config namespace of the secret keys the `alerts` and `ingress` blocks name (`urlSecret`, `passwordSecret`, ...).
     * @default the project name
     */
    readonly configNamespace?: string;
}

/** One job as the summary reports it: what the stack config decided, and what Flink runs. */
export interface EnvironmentJobSummary {
    name: string;
    cluster: string;
    /** The parallelism the environment resolved, or "cluster default". */
    parallelism: number | "cluster default";
    jobId: string;
    state: string;
    webUiUrl: string;
}

/** Options of {@link StreamingEnvironment.fromConfig}. */
export interface FromConfigOptions extends Omit<StreamingEnvironmentArgs, "settings" | "secrets" | "configNamespace"> {
    /**
     * Config namespace the keys are read from (`home`, `clusters`, `variables`, `secrets`, `jobs`, `jobDefaults`, `alerts`, `ingress`).
     * @default the project name
     */
    readonly namespace?: string;
}

/** Read an environment's settings from stack config (plain keys) and its secrets (as secrets). */
export function settingsFromConfig(namespace?: string): { settings: EnvironmentSettings; secrets: pulumi.Output<Record<string, string>> | undefined } {
    const c = new pulumi.Config(namespace);
    const get = (k: string) => c.getObject<unknown>(k);
    const raw: Record<string, unknown> = {
        home: get("home"),
        clusters: get("clusters"),
        variables: get("variables"),
        jobs: get("jobs"),
        jobDefaults: get("jobDefaults"),
        alerts: get("alerts"),
        ingress: get("ingress"),
    };
    for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
    return { settings: raw as unknown as EnvironmentSettings, secrets: c.getSecretObject<Record<string, string>>("secrets") };
}

/**
 * With alerts declared, a Kubernetes cluster's pods open the Prometheus reporter on the container
 * port KubernetesAlertRoute's PodMonitor scrapes (`metrics`), unless the settings configure the reporter
 * themselves (`prometheus`, or `metrics.reporter.prom.*` keys in `configuration`).
 */
export function withMetrics<C extends { target: string; kubernetes?: unknown }>(c: C, alerts: boolean): C {
    if (!alerts || c.target !== "kubernetes" || typeof c.kubernetes !== "object" || c.kubernetes === null) return c;
    const k = c.kubernetes as Record<string, unknown>;
    const configured = Object.keys((k.configuration as object | undefined) ?? {}).some((key) => key.startsWith("metrics.reporter.prom."));
    return k.prometheus === undefined && !configured ? { ...c, kubernetes: { ...k, prometheus: {} } } : c;
}

export class StreamingEnvironment extends pulumi.ComponentResource {
    public readonly home!: FlinkHome;
    public readonly clusters!: Record<string, SessionCluster>;
    public readonly variables!: VariableSet;
    /** The deployed jobs by catalogue key (the FlinkJob inside a component for factory jobs). */
    public readonly jobs!: Record<string, FlinkJob>;
    /** What this stack runs, for `pulumi stack output` and for comparing stacks. */
    public readonly summary!: pulumi.Output<Record<string, unknown>>;

    /** An environment whose settings and secrets come from the stack's config. */
    static fromConfig(name: string, options: FromConfigOptions = {}, opts?: pulumi.ComponentResourceOptions): StreamingEnvironment {
        const { namespace, ...rest } = options;
        const { settings, secrets } = settingsFromConfig(namespace);
        return new StreamingEnvironment(name, { ...rest, settings, secrets, configNamespace: namespace }, opts);
    }

    constructor(name: string, args: StreamingEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flink:components:StreamingEnvironment", name, {}, opts);
        const s = parseComponentArgs("StreamingEnvironment", name, environmentSettings, args.settings);
        const catalogue = args.jobs ?? {};
        checkCatalogue(name, s, catalogue);
        const parent = { parent: this };

        // Declared alerts turn the reporter on for the local clusters, each on its own block of ports.
        const metrics = reporterPortPlan(s);
        if (metrics.failures.length)
            throw new InputError(metrics.failures.map((f) => ({ property: f.property, reason: `StreamingEnvironment "${name}": ${f.reason}` })));

        const home = new FlinkHome(`${name}-home`, s.home, parent);
        const clusters: Record<string, SessionCluster> = {};
        for (const [key, c] of Object.entries(s.clusters)) {
            // Local clusters get a reporter port range of their own; Kubernetes clusters open the pods' metrics port.
            const range = metrics.ranges[key];
            const withReporter = range
                ? { ...c, configuration: { ...((c.configuration as object) ?? {}), ...prometheusReporterConfig({ port: range }) } }
                : withMetrics(c, s.alerts !== undefined);
            const clusterArgs = (c.target === "remote" ? c : { ...withReporter, home }) as unknown as ConstructorParameters<typeof SessionCluster>[1];
            clusters[key] = new SessionCluster(`${name}-${key}`, clusterArgs, parent);
        }
        const variables = new VariableSet(`${name}-variables`, { values: s.variables, secrets: args.secrets ?? {} }, parent);

        const jobs: Record<string, FlinkJob> = {};
        // Static facts per job now; one Output for the live ones of all jobs (each Output has a cost at 500 jobs).
        const facts: { key: string; name: string; cluster: string; parallelism: EnvironmentJobSummary["parallelism"]; job: FlinkJob }[] = [];
        for (const key of jobKeys(s, catalogue)) {
            const config = s.jobs[key] ?? {};
            const entry: EnvironmentJob = catalogue[key] ?? { sql: config.sql };
            const clusterKey = config.cluster ?? (typeof entry === "function" ? undefined : entry.cluster) ?? Object.keys(clusters)[0];
            const job = resolveJob(s, config, typeof entry === "function" ? undefined : entry);
            const ctx: EnvironmentJobContext = { key, cluster: clusters[clusterKey], variables, job };
            const made = typeof entry === "function" ? entry(`${name}-${key}`, ctx, parent) : specJob(`${name}-${key}`, key, entry, ctx, parent);
            const flinkJob = made instanceof FlinkJob ? made : made.job;
            jobs[key] = flinkJob;
            const parallelism: EnvironmentJobSummary["parallelism"] = typeof job.parallelism === "number" ? job.parallelism : "cluster default";
            facts.push({ key, name: made instanceof FlinkJob ? jobNameOf(key, entry) : made.jobName, cluster: clusterKey, parallelism, job: flinkJob });
        }

        // Alerts over exactly the declared jobs (absence is checked against this list), and ingress.
        const alerts = wireAlerts(
            name,
            s,
            clusters,
            facts.map((f) => ({ key: f.key, name: f.name, cluster: f.cluster, resource: f.job })),
            args.configNamespace,
            this,
        );
        const ingress = wireIngress(name, s, clusters, args.configNamespace, this);
        const wiringFailures = [...alerts.failures, ...ingress.failures];
        if (wiringFailures.length)
            throw new InputError(wiringFailures.map((f) => ({ property: f.property, reason: `StreamingEnvironment "${name}": ${f.reason}` })));
        const extra: Record<string, pulumi.Input<unknown>> = {
            ...(alerts.summary ? { alerts: alerts.summary } : {}),
            ...(ingress.urls ? { ingress: ingress.urls } : {}),
        };

        const clusterSummary = Object.fromEntries(
            Object.entries(clusters).map(([k, c]) => [
                k,
                pulumi
                    .all([c.restUrl, c.webUiUrl, c.flinkVersion, c.slots, c.sqlGatewayUrl])
                    .apply(([restUrl, webUiUrl, flinkVersion, slots, sqlGatewayUrl]) => ({ restUrl, webUiUrl, flinkVersion, slots, sqlGatewayUrl })),
            ]),
        );
        const secretNames = pulumi.output(args.secrets ?? {}).apply((x) => Object.keys(x).sort());
        const live = pulumi.all(facts.flatMap((f) => [f.job.jobId, f.job.state, f.job.webUiUrl]));
        const jobSummaries = live.apply((v) =>
            Object.fromEntries(
                facts.map(({ key, job: _job, ...f }, i): [string, EnvironmentJobSummary] => [
                    key,
                    { ...f, jobId: v[3 * i], state: v[3 * i + 1], webUiUrl: v[3 * i + 2] },
                ]),
            ),
        );
        const parts: Record<string, pulumi.Input<unknown>> = {
            clusters: pulumi.all(clusterSummary),
            jobs: jobSummaries,
            variables: s.variables,
            secretNames: pulumi.unsecret(secretNames),
            ...extra,
        };
        const summary = pulumi.output(parts).apply((p) => p as Record<string, unknown>);
        Object.assign(this, { home, clusters, variables, jobs, summary });
        this.registerOutputs({ summary });
    }
}

function jobNameOf(key: string, entry: EnvironmentJob): string {
    return typeof entry !== "function" && typeof entry.name === "string" ? entry.name : key;
}

/** Catalogue jobs unless disabled, plus SQL jobs defined in config alone, in a stable order. */
function jobKeys(s: ParsedEnvironmentSettings, catalogue: Record<string, EnvironmentJob>): string[] {
    const keys = new Set([...Object.keys(catalogue), ...Object.keys(s.jobs)]);
    return [...keys].filter((k) => s.jobs[k]?.enabled !== false).sort();
}

/** Defaults < catalogue spec < the stack's per-job config. */
function resolveJob(s: ParsedEnvironmentSettings, config: ParsedEnvironmentSettings["jobs"][string], spec?: EnvironmentJobSpec): ComponentJobOptions {
    const d = s.jobDefaults;
    const parallelism = config.parallelism ?? spec?.parallelism ?? d.parallelism;
    const configuration = { ...(d.configuration ?? {}), ...((spec?.configuration as Record<string, never>) ?? {}), ...(config.configuration ?? {}) };
    // Label values are checked by the job itself (FlinkJob check), where the message names the job.
    const labels = { ...(d.labels ?? {}), ...((spec?.labels as Record<string, never>) ?? {}), ...(config.labels ?? {}) };
    return {
        ...(d.upgrade ? { upgrade: d.upgrade } : {}),
        ...(d.health ? { health: d.health } : {}),
        ...(d.onDelete ? { onDelete: d.onDelete } : {}),
        ...(parallelism !== undefined ? { parallelism } : {}),
        ...(Object.keys(configuration).length ? { configuration } : {}),
        ...(Object.keys(labels).length ? { labels } : {}),
    } as ComponentJobOptions;
}

function specJob(resource: string, key: string, spec: EnvironmentJobSpec, ctx: EnvironmentJobContext, opts: pulumi.CustomResourceOptions): FlinkJob {
    const { cluster: _cluster, ...job } = spec;
    // The spec's own upgrade/health/onDelete win over the stack's defaults; parallelism and
    // configuration were already resolved (stack job config > spec > defaults).
    const resolved = { parallelism: ctx.job.parallelism, configuration: ctx.job.configuration, labels: ctx.job.labels };
    return new FlinkJob(resource, { ...ctx.job, ...job, ...resolved, name: spec.name ?? key, cluster: ctx.cluster, variables: ctx.variables }, opts);
}

/** Cross-checks between the stack's config and the program: unknown job keys, cluster choice. */
function checkCatalogue(name: string, s: ParsedEnvironmentSettings, catalogue: Record<string, EnvironmentJob>): void {
    const known = Object.keys(catalogue);
    const clusters = Object.keys(s.clusters);
    const failures = [];
    const prefix = (f: { property: string; reason: string }) => ({ property: f.property, reason: `StreamingEnvironment "${name}": ${f.reason}` });
    for (const [key, job] of Object.entries(s.jobs)) {
        if (!(key in catalogue) && job.sql === undefined && job.enabled !== false) {
            failures.push(
                invalid(
                    `jobs.${key}`,
                    job,
                    "names no job of the program's catalogue and has no sql",
                    known.length ? `use one of ${known.join(", ")}, or give it sql` : "give it sql, or add it to the program's jobs",
                ),
            );
        }
        if (key in catalogue && job.sql !== undefined)
            failures.push(
                invalid(
                    `jobs.${key}.sql`,
                    job.sql,
                    "overrides the SQL of a catalogue job",
                    "change the SQL in the program (reviewed like code), or use another key for a config-only job",
                ),
            );
    }
    if (clusters.length > 1) {
        for (const key of jobKeys(s, catalogue)) {
            const entry = catalogue[key];
            const chosen = s.jobs[key]?.cluster ?? (typeof entry === "object" ? entry.cluster : undefined);
            if (chosen === undefined)
                failures.push(
                    invalid(
                        `jobs.${key}.cluster`,
                        undefined,
                        `is required: the stack has ${clusters.length} clusters`,
                        `set it to one of ${clusters.join(", ")}`,
                    ),
                );
            else if (!clusters.includes(chosen))
                failures.push(invalid(`jobs.${key}.cluster`, chosen, "is not a declared cluster", `use one of ${clusters.join(", ")}`));
        }
    }
    if (failures.length) throw new InputError(failures.map(prefix));
}
