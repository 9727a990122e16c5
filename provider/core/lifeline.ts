/**
 * The provider host must not outlive the pulumi CLI that started it.
 *
 * Seen after `kill -9` of `pulumi up` mid-upgrade: every dynamic-provider host stayed alive with
 * parent 1, one spinning in `write EPIPE` -> uncaught-exception handler -> `console.warn` ->
 * `write EPIPE` (its stderr pipe was gone), and an orphan's in-flight update could go on stopping,
 * submitting or rolling back a job while the user's next `pulumi up` converged the same job.
 *
 * So the host watches the CLI: its output pipes breaking, or the CLI process ending. Then
 * {@link engineGone} is aborted — deploy steps check it before every action on Flink, so no new
 * step is taken — and the process exits after a short grace period for the REST call in flight.
 * The next `pulumi up` is then the only actor, and converges from what Flink has.
 */
import * as fs from "fs";
import { DeployError, messageOf } from "./errors";

const controller = new AbortController();

/** Aborted once the pulumi CLI that started this host is gone (see the module comment). */
export const engineGone: AbortSignal = controller.signal;

/** The fields of `/proc/<pid>/stat` this module needs. */
export interface ProcStat {
    pid: number;
    comm: string;
    ppid: number;
    /** Clock ticks after boot: with the pid, identifies a process across pid reuse. */
    startTime: string;
}

/** Parse `/proc/<pid>/stat`; the command name may hold spaces and parentheses, so split at the last `)`. */
export function parseStat(text: string): ProcStat | undefined {
    const open = text.indexOf("(");
    const close = text.lastIndexOf(")");
    if (open < 0 || close < open) return undefined;
    const rest = text.slice(close + 2).split(" "); // state ppid pgrp ... ; starttime is field 22 overall
    const pid = Number(text.slice(0, open).trim());
    const ppid = Number(rest[1]);
    const startTime = rest[19];
    if (!Number.isInteger(pid) || !Number.isInteger(ppid) || startTime === undefined) return undefined;
    return { pid, comm: text.slice(open + 1, close), ppid, startTime };
}

export type StatReader = (pid: number) => ProcStat | undefined;

const readStat: StatReader = (pid) => {
    try {
        return parseStat(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return undefined;
    }
};

/** Shells that wrap the host: `pulumi-resource-pulumi-nodejs` is a sh script that runs node without exec. */
const WRAPPERS = new Set(["sh", "dash", "bash"]);

/** The process that started the host: the parent, or the parent's parent when the parent is a wrapper shell. */
export function engineOf(parentPid: number, stat: StatReader = readStat): ProcStat | undefined {
    const parent = stat(parentPid);
    if (!parent || !WRAPPERS.has(parent.comm)) return parent;
    return stat(parent.ppid);
}

/** Whether `engine` still runs: the same pid with the same start time, and not a zombie we could confuse. */
export function stillRunning(engine: ProcStat, stat: StatReader = readStat): boolean {
    const now = stat(engine.pid);
    return now !== undefined && now.startTime === engine.startTime;
}

export interface LifelineOptions {
    pollMs?: number;
    /** How long the REST call in flight may take before the host exits. */
    graceMs?: number;
    exit?: (code: number) => void;
    stat?: StatReader;
    parentPid?: number;
    streams?: NodeJS.EventEmitter[];
}

let installed = false;

/**
 * Watch the CLI from inside the provider host. Only in the host (its entry script is Pulumi's
 * `dynamic-provider`): tests and programs that import the provider code are left alone.
 */
export function installLifeline(opts: LifelineOptions = {}): boolean {
    if (installed) return false;
    installed = true;
    const { pollMs = 1_000, graceMs = 5_000, exit = (code: number) => process.exit(code), stat = readStat } = opts;
    const engine = engineOf(opts.parentPid ?? process.ppid, stat);
    const gone = (why: string) => {
        if (controller.signal.aborted) return;
        controller.abort(new Error(`the pulumi CLI is gone (${why}); no further step is taken`));
        setTimeout(() => exit(1), graceMs).unref();
    };
    for (const stream of opts.streams ?? [process.stdout, process.stderr]) {
        // Without a listener, a broken pipe is an uncaught exception whose handler writes to the same pipe.
        stream.on("error", (err: NodeJS.ErrnoException) => gone(`its output pipe broke: ${err.code ?? err.message}`));
    }
    if (engine) {
        const timer = setInterval(() => {
            if (!stillRunning(engine, stat)) gone(`process ${engine.pid} (${engine.comm}) ended`);
        }, pollMs);
        timer.unref();
    }
    return true;
}

/** True when this process is Pulumi's dynamic-provider host. */
export function inProviderHost(argv: readonly string[] = process.argv): boolean {
    return argv.some((a) => /[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/.test(a));
}

/**
 * Call before every action on Flink (stop, submit, cancel, rollback): once the CLI is gone, the
 * next `pulumi up` owns the job, so this host takes no further step.
 * @throws DeployError naming the step that was not taken and what was left as it is.
 */
export function assertEngineAlive(step: string, leftAsIs: string): void {
    if (engineGone.aborted)
        throw new DeployError(`${step} was not started: ${messageOf(engineGone.reason)}`, `${leftAsIs}; the next \`pulumi up\` converges from what Flink has`);
}
