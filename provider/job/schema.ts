/**
 * Validation of `FlinkJob` inputs (a JAR or SQL job on a session cluster), the contract of sdk/job.ts:
 * shape and defaults in zod, then the rules that span properties or read the local JAR.
 */
import * as path from "path";
import { z } from "zod";
import { InputFailure, invalid, quote } from "../core/errors";
import { UNKNOWN } from "../core/unknown";
import { withoutPulumiKeys, zodFailures } from "../core/zod";
import { FlinkVersion, atLeast, configDialect, isSupported, tryParseFlinkVersion } from "../core/version";
import { FlinkConfig, isParallelism, PARALLELISM_RULE, validateConfig } from "../core/flink-config";
import { DEFAULT_MAVEN_REPOSITORY } from "../core/artifact";
import { checkArtifact, redactInputs } from "../core/validate-artifact";
import { checkSqlAndVariables } from "./sql-schema";
import { checkDependencies } from "./dependencies";
import { mergeVariables } from "../variables/merge";
import { ARGUMENT_RULE_NAMES, checkDeferredArguments } from "../core/component-rules";
import { DEFAULT_FINISH_TIMEOUT_SECONDS } from "../deploy/health";
import { boundedChecks } from "./bounded";
import { checkRestoreFrom } from "./restore-from";
import { LABEL_KEY, labelValueProblem } from "./labels";
import { DEFAULT_KEEP_SAVEPOINTS, KEEP_SAVEPOINTS_FIX, KEEP_SAVEPOINTS_MAX, KEEP_SAVEPOINTS_MIN } from "../core/retention-policy";

type Rule<T> = (value: T) => readonly [problem: string, fix: string] | undefined;

/** A schema with one more rule; a broken rule becomes a failure with its own fix. */
function ruled<S extends z.ZodTypeAny>(schema: S, rule: Rule<z.output<S>>): z.ZodEffects<S> {
    return schema.superRefine((value, ctx) => {
        const broken = rule(value);
        if (broken) ctx.addIssue({ code: z.ZodIssueCode.custom, message: broken[0], params: { fix: broken[1] } });
    });
}

const intIn = (min: number, max: number, fix: string) =>
    ruled(z.number(), (n) => (Number.isInteger(n) && n >= min && n <= max ? undefined : [`must be a whole number from ${min} to ${max}`, fix]));

const FROM_CLUSTER = "pass a SessionCluster resource as cluster";
const URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const clusterRef = z
    .object({
        restUrl: ruled(z.string(), (s) => (/^https?:\/\/[^/?#\s]+/i.test(s) ? undefined : ["must be an http or https URL", FROM_CLUSTER])),
        flinkVersion: ruled(z.string(), (s) => {
            const v = tryParseFlinkVersion(s);
            if (!v) return ["is not a Flink version", FROM_CLUSTER];
            return isSupported(v) ? undefined : ["is not supported (supported: Flink 1.16 to 2.x)", "run the job on a Flink 1.16 to 2.x cluster"];
        }),
        webUiUrl: z.string().optional(),
        connection: z.record(z.unknown()).optional(), // the cluster's connection settings, used as given
        /** Whether the SQL Gateway runs on the deploying machine (local target): it can read local files then. */
        gatewayLocal: z.boolean().optional(),
        /** Digest of the cluster's declared libraries: a change shows as "cluster libraries" in the preview. */
        librariesHash: z.string().optional(),
        /** Savepoints the cluster took of its jobs when it restarted, by job name (not a change of the job: see classify). */
        handoff: z.record(z.object({ path: z.string(), at: z.string(), jobId: z.string(), reason: z.string() })).optional(),
    })
    .strict();

const jarSchema = z
    .object({
        path: z.string().min(1).optional(),
        url: z.string().min(1).optional(),
        maven: z.string().min(1).optional(),
        sha256: ruled(z.string(), (s) =>
            /^[0-9a-f]{64}$/i.test(s) ? undefined : ["must be 64 hex digits (a sha256 digest)", "use the output of `sha256sum my-job.jar`"],
        )
            .transform((s) => s.toLowerCase())
            .optional(),
        mavenRepository: z.string().min(1).optional(),
    })
    .strict();

const upgradeSchema = z
    .object({
        mode: z.enum(["savepoint", "stateless"]).default("savepoint"),
        restore: z.enum(["latest-savepoint", "latest-state", "none"]).default("latest-state"),
        allowNonRestoredState: z.boolean().default(false),
        onIncompatible: z.enum(["fail", "drop-state", "try"]).optional(),
        savepointDir: ruled(z.string(), savepointDirRule).optional(),
        savepointTimeoutSeconds: intIn(10, 86400, "use a number of seconds from 10 to 86400 (one day); the default is 600").default(600),
        formatType: z.enum(["CANONICAL", "NATIVE"]).default("CANONICAL"),
        keepSavepoints: intIn(KEEP_SAVEPOINTS_MIN, KEEP_SAVEPOINTS_MAX, KEEP_SAVEPOINTS_FIX).default(DEFAULT_KEEP_SAVEPOINTS),
        // Optional, not defaulted: state written before it existed stays equal (no policy change).
        rescale: z.enum(["in-place", "redeploy"]).optional(),
    })
    .strict();

const healthSchema = z
    .object({
        runningTimeoutSeconds: intIn(5, 3600, "use a number of seconds from 5 to 3600; the default is 120").default(120),
        stableSeconds: intIn(0, 3600, "use a number of seconds from 0 to 3600; the default is 10").default(10),
        requireCheckpoint: z.boolean().default(false),
        maxRestarts: intIn(0, 1000, "use a count from 0 to 1000; the default is 0").default(0),
        finishTimeoutSeconds: intIn(5, 604800, `use a number of seconds from 5 to 604800 (one week); the default is ${DEFAULT_FINISH_TIMEOUT_SECONDS}`).default(
            DEFAULT_FINISH_TIMEOUT_SECONDS,
        ),
    })
    .strict();

/** `FlinkJob` inputs (JAR job) with the defaults of sdk/job.ts; configuration values are checked by validateConfig. */
export const jobArgsSchema = z
    .object({
        name: ruled(z.string(), nameRule),
        cluster: clusterRef,
        jar: jarSchema.optional(),
        sql: z
            .union([z.string(), z.array(z.string())], { errorMap: () => ({ message: "must be one SQL script (a string) or a list of statements (strings)" }) })
            .optional(),
        dependencies: z.array(jarSchema.extend({ uri: z.string().min(1).optional() })).default([]),
        variables: z.array(z.object({ values: z.record(z.string()).default({}), secrets: z.record(z.string()).default({}) }).strict()).default([]),
        entryClass: ruled(z.string(), (s) =>
            /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(s)
                ? undefined
                : ["is not a Java class name", 'use the fully qualified binary name, e.g. "com.example.MyJob" or "com.example.Outer$Inner"'],
        ).optional(),
        args: z
            .array(ruled(z.string(), (s) => (s.includes("\0") ? ["contains a NUL character", "remove the NUL character from the argument"] : undefined)))
            .superRefine((a, ctx) => {
                if (a.length > 1000)
                    ctx.addIssue({
                        code: z.ZodIssueCode.custom,
                        message: `has ${a.length} entries, at most 1000 are allowed`,
                        params: { fix: "pass bulk input through a file or the job's configuration" },
                    });
            })
            .default([]),
        parallelism: ruled(z.number(), (n) => (isParallelism(n) ? undefined : [PARALLELISM_RULE.problem, PARALLELISM_RULE.fix])).optional(),
        configuration: z.record(z.unknown()).default({}),
        upgrade: upgradeSchema.default({}),
        health: healthSchema.default({}),
        rollbackOnFailure: z.boolean().default(true),
        bounded: z.boolean().default(false),
        onDelete: z.enum(["savepoint", "cancel", "leave-running"]).default("savepoint"),
        adopt: z.boolean().default(false),
        restoreFrom: z
            .object({ savepointPath: ruled(z.string(), savepointPathRule), fromOtherJob: z.boolean().default(false) })
            .strict()
            .optional(),
        // Set by the team components: their arguments written as `${NAME}`, checked once resolved.
        componentChecks: z
            .array(z.object({ component: z.string(), argument: z.string(), text: z.string(), rule: z.enum(ARGUMENT_RULE_NAMES) }).strict())
            .optional(),
        labels: z
            .record(z.string())
            .superRefine((labels, ctx) => {
                for (const [key, value] of Object.entries(labels)) {
                    if (!LABEL_KEY.test(key))
                        ctx.addIssue({
                            code: z.ZodIssueCode.custom,
                            path: [key],
                            message: `key ${quote(key)} is not a label key (1 to 63 of A-Z a-z 0-9 _ . / -)`,
                            params: { fix: 'use a key such as "team" or "app.kubernetes.io/name"' },
                        });
                    const broken = labelValueProblem(value);
                    if (broken) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: broken[0], params: { fix: broken[1] } });
                }
            })
            .default({}),
    })
    .strict();

type ParsedJob = z.infer<typeof jobArgsSchema>;
/** The session cluster a job runs on, as the sdk passes it (outputs of the SessionCluster). */
export type JobClusterRef = ParsedJob["cluster"];
/** The JAR spec after validation (`mavenRepository` defaulted when `maven` is used, sha256 lowercase). */
export type JobJar = ParsedJob["jar"];
/** Validated `FlinkJob` inputs, defaults applied. */
export type JobArgs = Omit<ParsedJob, "configuration"> & { configuration: FlinkConfig };

/** Job configuration keys the provider sets itself, with what to do instead. */
export const MANAGED_JOB_KEYS: Readonly<Record<string, string>> = {
    "execution.savepoint.path": "remove it; the provider restores from savepoints itself (choose what with upgrade.restore)",
    "execution.state-recovery.path": "remove it; the provider restores from savepoints itself (choose what with upgrade.restore)",
    "execution.savepoint.ignore-unclaimed-state": "use upgrade.allowNonRestoredState",
    "execution.state-recovery.ignore-unclaimed-state": "use upgrade.allowNonRestoredState",
    "$internal.pipeline.job-id": "remove it; the provider derives a fresh job id per generation",
    "pipeline.name": "use name",
    "parallelism.default": "use parallelism",
    "execution.checkpointing.savepoint-dir": "use upgrade.savepointDir",
    "state.savepoints.dir": "use upgrade.savepointDir",
    // CLAIM mode lets Flink delete the savepoint a rollback needs.
    "execution.savepoint-restore-mode": "remove it; savepoints are restored in NO_CLAIM mode so a rollback can reuse them",
    "execution.state-recovery.claim-mode": "remove it; savepoints are restored in NO_CLAIM mode so a rollback can reuse them",
};

const CHECKPOINT_INTERVAL = "execution.checkpointing.interval";

/**
 * Validate `FlinkJob` inputs (JAR job). Pure apart from reading a local `jar.path`, whose sha256
 * comes back as `jarDigest`. Values not yet known at preview are replaced by stand-ins so that
 * everything known is still checked; `args` is then undefined. `args` is also set when other
 * rules failed: use it only when `failures` is empty. `artifactDigest`, which the provider's
 * check adds to the inputs it returns, is ignored when the inputs come back.
 */
export function checkJobArgs(news: Record<string, unknown>): { args?: JobArgs; failures: InputFailure[]; jarDigest?: string } {
    const unknown = new Set<string>();
    const { artifactDigest: _added, variablesHash: _hash, ...given } = withoutPulumiKeys(news);
    const probe = withStandIns(given, [], unknown) as Record<string, unknown>;
    const isUnknown = (property: string) => [...unknown].some((u) => property === u || property.startsWith(`${u}.`));
    const parsed = jobArgsSchema.safeParse(probe);
    const failures = parsed.success ? [] : zodFailures(parsed.error, redactInputs(probe));

    const cluster = clusterRef.safeParse(probe.cluster);
    const version = cluster.success && !isUnknown("cluster.flinkVersion") ? tryParseFlinkVersion(cluster.data.flinkVersion) : undefined;
    failures.push(...checkConfiguration(probe.configuration, version));

    const jar = jarSchema.safeParse(probe.jar);
    const artifact = jar.success ? checkArtifact(jar.data, isUnknown) : { failures: [] };
    failures.push(...artifact.failures);

    failures.push(...crossChecks(probe));
    failures.push(...checkRestoreFrom(probe, (p) => !isUnknown(p)));
    if (!parsed.success) return { failures, jarDigest: artifact.digest };
    const data = parsed.data;
    // References can only be checked once the variables (and the texts) are known.
    const merged = isUnknown("variables") ? undefined : mergeVariables(data.variables);
    if (merged && !isUnknown("sql")) failures.push(...checkSqlAndVariables(data, merged));
    // Independent of the SQL, which a component generates only once the cluster's version is known.
    if (merged && !isUnknown("componentChecks")) failures.push(...checkDeferredArguments(data.componentChecks ?? [], merged.vars, new Set(merged.secretNames)));
    failures.push(...checkDependencies(data.dependencies, isUnknown("cluster.gatewayLocal") ? undefined : data.cluster.gatewayLocal, isUnknown));
    if (data.jar?.maven !== undefined && data.jar.mavenRepository === undefined) data.jar.mavenRepository = DEFAULT_MAVEN_REPOSITORY;
    const args = unknown.size > 0 ? undefined : (data as JobArgs); // configuration values checked above
    return { args, failures, jarDigest: artifact.digest };
}

/** `upgrade.onIncompatible` only means something where a SQL job restores state it may not fit. */
function onIncompatibleChecks(probe: Record<string, unknown>): InputFailure[] {
    const upgrade = asRecord(probe.upgrade);
    const value = upgrade.onIncompatible;
    if (value === undefined) return [];
    if (upgrade.mode === "stateless")
        return [
            invalid(
                "upgrade.onIncompatible",
                value,
                'has no effect with mode "stateless": nothing is restored, so nothing can be incompatible',
                'remove it, or use mode "savepoint"',
            ),
        ];
    if (probe.sql === undefined && probe.jar !== undefined)
        return [
            invalid(
                "upgrade.onIncompatible",
                value,
                "is for SQL jobs: pulumi-flink judges state compatibility from compiled SQL plans, not from a JAR",
                "remove it; a JAR job's failed restore is rolled back",
            ),
        ];
    if (probe.bounded === true)
        return [
            invalid(
                "upgrade.onIncompatible",
                value,
                "has no effect on a bounded job: Flink compiles plans of streaming jobs only",
                "remove onIncompatible, or set bounded to false",
            ),
        ];
    if (value === "drop-state" && upgrade.allowNonRestoredState === false)
        return [
            invalid(
                "upgrade.allowNonRestoredState",
                false,
                'contradicts upgrade.onIncompatible = "drop-state", which lets Flink skip the state of the operators that start empty',
                'remove allowNonRestoredState: false, or choose onIncompatible "fail"',
            ),
        ];
    return [];
}

/** Rules spanning properties, on the raw probe so they run even when other properties are malformed. */
function crossChecks(probe: Record<string, unknown>): InputFailure[] {
    const failures: InputFailure[] = [];
    const upgrade = asRecord(probe.upgrade);
    if (upgrade.allowNonRestoredState === true && upgrade.mode === "stateless") {
        failures.push(
            invalid("upgrade.allowNonRestoredState", true, 'has no effect with mode "stateless": nothing is restored', 'remove it, or use mode "savepoint"'),
        );
    }
    if (upgrade.keepSavepoints !== undefined && upgrade.mode === "stateless") {
        failures.push(
            invalid(
                "upgrade.keepSavepoints",
                upgrade.keepSavepoints,
                'has no effect with mode "stateless": its upgrades take no savepoints',
                'remove it, or use mode "savepoint"',
            ),
        );
    }
    failures.push(...onIncompatibleChecks(probe));
    failures.push(...boundedChecks(probe));
    const interval = asRecord(probe.configuration)[CHECKPOINT_INTERVAL];
    if (asRecord(probe.health).requireCheckpoint === true && disablesCheckpointing(interval)) {
        failures.push(
            invalid(
                "health.requireCheckpoint",
                true,
                `waits for a checkpoint, but configuration[${JSON.stringify(CHECKPOINT_INTERVAL)}] = ${quote(interval)} disables checkpointing`,
                `set ${CHECKPOINT_INTERVAL} to an interval such as "10s", or requireCheckpoint to false`,
            ),
        );
    }
    return failures;
}

const asRecord = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function nameRule(s: string): readonly [string, string] | undefined {
    if (s.length === 0) return ["is empty", "give the job a name, or leave name unset to use the resource name"];
    if (s.length > 200) return [`is ${s.length} characters long, at most 200 are allowed`, "use a shorter name"];
    if (CONTROL.test(s)) return ["contains a line break or another control character", "use a single line of printable characters"];
    if (s.trim() !== s) return ["has leading or trailing whitespace", `use ${quote(s.trim())}`];
    return undefined;
}

function savepointDirRule(s: string): readonly [string, string] | undefined {
    const fix = 'use an absolute path or a URI such as "file:///var/flink/savepoints" or "s3://bucket/savepoints"';
    if (CONTROL.test(s)) return ["contains a line break or another control character", fix];
    const uri = URI.exec(s);
    if (uri) {
        if (uri[2] === "") return ["is a URI without a location", fix];
        if (uri[1].toLowerCase() === "file" && !uri[2].startsWith("/"))
            return ["is a file URI without an absolute path", 'write "file:///absolute/path" (three slashes)'];
        return undefined;
    }
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return ["is neither a URI (scheme://...) nor an absolute path", fix];
    return path.posix.isAbsolute(s) ? undefined : ["is a relative path", fix];
}

/** A savepoint's path: as for a directory, and also the `file:/absolute/path` form Flink itself reports savepoints in. */
function savepointPathRule(s: string): readonly [string, string] | undefined {
    return /^file:\/[^/]/i.test(s) ? undefined : savepointDirRule(s);
}

/** Whether a checkpoint interval value turns checkpointing off (0, "0", "0s", "off", negative). */
function disablesCheckpointing(value: unknown): boolean {
    if (typeof value === "number") return value <= 0;
    if (typeof value !== "string") return false;
    const text = value.trim().toLowerCase();
    const m = /^(-?\d+(?:\.\d+)?)\s*[a-z]*$/.exec(text);
    return text === "off" || (m !== null && Number(m[1]) <= 0);
}

function checkConfiguration(config: unknown, version: FlinkVersion | undefined): InputFailure[] {
    if (config === null || typeof config !== "object" || Array.isArray(config)) return []; // reported by the schema
    const failures: InputFailure[] = [];
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        const fix = MANAGED_JOB_KEYS[key];
        if (fix) failures.push(invalid(`configuration[${JSON.stringify(key)}]`, value, "is set by the provider itself", fix));
        else rest[key] = value;
    }
    failures.push(...validateConfig("configuration", rest, version ? configDialect(version) : undefined));
    if (version && !atLeast(version, 1, 17) && Object.keys(config).length > 0) {
        failures.push(
            invalid(
                "configuration",
                config,
                `cannot be passed to a Flink ${version.major}.${version.minor} cluster (job configuration needs Flink 1.17+)`,
                "upgrade the cluster to Flink 1.17+, or move these keys into the cluster's configuration",
            ),
        );
    }
    return failures;
}

/**
 * Replace unknown values (preview) by stand-ins that pass every rule, recording their properties:
 * required values get a valid placeholder, optional ones are dropped (their default applies).
 */
function withStandIns(value: unknown, at: string[], unknown: Set<string>): unknown {
    if (value === UNKNOWN) {
        const key = at.join(".");
        unknown.add(key);
        if (key in STAND_INS) return STAND_INS[key];
        return at.length === 2 && ["configuration", "labels", "args"].includes(at[0]) ? "" : undefined; // map/list entries keep their slot
    }
    if (Array.isArray(value)) return value.map((v, i) => withStandIns(v, [...at, String(i)], unknown));
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
        const replaced = withStandIns(v, [...at, k], unknown);
        if (replaced !== undefined) out[k] = replaced;
    }
    return out;
}

const STAND_IN_URL = "http://not-yet-known.invalid:8081";
const STAND_INS: Readonly<Record<string, unknown>> = {
    name: "not-yet-known",
    cluster: { restUrl: STAND_IN_URL, flinkVersion: "2.0.0" },
    "cluster.restUrl": STAND_IN_URL,
    "cluster.flinkVersion": "2.0.0", // version-specific rules are skipped while it is unknown
    "cluster.webUiUrl": STAND_IN_URL,
    jar: { url: "https://not-yet-known.invalid/job.jar" },
    "jar.path": "not-yet-known.jar", // not read while unknown
    "jar.url": "https://not-yet-known.invalid/job.jar",
    "jar.maven": "not.yet:known:0",
    "jar.sha256": "0".repeat(64),
    "restoreFrom.savepointPath": "/not-yet-known", // not read while unknown
};
