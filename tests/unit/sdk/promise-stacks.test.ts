/**
 * A FlinkJob registers without formatting the stack traces Pulumi's runtime records on its
 * promises (a third of a 500-job preview under Pulumi's program runner, which formats every trace
 * through source maps), while errors and the resource's source position are formatted as before.
 * The formatter below stands in for source-map-support and counts what reaches it.
 */
import * as pulumi from "@pulumi/pulumi";
import { SessionCluster } from "../../../sdk/cluster";
import { FlinkJob } from "../../../sdk/job";
import { withoutPromiseStacks } from "../../../sdk/provider";

type Formatter = NonNullable<typeof Error.prepareStackTrace>;
const topFrames: string[] = [];
const counting: Formatter = (error, frames) => {
    topFrames.push(frames[0]?.getFunctionName() ?? "");
    return `${error.name}: ${error.message}\n    at counted`;
};
const promiseTraces = () => topFrames.filter((f) => f === "debuggablePromise").length;
const settled = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));

let saved: typeof Error.prepareStackTrace;
beforeAll(async () => {
    await pulumi.runtime.setMocks({
        newResource: (args) => ({ id: `${args.name}-id`, state: { restUrl: "http://flink:8081" } }),
        call: () => ({}),
    });
});
beforeEach(() => {
    saved = Error.prepareStackTrace;
    Error.prepareStackTrace = counting;
    topFrames.length = 0;
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
});
afterEach(() => {
    Error.prepareStackTrace = saved;
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
});

describe("promise traces skipped while a job registers", () => {
    test("a plain dynamic resource formats one trace per promise (the cost that FlinkJob skips)", async () => {
        const noop: pulumi.dynamic.ResourceProvider = { create: async () => ({ id: "x" }) };
        class Plain extends pulumi.dynamic.Resource {}
        const plain = new Plain(noop, "plain", { a: 1, b: 2 }, {});
        // Four promises per property (a, b, __provider): this Pulumi version still names its
        // tracing function as FlinkJob's formatter expects.
        expect(promiseTraces()).toBeGreaterThanOrEqual(12);
        await settled(plain.id);
    });

    test("FlinkJob's construction formats no promise trace, only its source position, and restores the formatter", async () => {
        const cluster = new SessionCluster("c", { target: "remote", restUrl: "http://flink:8081" });
        await settled(cluster.id);
        topFrames.length = 0;
        const job = new FlinkJob("job", { cluster, sql: "INSERT INTO b SELECT * FROM a", parallelism: 1 });
        expect(promiseTraces()).toBe(0);
        expect(topFrames).toContain("Resource"); // Resource.sourcePosition's trace starts at `new Resource`
        expect(Error.prepareStackTrace).toBe(counting);
        await settled(job.id);
    });

    test("with PULUMI_DEBUG_PROMISE_LEAKS the traces are kept for the leak report", async () => {
        process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
        const cluster = new SessionCluster("c2", { target: "remote", restUrl: "http://flink:8081" });
        await settled(cluster.id);
        topFrames.length = 0;
        const job = new FlinkJob("job2", { cluster, sql: "INSERT INTO b SELECT * FROM a" });
        expect(promiseTraces()).toBeGreaterThanOrEqual(64); // 11 outputs and 5 inputs given, four promises each
        await settled(job.id);
    });

    test("an error's trace is formatted as usual while traces are skipped", () => {
        const restore = withoutPromiseStacks();
        const stack = new Error("boom").stack;
        restore();
        expect(stack).toBe("Error: boom\n    at counted");
        expect(Error.prepareStackTrace).toBe(counting);
    });

    test("no formatter installed (no source maps): nothing to skip, nothing changed", () => {
        Reflect.deleteProperty(Error, "prepareStackTrace");
        const restore = withoutPromiseStacks();
        expect(Error.prepareStackTrace).toBeUndefined();
        restore();
        expect(Error.prepareStackTrace).toBeUndefined();
    });
});
