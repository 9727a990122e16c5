/**
 * A job's inputs as deployable versions (JAR or SQL) and the pieces every provider call needs:
 * its variables, its connection, its deploy context, and the preview's SQL state clause.
 */
import type { Connection } from "../core/connection";
import { connect } from "../flink/connect";
import { DeployContext, JobVersion } from "../deploy/redeploy";
import { DeployError } from "../core/errors";
import { progressFor } from "../core/log";
import { redactedProgress, withRedaction } from "../core/redact";
import { unknownPaths } from "../core/unknown";
import { mergeVariables, onlyUsed, VariableSetRef } from "../variables/merge";
import { findReferences, stringsIn, usedVariablesHash } from "../core/substitute";
import type { PlanSummary } from "../sql/plan";
import { jarVersion } from "./jar";
import { PREVIEW_GATEWAY_TIMEOUT_MS, previewSql, verdictClause } from "./preview";
import { JobArgs } from "./schema";
import { nothingTouched, sqlVersion, SqlVersion } from "./sql";
import { planMethod } from "./sql-plan";

/** Validated inputs plus what check and the variables add. */
export type Desired = JobArgs & { artifactDigest?: string; variablesHash: string };

/** The texts that may use `${NAME}`: a changed value of a variable they use is a redeploy. */
export function texts(args: JobArgs): string[] {
    return stringsIn([args.sql ?? [], args.args, args.configuration]);
}

/**
 * The job's VariableSets as its checked inputs (and so its state) keep them: only the variables
 * its texts and its component's argument checks use. Check has already judged the whole sets
 * (names no set defines, ambiguous names), so nothing later needs the other variables.
 */
export function usedVariableSets(args: JobArgs): VariableSetRef[] {
    const used = new Set([...texts(args), ...(args.componentChecks ?? []).map((c) => c.text)].flatMap(findReferences));
    return onlyUsed(args.variables ?? [], used);
}

export function variablesOf(args: JobArgs) {
    const merged = mergeVariables(args.variables ?? []);
    return { ...merged, hash: usedVariablesHash(texts(args), merged.vars) };
}

export function connectionOf(args: JobArgs): Connection {
    const cluster = args.cluster as JobArgs["cluster"] & { connection?: Connection };
    return cluster.connection ?? { restUrl: cluster.restUrl };
}

export function context(args: JobArgs): DeployContext {
    // Progress lines can quote Flink's and the gateway's errors, which may quote a piece of a secret.
    const progress = redactedProgress(progressFor(`FlinkJob ${args.name}`), mergeVariables(args.variables ?? []).secretValues);
    return { client: connect(connectionOf(args)), restUrl: args.cluster.restUrl, name: args.name, progress };
}

/** The running version in state, for a SQL version: its plan (to pin to), or that it ran without one. */
export interface Running {
    /** The job id state records. */
    jobId?: string;
    sqlPlan?: PlanSummary;
    sql?: unknown;
}

/** The deployable version of a job definition: a JAR or a SQL script. */
export function versionOf(
    args: Desired,
    ctx: DeployContext,
    running?: Running,
    knownJarId?: string,
    timeoutMs?: number,
): JobVersion & { jarId(): string | undefined; sql?: SqlVersion } {
    const vars = variablesOf(args);
    if (args.sql === undefined)
        return jarVersion(
            { ...args, jar: args.jar ?? {} },
            { client: ctx.client, flinkVersion: args.cluster.flinkVersion, progress: ctx.progress, knownJarId, vars: vars.vars },
        );
    const conn = connectionOf(args) as Connection & { sqlGatewayUrl?: string };
    if (!conn.sqlGatewayUrl) {
        throw new DeployError(
            `job "${args.name}" is a SQL job, but the cluster at ${args.cluster.restUrl} has no SQL Gateway`,
            `${nothingTouched(running?.jobId)}; enable sqlGateway on a local SessionCluster, or set sqlGatewayUrl on a remote one`,
        );
    }
    const noPlan = planMethod({
        gatewayLocal: args.cluster.gatewayLocal,
        bounded: args.bounded,
        configuration: args.configuration,
        runningWithoutPlan: running?.sql !== undefined && running.sqlPlan === undefined,
    });
    const plan = noPlan
        ? undefined
        : { pinTo: running?.sqlPlan, onIncompatible: args.upgrade.onIncompatible ?? "fail", allowNonRestoredState: args.upgrade.allowNonRestoredState };
    const version = sqlVersion(
        { ...args, sql: args.sql, dependencies: args.dependencies, variablesHash: vars.hash },
        {
            plan,
            noPlan,
            ...(noPlan && running?.sqlPlan ? { leavesPlan: { onIncompatible: args.upgrade.onIncompatible ?? "fail" } } : {}),
            timeoutMs,
            gatewayUrl: conn.sqlGatewayUrl,
            headers: conn.headers,
            flinkVersion: args.cluster.flinkVersion,
            vars: vars.vars,
            secretValues: vars.secretValues,
            progress: ctx.progress,
            deployedJobId: running?.jobId,
        },
    );
    return { ...version, jarId: () => undefined, sql: version };
}

/** The preview's state clause of a changed SQL job: compiled and judged, or why not. */
export async function sqlVerdict(args: JobArgs, olds: Running): Promise<string> {
    const unknown = unknownPaths(args);
    if (unknown.length) {
        const named = unknown.slice(0, 3).join(", ") + (unknown.length > 3 ? ` and ${unknown.length - 3} more` : "");
        return verdictClause({ compiled: false, why: `${named} not known in preview (set by a resource this update changes)` }).text;
    }
    const gatewayUrl = (connectionOf(args) as Connection & { sqlGatewayUrl?: string }).sqlGatewayUrl;
    if (!gatewayUrl) return verdictClause({ compiled: false, why: "the cluster's connection names no SQL Gateway" }).text;
    const desired = { ...args, variablesHash: variablesOf(args).hash };
    const secrets = variablesOf(args).secretValues;
    const version = versionOf(desired, context(args), olds, undefined, PREVIEW_GATEWAY_TIMEOUT_MS).sql as SqlVersion;
    return withRedaction(secrets, async () => verdictClause(await previewSql(gatewayUrl, version)).text);
}
