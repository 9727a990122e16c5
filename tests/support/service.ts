/**
 * A long-running test service (Kafka, PostgreSQL, MariaDB) started in its own process group, so
 * stopping it kills everything it forked. Every started service is also killed when the Jest
 * worker exits, so a failing test leaves nothing running.
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";

export interface Service {
    name: string;
    pid: number;
    logFile: string;
    /** The last lines of the service's log, for error messages. */
    logTail(lines?: number): string;
    /** Whether the process has exited (it should not, while a test uses it). */
    exited(): boolean;
    /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the leader is gone. */
    stop(graceMs?: number): Promise<void>;
}

export interface ServiceOptions {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    logFile: string;
    /** Run as this user id (PostgreSQL refuses to run as root). */
    uid?: number;
    gid?: number;
}

const running = new Set<number>();
process.once("exit", () => {
    for (const pid of running) killGroup(pid, "SIGKILL");
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(-pid, signal);
    } catch {
        // already gone
    }
}

export function tail(file: string, lines = 20): string {
    if (!fs.existsSync(file)) return `(no log at ${file})`;
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

export function startService(name: string, command: string, args: string[], opts: ServiceOptions): Service {
    const out = fs.openSync(opts.logFile, "a");
    const child = spawn(command, args, {
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env },
        uid: opts.uid,
        gid: opts.gid,
        detached: true, // its own process group: stop() kills the group
        stdio: ["ignore", out, out],
    });
    fs.closeSync(out);
    if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
    const pid = child.pid;
    running.add(pid);
    let exitedAt: number | undefined;
    const gone = new Promise<void>((resolve) =>
        child.once("exit", () => {
            exitedAt = Date.now();
            resolve();
        }),
    );
    child.unref();
    return {
        name,
        pid,
        logFile: opts.logFile,
        logTail: (lines) => tail(opts.logFile, lines),
        exited: () => exitedAt !== undefined,
        async stop(graceMs = 15_000) {
            killGroup(pid, "SIGTERM");
            const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
            await gone;
            clearTimeout(timer);
            killGroup(pid, "SIGKILL"); // anything it forked that ignored SIGTERM
            running.delete(pid);
        },
    };
}

export interface RunOptions {
    env?: NodeJS.ProcessEnv;
    input?: string;
    uid?: number;
    gid?: number;
    timeoutMs?: number;
}

/** Run a command to completion; rejects with its output when it exits non-zero. */
export function run(command: string, args: string[], opts: RunOptions = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = execFile(
            command,
            args,
            {
                env: { ...process.env, ...opts.env },
                uid: opts.uid,
                gid: opts.gid,
                timeout: opts.timeoutMs ?? 120_000,
                maxBuffer: 64 * 1024 * 1024,
            },
            (err, stdout, stderr) => {
                if (err) reject(new Error(`${command} ${args.join(" ")} failed: ${err.message}\n${stderr}${stdout}`.trim()));
                else resolve(stdout);
            },
        );
        if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
}
