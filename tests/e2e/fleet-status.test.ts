/**
 * Acceptance D of issue 14: `pulumi-flink status` over the test and prod stacks of
 * examples/environments in one call (real pulumi CLI, real Flink 2.3.0 local clusters, packed
 * CLI): every job of both stacks with its stack, its owner label and its cluster's log links;
 * the labels reached Flink as job parameters; exit code 0, then 1 once a prod job is cancelled.
 */
import * as fs from "fs";
import { randomBytes } from "crypto";
import { createFlinkClient } from "../../provider/flink";
import { PulumiProject } from "../support/pulumi";
import { Config, exampleProject, initStack, NS, stackConfig } from "../support/environment-example";
import { runCli } from "../support/review";

jest.setTimeout(10 * 60_000);

type Row = { job: string; owner?: string; state: string; ok: boolean; jobId?: string; logs?: { jobManager: string; taskManagers: string[]; files: string[] } };
type Fleet = { stacks: Record<string, { rows: Row[] }>; ok: boolean; code: number };

describe("fleet status over examples/environments' test and prod stacks (real pulumi CLI, real Flink, packed CLI)", () => {
    let project: PulumiProject;
    const configs: Record<string, Config> = {};
    const deployed: string[] = [];

    beforeAll(async () => {
        project = exampleProject();
        for (const [stack, offset] of [
            ["test", 1360],
            ["prod", 1370],
        ] as const) {
            configs[stack] = stackConfig(stack, offset, project.dir);
            // Lean: no alert route (tests/e2e/environments.test.ts covers it) and cancel on destroy.
            delete configs[stack][`${NS}:alerts`];
            configs[stack][`${NS}:jobDefaults`].onDelete = "cancel";
            await initStack(project, stack, configs[stack], `pw-${randomBytes(6).toString("hex")}`);
        }
        // One after the other: two clusters starting at once on a loaded 2-CPU machine can miss the slot wait.
        for (const stack of ["test", "prod"]) {
            deployed.push(stack);
            await project.ok(["up", "-s", stack, "--yes", "--skip-preview"]);
        }
    });

    afterAll(async () => {
        for (const stack of deployed.reverse()) {
            const r = await project.run(["destroy", "-s", stack, "--yes", "--skip-preview"]);
            if (r.code !== 0) console.error(`destroy ${stack} failed:\n${r.output.slice(-3000)}`);
        }
    });

    test("one call shows both stacks with owners and log links; exit code by the worst job", async () => {
        const env = project.env;
        // examples/environments: jobDefaults.labels.owner data-platform; prod's orders-per-region says analytics; test has no audit job.
        const owners: Record<string, Record<string, string>> = {
            test: { "clicks-sync": "data-platform", "orders-per-region": "data-platform" },
            prod: { audit: "data-platform", "clicks-sync": "data-platform", "orders-per-region": "analytics" },
        };
        const rest = (stack: string) => `http://localhost:${configs[stack][`${NS}:clusters`].main.restPort}`;

        const text = await runCli(["status", "--stack", "test", "--stack", "prod", "--cwd", project.dir], { env });
        expect([text.code, text.stderr]).toEqual([0, ""]);
        expect(text.stdout).toContain("Stack test: 2 declared job(s), 0 not running\nStack prod: 3 declared job(s), 0 not running\n");
        for (const [stack, jobs] of Object.entries(owners))
            for (const [job, owner] of Object.entries(jobs))
                expect(text.stdout).toMatch(new RegExp(`^${stack} +${job} +shop-main +RUNNING +\\S+ +${owner} +`, "m"));
        expect(text.stdout).toContain(`  test/shop-main: JobManager ${rest("test")}/#/job-manager/logs`);
        expect(text.stdout).toContain(`  prod/shop-main: JobManager ${rest("prod")}/#/job-manager/logs`);

        const json = await runCli(["status", "--stacks", "test,prod", "--cwd", project.dir, "--json"], { env });
        expect(json.code).toBe(0);
        const fleet = JSON.parse(json.stdout) as Fleet;
        expect(Object.keys(fleet.stacks)).toEqual(["test", "prod"]);
        expect(fleet.stacks.prod.rows.map((r) => [r.job, r.owner, r.state]).sort()).toEqual(Object.entries(owners.prod).map(([j, o]) => [j, o, "RUNNING"]));

        // The log links lead somewhere: the web UI answers, its REST log list names the JobManager
        // log, the TaskManager link names a TaskManager Flink has, the local log files exist.
        const logs = fleet.stacks.prod.rows[0].logs!;
        expect((await fetch(logs.jobManager)).status).toBe(200);
        const listed = (await (await fetch(`${rest("prod")}/jobmanager/logs`)).json()) as { logs: { name: string }[] };
        expect(listed.logs.map((l) => l.name)).toEqual(expect.arrayContaining([expect.stringMatching(/standalonesession.*\.log$/)]));
        const tms = (await (await fetch(`${rest("prod")}/taskmanagers`)).json()) as { taskmanagers: { id: string }[] };
        expect(logs.taskManagers).toEqual(tms.taskmanagers.map((t) => `${rest("prod")}/#/task-manager/${encodeURIComponent(t.id)}/logs`));
        expect(logs.files.some((f) => /standalonesession.*\.log$/.test(f))).toBe(true);
        // The .log files have content (the .out files of stdout may be empty).
        for (const f of logs.files.filter((f) => f.endsWith(".log"))) expect(fs.statSync(f).size).toBeGreaterThan(0);
        for (const f of logs.files) expect(fs.existsSync(f)).toBe(true);

        // The labels are Flink job-level information: the job's configuration shows them.
        const orders = fleet.stacks.prod.rows.find((r) => r.job === "orders-per-region")!;
        const config = (await (await fetch(`${rest("prod")}/jobs/${orders.jobId}/config`)).json()) as {
            "execution-config": { "user-config": Record<string, string> };
        };
        expect(config["execution-config"]["user-config"]).toMatchObject({ owner: "analytics" });

        // A prod job cancelled out of band: the one call's exit code is the worst job's.
        const client = createFlinkClient({ baseUrl: rest("prod") });
        // After its first checkpoint (every 10 s), so a restart has state to restore.
        const checkpointed = Date.now() + 60_000;
        while (!(await client.checkpoints(orders.jobId!)).latest.completed && Date.now() < checkpointed) await new Promise((r) => setTimeout(r, 1000));
        await client.cancelJob(orders.jobId!);
        const deadline = Date.now() + 30_000;
        while ((await client.jobsOverview()).find((j) => j.jid === orders.jobId)?.state !== "CANCELED" && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 500));
        const flagged = await runCli(["status", "--stack", "test", "--stack", "prod", "--cwd", project.dir], { env });
        expect(flagged.code).toBe(1);
        expect(flagged.stderr).toBe("pulumi-flink status: 1 declared job(s) not running (stack prod): orders-per-region\n");
        expect(flagged.stdout).toMatch(/^prod +! orders-per-region +shop-main +CANCELED +- +analytics +/m);
        // Its restore point now: the retained checkpoint or savepoint the deploy would take.
        expect(flagged.stdout).toMatch(/^prod +! orders-per-region .* (chk-\d+|savepoint-\S+) \(\S+ ago\) +- +http/m);
        // --all: every stack of the project, as `pulumi stack ls` lists them; the same worst job.
        const all = await runCli(["status", "--all", "--cwd", project.dir, "--json"], { env });
        expect(all.code).toBe(1);
        expect(Object.keys((JSON.parse(all.stdout) as Fleet).stacks).sort()).toEqual(["prod", "test"]);
    });
});
