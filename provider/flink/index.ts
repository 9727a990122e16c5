/**
 * Flink JobManager REST client (`provider/flink`): `createFlinkClient` with one function per
 * endpoint, version-aware request bodies, zod-checked responses and one error hierarchy.
 */
export { createFlinkClient, newTriggerId, rootCause } from "./client";
export type { DisposalStatus, FlinkClient, RootException, WaitForSavepointOptions } from "./client";
export type { FlinkClientOptions, HttpMethod } from "./http";
export {
    FlinkApiError,
    FlinkRequestError,
    FlinkResponseError,
    FlinkSavepointError,
    FlinkTimeoutError,
    FlinkUnreachableError,
    extractFlinkMessage,
    isFlinkNotFound,
    redactUrl,
    summarizeJavaError,
} from "./errors";
export type { FlinkApiErrorInit, FlinkErrorKind } from "./errors";
export {
    MIN_SUPPORTED_VERSION,
    buildRunJarBody,
    buildSavepointBody,
    buildStopBody,
    compareFlinkVersions,
    formatFlinkVersion,
    isAtLeast,
    parseFlinkVersion,
    runJarFields,
    toFlinkVersion,
} from "./versions";
export type {
    ClaimMode,
    FlinkVersion,
    JarRunBody,
    RunJarRequest,
    SavepointBody,
    SavepointFormatType,
    SavepointRequest,
    StopBody,
    StopRequest,
} from "./versions";
export { EXECUTION_STATES } from "./schemas";
export { GLOBALLY_TERMINAL_STATES, JOB_STATES, endsGateWait, isActive, isGloballyTerminal, isJobState, isRunning, isRunningOrRecovering } from "./states";
export type {
    CheckpointConfig,
    CheckpointStats,
    ClusterOverview,
    DashboardConfig,
    ExceptionEntry,
    ExecutionState,
    JarList,
    JobConfig,
    JobDetails,
    JobExceptions,
    JobOverview,
    JobState,
    SavepointStatus,
    TaskManagers,
} from "./schemas";
