/**
 * A job's cluster reference is a plain object of the cluster's outputs (so its librariesHash is
 * known at preview while the cluster is updated): a remote cluster's secret `headers` must still
 * never appear in plain text in the stack's state, in the job's inputs nor its outputs. Real
 * pulumi CLI and real Flink, newest line of the test bed only (the SDK wiring does not depend on
 * the Flink version).
 */
import { RunningCluster, startCluster } from "../support/cluster";
import { counterJob, JobStack, outDirFor } from "../support/jobs";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(10 * 60_000);

const TOKEN = "pf-header-token-7c1e9a";
const program = `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const cluster = new flink.SessionCluster("cluster", { target: "remote", restUrl: cfg.require("restUrl"), headers: { "X-Token": cfg.requireSecret("token") } });
const job = new flink.FlinkJob("counter", { cluster, ...JSON.parse(cfg.require("job")) });
exports.state = job.state;
`;

const line = flinkLines().at(-1)!;

describe(`a remote cluster's secret headers in a job's state on Flink ${line.version} (real pulumi CLI)`, () => {
    let cluster: RunningCluster;
    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(1880), { taskManagers: 1 });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("the header value is a secret in the job's inputs and outputs, never plain text in state", async () => {
        const stack = new JobStack("job-cluster-secret", cluster.restUrl, {}, program);
        await stack.init();
        await stack.project.ok(["config", "set", "--secret", "token", TOKEN]);
        await stack.project.ok(["config", "set", "job", JSON.stringify(counterJob(line, "secret-ref", outDirFor(cluster.workDir, "secret-ref")))]);
        await stack.upOk();
        expect((await stack.project.outputs()).state).toBe("RUNNING");
        const state = await stack.project.exportState();
        expect(state).not.toContain(TOKEN);
        const job = (
            JSON.parse(state) as { deployment: { resources: { urn: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[] } }
        ).deployment.resources.find((r) => r.urn.endsWith("::counter"))!;
        // The header is stored encrypted (a secret) in both places, not dropped.
        expect(JSON.stringify(job.inputs.cluster)).toContain("4dabf18193072939515e22adb298388d");
        expect(JSON.stringify(job.outputs.cluster)).toContain("4dabf18193072939515e22adb298388d");
        await stack.destroy();
    });
});
