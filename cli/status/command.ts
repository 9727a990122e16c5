/** `pulumi-flink status`: read the stacks with the pulumi CLI, ask the clusters, print one table. */
import { execFile } from "child_process";
import { CommandResult } from "../review/command";
import { probeClusters } from "./probe";
import { buildStatus, StatusReport } from "./report";
import { exitCodeOf, renderFleet, StackOutcome } from "./render";
import { parseStackExport } from "./stack";

/** Stacks read at once: each is a `pulumi` process (and its backend login). */
const STACK_CONCURRENCY = 4;

export interface StatusOptions {
    /** The stacks; none: the selected stack. */
    stacks: string[];
    /** Every stack of the project (`pulumi stack ls`). */
    all: boolean;
    cwd?: string;
    json: boolean;
    showSecrets: boolean;
}

function pulumi(args: string[], cwd: string | undefined): Promise<{ ok: true; text: string } | { ok: false; problem: string }> {
    return new Promise((resolve) => {
        execFile("pulumi", args, { cwd, maxBuffer: 512 * 1024 * 1024, env: process.env }, (err, stdout, stderr) => {
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

/** The project's stack names, from `pulumi stack ls --json`. */
async function allStacks(cwd: string | undefined): Promise<{ ok: true; stacks: string[] } | { ok: false; problem: string }> {
    const listed = await pulumi(["stack", "ls", "--json", "--non-interactive"], cwd);
    if (!listed.ok) return listed;
    try {
        const stacks = (JSON.parse(listed.text) as { name: string }[]).map((s) => s.name.split("/").pop() ?? s.name);
        return stacks.length ? { ok: true, stacks } : { ok: false, problem: "the project has no stack (`pulumi stack ls` lists none)" };
    } catch {
        return { ok: false, problem: "`pulumi stack ls --json` did not print JSON" };
    }
}

async function oneStack(stack: string | undefined, options: StatusOptions, now: () => number): Promise<StackOutcome> {
    const args = ["stack", "export", ...(stack ? ["--stack", stack] : []), ...(options.showSecrets ? ["--show-secrets"] : []), "--non-interactive"];
    const exported = await pulumi(args, options.cwd);
    if (!exported.ok) return { stack: stack ?? "(selected)", problem: exported.problem };
    const parsed = parseStackExport(exported.text);
    if (!parsed.ok) return { stack: stack ?? "(selected)", problem: parsed.problem };
    const name = stack ?? parsed.declared.stack ?? "?";
    if (parsed.declared.jobs.length === 0)
        return { stack: name, report: { stack: parsed.declared.stack, rows: [], undeclaredRunning: {}, notes: [], requests: 0, ok: true } };
    const { seen, requests } = await probeClusters(parsed.declared);
    return { stack: name, report: buildStatus(parsed.declared, seen, requests, now()) };
}

async function bounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    await Promise.all(
        Array.from({ length: Math.min(limit, items.length) }, async () => {
            while (next < items.length) {
                const i = next++;
                out[i] = await work(items[i]);
            }
        }),
    );
    return out;
}

export async function status(options: StatusOptions, now = () => Date.now()): Promise<CommandResult> {
    let stacks: (string | undefined)[] = [...new Set(options.stacks)];
    if (options.all) {
        const listed = await allStacks(options.cwd);
        if (!listed.ok) return { stdout: "", stderr: `pulumi-flink status: ${listed.problem}\n`, code: 2 };
        stacks = listed.stacks;
    }
    if (stacks.length === 0) stacks = [undefined];
    const outcomes = await bounded(stacks, STACK_CONCURRENCY, (s) => oneStack(s, options, now));
    const code = exitCodeOf(outcomes);
    const stderr = outcomes
        .map((o) => {
            const at = outcomes.length > 1 ? ` (stack ${o.stack})` : "";
            if ("problem" in o) return `pulumi-flink status: ${o.problem}${at}\n`;
            const bad = o.report.rows.filter((r) => !r.ok);
            return bad.length ? `pulumi-flink status: ${bad.length} declared job(s) not running${at}: ${bad.map((r) => r.job).join(", ")}\n` : "";
        })
        .join("");
    if (!options.json) {
        // One unreadable stack alone prints nothing but its reason (as before: code 2, stderr only).
        const stdout = outcomes.length === 1 && "problem" in outcomes[0] ? "" : renderFleet(outcomes, now());
        return { stdout, stderr, code };
    }
    return { stdout: `${JSON.stringify(jsonOf(outcomes, code), null, 2)}\n`, stderr, code };
}

/** One stack: its report as before; several: grouped by stack, with the overall verdict. */
function jsonOf(outcomes: readonly StackOutcome[], code: number): unknown {
    if (outcomes.length === 1) return "report" in outcomes[0] ? outcomes[0].report : { stack: outcomes[0].stack, problem: outcomes[0].problem };
    const stacks: Record<string, StatusReport | { problem: string }> = {};
    for (const o of outcomes) stacks[o.stack] = "report" in o ? o.report : { problem: o.problem };
    const requests = outcomes.reduce((n, o) => n + ("report" in o ? o.report.requests : 0), 0);
    return { stacks, ok: code === 0, code, requests };
}
