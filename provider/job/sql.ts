/**
 * A SQL job as a deployable version: preflight compiles the changed SQL through the SQL Gateway
 * before the running job is touched; submit runs the script in a fresh session whose properties
 * carry the job id, name and restore path.
 *
 * Where the gateway runs on this machine, a streaming job is compiled to a plan (COMPILE PLAN),
 * judged against the running version's plan (provider/sql/compat.ts), its state-bearing nodes
 * given the running version's ids, and submitted with EXECUTE PLAN; elsewhere EXPLAIN checks it
 * and the INSERT runs as written (operator ids are Flink's hashes then, verdict unknown).
 */
import { JobVersion, RestoreRequest } from "../deploy/redeploy";
import { createGatewayClient, GatewayClient } from "../sqlgateway";
import { DeployError, messageOf } from "../core/errors";
import { hashOf } from "../core/hash";
import { Progress } from "../core/log";
import { withRedaction } from "../core/redact";
import { atLeast, tryParseFlinkVersion } from "../core/version";
import { statementsOf } from "../sql/check";
import { scriptPosition, SqlStatement } from "../sql/split";
import { substitute } from "../core/substitute";
import { substituteSql } from "../variables/sql-context";
import { JarSpec, resolveArtifact } from "../core/artifact";
import { withRetainedCheckpoints } from "../deploy/restore-point";
import { withLabelParameters } from "./labels";
import { PlanSummary, pinPlan, summarizePlan, CompiledPlan } from "../sql/plan";
import { compareSummaries, decide, describeVerdict, PlanDecision, ttlMigratesOn, Verdict } from "../sql/compat";
import { compilable, OnIncompatible, planFile, planUri, takePlan, writePlan } from "./sql-plan";
import { redactSecrets } from "../core/redact";
import * as fs from "fs";

/**
 * The gateway answered that a statement of the job's SQL fails (not that it could not be reached).
 * It carries no cause: the gateway's error quotes the statement, so only the redacted message travels.
 */
export class SqlStatementError extends DeployError {}

export interface SqlDefinition {
    name: string;
    sql: string | string[];
    /** `uri` entries go to ADD JAR as written; the others are resolved to a local file first. */
    dependencies: (JarSpec & { uri?: string })[];
    parallelism?: number;
    configuration: Record<string, string | number | boolean>;
    /** Hash of the variables the SQL uses: a changed value is a changed definition. */
    variablesHash: string;
    /** Written into the job's pipeline.global-job-parameters at submit; not part of the definition hash. */
    labels?: Record<string, string>;
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
    /** Deploy from a compiled plan pinned to `pinTo` (the running version's); absent: INSERT as written. */
    plan?: { pinTo?: PlanSummary; onIncompatible: OnIncompatible; allowNonRestoredState: boolean };
    /** Why there is no plan (for the verdict). */
    noPlan?: string;
    /** No plan now, but the running version runs from one (its ids are pinned): what the job says to do then. */
    leavesPlan?: { onIncompatible: OnIncompatible };
    /** Per-request timeout of the gateway client (preview uses a short one). */
    timeoutMs?: number;
    /** The job id state records (absent on a first create): what an error says it left as it was. */
    deployedJobId?: string;
}

/**
 * What a failure before anything was stopped or submitted leaves: the deployed job as it was, or,
 * on a first create, nothing (there is no job to speak of).
 */
export function nothingTouched(deployedJobId: string | undefined): string {
    return deployedJobId ? `nothing stopped or submitted; job ${deployedJobId} as it was` : "nothing stopped or submitted";
}

/** What compiling a version says: the verdict against the running version, or why there is none. */
export interface SqlCheck {
    verdict: Verdict | undefined;
    /** One line: "compatible", "incompatible: …", "unknown: …". */
    text: string;
    decision: PlanDecision | undefined;
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

/**
 * The running version runs from a plan with pinned ids and this one cannot be deployed from a plan
 * (its gateway is no longer on this machine, it became bounded): submitted as written, every
 * operator gets Flink's hashed id and none finds its state. Refused unless the job says otherwise.
 */
export function leavingPlan(onIncompatible: OnIncompatible, why: string): SqlCheck {
    const text =
        `incompatible: the running version runs from a compiled plan with pinned operator ids, and this one cannot (${why}): ` +
        `submitted as written, no operator finds its state`;
    if (onIncompatible === "try") return { verdict: undefined, text, decision: undefined }; // tried as usual: rolled back if Flink cannot restore
    if (onIncompatible === "drop-state")
        return {
            verdict: undefined,
            text,
            decision: {
                action: "deploy",
                keep: new Map(),
                allowNonRestoredState: true,
                text: 'DROPS STATE of every operator (upgrade.onIncompatible = "drop-state"): the job starts empty',
            },
        };
    return {
        verdict: undefined,
        text,
        decision: {
            action: "refuse",
            text: "up refuses this change before touching the running job",
            fix:
                "deploy it where its gateway runs on this machine again (sqlGatewayOnThisMachine), " +
                'or set upgrade.onIncompatible to "drop-state" to start it empty',
        },
    };
}

/** A SQL version: a JobVersion that can also be judged against the running one. */
export interface SqlVersion extends JobVersion {
    check(): Promise<SqlCheck>;
    /** What the deployed plan looks like (state-bearing nodes with their pinned ids); undefined without a plan. */
    deployedPlan(): Promise<PlanSummary | undefined>;
}

export function sqlVersion(def: SqlDefinition, opts: SqlVersionOptions): SqlVersion {
    const statements = statementsOf(def.sql).map((s) => ({ ...s, resolved: substituteSql(s.text, opts.vars, "sql") }));
    const job = statements[statements.length - 1];
    const setup = statements.slice(0, -1);
    const gateway = (): GatewayClient =>
        createGatewayClient({ baseUrl: opts.gatewayUrl, headers: opts.headers, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs, retries: 0 } : {}) });
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
                        throw new SqlStatementError(`the SQL of job "${def.name}" fails at ${located(s, err)}: ${messageOf(err)}`, leftBehind);
                    });
                }
                return client.runStatement(session, lastText, { timeoutMs: 120_000 }).catch((err: unknown) => {
                    throw new SqlStatementError(`the SQL of job "${def.name}" fails at ${located(job, err, shift)}: ${messageOf(err)}`, leftBehind);
                });
            });
        });
    };

    const untouched = nothingTouched(opts.deployedJobId);
    let compiled: CompiledPlan | undefined;
    let checked: SqlCheck | undefined;
    let deployed: PlanSummary | undefined;
    const clean = (text: string) => redactSecrets(text, opts.secretValues);

    /** Compile the plan in a fresh session (ids start at 1), read it back here. */
    const compile = async (leftBehind: string): Promise<CompiledPlan> => {
        const file = planFile(def.name);
        try {
            // Identifiers only: the plan then holds no table options (passwords); EXECUTE PLAN finds the tables the setup statements create.
            await runScript(
                { ...config, "table.plan.compile.catalog-objects": "IDENTIFIER" },
                (stmt) => `COMPILE PLAN '${planUri(file)}' FOR ${compilable(stmt)}`,
                leftBehind,
            );
            try {
                return takePlan(file);
            } catch (err) {
                throw new DeployError(`the plan Flink compiled for job "${def.name}" could not be read from ${file}: ${messageOf(err)}`, leftBehind);
            }
        } finally {
            fs.rmSync(file, { force: true });
        }
    };

    /** Compile and judge against the running version; EXPLAIN only where there is no plan method. */
    const check = async (): Promise<SqlCheck> => {
        if (checked) return checked;
        if (!opts.plan) {
            await runScript({ ...config }, (stmt) => `EXPLAIN ${compilable(stmt)}`, untouched);
            if (opts.leavesPlan) return (checked = leavingPlan(opts.leavesPlan.onIncompatible, opts.noPlan ?? "not compiled to a plan"));
            return (checked = { verdict: undefined, decision: undefined, text: `unknown: ${opts.noPlan ?? "not compiled to a plan"}` });
        }
        compiled = await compile(untouched);
        if (!opts.plan.pinTo) return (checked = { verdict: undefined, decision: undefined, text: "new plan: every operator starts from its own state" });
        const verdict = compareSummaries(opts.plan.pinTo, summarizePlan(compiled, clean), { ttlMigrates: ttlMigratesOn(opts.flinkVersion) });
        return (checked = { verdict, decision: decide(verdict, opts.plan), text: describeVerdict(verdict) });
    };

    /** EXECUTE PLAN of the compiled plan, its state-bearing nodes pinned to the running version's ids. */
    const submitPlan = async (properties: Record<string, string>, jobId: string) => {
        const decision = (await check()).decision; // compiles the plan once per version
        const plan = compiled as CompiledPlan;
        const pinTo = opts.plan?.pinTo;
        const pinned = pinTo && decision?.action === "deploy" ? pinPlan(plan, decision.keep, pinTo.maxId) : plan;
        const file = writePlan(def.name, pinned);
        try {
            const result = await runScript(properties, () => `EXECUTE PLAN '${planUri(file)}'`, `job ${jobId} not submitted`);
            deployed = summarizePlan(pinned, clean);
            return result;
        } finally {
            fs.rmSync(file, { force: true });
        }
    };

    return {
        definitionHash: sqlDefinitionHash(def),
        check,
        async deployedPlan() {
            if (deployed || !opts.plan) return deployed;
            // The job runs this version but another run submitted it: the same compile pins the same ids.
            const decision = (await check()).decision;
            const pinTo = opts.plan.pinTo;
            return summarizePlan(
                pinTo && decision?.action === "deploy" ? pinPlan(compiled as CompiledPlan, decision.keep, pinTo.maxId) : (compiled as CompiledPlan),
                clean,
            );
        },
        async preflight() {
            const before = opts.deployedJobId ? `before touching job ${opts.deployedJobId}` : "before submitting it";
            opts.progress(opts.plan ? `compiling the SQL to a plan ${before}` : `compiling the SQL (EXPLAIN) ${before}`);
            // Preflight runs before anything is stopped: a job that runs keeps running, none is started.
            const result = await check();
            if (!result.verdict && !result.decision) return;
            opts.progress(`state verdict: ${result.text}`);
            if (result.decision?.action === "refuse")
                throw new DeployError(`job "${def.name}": state verdict ${result.text}; ${result.decision.text}`, `${untouched}; ${result.decision.fix}`);
        },
        async submit(jobId: string, given: RestoreRequest | undefined) {
            const keys = restoreKeys(opts.flinkVersion);
            // drop-state (and allowNonRestoredState for removed operators) skips what has no operator now.
            const decision = given ? (await check()).decision : undefined;
            const restore = given && decision?.action === "deploy" ? { ...given, allowNonRestoredState: decision.allowNonRestoredState } : given;
            // Retained checkpoints are a restore point after a cancel (not part of the definition).
            const properties: Record<string, string> = {
                ...withRetainedCheckpoints(withLabelParameters(config, def.labels)),
                "pipeline.name": def.name,
                "$internal.pipeline.job-id": jobId,
                ...(def.parallelism !== undefined ? { "parallelism.default": String(def.parallelism) } : {}),
                ...(restore ? { [keys.path]: restore.path, [keys.ignoreUnclaimed]: String(restore.allowNonRestoredState) } : {}),
            };
            const result = opts.plan ? await submitPlan(properties, jobId) : await runScript(properties, (stmt) => stmt, `job ${jobId} not submitted`);
            if (result.jobId && result.jobId !== jobId) {
                throw new DeployError(
                    `the SQL Gateway submitted job ${result.jobId}, not the requested id ${jobId}`,
                    `job ${result.jobId} running; cancel it by hand`,
                );
            }
        },
    };
}
