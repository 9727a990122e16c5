/** A JAR job as a deployable version: upload in preflight, `POST /jars/:id/run` to submit. */
import { buildRunJarBody, FlinkClient } from "../flink";
import { JobVersion, RestoreRequest } from "../deploy/redeploy";
import { hashOf } from "../core/hash";
import { Progress } from "../core/log";
import { resolveAll } from "../core/substitute";
import { JarSpec, resolveArtifact } from "../core/artifact";
import { ensureUploaded } from "./upload";
import { withRetainedCheckpoints } from "../deploy/restore-point";
import { withLabelParameters } from "./labels";
import { atLeast, tryParseFlinkVersion } from "../core/version";

/** The inputs that define what a JAR job runs. */
export interface JarDefinition {
    jar: JarSpec;
    /** sha256 of a local `jar.path`, computed by check (so a rebuilt JAR is a change in preview). */
    artifactDigest?: string;
    entryClass?: string;
    args: string[];
    parallelism?: number;
    configuration: Record<string, string | number | boolean>;
    /** Hash of the variables args and configuration use (see provider/variables). */
    variablesHash?: string;
    /** Written into the job's pipeline.global-job-parameters at submit; not part of the definition hash. */
    labels?: Record<string, string>;
}

/** Content hash of a definition: equal definitions run the same thing. */
export function jarDefinitionHash(def: JarDefinition): string {
    const { path, url, maven, sha256 } = def.jar;
    return hashOf({
        jar: { path: def.artifactDigest ? undefined : path, url, maven, sha256: def.artifactDigest ?? sha256 },
        entryClass: def.entryClass,
        args: def.args,
        parallelism: def.parallelism,
        configuration: def.configuration,
        variables: def.variablesHash,
    });
}

export interface JarVersionOptions {
    client: FlinkClient;
    flinkVersion: string;
    progress: Progress;
    /** A jar id already on the cluster for this definition (from state): reused if still there. */
    knownJarId?: string;
    /** Variables for `${NAME}` in args and configuration values. */
    vars?: Record<string, string>;
}

/** The JobVersion of a JAR definition; `jarId()` tells which uploaded jar it ran. */
export function jarVersion(def: JarDefinition, opts: JarVersionOptions): JobVersion & { jarId(): string | undefined } {
    let jarId = opts.knownJarId;
    const vars = opts.vars ?? {};
    const stringConfig = resolveAll(Object.fromEntries(Object.entries(def.configuration).map(([k, v]) => [k, String(v)])), vars, "configuration");
    const programArgs = resolveAll(def.args, vars, "args");
    let checked = false; // preflight verified the jar; submit (inside the downtime) does not ask again
    const prepare = async () => {
        if (jarId && (checked || (await opts.client.listJars()).files.some((f) => f.id === jarId))) return ((checked = true), jarId);
        // Pin what the preview saw: a JAR rebuilt since then fails instead of deploying unseen code.
        const artifact = await resolveArtifact({ ...def.jar, sha256: def.jar.sha256 ?? def.artifactDigest }, { progress: opts.progress });
        jarId = await ensureUploaded(opts.client, artifact, opts.progress);
        checked = true;
        return jarId;
    };
    return {
        definitionHash: jarDefinitionHash(def),
        jarId: () => jarId,
        async preflight() {
            await prepare();
        },
        async submit(jobId: string, restore: RestoreRequest | undefined) {
            const id = await prepare();
            // Retained checkpoints are a restore point after a cancel; not part of the definition
            // (so no hash change). Job configuration needs 1.17+: older clusters keep their own setting.
            const v = tryParseFlinkVersion(opts.flinkVersion);
            const submitConfig = v && atLeast(v, 1, 17) ? withRetainedCheckpoints(withLabelParameters(stringConfig, def.labels)) : stringConfig;
            const body = buildRunJarBody(opts.flinkVersion, {
                entryClass: def.entryClass,
                programArgs,
                parallelism: def.parallelism,
                jobId,
                savepointPath: restore?.path,
                allowNonRestoredState: restore ? restore.allowNonRestoredState : undefined,
                flinkConfiguration: Object.keys(submitConfig).length ? submitConfig : undefined,
            });
            await opts.client.runJar(id, body);
        },
    };
}
