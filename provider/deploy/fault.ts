/**
 * Crash injection for the crash-safety tests (never set in normal use): when
 * PULUMI_FLINK_FAULT names a step, the provider host kills the pulumi CLI and itself with
 * SIGKILL at that step, exactly like a power cut, so the tests can prove the next run converges.
 */
import * as fs from "fs";

export type FaultPoint = "after-stop" | "after-submit" | "during-gate";

export function faultPoint(point: FaultPoint): void {
    if (process.env.PULUMI_FLINK_FAULT !== point) return;
    process.stderr.write(`[pulumi-flink] fault injection: killing the pulumi CLI and the provider host at ${point}\n`);
    // Give the CLI a moment to print that line: a SIGKILLed CLI would swallow it.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    // The host runs under a shell script started by the CLI: kill up to the `pulumi` process.
    const victims = [process.pid];
    for (let pid = process.ppid; pid > 1 && victims.length < 4; pid = parentOf(pid)) {
        victims.push(pid);
        if (commandOf(pid) === "pulumi") break;
    }
    // Like a power cut, take the CLI's other processes too (the language host would be orphaned).
    const cli = victims[victims.length - 1];
    if (commandOf(cli) === "pulumi") victims.push(...descendantsOf(cli).filter((pid) => !victims.includes(pid)));
    for (const pid of [cli, ...victims.filter((pid) => pid !== cli && pid !== process.pid), process.pid]) {
        try {
            if (pid > 1) process.kill(pid, "SIGKILL");
        } catch {
            /* already gone */
        }
    }
}

/** Processes below `root` (Linux /proc). */
export function descendantsOf(root: number): number[] {
    const all = fs
        .readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .map(Number);
    const found: number[] = [];
    for (let frontier = [root]; frontier.length;) {
        const next = all.filter((pid) => frontier.includes(parentOf(pid)));
        found.push(...next);
        frontier = next;
    }
    return found;
}

function parentOf(pid: number): number {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
        return 0;
    }
}

function commandOf(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
        return "";
    }
}
