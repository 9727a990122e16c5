/**
 * Flink JobManager REST client: one function per endpoint, zod-checked answers, typed errors.
 *
 * The client is a plain object of closures (no class, no `#private` state), created inside a
 * provider method; call `close()` when done if TLS options were given (it owns an Agent then).
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { FormData } from "undici";
import { z } from "zod";
import { messageOf, quote } from "../core/errors";
import { FlinkRequestError, FlinkResponseError, summarizeJavaError } from "./errors";
import { createTransport, type FlinkClientOptions } from "./http";
import {
    CheckpointConfigSchema,
    type CheckpointConfig,
    JobMetricsSchema,
    CheckpointStatsSchema,
    type CheckpointStats,
    ClusterOverviewSchema,
    type ClusterOverview,
    DashboardConfigSchema,
    type DashboardConfig,
    type ExceptionEntry,
    JarListSchema,
    type JarList,
    JarRunResponseSchema,
    JarUploadSchema,
    JarPlanSchema,
    JobConfigSchema,
    type JobConfig,
    type ResourceRequirements,
    ResourceRequirementsSchema,
    JobManagerConfigSchema,
    JobDetailsSchema,
    type JobDetails,
    JobExceptionsSchema,
    type JobOverview,
    JobsOverviewSchema,
    type SavepointStatus,
    SavepointStatusWireSchema,
    TaskManagersSchema,
    type TaskManagers,
    TriggerResponseSchema,
} from "./schemas";
import { pollSavepoint, type WaitForSavepointOptions } from "./savepoint-wait";
import { buildSavepointBody, buildStopBody, type JarRunBody, type SavepointRequest, type StopRequest } from "./versions";

/** The newest entry of a job's exception history, reduced to one line. */
export interface RootException {
    /** Java class of the root exception, e.g. `java.lang.IllegalArgumentException`. */
    readonly exceptionName: string;
    /** Headline and deepest cause of the stack trace, ≤ 300 characters. */
    readonly message: string;
    /** Epoch milliseconds. */
    readonly timestamp: number;
    /** Failing task, absent for global failures. */
    readonly taskName?: string;
}

export type { WaitForSavepointOptions } from "./savepoint-wait";

/** State of a savepoint disposal: done, or done with Flink's one-line failure cause. */
export type DisposalStatus = { readonly status: "IN_PROGRESS" } | { readonly status: "COMPLETED"; readonly failureCause?: string };

/** A Flink REST client; see {@link createFlinkClient}. */
export interface FlinkClient {
    /** Base URL with userinfo redacted (safe to print). */
    readonly baseUrl: string;
    /** GET /config: `flink-version`, `flink-revision`, web features. */
    config(): Promise<DashboardConfig>;
    /** GET /overview: task managers, slots, job counts, `flink-version`. */
    overview(): Promise<ClusterOverview>;
    /** GET /taskmanagers */
    taskManagers(): Promise<TaskManagers>;
    /** POST /jars/upload (multipart `jarfile`); returns the jar id (basename of Flink's `filename`). Not retried once sent. */
    uploadJar(path: string): Promise<string>;
    /** GET /jars */
    listJars(): Promise<JarList>;
    /** DELETE /jars/:jarid */
    deleteJar(jarId: string): Promise<void>;
    /** POST /jars/:jarid/run with a body from `buildRunJarBody`; returns the job id. Never retried once sent. */
    runJar(jarId: string, body: JarRunBody): Promise<string>;
    /** GET /jobs/overview: every job the cluster knows, newest first as Flink returns them. */
    jobsOverview(): Promise<JobOverview[]>;
    /** GET /jobs/:jobid: state, timestamps, vertices with status and parallelism. */
    job(jobId: string): Promise<JobDetails>;
    /** PATCH /jobs/:jobid?mode=cancel */
    cancelJob(jobId: string): Promise<void>;
    /** POST /jobs/:jobid/stop; returns the trigger id (generated if not given, so retries are safe). */
    stopWithSavepoint(jobId: string, request?: StopRequest): Promise<string>;
    /** POST /jobs/:jobid/savepoints; returns the trigger id (generated if not given). */
    triggerSavepoint(jobId: string, request?: SavepointRequest): Promise<string>;
    /** GET /jobs/:jobid/savepoints/:triggerid, normalized. Flink forgets results after ~5 minutes (404). */
    savepointStatus(jobId: string, triggerId: string): Promise<SavepointStatus>;
    /** Poll until the savepoint completes; returns its location. @throws FlinkSavepointError on failure or timeout. */
    waitForSavepoint(jobId: string, triggerId: string, options: WaitForSavepointOptions): Promise<string>;
    /** POST /savepoint-disposal: Flink deletes the savepoint through its own filesystem (any the cluster reads); returns the trigger id. */
    disposeSavepoint(path: string): Promise<string>;
    /** GET /savepoint-disposal/:triggerid: IN_PROGRESS, or COMPLETED with Flink's failure cause when it failed. */
    disposalStatus(triggerId: string): Promise<DisposalStatus>;
    /** GET /jobs/:jobid/checkpoints: counts and `latest.completed/savepoint/failed/restored`. */
    checkpoints(jobId: string): Promise<CheckpointStats>;
    /** GET /jobs/:jobid/checkpoints/config */
    checkpointConfig(jobId: string): Promise<CheckpointConfig>;
    /** GET /jobs/:jobid/metrics?get=a,b: job-level metric values by name (absent names are left out). */
    jobMetrics(jobId: string, names: readonly string[]): Promise<Record<string, string>>;
    /** GET /jobs/:jobid/exceptions: `exceptionHistory.entries`, newest first. */
    exceptions(jobId: string): Promise<ExceptionEntry[]>;
    /** The newest exception of a job, reduced to one line; undefined when there is none. */
    rootException(jobId: string): Promise<RootException | undefined>;
    /** GET /jobs/:jobid/config */
    jobConfig(jobId: string): Promise<JobConfig>;
    /** GET /jobmanager/config: the cluster's effective configuration as key/value pairs. */
    jobManagerConfig(): Promise<Record<string, string>>;
    /** GET /jobs/:jobid/resource-requirements (1.18+): vertex id -> parallelism bounds. */
    resourceRequirements(jobId: string): Promise<ResourceRequirements>;
    /** PUT /jobs/:jobid/resource-requirements (1.18+; takes effect with the adaptive scheduler only). */
    setResourceRequirements(jobId: string, requirements: ResourceRequirements): Promise<void>;
    /** POST /jars/:jarid/plan: job vertex id -> parallelism of the job the program would build with these settings (runs its main method). */
    jarPlan(
        jarId: string,
        body: { entryClass?: string; programArgsList: string[]; parallelism?: number; flinkConfiguration?: Record<string, string> },
    ): Promise<Record<string, number>>;
    /** Release the connection pool the client owns (only with TLS options). */
    close(): Promise<void>;
}

/** A fresh 32-hex trigger id. */
export function newTriggerId(): string {
    return randomBytes(16).toString("hex");
}

/** Reduce exception history entries (newest first) to the newest root cause. */
export function rootCause(entries: readonly ExceptionEntry[]): RootException | undefined {
    const newest = entries[0];
    if (!newest) return undefined;
    const message = summarizeJavaError(newest.stacktrace) ?? newest.exceptionName;
    const base = { exceptionName: newest.exceptionName, message, timestamp: newest.timestamp };
    return newest.taskName ? { ...base, taskName: newest.taskName } : base;
}

const seg = (id: string) => encodeURIComponent(id);
const ignore = z.unknown();

/** Create a client for the JobManager REST API at `options.baseUrl`. */
export function createFlinkClient(options: FlinkClientOptions): FlinkClient {
    const http = createTransport(options);
    const uploadTimeoutMs = options.uploadTimeoutMs ?? 300_000;
    const get = <T>(path: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>) => http.call({ method: "GET", path, idempotent: true }, schema);

    const savepointStatus = async (jobId: string, triggerId: string): Promise<SavepointStatus> => {
        const path = `/jobs/${seg(jobId)}/savepoints/${seg(triggerId)}`;
        const wire = await get(path, SavepointStatusWireSchema);
        if (wire.status.id === "IN_PROGRESS") return { status: "IN_PROGRESS" };
        const op = wire.operation;
        if (op?.location) return { status: "COMPLETED", location: op.location };
        const failure = op?.["failure-cause"];
        if (failure) {
            const cause = summarizeJavaError(failure["stack-trace"] ?? "") ?? failure.class ?? "unknown failure";
            return { status: "COMPLETED", failureCause: cause };
        }
        throw new FlinkResponseError({ method: "GET", path, baseUrl: http.baseUrl, status: 200 }, "operation: COMPLETED without location or failure-cause");
    };

    return {
        baseUrl: http.baseUrl,
        config: () => get("/config", DashboardConfigSchema),
        overview: () => get("/overview", ClusterOverviewSchema),
        taskManagers: () => get("/taskmanagers", TaskManagersSchema),

        async uploadJar(path: string): Promise<string> {
            const name = basename(path);
            if (!name.endsWith(".jar")) {
                throw new FlinkRequestError("POST /jars/upload", [`the file ${quote(path)}, whose name does not end with .jar (Flink refuses others)`]);
            }
            let bytes: Buffer;
            try {
                bytes = await readFile(path);
            } catch (err) {
                throw new FlinkRequestError("POST /jars/upload", [`the file ${quote(path)}, which cannot be read (${messageOf(err)})`]);
            }
            const blob = new Blob([bytes], { type: "application/x-java-archive" });
            const form = async () => {
                const f = new FormData();
                f.append("jarfile", blob, name);
                return f;
            };
            const res = await http.call({ method: "POST", path: "/jars/upload", form, idempotent: false, timeoutMs: uploadTimeoutMs }, JarUploadSchema);
            if (res.status !== "success") {
                throw new FlinkResponseError({ method: "POST", path: "/jars/upload", baseUrl: http.baseUrl, status: 200 }, `status: ${res.status}`);
            }
            return res.filename.split(/[\\/]/).pop() ?? res.filename;
        },
        listJars: () => get("/jars", JarListSchema),
        async deleteJar(jarId: string): Promise<void> {
            await http.call({ method: "DELETE", path: `/jars/${seg(jarId)}`, idempotent: true }, ignore);
        },
        async runJar(jarId: string, body: JarRunBody): Promise<string> {
            const res = await http.call({ method: "POST", path: `/jars/${seg(jarId)}/run`, json: body, idempotent: false }, JarRunResponseSchema);
            return res.jobid;
        },

        jobsOverview: async () => (await get("/jobs/overview", JobsOverviewSchema)).jobs,
        job: (jobId: string) => get(`/jobs/${seg(jobId)}`, JobDetailsSchema),
        async cancelJob(jobId: string): Promise<void> {
            await http.call({ method: "PATCH", path: `/jobs/${seg(jobId)}?mode=cancel`, idempotent: true }, ignore);
        },

        async stopWithSavepoint(jobId: string, request: StopRequest = {}): Promise<string> {
            const body = buildStopBody({ ...request, triggerId: request.triggerId ?? newTriggerId() });
            await http.call({ method: "POST", path: `/jobs/${seg(jobId)}/stop`, json: body, idempotent: true }, TriggerResponseSchema);
            return body.triggerId;
        },
        async triggerSavepoint(jobId: string, request: SavepointRequest = {}): Promise<string> {
            const body = buildSavepointBody({ ...request, triggerId: request.triggerId ?? newTriggerId() });
            await http.call({ method: "POST", path: `/jobs/${seg(jobId)}/savepoints`, json: body, idempotent: true }, TriggerResponseSchema);
            return body.triggerId;
        },
        savepointStatus,
        waitForSavepoint: (jobId: string, triggerId: string, wait: WaitForSavepointOptions) =>
            pollSavepoint(() => savepointStatus(jobId, triggerId), { baseUrl: http.baseUrl, jobId, triggerId }, wait),

        async disposeSavepoint(path: string): Promise<string> {
            // Disposing a savepoint twice is harmless (the second finds nothing), so a retry is safe.
            const res = await http.call(
                { method: "POST", path: "/savepoint-disposal", json: { "savepoint-path": path }, idempotent: true },
                TriggerResponseSchema,
            );
            return res["request-id"];
        },
        async disposalStatus(triggerId: string): Promise<DisposalStatus> {
            const wire = await get(`/savepoint-disposal/${seg(triggerId)}`, SavepointStatusWireSchema);
            if (wire.status.id === "IN_PROGRESS") return { status: "IN_PROGRESS" };
            const failure = wire.operation?.["failure-cause"];
            if (!failure) return { status: "COMPLETED" };
            return { status: "COMPLETED", failureCause: summarizeJavaError(failure["stack-trace"] ?? "") ?? failure.class ?? "unknown failure" };
        },

        checkpoints: (jobId: string) => get(`/jobs/${seg(jobId)}/checkpoints`, CheckpointStatsSchema),
        checkpointConfig: (jobId: string) => get(`/jobs/${seg(jobId)}/checkpoints/config`, CheckpointConfigSchema),
        jobMetrics: async (jobId: string, names: readonly string[]) =>
            Object.fromEntries((await get(`/jobs/${seg(jobId)}/metrics?get=${names.map(seg).join(",")}`, JobMetricsSchema)).map((m) => [m.id, m.value])),
        exceptions: async (jobId: string) => (await get(`/jobs/${seg(jobId)}/exceptions`, JobExceptionsSchema)).exceptionHistory.entries,
        rootException: async (jobId: string) => rootCause((await get(`/jobs/${seg(jobId)}/exceptions`, JobExceptionsSchema)).exceptionHistory.entries),
        jobConfig: (jobId: string) => get(`/jobs/${seg(jobId)}/config`, JobConfigSchema),
        jobManagerConfig: async () => Object.fromEntries((await get("/jobmanager/config", JobManagerConfigSchema)).map((e) => [e.key, e.value])),
        resourceRequirements: (jobId: string) => get(`/jobs/${seg(jobId)}/resource-requirements`, ResourceRequirementsSchema),
        async setResourceRequirements(jobId: string, requirements: ResourceRequirements): Promise<void> {
            await http.call({ method: "PUT", path: `/jobs/${seg(jobId)}/resource-requirements`, json: requirements, idempotent: true }, ignore);
        },
        async jarPlan(jarId, body) {
            const res = await http.call({ method: "POST", path: `/jars/${seg(jarId)}/plan`, json: body, idempotent: true }, JarPlanSchema);
            return Object.fromEntries(res.plan.nodes.map((n) => [n.id, n.parallelism]));
        },
        close: () => http.close(),
    };
}
