import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { LocalLayout } from "./layout";

/** A JVM of one local cluster. */
export interface ClusterProcess {
    pid: number;
    role: "jobmanager" | "taskmanager" | "sqlgateway";
}

function commandLine(pid: number): string | undefined {
    try {
        if (fs.existsSync(`/proc/${pid}/cmdline`)) return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
        return execFileSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8" }).trim() || undefined;
    } catch {
        return undefined;
    }
}

/**
 * Live processes that belong to this cluster: listed in its pid files AND running with its
 * configuration folder. The second test matters: after a reboot a recycled pid may belong to
 * something else, which we must never kill.
 */
export function clusterProcesses(layout: LocalLayout): ClusterProcess[] {
    if (!fs.existsSync(layout.pidDir)) return [];
    const found: ClusterProcess[] = [];
    for (const file of fs.readdirSync(layout.pidDir)) {
        if (!file.endsWith(".pid")) continue;
        // Flink's daemon script names pid files flink-<ident>-<entrypoint>.pid.
        const role = file.includes("standalonesession")
            ? "jobmanager"
            : file.includes("taskexecutor")
              ? "taskmanager"
              : file.includes("sql-gateway")
                ? "sqlgateway"
                : undefined;
        if (!role) continue;
        const pids = fs.readFileSync(path.join(layout.pidDir, file), "utf8").split(/\s+/).filter(Boolean).map(Number);
        for (const pid of pids) {
            const cmd = commandLine(pid);
            if (cmd && cmd.includes(layout.confDir)) found.push({ pid, role });
        }
    }
    return found;
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stop exactly this cluster's JVMs: SIGTERM (Flink shuts down cleanly), then SIGKILL after the
 * grace period. Returns the pids that were stopped.
 */
export async function stopProcesses(layout: LocalLayout, graceMs = 20_000): Promise<number[]> {
    const procs = clusterProcesses(layout);
    // The SQL Gateway first (it submits to the cluster), then task managers, so the job manager
    // does not spend the grace period restarting tasks.
    const ordered = [
        ...procs.filter((p) => p.role === "sqlgateway"),
        ...procs.filter((p) => p.role === "taskmanager"),
        ...procs.filter((p) => p.role === "jobmanager"),
    ];
    for (const p of ordered) {
        try {
            process.kill(p.pid, "SIGTERM");
        } catch {
            /* already gone */
        }
    }
    const deadline = Date.now() + graceMs;
    while (ordered.some((p) => alive(p.pid)) && Date.now() < deadline) await sleep(200);
    for (const p of ordered) {
        if (alive(p.pid)) {
            try {
                process.kill(p.pid, "SIGKILL");
            } catch {
                /* gone between the check and the kill */
            }
        }
    }
    while (ordered.some((p) => alive(p.pid))) await sleep(100);
    for (const file of fs.existsSync(layout.pidDir) ? fs.readdirSync(layout.pidDir) : []) {
        if (file.endsWith(".pid")) fs.rmSync(path.join(layout.pidDir, file), { force: true });
    }
    return ordered.map((p) => p.pid);
}
