import { spawn } from "child_process";
import { Progress } from "./log";

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

/**
 * Run a command without a shell, streaming its stderr lines as progress. Resolves with the exit
 * code (never rejects on a non-zero exit; callers decide what failure means).
 */
export function run(
    command: string,
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string; progress?: Progress; timeoutMs?: number } = {},
): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let partial = "";
        const timer = options.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs) : undefined;
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => {
            const text = d.toString();
            stderr += text;
            if (!options.progress) return;
            const lines = (partial + text).split(/\r?\n|\r/);
            partial = lines.pop() ?? "";
            for (const line of lines) if (line.trim()) options.progress(line.trim());
        });
        child.on("error", reject);
        child.on("close", (code, signal) => {
            if (timer) clearTimeout(timer);
            resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
        });
    });
}
