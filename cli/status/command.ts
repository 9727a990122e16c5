/** `pulumi-flink status`: read the stack with the pulumi CLI, ask the clusters, print the table. */
import { execFile } from "child_process";
import { CommandResult } from "../review/command";
import { probeClusters } from "./probe";
import { buildStatus, renderStatus } from "./report";
import { parseStackExport } from "./stack";

function stackExport(options: { stack?: string; cwd?: string; showSecrets: boolean }): Promise<{ ok: true; text: string } | { ok: false; problem: string }> {
    const args = [
        "stack",
        "export",
        ...(options.stack ? ["--stack", options.stack] : []),
        ...(options.showSecrets ? ["--show-secrets"] : []),
        "--non-interactive",
    ];
    return new Promise((resolve) => {
        execFile("pulumi", args, { cwd: options.cwd, maxBuffer: 512 * 1024 * 1024, env: process.env }, (err, stdout, stderr) => {
            if (err) {
                const why =
                    (err as NodeJS.ErrnoException).code === "ENOENT"
                        ? "the pulumi CLI is not on PATH"
                        : String(stderr || err.message)
                              .trim()
                              .split("\n")
                              .slice(-3)
                              .join(" ");
                resolve({ ok: false, problem: `\`pulumi ${args.join(" ")}\` failed: ${why}` });
            } else resolve({ ok: true, text: stdout });
        });
    });
}

export async function status(options: { stack?: string; cwd?: string; json: boolean; showSecrets: boolean }, now = () => Date.now()): Promise<CommandResult> {
    const exported = await stackExport(options);
    if (!exported.ok) return { stdout: "", stderr: `pulumi-flink status: ${exported.problem}\n`, code: 2 };
    const parsed = parseStackExport(exported.text);
    if (!parsed.ok) return { stdout: "", stderr: `pulumi-flink status: ${parsed.problem}\n`, code: 2 };
    if (parsed.declared.jobs.length === 0)
        return {
            stdout: options.json
                ? `${JSON.stringify({ stack: parsed.declared.stack, rows: [], ok: true, requests: 0 }, null, 2)}\n`
                : `Stack ${parsed.declared.stack ?? "?"} declares no FlinkJob.\n`,
            stderr: "",
            code: 0,
        };
    const { seen, requests } = await probeClusters(parsed.declared);
    const report = buildStatus(parsed.declared, seen, requests, now());
    const stdout = options.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report);
    const bad = report.rows.filter((r) => !r.ok);
    return {
        stdout,
        stderr: bad.length ? `pulumi-flink status: ${bad.length} declared job(s) not running: ${bad.map((r) => r.job).join(", ")}\n` : "",
        code: bad.length ? 1 : 0,
    };
}
