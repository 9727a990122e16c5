/**
 * Compiled-plan files on the deploying machine, for a SQL Gateway that runs on it (a local
 * cluster): `COMPILE PLAN` writes where we read, `EXECUTE PLAN` reads what we wrote. The files
 * live only for the statement that needs them: a plan can quote a literal of the job's SQL.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CompiledPlan, parsePlan } from "../sql/plan";

export type OnIncompatible = "fail" | "drop-state" | "try";

/** Where plan files go: private to this user (the gateway runs as this user too). */
export function planDir(): string {
    const dir = process.env.PULUMI_FLINK_PLAN_DIR || path.join(os.tmpdir(), `pulumi-flink-plans-${os.userInfo().uid}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
}

/** A fresh file name for a plan of `job` (COMPILE PLAN refuses an existing file). */
export function planFile(job: string): string {
    return path.join(planDir(), `${job.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 60)}-${crypto.randomBytes(6).toString("hex")}.json`);
}

/** `file:///…` as Flink's SQL parser wants it inside a string literal. */
export const planUri = (file: string): string => `file://${file}`.replace(/'/g, "''");

/** The statement to compile: what `EXECUTE` wraps (COMPILE PLAN takes INSERT or STATEMENT SET). */
export const compilable = (stmt: string): string => stmt.replace(/^\s*EXECUTE\s+(?=STATEMENT\s+SET|INSERT)/i, "");

/** Read and remove the plan the gateway compiled into `file`. */
export function takePlan(file: string): CompiledPlan {
    try {
        return parsePlan(fs.readFileSync(file, "utf8"));
    } finally {
        fs.rmSync(file, { force: true });
    }
}

/** Write `plan` for EXECUTE PLAN; the caller removes it after the statement. */
export function writePlan(job: string, plan: CompiledPlan): string {
    const file = planFile(job);
    fs.writeFileSync(file, JSON.stringify(plan), { mode: 0o600 });
    return file;
}

/** Whether a SQL job can be deployed from a compiled plan, and why not (for the preview and the README). */
export function planMethod(opts: {
    gatewayLocal?: boolean;
    bounded: boolean;
    configuration: Record<string, unknown>;
    runningWithoutPlan: boolean;
}): string | undefined {
    if (opts.gatewayLocal !== true) return "its SQL Gateway runs on another machine: the plan it compiles cannot be read here";
    if (opts.bounded || String(opts.configuration["execution.runtime-mode"] ?? "").toLowerCase() === "batch")
        return "it is bounded: Flink compiles plans of streaming jobs only";
    if (opts.runningWithoutPlan)
        return (
            "its running version was deployed without a compiled plan, so its operator ids are Flink's hashes of its job graph; " +
            "it stays submitted as written (moving it to a plan would rename every operator)"
        );
    return undefined;
}
