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
    // The host runs under a shell script started by the CLI: kill up to the `pulumi` process.
    const victims = [process.pid];
    for (let pid = process.ppid; pid > 1 && victims.length < 4; pid = parentOf(pid)) {
        victims.push(pid);
        if (commandOf(pid) === "pulumi") break;
    }
    for (const pid of victims.reverse()) {
        try {
            if (pid > 1) process.kill(pid, "SIGKILL");
        } catch {
            /* already gone */
        }
    }
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
