/**
 * What the real pulumi CLI prints (issue 16's messages, on the first Flink line of the test bed):
 * a component's bad argument stops `preview` with the input formula and no stack trace; progress
 * lines name the resource, not its target; `preview --refresh` prints a job's restart line once.
 */
import { createFlinkClient } from "../../provider/flink";
import { RunningCluster, startCluster } from "../support/cluster";
import { waitFor } from "../support/counter";
import { counterJob, countAbove, JobStack, outDirFor } from "../support/jobs";
import { PulumiProject } from "../support/pulumi";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(10 * 60_000);

/** A program whose component has a bad argument; the cluster is never reached (the program stops first). */
const BAD_COMPONENT = (component: string) => `
const flink = require("pulumi-flink");
const cluster = new flink.SessionCluster("cluster", { target: "remote", restUrl: "http://127.0.0.1:9" });
${component}
`;

const KAFKA_BAD_BROKERS = `new flink.KafkaToJdbcSync("orders", { cluster, kafka: { bootstrapServers: "kafka", topic: "orders", groupId: "sync" },
    columns: [{ name: "id", type: "BIGINT" }], primaryKey: ["id"], sink: { jdbc: { url: "jdbc:postgresql://pg:5432/shop", table: "orders" } } });`;
const ENVIRONMENT_BAD_VERSION = `new flink.StreamingEnvironment("team", { settings: { home: { version: "latest" }, clusters: { main: { target: "remote", restUrl: "http://127.0.0.1:9" } } }, jobs: {} });`;

/** Lines of a CLI run that look like a JavaScript stack frame. */
const stackFrames = (output: string) => output.split("\n").filter((l) => /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$/.test(l));

describe("a component's bad argument at preview (real pulumi CLI, no Flink needed)", () => {
    test.each([
        [
            "KafkaToJdbcSync",
            KAFKA_BAD_BROKERS,
            'KafkaToJdbcSync "orders": kafka.bootstrapServers = "kafka": is not a list of host:port; fix: write "broker1:9092,broker2:9092", or \'${NAME}\' for a variable of the job\'s VariableSet',
        ],
        [
            "StreamingEnvironment",
            ENVIRONMENT_BAD_VERSION,
            'StreamingEnvironment "team": home.version = "latest": is not a Flink version; fix: write e.g. "2.3.0"',
        ],
    ])("%s: preview fails with the input formula, no unhandled exception, no stack trace", async (name, component, message) => {
        const project = new PulumiProject(`msg-bad-${name.toLowerCase()}`, BAD_COMPONENT(component));
        await project.init();
        const preview = await project.run(["preview"]);
        expect(preview.code).not.toBe(0);
        expect(preview.output).toContain(message);
        expect(preview.output).not.toContain("unhandled exception");
        expect(stackFrames(preview.output)).toEqual([]);
    });
});

describe.each(
    flinkLines()
        .slice(0, 1)
        .map((l) => [l.version, l] as const),
)("progress lines on Flink %s (real pulumi CLI, real Flink)", (version, line) => {
    let cluster: RunningCluster;
    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(2070), { taskManagers: 1, slotsPerTaskManager: 4 });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("up names the SessionCluster by its resource name; preview --refresh prints a cancelled job's restart line once", async () => {
        const stack = new JobStack(`msg-lines-${version.replace(/\./g, "-")}`, cluster.restUrl);
        const out = outDirFor(cluster.workDir, "msg");
        await stack.init();
        await stack.setJobs({ counter: counterJob(line, "msg-counter", out) });
        const up = await stack.upOk();
        expect(up.output).toContain("[SessionCluster cluster] adopted remote cluster: Flink");
        expect(up.output).not.toContain("[SessionCluster remote]");
        const v1 = await stack.job("counter");
        await countAbove(out, 10);

        const client = createFlinkClient({ baseUrl: cluster.restUrl });
        await client.cancelJob(v1.jobId);
        await waitFor("cancelled", async () => (await client.job(v1.jobId)).state === "CANCELED" || undefined);
        const preview = await stack.project.ok(["preview", "--refresh"]);
        // The CLI lists every line a provider printed once under "Diagnostics:" (the live display above repeats them).
        const diagnostics = preview.output.slice(preview.output.indexOf("Diagnostics:"));
        const restartLines = diagnostics.split("\n").filter((l) => l.includes("preview: msg-counter:"));
        console.log(`[messages ${version}] preview --refresh restart lines:\n${restartLines.join("\n")}`);
        expect(restartLines).toHaveLength(1);
        expect(restartLines[0]).toContain(
            "the job is CANCELED; it is started again and restores from the newest retained checkpoint or savepoint Flink has at that time",
        );
        // None printed while refreshing: the refresh's own diff is quiet, the update's prints.
        expect(preview.output.split("\n").filter((l) => l.includes("refreshing") && l.includes("preview: msg-counter:"))).toEqual([]);
        await stack.destroy();
    });
});
