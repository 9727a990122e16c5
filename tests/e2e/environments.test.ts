/**
 * Acceptance A: one program (examples/environments), two stacks. `pulumi up` on `test`, then on
 * `prod`, with the real pulumi CLI on real local Flink clusters; each stack's outputs are exactly
 * what its Pulumi.<stack>.yaml says, so the two differ exactly where their config differs.
 */
import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";
import * as YAML from "yaml";
import { PulumiProject } from "../support/pulumi";
import { Config, environmentsProject, initStack, NS, stackConfig } from "../support/environments";

jest.setTimeout(10 * 60_000);

/** What the summary must be, derived from the config alone (ids and URLs with ids left out). */
function expected(config: Config, secretNames: string[], dir: string) {
    const clusters = config[`${NS}:clusters`] as Record<string, Config>;
    const jobs = (config[`${NS}:jobs`] ?? {}) as Record<string, Config>;
    const defaults = (config[`${NS}:jobDefaults`] ?? {}) as Config;
    const catalogue = ["audit", "clicks-sync", "orders-per-region"];
    const enabled = catalogue.filter((k) => jobs[k]?.enabled !== false);
    return {
        clusters: Object.fromEntries(
            Object.entries(clusters).map(([k, c]) => [
                k,
                {
                    restUrl: `http://localhost:${c.restPort}`,
                    flinkVersion: config[`${NS}:home`].version,
                    slots: (c.taskManagers ?? 1) * (c.slotsPerTaskManager ?? 2),
                    sqlGatewayUrl: `http://localhost:${c.sqlGateway.port}`,
                },
            ]),
        ),
        jobs: Object.fromEntries(
            enabled.map((k) => [
                k,
                {
                    name: k,
                    cluster: jobs[k]?.cluster ?? Object.keys(clusters)[0],
                    parallelism: jobs[k]?.parallelism ?? defaults.parallelism ?? "cluster default",
                    state: "RUNNING",
                },
            ]),
        ),
        variables: config[`${NS}:variables`],
        secretNames,
        ...(config[`${NS}:alerts`] ? { alerts: alertsOf(config[`${NS}:alerts`] as Config, dir) } : {}),
    };
}

/** The alert route the `alerts` block makes: its environment label and where its rule file is. */
function alertsOf(a: Config, dir: string) {
    return { environment: a.environment ?? "shop", kind: "AlertRoute", rulesFile: path.join(dir, a.rulesDir, `${a.environment ?? "shop"}.rules.yml`) };
}

type Summary = { clusters: Record<string, Config>; jobs: Record<string, Config>; variables: unknown; secretNames: string[]; alerts?: Config };

/** The summary without what no config can predict: job ids and the URLs that contain them. */
function comparable(s: Summary) {
    return {
        ...s,
        clusters: Object.fromEntries(Object.entries(s.clusters).map(([k, { webUiUrl: _w, ...c }]) => [k, c])),
        jobs: Object.fromEntries(Object.entries(s.jobs).map(([k, { jobId: _id, webUiUrl: _w, ...j }]) => [k, j])),
        ...(s.alerts ? { alerts: (({ ruleCount: _n, ...a }) => a)(s.alerts) } : {}),
    };
}

/** Dotted paths where two plain values differ. */
function differences(a: unknown, b: unknown, at = ""): string[] {
    if (typeof a === "object" && a && typeof b === "object" && b) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => differences((a as Config)[k], (b as Config)[k], at ? `${at}.${k}` : k));
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

describe("examples/environments: test and prod from one program (real pulumi CLI, real Flink)", () => {
    const secret = `pw-${randomBytes(6).toString("hex")}`;
    const hook = `http://127.0.0.1:9/hook-${randomBytes(6).toString("hex")}`;
    let project: PulumiProject;
    const configs: Record<string, Config> = {};
    const deployed: string[] = [];

    beforeAll(async () => {
        project = environmentsProject();
        for (const [stack, offset] of [
            ["test", 1300],
            ["prod", 1310],
        ] as const) {
            configs[stack] = stackConfig(stack, offset, project.dir);
            // The example's stack file, as a user has it, then the secret as a user sets it.
            await initStack(project, stack, configs[stack], secret);
            if (configs[stack][`${NS}:alerts`]) await project.ok(["config", "set", "-s", stack, "--secret", "alertWebhookUrl", hook]);
        }
    });

    afterAll(async () => {
        for (const stack of deployed.reverse()) {
            const r = await project.run(["destroy", "-s", stack, "--yes", "--skip-preview"]);
            if (r.code !== 0) console.error(`destroy ${stack} failed:\n${r.output.slice(-3000)}`);
        }
    });

    test("up test, then up prod: each stack's outputs are what its config says; they differ only there", async () => {
        const summaries: Record<string, Summary> = {};
        const texts: string[] = [];
        for (const stack of ["test", "prod"]) {
            deployed.push(stack);
            texts.push((await project.ok(["up", "-s", stack, "--yes", "--skip-preview"])).output);
            const out = await project.ok(["stack", "output", "-s", stack, "--json", "--show-secrets"]);
            summaries[stack] = (JSON.parse(out.stdout) as { summary: Summary }).summary;
            expect(comparable(summaries[stack])).toEqual(expected(configs[stack], ["DB_PASSWORD"], project.dir));
        }
        // The differences between the stacks are exactly the differences between their configs' expectations.
        const want = differences(expected(configs.test, ["DB_PASSWORD"], project.dir), expected(configs.prod, ["DB_PASSWORD"], project.dir));
        expect(differences(comparable(summaries.test), comparable(summaries.prod))).toEqual(want);
        expect(want).toEqual(
            expect.arrayContaining([
                "jobs.audit",
                "jobs.orders-per-region.parallelism",
                "jobs.clicks-sync.parallelism",
                "variables.REGION",
                "variables.ROWS_PER_SECOND",
                "clusters.main.slots",
                "clusters.main.restUrl",
                "alerts",
            ]),
        );

        // prod's alert rules (checked by the real promtool, written by the provider) name each of its
        // jobs with its environment label; the webhook URL is only in alertmanager.yml; test has no alerts.
        expect(summaries.test.alerts).toBeUndefined();
        const rules = YAML.parse(fs.readFileSync(summaries.prod.alerts!.rulesFile, "utf8")) as {
            groups: { rules: { alert: string; labels: Record<string, string> }[] }[];
        };
        const absent = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert === "FlinkJobNotRunning");
        expect(absent.map((r) => [r.labels.flink_job, r.labels.environment]).sort()).toEqual(
            Object.keys(summaries.prod.jobs)
                .sort()
                .map((k) => [k, "prod"]),
        );
        expect(summaries.prod.alerts!.ruleCount).toBe(rules.groups.flatMap((g) => g.rules).length);
        const am = path.join(project.dir, "alerting", "alertmanager", "alertmanager.yml");
        expect(fs.readFileSync(am, "utf8")).toContain(hook);
        expect(fs.readdirSync(path.join(project.dir, "alerting", "prometheus")).sort()).toEqual(["prod.rules.yml", "prod.targets.json"]);

        // Flink itself runs what the config says: each job's parallelism, on its stack's cluster.
        for (const stack of ["test", "prod"]) {
            for (const [key, job] of Object.entries(summaries[stack].jobs)) {
                const rest = summaries[stack].clusters[job.cluster].restUrl;
                const detail = (await (await fetch(`${rest}/jobs/${job.jobId}`)).json()) as {
                    name: string;
                    state: string;
                    vertices: { parallelism: number }[];
                };
                expect([key, detail.name, detail.state]).toEqual([key, key, "RUNNING"]);
                expect(Math.max(...detail.vertices.map((v) => v.parallelism))).toBe(job.parallelism);
            }
        }
        // The secret is used by prod's audit job, and appears in no output and nowhere in state in plain text.
        texts.push(JSON.stringify(summaries), (await project.ok(["stack", "export", "-s", "prod"])).stdout);
        for (const text of texts) expect(text).not.toContain(secret);
        for (const text of texts) expect(text).not.toContain(hook);
    });
});
