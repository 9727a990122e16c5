/**
 * The status of one or several stacks as one plain-text table for terminals and CI logs (pure):
 * a STACK column when several stacks are shown, the owner from labels, the restore point a
 * restart would use now, and the log links of each cluster below the table.
 */
import { fmtAge, StatusReport, StatusRow } from "./report";
import type { RestoreNow } from "./restore";

/** One stack's outcome: its report, or why it could not be read. */
export type StackOutcome = { stack: string; report: StatusReport } | { stack: string; problem: string };

/** 0 every declared job runs; 1 a declared job does not; 2 a stack cannot be read: the worst stack wins. */
export function exitCodeOf(outcomes: readonly StackOutcome[]): 0 | 1 | 2 {
    if (outcomes.some((o) => "problem" in o)) return 2;
    return outcomes.some((o) => "report" in o && !o.report.ok) ? 1 : 0;
}

const last = (p: string) => p.replace(/\/+$/, "").split("/").pop() || p;

export function describeRestore(r: RestoreNow | undefined, now: number): string {
    if (!r) return "-";
    if (r.kind === "savepoint" || r.kind === "checkpoint") return `${last(r.path ?? "")}${r.at ? ` (${fmtAge(Math.max(0, now - r.at))} ago)` : ""}`;
    return { empty: "empty state", refused: "none (up refuses)", stateless: "stateless", unknown: "unknown" }[r.kind];
}

function table(rows: readonly StatusRow[], withStack: boolean, now: number): string[] {
    const header = ["JOB", "CLUSTER", "STATE", "UPTIME", "OWNER", "LAST CHECKPOINT", "LAST SAVEPOINT", "RESTORE POINT", "RESTARTS", "WEB UI"];
    const age = (ms?: number) => (ms === undefined ? "-" : `${fmtAge(ms)} ago`);
    const cells = rows.map((r) => [
        `${r.ok ? "" : "! "}${r.job}`,
        r.cluster,
        r.state,
        r.uptimeMs === undefined ? "-" : fmtAge(r.uptimeMs),
        r.owner ?? "-",
        r.noCheckpoint ? "none" : age(r.lastCheckpointAgeMs),
        r.lastSavepoint ? `${r.lastSavepoint}${r.lastSavepointAgeMs === undefined ? "" : ` (${fmtAge(r.lastSavepointAgeMs)} ago)`}` : "-",
        describeRestore(r.restorePoint, now),
        r.restarts === undefined ? "-" : String(r.restarts),
        r.webUi ?? "-",
    ]);
    const all = withStack ? [["STACK", ...header], ...cells.map((c, i) => [rows[i].stack ?? "?", ...c])] : [header, ...cells];
    const widths = all[0].map((_h, i) => Math.max(...all.map((r) => r[i].length)));
    return all.map((cs) => cs.map((c, i) => (i === cs.length - 1 ? c : c.padEnd(widths[i]))).join("  "));
}

/** Each cluster's log links once (from its first row). */
function logLines(rows: readonly StatusRow[], withStack: boolean): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const r of rows) {
        const where = withStack ? `${r.stack}/${r.cluster}` : r.cluster;
        if (!r.logs || seen.has(where)) continue;
        seen.add(where);
        out.push(`  ${where}: JobManager ${r.logs.jobManager}`);
        for (const tm of r.logs.taskManagers) out.push(`    TaskManager ${tm}`);
        for (const f of r.logs.files) out.push(`    file ${f}`);
    }
    return out.length ? ["Logs:", ...out, ""] : [];
}

export function renderFleet(outcomes: readonly StackOutcome[], now: number): string {
    const withStack = outcomes.length > 1;
    const reports = outcomes.flatMap((o) => ("report" in o ? [o] : []));
    const rows = reports.flatMap((o) => o.report.rows.map((r) => ({ ...r, stack: o.stack })));
    const out: string[] = [];
    for (const o of outcomes) {
        if ("problem" in o) out.push(`! Stack ${o.stack}: cannot be read: ${o.problem}`);
        else out.push(`Stack ${o.stack}: ${o.report.rows.length} declared job(s), ${o.report.rows.filter((r) => !r.ok).length} not running`);
    }
    out.push("");
    if (rows.length) out.push(...table(rows, withStack, now), "");
    const where = (r: StatusRow) => (withStack ? `${r.stack}/${r.cluster}` : r.cluster);
    const problems = rows.filter((r) => !r.ok);
    if (problems.length) out.push("Not running:", ...problems.map((r) => `  ! ${r.job} (${where(r)}): ${r.problem ?? r.state}`), "");
    out.push(...logLines(rows, withStack));
    for (const o of reports) {
        for (const [cluster, n] of Object.entries(o.report.undeclaredRunning))
            out.push(`${withStack ? `${o.stack}/` : ""}${cluster}: ${n} running job(s) not declared in this stack`);
        out.push(...o.report.notes);
    }
    const requests = reports.reduce((n, o) => n + o.report.requests, 0);
    out.push(
        `${requests} REST request(s): /jobs/overview and /taskmanagers per cluster, then checkpoints and restarts per running declared job, ` +
            "and checkpoints of ended generations for restore points.",
        "",
    );
    return out.join("\n");
}

/** One stack as before: the same table without a STACK column. */
export function renderStatus(report: StatusReport, now = Date.now()): string {
    return renderFleet([{ stack: report.stack ?? "?", report }], now);
}
