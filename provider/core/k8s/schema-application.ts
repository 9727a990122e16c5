/** Validation of an application-mode FlinkJob (a FlinkDeployment with a job spec). */
import { z } from "zod";
import { InputFailure, invalid } from "../errors";
import { zodFailures } from "../zod";
import { isParallelism, PARALLELISM_RULE, validateConfig } from "../flink-config";
import { KEEP_SAVEPOINTS_FIX, KEEP_SAVEPOINTS_MAX, KEEP_SAVEPOINTS_MIN } from "../retention-policy";
import { checkDerivedName, crossCheck, deploymentSpecSchema, DeploymentSpec, rule } from "./schema";

const uri = rule(
    z.string(),
    (s) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/.test(s),
    "is not a URI with a scheme",
    'use e.g. "s3://bucket/savepoints/savepoint-1a2b"',
);
const JAR_SCHEMES = ["local", "http", "https", "s3", "s3a", "s3p", "gs", "hdfs", "oss", "abfs", "abfss", "wasb", "wasbs"];

export const applicationSchema = z.object({
    name: z.string().min(1),
    kubernetes: deploymentSpecSchema,
    jar: z
        .object({
            path: z.string().optional(),
            url: z.string().optional(),
            maven: z.string().optional(),
            mavenRepository: z.string().optional(),
            sha256: z.string().optional(),
        })
        .strict()
        .optional(),
    sql: z.unknown().optional(),
    entryClass: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    parallelism: rule(z.number(), isParallelism, PARALLELISM_RULE.problem, PARALLELISM_RULE.fix).optional(),
    configuration: z.record(z.unknown()).optional(),
    upgrade: z
        .object({
            mode: z.enum(["savepoint", "stateless"]).optional(),
            restore: z.enum(["latest-savepoint", "latest-state", "none"]).optional(),
            allowNonRestoredState: z.boolean().optional(),
            savepointDir: uri.optional(),
            savepointTimeoutSeconds: z.number().optional(),
            formatType: z.enum(["CANONICAL", "NATIVE"]).optional(),
            keepSavepoints: rule(
                z.number(),
                (n) => Number.isInteger(n) && n >= KEEP_SAVEPOINTS_MIN && n <= KEEP_SAVEPOINTS_MAX,
                `must be a whole number from ${KEEP_SAVEPOINTS_MIN} to ${KEEP_SAVEPOINTS_MAX}`,
                KEEP_SAVEPOINTS_FIX,
            ).optional(),
        })
        .strict()
        .optional(),
    health: z
        .object({
            runningTimeoutSeconds: z.number().int().positive().optional(),
            stableSeconds: z.number().optional(),
            requireCheckpoint: z.boolean().optional(),
            maxRestarts: z.number().optional(),
        })
        .strict()
        .optional(),
    rollbackOnFailure: z.boolean().optional(),
    onDelete: z.enum(["savepoint", "cancel", "leave-running"]).optional(),
    initialSavepointPath: uri.optional(),
    savepointRedeployNonce: rule(
        z.number(),
        (n) => Number.isInteger(n) && n >= 0,
        "must be a whole number, 0 or more",
        "increase it by one to redeploy from a new savepoint",
    ).optional(),
    autoscaler: z.record(z.unknown()).optional(),
});

export type ApplicationArgs = z.infer<typeof applicationSchema>;

/** Configuration keys that typed arguments of an application job own. */
const OWNED: Record<string, string> = {
    "kubernetes.operator.deployment.rollback.enabled": "rollbackOnFailure",
    "kubernetes.operator.deployment.readiness.timeout": "health.runningTimeoutSeconds",
    "kubernetes.operator.job.savepoint-on-deletion": "onDelete",
    "kubernetes.operator.savepoint.format.type": "upgrade.formatType",
    "kubernetes.operator.savepoint.history.max.count": "upgrade.keepSavepoints",
    "execution.savepoint.path": "application.initialSavepointPath",
    "execution.state-recovery.path": "application.initialSavepointPath",
};

/** Check an application job; `homeConfig` is the image home's default configuration. */
export function checkApplication(input: unknown, homeConfig: Record<string, unknown> = {}): { args?: ApplicationArgs; failures: InputFailure[] } {
    const parsed = applicationSchema.safeParse(input);
    if (!parsed.success)
        return {
            failures: zodFailures(parsed.error, input).map((x) => ({
                property: x.property.replace(/^kubernetes\./, "application.kubernetes."),
                reason: x.reason.replace(/^kubernetes\./, "application.kubernetes."),
            })),
        };
    const a = parsed.data;
    const f: InputFailure[] = [
        ...checkDerivedName(a.name, a.kubernetes, "application.kubernetes.", "job name"),
        ...crossCheck(a.kubernetes as DeploymentSpec, "application.kubernetes."),
    ];
    if (a.sql !== undefined)
        f.push(
            invalid(
                "sql",
                "(SQL)",
                "application mode runs a JAR; the Operator has no SQL application",
                "run SQL jobs on a SessionCluster with a SQL Gateway, or package them in a JAR",
            ),
        );
    const jar = a.jar;
    if (!jar && a.sql === undefined)
        f.push(
            invalid("jar", undefined, "an application-mode job needs a JAR", 'set jar.url, e.g. "local:///opt/flink/usrlib/my-job.jar" (baked into the image)'),
        );
    if (jar?.path !== undefined)
        f.push(
            invalid(
                "jar.path",
                jar.path,
                "is a file on the deploying machine, which Kubernetes pods cannot read",
                'bake the JAR into the image and use jar.url "local:///opt/flink/usrlib/<jar>", or an http(s)/s3 URL',
            ),
        );
    if (jar && jar.url !== undefined && jar.maven !== undefined)
        f.push(invalid("jar.maven", jar.maven, "conflicts with jar.url", "set exactly one of jar.url and jar.maven"));
    if (jar?.url !== undefined) {
        const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(jar.url)?.[1]?.toLowerCase();
        if (!scheme || !JAR_SCHEMES.includes(scheme))
            f.push(
                invalid(
                    "jar.url",
                    jar.url,
                    "is not a JAR URI the Operator can fetch",
                    `use one of the schemes ${JAR_SCHEMES.map((s) => s + "://").join(", ")}`,
                ),
            );
    }
    if (jar?.maven !== undefined && !/^[^:\s]+:[^:\s]+:[^:\s]+(:[^:\s]+)?$/.test(jar.maven))
        f.push(invalid("jar.maven", jar.maven, "is not Maven coordinates", 'use "group:artifact:version[:classifier]"'));
    const up = a.upgrade ?? {};
    if (up.mode === "stateless" && up.allowNonRestoredState)
        f.push(
            invalid("upgrade.allowNonRestoredState", true, 'has no meaning with mode "stateless" (nothing is restored)', 'remove it or use mode "savepoint"'),
        );
    const config = { ...homeConfig, ...(a.configuration ?? {}) };
    if (up.mode !== "stateless" && !up.savepointDir && config["state.savepoints.dir"] === undefined) {
        f.push(
            invalid(
                "upgrade.savepointDir",
                undefined,
                "the Operator needs a savepoint directory to upgrade with savepoints",
                'set upgrade.savepointDir (e.g. "s3://bucket/savepoints/<job>") or upgrade.mode "stateless"',
            ),
        );
    }
    if (up.mode !== "stateless" && up.restore === "latest-state") {
        if (!a.kubernetes.highAvailability)
            f.push(
                invalid(
                    "upgrade.restore",
                    "latest-state",
                    "maps to the Operator's last-state upgrade mode, which needs Kubernetes high availability",
                    'set application.kubernetes.highAvailability.storageDir, or restore "latest-savepoint"',
                ),
            );
        if (config["state.checkpoints.dir"] === undefined)
            f.push(
                invalid(
                    'configuration["state.checkpoints.dir"]',
                    undefined,
                    "last-state upgrades restore from checkpoints, which need a checkpoint directory",
                    'set configuration "state.checkpoints.dir" (e.g. "s3://bucket/checkpoints")',
                ),
            );
    }
    if (a.rollbackOnFailure === true && !a.kubernetes.highAvailability) {
        f.push(
            invalid(
                "rollbackOnFailure",
                true,
                "the Operator rolls back failed upgrades only with Kubernetes high availability",
                "set application.kubernetes.highAvailability.storageDir, or rollbackOnFailure false",
            ),
        );
    }
    if (a.onDelete === "leave-running")
        f.push(
            invalid(
                "onDelete",
                "leave-running",
                "an application job is its FlinkDeployment; deleting it stops the job",
                'use "savepoint" or "cancel", or the resource option retainOnDelete',
            ),
        );
    f.push(...validateConfig("configuration", a.configuration, undefined));
    for (const key of Object.keys(a.configuration ?? {})) {
        if (OWNED[key])
            f.push(
                invalid(
                    `configuration[${JSON.stringify(key)}]`,
                    a.configuration?.[key],
                    `conflicts with ${OWNED[key]}, which sets it`,
                    `remove it and set ${OWNED[key]}`,
                ),
            );
        else if (key.startsWith("job.autoscaler."))
            f.push(invalid(`configuration[${JSON.stringify(key)}]`, a.configuration?.[key], "is an autoscaler setting", "move it to application.autoscaler"));
    }
    f.push(...validateConfig("application.autoscaler", a.autoscaler, undefined));
    return { args: a, failures: f };
}
