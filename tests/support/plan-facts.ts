/**
 * Real ground truth for SQL state compatibility: per edit (tests/support/plan-facts-edits.ts),
 * compile v1, run it to a checkpoint, stop it with a savepoint, compile v2, pin v2's node ids to
 * v1's (tests/support/plan-pin.ts) and restore the pinned plan (and, where pinning changes ids,
 * the plain v2 plan) from the savepoint on a real cluster, recording what Flink did.
 *
 * Node ids come from one counter per gateway process (measured on 1.20.3 and 2.3.0: a fresh session
 * does not reset it, and EXPLAIN advances it too), so a plan's absolute ids depend on what the
 * gateway compiled before; only ids relative to the plan's first are reproducible. Every statement
 * runs in a fresh session all the same. Plans name TEMPORARY tables only, so every EXECUTE PLAN
 * session runs the version's DDL first.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { FlinkClient } from "../../provider/flink";
import type { GatewayClient } from "../../provider/sqlgateway";
import { waitFor } from "./counter";
import type { JobVersion, PlanEdit } from "./plan-facts-edits";
import { type CompiledPlan, pinPlan } from "./plan-pin";

export interface PlanFactsContext {
    /** Flink version of the cluster, e.g. `2.3.0`. */
    version: string;
    flink: FlinkClient;
    gateway: GatewayClient;
    /** Where compiled plans and savepoints go; read by the gateway and the cluster (same machine). */
    scratch: string;
}

export type Result = "restored" | "failed";
export interface Outcome {
    result: Result;
    /** The line of Flink's error naming why (StateMigrationException, Cannot map …, other). */
    cause?: string;
    /** Highest parallelism among the restored job's tasks. */
    parallelism?: number;
}

/** A v1 job stopped with a savepoint: what a v2 restores from. */
export interface StoppedV1 {
    plan: CompiledPlan;
    savepoint: string;
    /** Flink version v1 was compiled and run on. */
    version: string;
}

/** outcome.json of an edit. */
export interface OutcomeFile {
    pinned: Result;
    pinnedCause?: string;
    /** Highest task parallelism of the restored pinned job (parallelism.default is not in the plan). */
    pinnedParallelism?: number;
    /**
     * The plain v2 plan, numbered as a fresh gateway numbers it (from v1's first id: node ids come
     * from one counter per gateway process, so a v2 compiled later on the same gateway shares no id
     * with v1 at all). Absent where that plan is the pinned one.
     */
    unpinned?: Result;
    unpinnedCause?: string;
    configV1: Record<string, string>;
    configV2: Record<string, string>;
    /** Session configuration of every session besides configV1/V2. */
    configCommon: Record<string, string>;
    /** v2 node id -> pinned id, for the ids pinning changed. */
    pinnedIds: Record<string, number>;
    v1FlinkVersion: string;
    v2FlinkVersion: string;
}

export interface EditFacts {
    v1: StoppedV1;
    v2Plan: CompiledPlan;
    pinnedPlan: CompiledPlan;
    /** The v2 plan renumbered from v1's first id, when it differs from the pinned one. */
    unpinnedPlan?: CompiledPlan;
    outcome: OutcomeFile;
}

/** Session configuration of every session; 1 s checkpoints so a v1 job has state to stop with soon. */
const COMMON = { "execution.checkpointing.interval": "1 s" };
const T = { timeoutMs: 120_000 };
const OBSERVE_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const minId = (plan: CompiledPlan) => Math.min(...plan.nodes.map((n) => n.id));

/** `plan` with every id moved by `by`: how the same plan looks compiled after more or fewer nodes on one gateway. */
export function shifted(plan: CompiledPlan, by: number): CompiledPlan {
    return {
        ...plan,
        nodes: plan.nodes.map((n) => ({ ...n, id: n.id + by })),
        edges: plan.edges.map((e) => ({ ...e, source: e.source + by, target: e.target + by })),
    };
}

/** Node ids and types of a plan, ids counted from its first (the part a recompile reproduces). */
export function shapeOf(plan: CompiledPlan): string[] {
    const first = minId(plan);
    return plan.nodes.map((n) => `${n.id - first + 1} ${n.type}`);
}

/** Per pinned node: its type and the v1 node (by position) whose id it kept, or `new`. */
export function pinningOf(v1: CompiledPlan, pinned: CompiledPlan): string[] {
    const index = new Map(v1.nodes.map((n, i) => [n.id, i]));
    return pinned.nodes.map((n) => `${n.type} <- ${index.has(n.id) ? `v1 node ${index.get(n.id)! + 1}` : "new"}`);
}

/** The version as one SQL script (DDL, then the compiled statement), its session configuration as comments. */
export function sqlOf(version: JobVersion): string {
    const config = Object.entries(version.config).map(([key, value]) => `-- session configuration: ${key} = ${value}\n`);
    return [...config, ...[...version.ddl, version.statement].map((s) => `${s};\n`)].join("");
}

async function compile(ctx: PlanFactsContext, version: JobVersion, file: string): Promise<CompiledPlan> {
    fs.rmSync(file, { force: true });
    await ctx.gateway.withSession({ ...COMMON, ...version.config }, async (s) => {
        for (const ddl of version.ddl) await ctx.gateway.runStatement(s, ddl, T);
        await ctx.gateway.runStatement(s, `COMPILE PLAN 'file://${file}' FOR ${version.statement}`, T);
    });
    return JSON.parse(fs.readFileSync(file, "utf8")) as CompiledPlan;
}

/** EXECUTE PLAN in a fresh session; the job id, or the submit error. */
async function execute(ctx: PlanFactsContext, version: JobVersion, file: string, props: Record<string, string>): Promise<{ jobId?: string; error?: Error }> {
    try {
        const result = await ctx.gateway.withSession({ ...COMMON, ...version.config, ...props }, async (s) => {
            for (const ddl of version.ddl) await ctx.gateway.runStatement(s, ddl, T);
            return ctx.gateway.runStatement(s, `EXECUTE PLAN 'file://${file}'`, T);
        });
        if (!result.jobId) throw new Error(`EXECUTE PLAN returned no job id: ${JSON.stringify(result.rows)}`);
        return { jobId: result.jobId };
    } catch (error) {
        return { error: error as Error };
    }
}

const NAMED = /(?:[\w.]*StateMigrationException|Cannot map checkpoint\/savepoint state).*/;

/**
 * The line of a Java error text (or of the gateway's summary of one) that says why a restore failed,
 * from the named exception on; object hashes (`Serializer@1d785f0f`) dropped, they differ per run.
 */
export function causeLine(text: string): string {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    const named = lines.map((l) => NAMED.exec(l)?.[0]).find((l) => l !== undefined);
    const line = named ?? lines.filter((l) => l.startsWith("Caused by:")).at(-1) ?? lines[0] ?? "";
    return line
        .replace(/^Caused by:\s*/, "")
        .replace(/@[0-9a-f]{6,8}\b/g, "")
        .slice(0, 400);
}

/** The kind of a cause line, the part of a cause that is stable across runs and releases. */
export function causeKind(cause: string | undefined): string | undefined {
    if (cause === undefined) return undefined;
    if (/StateMigrationException/.test(cause)) return "StateMigrationException";
    if (/Cannot map checkpoint\/savepoint state/.test(cause)) return "Cannot map checkpoint/savepoint state";
    return "other";
}

const allRunning = (job: Awaited<ReturnType<FlinkClient["job"]>>) => job.state === "RUNNING" && job.vertices.every((v) => v.status === "RUNNING");

async function cancel(ctx: PlanFactsContext, jobId: string): Promise<void> {
    await ctx.flink.cancelJob(jobId).catch(() => undefined);
    await waitFor(`job ${jobId} ended`, async () => ["CANCELED", "FAILED", "FINISHED"].includes((await ctx.flink.job(jobId)).state), 60_000, 500);
}

/**
 * Watch a restored job: `restored` once all its tasks run, it reports the restore from `savepoint`,
 * completed a checkpoint of its own and has no exception; `failed` on the first exception.
 */
async function observe(ctx: PlanFactsContext, jobId: string, savepoint: string): Promise<Outcome> {
    const deadline = Date.now() + OBSERVE_MS;
    let last = "not seen";
    while (Date.now() < deadline) {
        const exceptions = await ctx.flink.exceptions(jobId);
        const named = exceptions.find((e) => causeKind(causeLine(e.stacktrace)) !== "other") ?? exceptions[0];
        if (named) return { result: "failed", cause: causeLine(named.stacktrace) };
        const job = await ctx.flink.job(jobId);
        last = job.state;
        if (["FAILED", "CANCELED", "FINISHED"].includes(job.state)) return { result: "failed", cause: `job ${job.state} without an exception` };
        if (allRunning(job)) {
            const stats = await ctx.flink.checkpoints(jobId);
            const from = stats.latest.restored?.external_path;
            if (from !== undefined && from !== savepoint) throw new Error(`job ${jobId} restored from ${from}, not ${savepoint}`);
            if (from === savepoint && stats.counts.completed > 0)
                return { result: "restored", parallelism: Math.max(...job.vertices.map((v) => v.parallelism)) };
        }
        await sleep(500);
    }
    throw new Error(`no verdict on job ${jobId} within ${OBSERVE_MS} ms (last state ${last})`);
}

/** Submit `file` restoring from `v1.savepoint` and record what happened; the job is cancelled after. */
async function restore(ctx: PlanFactsContext, name: string, version: JobVersion, file: string, savepoint: string): Promise<Outcome> {
    // A fixed job id: a job whose restore fails at submit still shows up FAILED, with the whole
    // Java chain in its exceptions (the gateway's answer is cut short).
    const fixed = randomBytes(16).toString("hex");
    const props = { "pipeline.name": name, "execution.state-recovery.path": savepoint, "$internal.pipeline.job-id": fixed };
    const { jobId, error } = await execute(ctx, version, file, props);
    if (error) {
        const history = await ctx.flink.exceptions(fixed).catch(() => []);
        const full = history.map((e) => causeLine(e.stacktrace)).find((c) => causeKind(c) !== "other");
        return { result: "failed", cause: full ?? causeLine(error.message) };
    }
    try {
        return await observe(ctx, jobId!, savepoint);
    } finally {
        await cancel(ctx, jobId!);
    }
}

/** Compile and run v1 until a checkpoint completed, then stop it with a savepoint. */
export async function runV1(ctx: PlanFactsContext, edit: PlanEdit): Promise<StoppedV1> {
    const dir = path.join(ctx.scratch, edit.name);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `v1-${ctx.version}.json`);
    const plan = await compile(ctx, edit.v1, file);
    const { jobId, error } = await execute(ctx, edit.v1, file, { "pipeline.name": edit.name });
    if (error) throw error;
    try {
        await waitFor(
            `v1 of ${edit.name} running with a completed checkpoint`,
            async () => {
                if (!allRunning(await ctx.flink.job(jobId!))) return undefined;
                return (await ctx.flink.checkpoints(jobId!)).counts.completed > 0;
            },
            120_000,
            500,
        );
        const trigger = await ctx.flink.stopWithSavepoint(jobId!, { drain: false, targetDirectory: path.join(dir, `savepoints-${ctx.version}`) });
        const savepoint = await ctx.flink.waitForSavepoint(jobId!, trigger, { timeoutMs: 120_000 });
        return { plan, savepoint, version: ctx.version };
    } catch (err) {
        await cancel(ctx, jobId!);
        throw err;
    }
}

/** v2 of an edit against a stopped v1: compile, pin, restore pinned (and plain v2 where they differ). */
export async function runV2(ctx: PlanFactsContext, edit: PlanEdit, v1: StoppedV1, withUnpinned: boolean): Promise<EditFacts> {
    const dir = path.join(ctx.scratch, edit.name);
    const v2File = path.join(dir, `v2-${ctx.version}.json`);
    const v2Plan = await compile(ctx, edit.v2, v2File);
    const { plan: pinnedPlan, ids } = pinPlan(v1.plan, v2Plan);
    const pinnedFile = path.join(dir, `pinned-${ctx.version}.json`);
    fs.writeFileSync(pinnedFile, JSON.stringify(pinnedPlan, null, 2));
    const changed = Object.fromEntries([...ids].filter(([from, to]) => from !== to).map(([from, to]) => [String(from), to]));
    const pinned = await restore(ctx, `${edit.name}-pinned`, edit.v2, pinnedFile, v1.savepoint);
    const plain = shifted(v2Plan, minId(v1.plan) - minId(v2Plan));
    const unpinnedPlan = withUnpinned && plain.nodes.some((n, i) => n.id !== pinnedPlan.nodes[i]!.id) ? plain : undefined;
    let unpinned: Outcome | undefined;
    if (unpinnedPlan) {
        const unpinnedFile = path.join(dir, `unpinned-${ctx.version}.json`);
        fs.writeFileSync(unpinnedFile, JSON.stringify(unpinnedPlan, null, 2));
        unpinned = await restore(ctx, `${edit.name}-unpinned`, edit.v2, unpinnedFile, v1.savepoint);
    }
    const outcome: OutcomeFile = {
        pinned: pinned.result,
        ...(pinned.cause !== undefined ? { pinnedCause: pinned.cause } : {}),
        ...(pinned.parallelism !== undefined ? { pinnedParallelism: pinned.parallelism } : {}),
        ...(unpinned ? { unpinned: unpinned.result, ...(unpinned.cause !== undefined ? { unpinnedCause: unpinned.cause } : {}) } : {}),
        configV1: edit.v1.config,
        configV2: edit.v2.config,
        configCommon: COMMON,
        pinnedIds: changed,
        v1FlinkVersion: v1.version,
        v2FlinkVersion: ctx.version,
    };
    return { v1, v2Plan, pinnedPlan, ...(unpinnedPlan ? { unpinnedPlan } : {}), outcome };
}

/** tests/fixtures/sql-plans/<line>/<edit>. */
export function factsDir(root: string, version: string, edit: PlanEdit): string {
    return path.join(root, version, edit.name);
}

export function writeFacts(dir: string, edit: PlanEdit, facts: EditFacts): void {
    fs.mkdirSync(dir, { recursive: true });
    const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
    fs.writeFileSync(path.join(dir, "v1.sql"), sqlOf(edit.v1));
    fs.writeFileSync(path.join(dir, "v2.sql"), sqlOf(edit.v2));
    fs.writeFileSync(path.join(dir, "v1.json"), json(facts.v1.plan));
    fs.writeFileSync(path.join(dir, "v2.json"), json(facts.v2Plan));
    fs.writeFileSync(path.join(dir, "pinned.json"), json(facts.pinnedPlan));
    if (facts.unpinnedPlan) fs.writeFileSync(path.join(dir, "unpinned.json"), json(facts.unpinnedPlan));
    else fs.rmSync(path.join(dir, "unpinned.json"), { force: true });
    fs.writeFileSync(path.join(dir, "outcome.json"), json(facts.outcome));
}

export function readOutcome(dir: string): OutcomeFile {
    return JSON.parse(fs.readFileSync(path.join(dir, "outcome.json"), "utf8")) as OutcomeFile;
}
