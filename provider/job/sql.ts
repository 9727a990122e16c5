/**
 * A SQL job as a deployable version: preflight compiles the changed SQL through the SQL Gateway
 * (EXPLAIN) before the running job is touched; submit runs the script in a fresh session whose
 * properties carry the job id, name and restore path.
 */
import { JobVersion, RestoreRequest } from "../deploy/redeploy";
import { createGatewayClient, GatewayClient } from "../sqlgateway";
import { DeployError, messageOf } from "../util/errors";
import { hashOf } from "../util/hash";
import { Progress } from "../util/log";
import { withRedaction } from "../util/redact";
import { atLeast, tryParseFlinkVersion } from "../util/version";
import { statementsOf } from "../sql/check";
import { scriptPosition, SqlStatement } from "../sql/split";
import { substitute } from "../variables/substitute";
import { substituteSql } from "../variables/sql-context";
import { JarSpec, resolveArtifact } from "./artifact";
import { withRetainedCheckpoints } from "../deploy/restore-point";

export interface SqlDefinition {
    name: string;
    sql: string | string[];
    /** `uri` entries go to ADD JAR as written; the others are resolved to a local file first. */
    dependencies: (JarSpec & { uri?: string })[];
    parallelism?: number;
    configuration: Record<string, string | number | boolean>;
    /** Hash of the variables the SQL uses: a changed value is a changed definition. */
    variablesHash: string;
}

export function sqlDefinitionHash(def: SqlDefinition): string {
    return hashOf({
        sql: def.sql,
        dependencies: def.dependencies,
        parallelism: def.parallelism,
        configuration: def.configuration,
        variables: def.variablesHash,
    });
}

export interface SqlVersionOptions {
    gatewayUrl: string;
    headers?: Record<string, string>;
    flinkVersion: string;
    vars: Record<string, string>;
    secretValues: string[];
    progress: Progress;
}

/** Session keys that restore a job: renamed in Flink 1.20. */
export function restoreKeys(flinkVersion: string): { path: string; ignoreUnclaimed: string } {
    const v = tryParseFlinkVersion(flinkVersion);
    return v && atLeast(v, 1, 20)
        ? { path: "execution.state-recovery.path", ignoreUnclaimed: "execution.state-recovery.ignore-unclaimed-state" }
        : { path: "execution.savepoint.path", ignoreUnclaimed: "execution.savepoint.ignore-unclaimed-state" };
}

/**
 * Where a gateway error points, in the user's script. `shift` is how many characters were put in
 * front of the statement's first line (the `EXPLAIN ` of preflight).
 */
function located(stmt: SqlStatement, err: unknown, shift = 0): string {
    const pos = (err as { sqlPosition?: { line: number; column: number } }).sqlPosition;
    const where = stmt.element !== undefined ? `sql[${stmt.element}]` : "sql";
    if (!pos) return `${where} statement at line ${stmt.line}`;
    const at = scriptPosition(stmt, pos.line, pos.line === 1 ? Math.max(1, pos.column - shift) : pos.column);
    return `${where} line ${at.line}, column ${at.column}`;
}

export function sqlVersion(def: SqlDefinition, opts: SqlVersionOptions): JobVersion {
    const statements = statementsOf(def.sql).map((s) => ({ ...s, resolved: substituteSql(s.text, opts.vars, "sql") }));
    const job = statements[statements.length - 1];
    const setup = statements.slice(0, -1);
    const gateway = (): GatewayClient => createGatewayClient({ baseUrl: opts.gatewayUrl, headers: opts.headers });
    let jars: string[] | undefined;
    // A uri is the gateway's to read (hdfs://, s3://…): passed as written, nothing downloaded here.
    const resolveJars = async () =>
        (jars ??= await Promise.all(def.dependencies.map(async (d) => d.uri ?? (await resolveArtifact(d, { progress: opts.progress })).file)));
    const config = Object.fromEntries(
        Object.entries(def.configuration).map(([k, v]) => [k, substitute(String(v), opts.vars, `configuration[${JSON.stringify(k)}]`)]),
    );

    /** Run setup statements and then `last`, mapping any SQL error to the user's script. */
    const runScript = (properties: Record<string, string>, last: (stmt: string) => string, leftBehind: string) => {
        const lastText = last(job.resolved);
        const shift = lastText.length - job.resolved.length; // prefixes only: EXPLAIN, minus EXECUTE
        return withRedaction(opts.secretValues, async () => {
            const client = gateway();
            return client.withSession(properties, async (session) => {
                for (const jar of await resolveJars()) await client.runStatement(session, `ADD JAR '${jar.replace(/'/g, "''")}'`, { timeoutMs: 60_000 });
                for (const s of setup) {
                    await client.runStatement(session, s.resolved, { timeoutMs: 120_000 }).catch((err: unknown) => {
                        throw new DeployError(`the SQL of job "${def.name}" fails at ${located(s, err)}: ${messageOf(err)}`, leftBehind);
                    });
                }
                return client.runStatement(session, lastText, { timeoutMs: 120_000 }).catch((err: unknown) => {
                    throw new DeployError(`the SQL of job "${def.name}" fails at ${located(job, err, shift)}: ${messageOf(err)}`, leftBehind);
                });
            });
        });
    };

    return {
        definitionHash: sqlDefinitionHash(def),
        async preflight() {
            opts.progress("compiling the SQL (EXPLAIN) before touching the running job");
            // Preflight runs before anything is stopped: a job that runs keeps running, none is started.
            await runScript(
                { ...config },
                (stmt) => `EXPLAIN ${stmt.replace(/^\s*EXECUTE\s+(?=STATEMENT\s+SET|INSERT)/i, "")}`,
                "nothing stopped or submitted (a running job keeps running)",
            );
        },
        async submit(jobId: string, restore: RestoreRequest | undefined) {
            const keys = restoreKeys(opts.flinkVersion);
            // Retained checkpoints are a restore point after a cancel (not part of the definition).
            const properties: Record<string, string> = {
                ...withRetainedCheckpoints(config),
                "pipeline.name": def.name,
                "$internal.pipeline.job-id": jobId,
                ...(def.parallelism !== undefined ? { "parallelism.default": String(def.parallelism) } : {}),
                ...(restore ? { [keys.path]: restore.path, [keys.ignoreUnclaimed]: String(restore.allowNonRestoredState) } : {}),
            };
            const result = await runScript(properties, (stmt) => stmt, `job ${jobId} not submitted`);
            if (result.jobId && result.jobId !== jobId) {
                throw new DeployError(
                    `the SQL Gateway submitted job ${result.jobId}, not the requested id ${jobId}`,
                    `job ${result.jobId} running; cancel it by hand`,
                );
            }
        },
    };
}
