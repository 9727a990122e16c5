/**
 * `pulumi-flink review` on real `pulumi preview --json` output and `pulumi-flink status` against
 * the running stack: real pulumi CLI, real local Flink 1.20 cluster with a SQL Gateway, the CLI
 * from the packed package. One stack serves every case (acceptance B and C of issue 7).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createFlinkClient } from "../../provider/flink";
import { PulumiProject } from "../support/pulumi";
import { REVIEW_PROGRAM, reviewJobs, runCli } from "../support/review";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

const SECRET = "987654321";
const KEEPS = "keeps state: stopped with a savepoint, the new version restores from it";
const COMPATIBLE = "state verdict: compatible; stopped with a savepoint, the new version restores from it";

function ourJavaProcesses(workDir: string): string[] {
    try {
        return execFileSync("pgrep", ["-f", "--", `--configDir ${path.join(workDir, "conf")}`], { encoding: "utf8" })
            .split("\n")
            .filter(Boolean);
    } catch {
        return [];
    }
}

describe("review and status on a real stack (real pulumi CLI, real Flink, packed CLI)", () => {
    const lines = flinkLines();
    const v1 = lines.find((l) => l.version.startsWith("1."))!;
    const v2 = lines.find((l) => l.version.startsWith("2."))!;
    const rest = portBlock(1200);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-e2e-review-"));
    const outDir = path.join(workDir, "out");
    const project = new PulumiProject("review", REVIEW_PROGRAM);
    const normalise = (text: string) => text.split(`localhost:${rest}`).join("localhost:REST");
    const setJobs = (version: 1 | 2) => project.ok(["config", "set", "jobs", JSON.stringify(reviewJobs(v1.testJobJar, outDir, version))]);
    const previewJson = async () => (await project.ok(["preview", "--json"])).stdout;

    beforeAll(async () => {
        await project.init();
        for (const [k, v] of Object.entries({
            flinkVersion: v1.version,
            workDir,
            restPort: String(rest),
            variables: JSON.stringify({ SINK: "a" }),
            secretNames: JSON.stringify(["FILTER_SEED"]),
        })) {
            await project.ok(["config", "set", "--plaintext", k, v]);
        }
        await project.ok(["config", "set", "--secret", "secret_FILTER_SEED", SECRET]);
        await setJobs(1);
        await project.ok(["up", "--yes", "--skip-preview"]);
    });

    afterAll(async () => {
        await project.run(["destroy", "--yes", "--skip-preview"]);
        for (const pid of ourJavaProcesses(workDir)) process.kill(Number(pid), "SIGKILL");
    });

    test("B: SQL, parallelism, variable and stateless changes and a deleted job: the report names action, cause and state impact; state loss exits 1", async () => {
        await setJobs(2);
        await project.ok(["config", "set", "--plaintext", "variables", JSON.stringify({ SINK: "b" })]);
        const json = await previewJson();
        expect(json).not.toContain(SECRET);

        const fromStdin = await runCli(["review"], { stdin: json });
        expect(fromStdin.code).toBe(1);
        expect(fromStdin.stderr).toBe("pulumi-flink review: 1 job(s) would lose state (scratch-stateless); if intended, rerun with --allow-state-loss\n");
        expect(fromStdin.stdout).not.toContain(SECRET);
        expect(normalise(fromStdin.stdout)).toBe(
            [
                "## pulumi-flink review of stack `test`",
                "",
                "5 jobs in this preview: 3 savepoint-and-redeploy, 1 stateless restart, 1 delete · **1 drops state**.",
                "",
                "> [!CAUTION]",
                "> **State would be lost: 1 job**",
                "> - `scratch-stateless` on `cluster`: stateless restart: DROPS STATE: cancelled and started from empty state (upgrade.mode is stateless)",
                "",
                "> [!WARNING]",
                "> **allowNonRestoredState: 1 job**",
                "> - `orders-agg` on `cluster`",
                "> allowNonRestoredState is on: state of operators missing from the new version is dropped without an error.",
                "",
                "### Cluster `cluster` (http://localhost:REST)",
                "",
                "| Job | Action | Caused by | State verdict | State |",
                "|---|---|---|---|---|",
                `| \`counter-par\` (counter) | savepoint-and-redeploy | parallelism | - | ${KEEPS} |`,
                `| \`enrich\` | savepoint-and-redeploy | variables (SINK) | compatible | ${COMPATIBLE} |`,
                `| \`orders-agg\` (orders) | savepoint-and-redeploy | sql | compatible | ${COMPATIBLE} |`,
                "| `scratch-stateless` (scratch) | **stateless restart** | args | - | **DROPS STATE: cancelled and started from empty state (upgrade.mode is stateless)** |",
                "| `legacy-counter` (legacy) | delete | removed from the program | - | keeps state: stopped with a final savepoint (onDelete: savepoint) |",
                "",
                "Totals: 3 savepoint-and-redeploy, 1 stateless restart, 1 delete · **1 drops state**.",
                "",
                "### Totals per cluster",
                "",
                "| Cluster | Jobs | savepoint-and-redeploy | stateless restart | delete | Drops state |",
                "|---|---|---|---|---|---|",
                "| `cluster` | 5 | 3 | 1 | 1 | 1 |",
                "",
                "<sub>Jobs not listed are unchanged. Made by `pulumi-flink review` from `pulumi preview --json`; `pulumi up` classifies each job again with the values known then.</sub>",
                "",
            ].join("\n"),
        );

        // The same report from a file; --allow-state-loss accepts the loss (exit 0) but still says it.
        const file = path.join(workDir, "preview.json");
        fs.writeFileSync(file, json);
        const allowed = await runCli(["review", file, "--allow-state-loss"]);
        expect(allowed.code).toBe(0);
        expect(allowed.stdout).toBe(fromStdin.stdout);
        expect(allowed.stderr).toContain("accepted with --allow-state-loss");
    });

    test("B: a Flink home change 1.20 -> 2.3 is a loud major-version warning; no job drops state, so exit 0", async () => {
        await setJobs(1);
        await project.ok(["config", "set", "--plaintext", "variables", JSON.stringify({ SINK: "a" })]);
        await project.ok(["config", "set", "--plaintext", "flinkVersion", v2.version]);
        const result = await runCli(["review", "-"], { stdin: await previewJson() });
        await project.ok(["config", "set", "--plaintext", "flinkVersion", v1.version]);
        expect(result.code).toBe(0);
        expect(result.stderr).toBe("");
        // The jobs themselves do not change: the provider's diff classifies them with the stored
        // cluster while the cluster's outputs are unknown, so they are not steps of this preview.
        expect(normalise(result.stdout)).toBe(
            [
                "## pulumi-flink review of stack `test`",
                "",
                "No Flink job changes in this preview.",
                "",
                "> [!WARNING]",
                `> **Flink major version change on cluster \`cluster\`: ${v1.version} → ${v2.version}**`,
                "> Savepoints of one major version are not guaranteed to restore on the next; a local cluster refuses to restart while jobs run on it.",
                "> Take a savepoint of every job, test the restore on the new version, and plan the switch (e.g. a new cluster beside the old one).",
                "",
                "### Cluster `cluster` (http://localhost:REST)",
                "",
                "No job of this cluster is in the preview.",
                "",
                "### Totals per cluster",
                "",
                "| Cluster | Jobs | Drops state |",
                "|---|---|---|",
                "| `cluster` | 0 | 0 |",
                "",
                "<sub>Jobs not listed are unchanged. Made by `pulumi-flink review` from `pulumi preview --json`; `pulumi up` classifies each job again with the values known then.</sub>",
                "",
            ].join("\n"),
        );
    });

    test("B: no change, stack export output, random JSON, text, a missing file and a wrong command get a plain answer (exit 0 / 2)", async () => {
        const none = await runCli(["review"], { stdin: await previewJson() });
        expect(none.code).toBe(0);
        expect(none.stdout).toContain("No Flink job changes in this preview.");

        const exported = await runCli(["review"], { stdin: await project.exportState() });
        expect(exported.code).toBe(2);
        expect(exported.stdout).toBe("");
        expect(exported.stderr).toMatch(/^pulumi-flink review: stdin looks like `pulumi stack export` output \(a checkpoint\), not a preview/);

        const random = await runCli(["review"], { stdin: JSON.stringify({ items: [1, 2] }) });
        expect(random.code).toBe(2);
        expect(random.stderr).toContain('is JSON, but not the output of `pulumi preview --json` (no "steps" or "changeSummary"; its keys: "items")');

        const help = await runCli(["--help"]);
        expect([help.code, help.stdout.startsWith("pulumi-flink <command> [options]")]).toEqual([0, true]);
        const unknown = await runCli(["deploy"]);
        expect([unknown.code, unknown.stderr]).toEqual([2, 'pulumi-flink: unknown command "deploy": use review or status (pulumi-flink --help)\n']);
        const missing = await runCli(["review", path.join(workDir, "no-such.json")]);
        expect([missing.code, missing.stderr]).toEqual([2, `pulumi-flink review: cannot read ${path.join(workDir, "no-such.json")}: ENOENT\n`]);

        const text = await runCli(["review"], { stdin: (await project.ok(["preview"])).stdout });
        expect(text.code).toBe(2);
        expect(text.stderr).toContain("stdin is not valid JSON");
        expect(text.stderr).toContain("without --json, pulumi prints text, not JSON");
    });

    test("C: status shows every declared job running; after one is cancelled out of band it is flagged and the exit code is 1", async () => {
        const env = { ...project.env };
        const ok = await runCli(["status", "--cwd", project.dir], { env });
        expect(ok.stderr).toBe("");
        expect(ok.code).toBe(0);
        const client = createFlinkClient({ baseUrl: `http://localhost:${rest}` });
        const running = (await client.jobsOverview()).filter((j) => j.state === "RUNNING");
        expect(running).toHaveLength(5);
        for (const j of running)
            expect(ok.stdout).toMatch(
                new RegExp(`^${j.name} +cluster +RUNNING +\\d+m?\\d+s .* http://localhost:${rest}/#/job/running/${j.jid}/overview$`, "m"),
            );
        expect(ok.stdout).toContain("Stack test: 5 declared job(s), 0 not running");

        const victim = running.find((j) => j.name === "orders-agg")!;
        await client.cancelJob(victim.jid);
        const deadline = Date.now() + 30_000;
        while ((await client.jobsOverview()).find((j) => j.jid === victim.jid)?.state !== "CANCELED" && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 500));

        const flagged = await runCli(["status", "--cwd", project.dir], { env });
        expect(flagged.code).toBe(1);
        expect(flagged.stderr).toBe("pulumi-flink status: 1 declared job(s) not running: orders-agg\n");
        expect(flagged.stdout).toMatch(new RegExp(`^! orders-agg +cluster +CANCELED .*/#/job/completed/${victim.jid}/overview$`, "m"));
        expect(flagged.stdout).toMatch(/^ {2}! orders-agg \(cluster\): not running \(canceled \d+s ago\)$/m);

        const json = await runCli(["status", "--cwd", project.dir, "--json"], { env });
        expect(json.code).toBe(1);
        const report = JSON.parse(json.stdout) as { rows: { job: string; ok: boolean; state: string; restarts?: number }[]; requests: number };
        expect(report.rows.filter((r) => !r.ok).map((r) => [r.job, r.state])).toEqual([["orders-agg", "CANCELED"]]);
        expect(report.rows.filter((r) => r.ok).every((r) => r.state === "RUNNING" && r.restarts === 0)).toBe(true);
        // The overview and the TaskManagers of the cluster, two calls per running declared job, a retry per restart metric
        // Flink had not fetched yet, and for restore points the checkpoints of ended generations (at most 5 per declared job).
        expect(report.requests).toBeGreaterThanOrEqual(2 + 2 * 4 + 1);
        expect(report.requests).toBeLessThanOrEqual(2 + 3 * 4 + 5 * 5);
    });

    test("B: after that out-of-band cancel and a refresh, the review shows the restart and where it restores from", async () => {
        await project.ok(["refresh", "--yes", "--skip-preview"]);
        const result = await runCli(["review"], { stdin: await previewJson() });
        expect(result.code).toBe(0);
        expect(result.stdout).toContain("1 job in this preview: 1 restart.");
        expect(result.stdout).toContain(
            "| `orders-agg` (orders) | restart | state | - | the job is CANCELED; it is started again and restores from the newest retained checkpoint or savepoint Flink has at that time; last recorded: ",
        );
    });
});
