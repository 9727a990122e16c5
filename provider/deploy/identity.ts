/**
 * Job identity. A job is found by its name; its Flink job id encodes who made it, which
 * generation it is and which definition it runs, so that after a crash the next run can tell
 * from Flink alone whether the desired version is already running:
 *
 *   job id (32 hex) = 12 hex of sha256(name) + 8 hex generation + 12 hex of the definition hash
 *
 * Flink refuses a job id it has seen until the JobManager restarts, so every submission (also
 * a rollback) takes a fresh generation.
 */
import { sha256 } from "../core/hash";

export interface JobIdParts {
    identity: string;
    generation: number;
    definition: string;
}

export function identityPrefix(name: string): string {
    return sha256(`pulumi-flink/job/${name}`).slice(0, 12);
}

export function jobIdFor(name: string, generation: number, definitionHash: string): string {
    if (!Number.isInteger(generation) || generation < 0 || generation > 0xffffffff) throw new Error(`generation ${generation} out of range`);
    return identityPrefix(name) + generation.toString(16).padStart(8, "0") + definitionHash.slice(0, 12).padEnd(12, "0");
}

/** Decode a job id made by {@link jobIdFor}; undefined for ids made by anyone else. */
export function parseJobId(name: string, jobId: string): JobIdParts | undefined {
    if (!/^[0-9a-f]{32}$/.test(jobId) || !jobId.startsWith(identityPrefix(name))) return undefined;
    return { identity: jobId.slice(0, 12), generation: parseInt(jobId.slice(12, 20), 16), definition: jobId.slice(20) };
}

/** True if the job id was made for this name and definition (any generation). */
export function runsDefinition(name: string, jobId: string, definitionHash: string): boolean {
    return parseJobId(name, jobId)?.definition === definitionHash.slice(0, 12);
}

/** A folder name for the job: readable, and unique even when two names sanitize alike. */
export function jobFolder(name: string): string {
    const safe = name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60);
    return `${safe}-${identityPrefix(name).slice(0, 8)}`;
}
