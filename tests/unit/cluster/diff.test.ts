import { clusterProvider, ClusterState } from "../../../provider/cluster";
import { UNKNOWN } from "../../../provider/core/unknown";

const home = { homePath: "/opt/flink", flinkVersion: "1.20.3" };
const inputs = { target: "local", home, workDir: "/tmp/pf-diff" };
// What create stores: inputs with defaults, plus facts.
const olds = {
    ...inputs,
    host: "localhost",
    restPort: 8081,
    rpcPort: 6123,
    taskManagers: 1,
    slotsPerTaskManager: 2,
    jobManagerMemory: "1024m",
    taskManagerMemory: "1280m",
    startTimeoutSeconds: 120,
    restUrl: "http://localhost:8081",
    webUiUrl: "http://localhost:8081/#/overview",
    flinkVersion: "1.20.3",
    slots: 2,
    jobsTotal: 0,
    jobsRunning: 0,
    status: "running",
    configHash: "x",
    stateVersion: 1,
} as unknown as ClusterState;

const diff = (news: Record<string, unknown>, old: ClusterState = olds) => clusterProvider.diff!("id", old, { __provider: "stub", ...news });

describe("SessionCluster diff (what preview shows)", () => {
    test("unchanged inputs with defaults left out: no change", async () => {
        expect((await diff(inputs)).changes).toBe(false);
    });
    test("explicit default values: no change", async () => {
        expect((await diff({ ...inputs, restPort: 8081, taskManagers: 1 })).changes).toBe(false);
    });
    test("a port change is an in-place update (restart), not a replace", async () => {
        expect(await diff({ ...inputs, restPort: 9081 })).toMatchObject({ changes: true, replaces: [] });
    });
    test("configuration change is an update", async () => {
        expect(await diff({ ...inputs, configuration: { "web.refresh-interval": 5000 } })).toMatchObject({ changes: true, replaces: [] });
    });
    test("a new work dir is another cluster: replace, deleting the old one first (ports)", async () => {
        expect(await diff({ ...inputs, workDir: "/tmp/other" })).toMatchObject({ changes: true, replaces: ["workDir"], deleteBeforeReplace: true });
    });
    test("switching target replaces", async () => {
        expect((await diff({ target: "remote", restUrl: "http://x:8081" })).replaces).toEqual(["target"]);
    });
    test("a home not yet known in preview counts as a change", async () => {
        expect((await diff({ ...inputs, home: UNKNOWN })).changes).toBe(true);
    });
    test("a cluster found stopped by refresh is started by the next up", async () => {
        expect((await diff(inputs, { ...olds, status: "stopped" } as ClusterState)).changes).toBe(true);
    });
    test("sqlGateway: state from before it existed, or an explicit off, is no change", async () => {
        expect((await diff({ ...inputs, sqlGateway: { enabled: false } })).changes).toBe(false);
        expect((await diff({ ...inputs, sqlGateway: { enabled: false, port: 9999 } })).changes).toBe(false);
        expect((await diff({ ...inputs, sqlGateway: {} })).changes).toBe(false);
    });
    test("sqlGateway: turning it on, off or moving its port restarts in place", async () => {
        const on = { ...olds, sqlGateway: { enabled: true, port: 8083 }, sqlGatewayUrl: "http://localhost:8083" } as unknown as ClusterState;
        expect(await diff({ ...inputs, sqlGateway: { enabled: true } })).toMatchObject({ changes: true, replaces: [] });
        expect((await diff({ ...inputs, sqlGateway: { enabled: true } }, on)).changes).toBe(false);
        expect((await diff({ ...inputs, sqlGateway: { enabled: true, port: 8083 } }, on)).changes).toBe(false);
        expect(await diff({ ...inputs, sqlGateway: { enabled: true, port: 9083 } }, on)).toMatchObject({ changes: true, replaces: [] });
        expect(await diff(inputs, on)).toMatchObject({ changes: true, replaces: [] });
        expect((await diff({ ...inputs, sqlGateway: UNKNOWN }, on)).changes).toBe(true);
    });
    test("remote: sqlGatewayUrl is an input and an output; unset stays unchanged", async () => {
        const remote = {
            target: "remote",
            restUrl: "http://a:8081",
            webUiUrl: "http://a:8081/#/overview",
            insecureSkipVerify: false,
            requestTimeoutSeconds: 30,
            status: "running",
            sqlGatewayUrl: "",
        } as unknown as ClusterState;
        expect((await diff({ target: "remote", restUrl: "http://a:8081" }, remote)).changes).toBe(false);
        const { sqlGatewayUrl: _, ...before } = remote as unknown as Record<string, unknown>; // state from before sqlGatewayUrl existed
        expect((await diff({ target: "remote", restUrl: "http://a:8081" }, before as unknown as ClusterState)).changes).toBe(false);
        expect(await diff({ target: "remote", restUrl: "http://a:8081", sqlGatewayUrl: "http://a:8083" }, remote)).toMatchObject({
            changes: true,
            replaces: [],
        });
        const withGw = { ...remote, sqlGatewayUrl: "http://a:8083" } as unknown as ClusterState;
        expect((await diff({ target: "remote", restUrl: "http://a:8081", sqlGatewayUrl: "http://a:8083" }, withGw)).changes).toBe(false);
    });
    test("remote: a new URL is another cluster", async () => {
        // As create stores it: webUiUrl is an output here (the input was omitted).
        const remote = {
            target: "remote",
            restUrl: "http://a:8081",
            webUiUrl: "http://a:8081/#/overview",
            insecureSkipVerify: false,
            requestTimeoutSeconds: 30,
            status: "running",
        } as unknown as ClusterState;
        expect((await diff({ target: "remote", restUrl: "http://a:8081" }, remote)).changes).toBe(false);
        expect((await diff({ target: "remote", restUrl: "http://b:8081" }, remote)).replaces).toEqual(["restUrl"]);
        expect(await diff({ target: "remote", restUrl: "http://a:8081", headers: { A: "b" } }, remote)).toMatchObject({ changes: true, replaces: [] });
        expect((await diff({ target: "remote", restUrl: "http://a:8081", webUiUrl: "https://ui.example/flink/" }, remote)).changes).toBe(true);
    });
});
