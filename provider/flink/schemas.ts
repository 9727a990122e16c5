/**
 * zod schemas of the Flink REST responses this package reads. Strict on the fields it relies
 * on, permissive (`passthrough`) about everything else, so newer Flink versions that add
 * fields keep working. Shapes follow what real Flink 1.16–2.3 returns; where the published
 * OpenAPI spec disagrees with the wire format (job config, 1.16's job overview), the wire wins.
 */
import { z } from "zod";
import { JOB_STATES } from "./states";

/** 32 lowercase hex characters: job ids, trigger ids. */
export const HexId = z.string().regex(/^[0-9a-f]{32}$/, "expected 32 lowercase hex characters");

export const JobStateSchema = z.enum(JOB_STATES);
export type { JobState } from "./states";

/** Every task status known to Flink 1.16–2.3 (`ExecutionState`). */
export const EXECUTION_STATES = [
    "CREATED",
    "SCHEDULED",
    "DEPLOYING",
    "RUNNING",
    "FINISHED",
    "CANCELING",
    "CANCELED",
    "FAILED",
    "RECONCILING",
    "INITIALIZING",
] as const;
export const ExecutionStateSchema = z.enum(EXECUTION_STATES);
export type ExecutionState = z.infer<typeof ExecutionStateSchema>;

const int = z.number().int();
const counts = z.record(z.string(), z.number());

/** GET /config */
export const DashboardConfigSchema = z
    .object({
        "flink-version": z.string(),
        "flink-revision": z.string().optional(),
        "timezone-name": z.string().optional(),
        features: z.record(z.string(), z.boolean()).optional(),
    })
    .passthrough();
export type DashboardConfig = z.infer<typeof DashboardConfigSchema>;

/** GET /overview */
export const ClusterOverviewSchema = z
    .object({
        taskmanagers: int,
        "slots-total": int,
        "slots-available": int,
        "jobs-running": int,
        "jobs-finished": int.optional(),
        "jobs-cancelled": int.optional(),
        "jobs-failed": int.optional(),
        "flink-version": z.string(),
    })
    .passthrough();
export type ClusterOverview = z.infer<typeof ClusterOverviewSchema>;

/** GET /taskmanagers */
export const TaskManagersSchema = z.object({
    taskmanagers: z.array(
        z
            .object({
                id: z.string(),
                path: z.string().optional(),
                dataPort: z.number().optional(),
                timeSinceLastHeartbeat: z.number().optional(),
                slotsNumber: int,
                freeSlots: int,
            })
            .passthrough(),
    ),
});
export type TaskManagers = z.infer<typeof TaskManagersSchema>;

/** POST /jars/upload */
export const JarUploadSchema = z.object({ filename: z.string().min(1), status: z.string() }).passthrough();

/** GET /jars */
export const JarListSchema = z
    .object({
        address: z.string().optional(),
        files: z.array(
            z
                .object({
                    id: z.string(),
                    name: z.string(),
                    uploaded: z.number(),
                    entry: z.array(z.object({ name: z.string(), description: z.string().nullish() }).passthrough()).default([]),
                })
                .passthrough(),
        ),
    })
    .passthrough();
export type JarList = z.infer<typeof JarListSchema>;

/** POST /jars/:id/run (2.3 adds `applicationId`). */
export const JarRunResponseSchema = z.object({ jobid: HexId, applicationId: z.string().optional() }).passthrough();

/** GET /jobs/overview */
export const JobsOverviewSchema = z.object({
    jobs: z.array(
        z
            .object({
                jid: HexId,
                name: z.string(),
                state: JobStateSchema,
                "start-time": z.number(),
                "end-time": z.number(),
                duration: z.number(),
                "last-modification": z.number(),
                tasks: counts.optional(),
            })
            .passthrough(),
    ),
});
export type JobsOverview = z.infer<typeof JobsOverviewSchema>;
export type JobOverview = JobsOverview["jobs"][number];

/** GET /jobs/:id */
export const JobDetailsSchema = z
    .object({
        jid: HexId,
        name: z.string(),
        state: JobStateSchema,
        "start-time": z.number(),
        "end-time": z.number(),
        duration: z.number(),
        now: z.number().optional(),
        isStoppable: z.boolean().optional(),
        maxParallelism: z.number().optional(),
        timestamps: counts,
        vertices: z.array(
            z
                .object({
                    id: z.string(),
                    name: z.string(),
                    parallelism: int,
                    maxParallelism: z.number().optional(),
                    status: ExecutionStateSchema,
                    tasks: counts.optional(),
                })
                .passthrough(),
        ),
        "status-counts": counts.optional(),
    })
    .passthrough();
export type JobDetails = z.infer<typeof JobDetailsSchema>;

const CompletedCheckpointSchema = z
    .object({
        id: z.number(),
        is_savepoint: z.boolean().optional(),
        trigger_timestamp: z.number().optional(),
        latest_ack_timestamp: z.number().optional(),
        checkpoint_type: z.string().optional(),
        external_path: z.string(),
        discarded: z.boolean().optional(),
    })
    .passthrough();
const FailedCheckpointSchema = z.object({ id: z.number(), failure_timestamp: z.number().optional(), failure_message: z.string().nullish() }).passthrough();
const RestoredCheckpointSchema = z
    .object({ id: z.number(), restore_timestamp: z.number(), is_savepoint: z.boolean(), external_path: z.string() })
    .passthrough();

/** GET /jobs/:id/checkpoints (history and summary are kept as-is, unparsed). */
export const CheckpointStatsSchema = z
    .object({
        counts: z.object({ restored: int, total: int, in_progress: int, completed: int, failed: int }).passthrough(),
        latest: z.object({
            completed: CompletedCheckpointSchema.nullable(),
            savepoint: CompletedCheckpointSchema.nullable(),
            failed: FailedCheckpointSchema.nullable(),
            restored: RestoredCheckpointSchema.nullable(),
        }),
    })
    .passthrough();
export type CheckpointStats = z.infer<typeof CheckpointStatsSchema>;

/** GET /jobs/:id/checkpoints/config (`mode` is lower-case on the wire: `exactly_once`). */
export const CheckpointConfigSchema = z
    .object({
        mode: z.string(),
        interval: z.number(),
        timeout: z.number(),
        externalization: z.object({ enabled: z.boolean(), delete_on_cancellation: z.boolean() }).passthrough(),
        state_backend: z.string().optional(),
        checkpoint_storage: z.string().optional(),
    })
    .passthrough();
export type CheckpointConfig = z.infer<typeof CheckpointConfigSchema>;

/** One entry of `exceptionHistory.entries` (newest first). */
export const ExceptionEntrySchema = z
    .object({
        exceptionName: z.string(),
        stacktrace: z.string(),
        timestamp: z.number(),
        taskName: z.string().nullish(),
        endpoint: z.string().nullish(),
        taskManagerId: z.string().nullish(),
        failureLabels: z.record(z.string(), z.string()).optional(),
    })
    .passthrough();
export type ExceptionEntry = z.infer<typeof ExceptionEntrySchema>;

/** GET /jobs/:id/exceptions: only `exceptionHistory` (the legacy fields are gone in 2.0). */
export const JobExceptionsSchema = z.object({
    exceptionHistory: z.object({ entries: z.array(ExceptionEntrySchema), truncated: z.boolean().optional() }),
});
export type JobExceptions = z.infer<typeof JobExceptionsSchema>;

/** GET /jobs/:id/config (the wire format, not the spec's `jobId`/`executionConfigInfo`). */
export const JobConfigSchema = z
    .object({
        jid: HexId,
        name: z.string(),
        "execution-config": z
            .object({
                "job-parallelism": z.number().optional(),
                "restart-strategy": z.string().optional(),
                "user-config": z.record(z.string(), z.unknown()).optional(),
            })
            .passthrough(),
    })
    .passthrough();
export type JobConfig = z.infer<typeof JobConfigSchema>;

/** 202 answer of POST /jobs/:id/stop and /jobs/:id/savepoints. */
export const TriggerResponseSchema = z.object({ "request-id": HexId });

/** GET /jobs/:id/savepoints/:triggerid */
export const SavepointStatusWireSchema = z.object({
    status: z.object({ id: z.enum(["IN_PROGRESS", "COMPLETED"]) }),
    operation: z
        .object({
            location: z.string().optional(),
            "failure-cause": z.object({ class: z.string().optional(), "stack-trace": z.string().optional() }).passthrough().optional(),
        })
        .passthrough()
        .nullish(),
});

/** Normalized savepoint status. */
export type SavepointStatus =
    | { readonly status: "IN_PROGRESS" }
    | { readonly status: "COMPLETED"; readonly location: string }
    | { readonly status: "COMPLETED"; readonly failureCause: string };

/** GET /jobmanager/config */
export const JobManagerConfigSchema = z.array(z.object({ key: z.string(), value: z.string() }).passthrough());

/** GET /jobs/:id/metrics?get=...: `[{ id, value }]` (values are strings on the wire). */
export const JobMetricsSchema = z.array(z.object({ id: z.string(), value: z.string() }).passthrough());

/** GET/PUT /jobs/:id/resource-requirements (Flink 1.18+): per job vertex id, the parallelism bounds the adaptive scheduler keeps. */
export const ResourceRequirementsSchema = z.record(
    z.object({ parallelism: z.object({ lowerBound: z.number().int(), upperBound: z.number().int() }).passthrough() }).passthrough(),
);
export type ResourceRequirements = z.infer<typeof ResourceRequirementsSchema>;

/** POST /jars/:id/plan: the job graph the program builds (node ids are job vertex ids). */
export const JarPlanSchema = z
    .object({ plan: z.object({ nodes: z.array(z.object({ id: z.string(), parallelism: z.number().int() }).passthrough()) }).passthrough() })
    .passthrough();
export type JarPlan = z.infer<typeof JarPlanSchema>;
