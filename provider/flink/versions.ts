/**
 * Flink version awareness (pure, no I/O): which request-body fields each release line knows.
 *
 * Flink 1.16–1.19 reject unknown body fields with HTTP 400; 1.20+ silently ignore them (so a
 * misspelt or removed field, like `programArgs` on 2.x, would be dropped without a word).
 * Either way, send only the fields the target version documents. Facts, from the REST specs:
 *
 * | field (POST /jars/:id/run) | versions |
 * |---|---|
 * | entryClass, programArgsList, parallelism, jobId, savepointPath, allowNonRestoredState | 1.16+ |
 * | restoreMode (CLAIM, NO_CLAIM, LEGACY) | 1.16+ (deprecated from 1.20 in favour of claimMode) |
 * | flinkConfiguration | 1.17+ |
 * | claimMode | 1.20+ |
 * | programArgs (one string) | 1.16–1.20; removed in 2.0; never sent by this client |
 *
 * `POST /jobs/:id/stop` (`targetDirectory`, `drain`, `formatType`, `triggerId`) and
 * `POST /jobs/:id/savepoints` (`target-directory`, `cancel-job`, `formatType`, `triggerId`) have
 * the same fields on every version from 1.16 to 2.3.
 */
import { quote } from "../core/errors";
import { FlinkRequestError } from "./errors";
import { compareVersions, type FlinkVersion, OLDEST_SUPPORTED, tryParseFlinkVersion } from "../core/version";
import { isParallelism } from "../core/flink-config";

export type { FlinkVersion } from "../core/version";

/** Oldest release line this client is written and tested for. */
export const MIN_SUPPORTED_VERSION: FlinkVersion = OLDEST_SUPPORTED;

/**
 * Parse `"1.20.3"`, `"2.3.0"`, `"2.4-SNAPSHOT"`, `"1.18"`.
 * @throws FlinkRequestError when the text is not a version.
 */
export function parseFlinkVersion(text: string): FlinkVersion {
    const version = tryParseFlinkVersion(text);
    if (!version) {
        throw new FlinkRequestError("client", [`the Flink version ${quote(text)}, which is not MAJOR.MINOR[.PATCH] (e.g. "1.20.3")`]);
    }
    return version;
}

/** Accept either form. */
export function toFlinkVersion(version: string | FlinkVersion): FlinkVersion {
    return typeof version === "string" ? parseFlinkVersion(version) : version;
}

/** Negative, zero or positive, like `Array.prototype.sort` comparators (qualifiers ignored). */
export function compareFlinkVersions(a: string | FlinkVersion, b: string | FlinkVersion): number {
    return compareVersions(toFlinkVersion(a), toFlinkVersion(b));
}

/** True when `version` is `major.minor` or newer. */
export function isAtLeast(version: string | FlinkVersion, major: number, minor: number): boolean {
    return compareFlinkVersions(version, { major, minor, patch: 0 }) >= 0;
}

/** `"1.20.3"` for display. */
export function formatFlinkVersion(v: FlinkVersion): string {
    return `${v.major}.${v.minor}.${v.patch}${v.qualifier ? `-${v.qualifier}` : ""}`;
}

/** How a job restored from a savepoint treats its snapshot files. */
export type ClaimMode = "CLAIM" | "NO_CLAIM" | "LEGACY";
const CLAIM_MODES: readonly ClaimMode[] = ["CLAIM", "NO_CLAIM", "LEGACY"];

/** What the caller wants submitted; {@link buildRunJarBody} turns it into a version-correct body. */
export interface RunJarRequest {
    /** Main class; omit to use the jar manifest's `Main-Class`. */
    readonly entryClass?: string;
    /** Program arguments, one element per argument (sent as `programArgsList`). */
    readonly programArgs?: readonly string[];
    /** Job parallelism; omit for the cluster default. */
    readonly parallelism?: number;
    /** Fixed job id (32 lowercase hex characters); omit to let Flink choose one. */
    readonly jobId?: string;
    /** Savepoint or retained checkpoint to restore from. */
    readonly savepointPath?: string;
    /** Skip savepoint state that maps to no operator of the new job. @default false */
    readonly allowNonRestoredState?: boolean;
    /** Snapshot ownership on restore: `claimMode` on 1.20+, `restoreMode` before. */
    readonly claimMode?: ClaimMode;
    /** Per-job configuration (Flink 1.17+). */
    readonly flinkConfiguration?: Readonly<Record<string, string>>;
}

/** The JSON body of `POST /jars/:id/run`, restricted to fields every supported version knows. */
export interface JarRunBody {
    entryClass?: string;
    programArgsList?: string[];
    parallelism?: number;
    jobId?: string;
    savepointPath?: string;
    allowNonRestoredState?: boolean;
    restoreMode?: ClaimMode;
    claimMode?: ClaimMode;
    flinkConfiguration?: Record<string, string>;
}

/** Field names of `POST /jars/:id/run` this client may send to `version`. */
export function runJarFields(version: string | FlinkVersion): readonly (keyof JarRunBody)[] {
    const v = toFlinkVersion(version);
    const fields: (keyof JarRunBody)[] = ["entryClass", "programArgsList", "parallelism", "jobId", "savepointPath"];
    fields.push("allowNonRestoredState", isAtLeast(v, 1, 20) ? "claimMode" : "restoreMode");
    if (isAtLeast(v, 1, 17)) fields.push("flinkConfiguration");
    return fields;
}

const JOB_ID = /^[0-9a-f]{32}$/;

/**
 * Build the body of `POST /jars/:id/run` for `version`: only set fields, only fields that
 * version knows, `claimMode`/`restoreMode` picked by version.
 * @throws FlinkRequestError for invalid values, versions older than 1.16, or `flinkConfiguration` on 1.16.
 */
export function buildRunJarBody(version: string | FlinkVersion, request: RunJarRequest): JarRunBody {
    const v = toFlinkVersion(version);
    const given: string[] = [];
    if (compareFlinkVersions(v, MIN_SUPPORTED_VERSION) < 0)
        given.push(`Flink ${formatFlinkVersion(v)} as the target, which is older than the oldest supported (1.16)`);
    const { parallelism, jobId, claimMode, flinkConfiguration, programArgs } = request;
    if (parallelism !== undefined && !isParallelism(parallelism))
        given.push(`the parallelism ${quote(parallelism)}, which is not a whole number from 1 to 32768`);
    if (jobId !== undefined && !JOB_ID.test(jobId)) given.push(`the job id ${quote(jobId)}, which is not 32 lowercase hex characters`);
    if (claimMode !== undefined && !CLAIM_MODES.includes(claimMode))
        given.push(`the claim mode ${quote(claimMode)}, which is not one of ${CLAIM_MODES.join(", ")}`);
    if (programArgs !== undefined && !programArgs.every((a) => typeof a === "string"))
        given.push(`program arguments ${quote(programArgs)}, which are not all strings`);
    const hasConfig = flinkConfiguration !== undefined && Object.keys(flinkConfiguration).length > 0;
    if (hasConfig && !isAtLeast(v, 1, 17))
        given.push(`a job configuration (${keyCount(flinkConfiguration)}), which the run-jar REST API of Flink ${formatFlinkVersion(v)} does not take (1.17+)`);
    if (given.length > 0) throw new FlinkRequestError("POST /jars/:jarid/run", given);

    const body: JarRunBody = {};
    if (request.entryClass !== undefined) body.entryClass = request.entryClass;
    if (programArgs !== undefined) body.programArgsList = [...programArgs];
    if (parallelism !== undefined) body.parallelism = parallelism;
    if (jobId !== undefined) body.jobId = jobId;
    if (request.savepointPath !== undefined) body.savepointPath = request.savepointPath;
    if (request.allowNonRestoredState !== undefined) body.allowNonRestoredState = request.allowNonRestoredState;
    if (claimMode !== undefined) {
        if (isAtLeast(v, 1, 20)) body.claimMode = claimMode;
        else body.restoreMode = claimMode;
    }
    if (hasConfig) body.flinkConfiguration = { ...flinkConfiguration };
    return body;
}

/** Savepoint binary format. */
export type SavepointFormatType = "CANONICAL" | "NATIVE";

/** Options of stop-with-savepoint. */
export interface StopRequest {
    /** Where to write the savepoint; omit to use the cluster's default savepoint directory. */
    readonly targetDirectory?: string;
    /** Emit MAX_WATERMARK before stopping (ends event time; not for jobs meant to resume). @default false */
    readonly drain?: boolean;
    /** @default "CANONICAL" (Flink's default) */
    readonly formatType?: SavepointFormatType;
    /** 32-hex client trigger id; makes the call idempotent. Generated when omitted. */
    readonly triggerId?: string;
}

/** Options of a savepoint trigger. */
export interface SavepointRequest {
    /** Where to write the savepoint; omit to use the cluster's default savepoint directory. */
    readonly targetDirectory?: string;
    /** Cancel the job once the savepoint completed. @default false */
    readonly cancelJob?: boolean;
    /** @default "CANONICAL" (Flink's default) */
    readonly formatType?: SavepointFormatType;
    /** 32-hex client trigger id; makes the call idempotent. Generated when omitted. */
    readonly triggerId?: string;
}

/** Body of `POST /jobs/:id/stop` (camelCase on every version). */
export interface StopBody {
    targetDirectory?: string;
    drain: boolean;
    formatType?: SavepointFormatType;
    triggerId: string;
}

/** Body of `POST /jobs/:id/savepoints` (kebab-case, except `formatType` and `triggerId`). */
export interface SavepointBody {
    "target-directory"?: string;
    "cancel-job": boolean;
    formatType?: SavepointFormatType;
    triggerId: string;
}

function checkTriggerId(triggerId: string): void {
    if (!JOB_ID.test(triggerId)) {
        throw new FlinkRequestError("savepoint trigger", [
            `the trigger id ${quote(triggerId)}, which is not 32 lowercase hex characters (omit it to have one generated)`,
        ]);
    }
}

/** Build the stop-with-savepoint body; `triggerId` is required here (the client generates one). */
export function buildStopBody(request: StopRequest & { readonly triggerId: string }): StopBody {
    checkTriggerId(request.triggerId);
    const body: StopBody = { drain: request.drain ?? false, triggerId: request.triggerId };
    if (request.targetDirectory !== undefined) body.targetDirectory = request.targetDirectory;
    if (request.formatType !== undefined) body.formatType = request.formatType;
    return body;
}

/** Build the savepoint-trigger body; `triggerId` is required here (the client generates one). */
export function buildSavepointBody(request: SavepointRequest & { readonly triggerId: string }): SavepointBody {
    checkTriggerId(request.triggerId);
    const body: SavepointBody = { "cancel-job": request.cancelJob ?? false, triggerId: request.triggerId };
    if (request.targetDirectory !== undefined) body["target-directory"] = request.targetDirectory;
    if (request.formatType !== undefined) body.formatType = request.formatType;
    return body;
}

function keyCount(config: Record<string, string>): string {
    const n = Object.keys(config).length;
    return `${n} key${n === 1 ? "" : "s"}`;
}
