/**
 * FlinkHome + local/remote SessionCluster through the real pulumi CLI and the real dynamic
 * provider host, on real Flink (every release line of the test bed).
 */
import * as fs from "fs";
import { javaProcessesOf } from "../support/cluster";
import * as os from "os";
import * as path from "path";
import { createFlinkClient } from "../../provider/flink";
import { waitFor } from "../support/counter";
import { PulumiProject } from "../support/pulumi";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

const program = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const home = new flink.FlinkHome("home", {
    version: cfg.require("flinkVersion"),
    defaultConfig: { "parallelism.default": 1 },
});
const cluster = new flink.SessionCluster("cluster", {
    target: "local",
    home,
    workDir: cfg.require("workDir"),
    restPort: cfg.requireNumber("restPort"),
    rpcPort: cfg.requireNumber("rpcPort"),
    taskManagerMemory: "1024m",
    configuration: JSON.parse(cfg.get("configuration") || "{}"),
});
exports.webUiUrl = cluster.webUiUrl;
exports.restUrl = cluster.restUrl;
exports.flinkVersion = cluster.flinkVersion;
exports.taskManagers = cluster.taskManagers;
exports.slots = cluster.slots;
exports.homeVersion = home.flinkVersion;
exports.dialect = home.configDialect;
`;

const ourJavaProcesses = javaProcessesOf;

async function getJson(url: string): Promise<Record<string, unknown>> {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
}

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("local SessionCluster on Flink %s (real pulumi CLI)", (version, line, index) => {
    const rest = portBlock(index * 10);
    const rpc = rest + 1;
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pf-e2e-cluster-${version}-`));
    const project = new PulumiProject(`cluster-${version.replace(/\./g, "-")}`, program);

    afterAll(async () => {
        // Whatever happened, leave no JVM behind.
        await project.run(["destroy", "--yes", "--skip-preview"]);
        for (const pid of ourJavaProcesses(workDir)) process.kill(Number(pid), "SIGKILL");
    });

    test("up starts a working cluster and reports it", async () => {
        await project.init();
        await project.ok(["config", "set", "flinkVersion", line.version]);
        await project.ok(["config", "set", "workDir", workDir]);
        await project.ok(["config", "set", "restPort", String(rest)]);
        await project.ok(["config", "set", "rpcPort", String(rpc)]);
        const up = await project.ok(["up", "--yes", "--skip-preview"]);
        expect(up.output).toMatch(/ready: Flink/);

        const out = await project.outputs();
        expect(out.flinkVersion).toBe(line.version);
        expect(out.homeVersion).toBe(line.version);
        expect(out.dialect).toBe("config.yaml");
        expect(out.taskManagers).toBe(1);
        expect(out.slots).toBe(2);
        expect(out.webUiUrl).toBe(`http://localhost:${rest}/#/overview`);

        const overview = await getJson(`http://localhost:${rest}/overview`);
        expect(overview["flink-version"]).toBe(line.version);
        expect(overview["slots-total"]).toBe(2);
        expect(ourJavaProcesses(workDir)).toHaveLength(2);
    });

    test("refresh then preview reports no changes", async () => {
        await project.ok(["refresh", "--yes", "--skip-preview"]);
        const preview = await project.run(["preview", "--expect-no-changes"]);
        expect(preview.output).not.toMatch(/error/i);
        expect(preview.code).toBe(0);
    });

    test("a configuration change is refused while a job runs, and the job keeps running", async () => {
        const client = createFlinkClient({ baseUrl: `http://localhost:${rest}` });
        const jar = await client.uploadJar(line.testJobJar);
        const jobId = await client.runJar(jar, { programArgsList: ["--out", path.join(workDir, "out"), "--rate", "5", "--name", "bystander"] });
        await waitFor("bystander running", async () => ((await client.job(jobId)).state === "RUNNING" ? true : undefined));
        await project.ok(["config", "set", "configuration", JSON.stringify({ "web.refresh-interval": 4000 })]);
        const up = await project.run(["up", "--yes", "--skip-preview"]);
        expect(up.code).not.toBe(0);
        expect(up.output).toContain("would kill 1 job(s) without a savepoint: bystander (RUNNING)");
        expect(up.output).toContain("left behind: the cluster unchanged and its jobs running");
        expect((await client.job(jobId)).state).toBe("RUNNING");
        await client.cancelJob(jobId);
        await waitFor("bystander canceled", async () => ((await client.job(jobId)).state === "CANCELED" ? true : undefined));
    });

    test("a configuration change restarts the cluster with the new configuration", async () => {
        const before = ourJavaProcesses(workDir);
        await project.ok(["config", "set", "configuration", JSON.stringify({ "web.refresh-interval": 5000 })]);
        const preview = await project.ok(["preview", "--diff"]);
        expect(preview.output).toMatch(/~ .*cluster|update/);
        await project.ok(["up", "--yes", "--skip-preview"]);
        const config = (await fetch(`http://localhost:${rest}/jobmanager/config`).then((r) => r.json())) as { key: string; value: string }[];
        expect(config.find((e) => e.key === "web.refresh-interval")?.value).toBe("5000");
        const after = ourJavaProcesses(workDir);
        expect(after).toHaveLength(2);
        expect(after.some((pid) => before.includes(pid))).toBe(false);
    });

    test("refresh notices a dead cluster and the next up starts it again", async () => {
        for (const pid of ourJavaProcesses(workDir)) process.kill(Number(pid), "SIGKILL");
        await new Promise((r) => setTimeout(r, 1000));
        await project.ok(["refresh", "--yes", "--skip-preview"]);
        const state = JSON.parse(await project.exportState());
        const cluster = state.deployment.resources.find((r: { type: string }) => r.type.endsWith(":SessionCluster"));
        expect(cluster.outputs.status).toBe("stopped");
        const preview = await project.run(["preview", "--expect-no-changes"]);
        expect(preview.code).not.toBe(0); // a change is pending: the restart
        await project.ok(["up", "--yes", "--skip-preview"]);
        expect((await getJson(`http://localhost:${rest}/overview`))["taskmanagers"]).toBe(1);
    });

    test("a remote SessionCluster adopts it, and destroying that stack leaves it running", async () => {
        const remote = new PulumiProject(
            `remote-${version.replace(/\./g, "-")}`,
            `const flink = require("pulumi-flink");
             const c = new flink.SessionCluster("adopted", { target: "remote", restUrl: "http://localhost:${rest}" });
             exports.flinkVersion = c.flinkVersion; exports.taskManagers = c.taskManagers;`,
        );
        await remote.init();
        await remote.ok(["up", "--yes", "--skip-preview"]);
        expect(await remote.outputs()).toMatchObject({ flinkVersion: line.version, taskManagers: 1 });
        await remote.ok(["destroy", "--yes", "--skip-preview"]);
        expect((await getJson(`http://localhost:${rest}/overview`))["flink-version"]).toBe(line.version);
    });

    test("destroy stops exactly its processes and keeps the work dir", async () => {
        expect(ourJavaProcesses(workDir).length).toBeGreaterThan(0);
        await project.ok(["destroy", "--yes", "--skip-preview"]);
        expect(ourJavaProcesses(workDir)).toEqual([]);
        expect(fs.existsSync(path.join(workDir, "savepoints"))).toBe(true);
        await expect(fetch(`http://localhost:${rest}/overview`)).rejects.toThrow();
    });
});
