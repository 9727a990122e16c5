/** The review as Markdown for a pull request comment (pure). */
import { THROUGH } from "../../provider/k8s/session-guard";
import { ACTIONS, ClusterReview, JobReview, Review, ReviewAction, stateLosses } from "./analyze";

/** A value inside a table cell or inline code: no pipes, backticks or line breaks. */
function cell(text: string): string {
    return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}
const code = (text: string) => `\`${text.replace(/`/g, "'").replace(/\r?\n/g, " ")}\``;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function counts(jobs: readonly JobReview[]): string {
    const parts = ACTIONS.map((a) => [a, jobs.filter((j) => j.action === a).length] as const)
        .filter(([, n]) => n > 0)
        .map(([a, n]) => `${n} ${a}`);
    const drops = jobs.filter((j) => j.dropsState).length;
    return `${parts.join(", ") || "no jobs"}${drops ? ` · **${drops} drop${drops === 1 ? "s" : ""} state**` : ""}`;
}

function clusterTitle(c: ClusterReview): string {
    return `${code(c.label)}${c.restUrl && c.restUrl !== c.label ? ` (${c.restUrl})` : ""}`;
}

function callout(kind: "CAUTION" | "WARNING", title: string, lines: string[]): string[] {
    return [`> [!${kind}]`, `> **${title}**`, ...lines.map((l) => `> ${l}`), ""];
}

function warnings(review: Review): string[] {
    const out: string[] = [];
    if (review.errors.length)
        out.push(
            ...callout(
                "CAUTION",
                "The preview failed: this report is incomplete",
                review.errors.map((e) => `- ${cell(e)}`),
            ),
        );
    const losses = stateLosses(review);
    const where = (j: JobReview) => review.clusters.find((c) => c.jobs.includes(j))!;
    if (losses.length) {
        out.push(
            ...callout(
                "CAUTION",
                `State would be lost: ${plural(losses.length, "job")}`,
                losses.map((j) => `- ${code(j.name)} on ${code(where(j).label)}: ${j.action}: ${j.stateImpact}`),
            ),
        );
    }
    const byText = new Map<string, JobReview[]>();
    for (const c of review.clusters) for (const j of c.jobs) for (const w of j.warnings) byText.set(w, [...(byText.get(w) ?? []), j]);
    for (const [text, jobs] of byText) {
        const title = text.startsWith("allowNonRestoredState") ? "allowNonRestoredState" : "Flink major version change";
        out.push(
            ...callout("WARNING", `${title}: ${plural(jobs.length, "job")}`, [...jobs.map((j) => `- ${code(j.name)} on ${code(where(j).label)}`), `${text}.`]),
        );
    }
    for (const c of review.clusters.filter((c) => c.sessionRestart?.refused || c.sessionRestart?.unknown)) {
        const refused = c.sessionRestart!.refused;
        out.push(
            ...callout(
                refused ? "CAUTION" : "WARNING",
                `Session cluster ${code(c.label)} restarts: ${refused ? "REFUSED at up while jobs run" : "which jobs run is unknown"}`,
                [
                    ...c.sessionRestart!.running.map((name) => `- ${code(name)} runs on it: the restart would kill it without a savepoint`),
                    `${cell(c.sessionRestart!.line)}.`,
                    `Way through: ${THROUGH}.`,
                ],
            ),
        );
    }
    for (const c of review.clusters.filter((c) => c.majorVersionChange)) {
        out.push(
            ...callout("WARNING", `Flink major version change on cluster ${code(c.label)}: ${c.majorVersionChange}`, [
                ...c.jobs.map((j) => `- ${code(j.name)} runs on it`),
                "Savepoints of one major version are not guaranteed to restore on the next; a local cluster refuses to restart while jobs run on it.",
                "Take a savepoint of every job, test the restore on the new version, and plan the switch (e.g. a new cluster beside the old one).",
            ]),
        );
    }
    return out;
}

function table(jobs: readonly JobReview[]): string[] {
    return [
        "| Job | Action | Caused by | State verdict | State |",
        "|---|---|---|---|---|",
        ...jobs.map(
            (j) =>
                `| ${code(j.name)}${j.resource !== j.name ? ` (${cell(j.resource)})` : ""} | ${j.dropsState ? `**${j.action}**` : j.action} | ` +
                `${cell(j.causes.join(", ") || "-")} | ${j.verdict === "incompatible" ? "**incompatible**" : j.verdict} | ` +
                `${cell(j.dropsState ? `**${j.stateImpact}**` : j.stateImpact)} |`,
        ),
    ];
}

function totals(review: Review): string[] {
    const used = ACTIONS.filter((a) => review.clusters.some((c) => c.jobs.some((j) => j.action === a)));
    const header = ["Cluster", "Jobs", ...used, "Drops state"];
    const row = (label: string, jobs: JobReview[]) => [
        label,
        String(jobs.length),
        ...used.map((a) => String(jobs.filter((j) => j.action === a).length)),
        String(jobs.filter((j) => j.dropsState).length),
    ];
    const rows = review.clusters.map((c) => row(code(c.label), c.jobs));
    if (review.clusters.length > 1)
        rows.push(
            row(
                "**all**",
                review.clusters.flatMap((c) => c.jobs),
            ),
        );
    return [
        "### Totals per cluster",
        "",
        `| ${header.join(" | ")} |`,
        `|${header.map(() => "---").join("|")}|`,
        ...rows.map((r) => `| ${r.join(" | ")} |`),
        "",
    ];
}

/** Jobs grouped by owner (the `owner` label, else `team`), so each team sees what happens to its jobs. */
function owners(jobs: readonly JobReview[]): string[] {
    const groups = new Map<string, JobReview[]>();
    for (const j of jobs) groups.set(j.owner ?? "", [...(groups.get(j.owner ?? "") ?? []), j]);
    const names = [...groups.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a < b ? -1 : a > b ? 1 : 0));
    return [
        "### Jobs by owner",
        "",
        ...names.map((o) => {
            const list = groups.get(o)!;
            return `- ${o ? code(o) : "no owner label"}: ${counts(list)}: ${list.map((j) => code(j.name)).join(", ")}`;
        }),
        "",
    ];
}

/** The whole report. */
export function renderReview(review: Review): string {
    const jobs = review.clusters.flatMap((c) => c.jobs);
    const out = [`## pulumi-flink review${review.stack ? ` of stack ${code(review.stack)}` : ""}`, ""];
    const none = review.errors.length ? "No Flink job changes found before the preview failed." : "No Flink job changes in this preview.";
    out.push(jobs.length ? `${plural(jobs.length, "job")} in this preview: ${counts(jobs)}.` : none, "");
    out.push(...warnings(review));
    for (const c of review.clusters) {
        out.push(`### Cluster ${clusterTitle(c)}`, "");
        if (c.jobs.length) out.push(...table(c.jobs), "", `Totals: ${counts(c.jobs)}.`, "");
        else out.push("No job of this cluster is in the preview.", "");
    }
    if (review.clusters.length) out.push(...totals(review));
    if (jobs.some((j) => j.owner)) out.push(...owners(jobs));
    out.push(
        "<sub>Jobs not listed are unchanged. Made by `pulumi-flink review` from `pulumi preview --json`; " +
            "`pulumi up` classifies each job again with the values known then.</sub>",
        "",
    );
    return out.join("\n");
}

export type { ReviewAction };
