import { checkClusterArgs, sqlGatewayOf } from "../../../provider/cluster/schema";
import { UNKNOWN } from "../../../provider/core/unknown";

const home = { homePath: "/opt/flink", flinkVersion: "1.20.3" };
const local = { target: "local", home, workDir: "/tmp/pf-cluster" };
const remote = { target: "remote", restUrl: "http://flink.example:8081" };

describe("SessionCluster check accepts valid input", () => {
    test.each([
        [local],
        [{ ...local, restPort: 18081, rpcPort: 16123, taskManagers: 2, slotsPerTaskManager: 4, jobManagerMemory: "2g", taskManagerMemory: "1536m" }],
        [{ ...local, configuration: { "execution.checkpointing.interval": "10s" } }],
        [{ ...local, home: UNKNOWN }],
        [remote],
        [{ ...remote, restUrl: "https://gw.example/flink/prod", headers: { Authorization: "Bearer x" }, insecureSkipVerify: true }],
        [{ ...local, sqlGateway: { enabled: true } }],
        [{ ...local, restPort: 18081, sqlGateway: { enabled: true, port: 18083 } }],
        [{ ...local, sqlGateway: { enabled: false, port: 8081 } }], // off: its port cannot clash
        [{ ...local, sqlGateway: {} }],
        [{ ...remote, sqlGatewayUrl: "http://flink-sql-gateway:8083" }],
        [{ ...remote, sqlGatewayUrl: "https://gw.example/flink/sql" }],
    ])("%j", (inputs) => {
        expect(checkClusterArgs(inputs).failures).toEqual([]);
    });

    test("defaults are applied", () => {
        const { args } = checkClusterArgs(local);
        expect(args).toMatchObject({ restPort: 8081, rpcPort: 6123, taskManagers: 1, slotsPerTaskManager: 2, host: "localhost" });
        expect(sqlGatewayOf(args!)).toEqual({ enabled: false });
        expect(checkClusterArgs({ ...local, sqlGateway: { enabled: true } }).args).toMatchObject({ sqlGateway: { enabled: true, port: 8083 } });
        expect(sqlGatewayOf(checkClusterArgs({ ...local, sqlGateway: { enabled: true } }).args!)).toEqual({ enabled: true, port: 8083 });
    });
});

describe("SessionCluster check rejects bad input with property, value and fix", () => {
    test.each<[string, Record<string, unknown>, string, string]>([
        ["missing target", { home }, "target", "not a known target"],
        ["unknown target", { ...local, target: "yarn" }, "target", "not a known target"],
        ["kubernetes through the wrong provider", { ...local, target: "kubernetes" }, "target", "SessionCluster class"],
        ["missing home", { target: "local", workDir: "/tmp/x" }, "home", "is required"],
        ["home without path", { ...local, home: { flinkVersion: "1.20.3" } }, "home.homePath", "is required"],
        ["home with a bad version", { ...local, home: { homePath: "/x", flinkVersion: "abc" } }, "home.flinkVersion", "not a Flink version"],
        ["restPort zero", { ...local, restPort: 0 }, "restPort", "greater than or equal to 1"],
        ["restPort too large", { ...local, restPort: 70000 }, "restPort", "less than or equal to 65535"],
        ["restPort fractional", { ...local, restPort: 80.5 }, "restPort", "integer"],
        ["restPort as string", { ...local, restPort: "8081" }, "restPort", "Expected number"],
        ["rpcPort negative", { ...local, rpcPort: -1 }, "rpcPort", "greater than or equal to 1"],
        ["rpcPort equals restPort", { ...local, restPort: 9000, rpcPort: 9000 }, "rpcPort", "same as restPort"],
        ["taskManagers zero", { ...local, taskManagers: 0 }, "taskManagers", "greater than or equal to 1"],
        ["taskManagers absurd", { ...local, taskManagers: 1000 }, "taskManagers", "less than or equal to 32"],
        ["slots zero", { ...local, slotsPerTaskManager: 0 }, "slotsPerTaskManager", "greater than or equal to 1"],
        ["memory without unit", { ...local, taskManagerMemory: "1024" }, "taskManagerMemory", "size such as"],
        ["memory nonsense", { ...local, jobManagerMemory: "lots" }, "jobManagerMemory", "size such as"],
        ["start timeout too short", { ...local, startTimeoutSeconds: 1 }, "startTimeoutSeconds", "greater than or equal to 5"],
        ["managed key in configuration", { ...local, configuration: { "rest.port": 9999 } }, 'configuration["rest.port"]', "use the restPort argument"],
        [
            "managed slots key in configuration",
            { ...local, configuration: { "taskmanager.numberOfTaskSlots": 8 } },
            'configuration["taskmanager.numberOfTaskSlots"]',
            "slotsPerTaskManager",
        ],
        ["bad configuration key", { ...local, configuration: { "a b": 1 } }, 'configuration["a b"]', "not a Flink configuration key"],
        ["unknown local property", { ...local, restUrl: "http://x:8081" }, "(args)", "unknown property"],
        ["remote without URL", { target: "remote" }, "restUrl", "is required"],
        ["remote URL not a URL", { target: "remote", restUrl: "not a url" }, "restUrl", "Invalid url"],
        ["remote URL wrong scheme", { target: "remote", restUrl: "ftp://flink:8081" }, "restUrl", "http or https"],
        ["remote URL with query", { target: "remote", restUrl: "http://flink:8081/?a=1" }, "restUrl", "query"],
        ["TLS options on http", { target: "remote", restUrl: "http://flink:8081", caCert: "PEM" }, "restUrl", "not https"],
        ["client cert without key", { target: "remote", restUrl: "https://flink:8081", clientCert: "PEM" }, "clientKey", "both"],
        ["bad header name", { ...remote, headers: { "X Bad": "1" } }, 'headers["X Bad"]', "not a valid HTTP header"],
        ["request timeout zero", { ...remote, requestTimeoutSeconds: 0 }, "requestTimeoutSeconds", "greater than or equal to 1"],
        ["home on a remote cluster", { ...remote, home }, "(args)", "unknown property"],
        ["sqlGateway port zero", { ...local, sqlGateway: { enabled: true, port: 0 } }, "sqlGateway.port", "greater than or equal to 1"],
        ["sqlGateway port too large", { ...local, sqlGateway: { enabled: true, port: 65536 } }, "sqlGateway.port", "less than or equal to 65535"],
        ["sqlGateway port fractional", { ...local, sqlGateway: { enabled: true, port: 8083.5 } }, "sqlGateway.port", "integer"],
        ["sqlGateway port equals restPort", { ...local, sqlGateway: { enabled: true, port: 8081 } }, "sqlGateway.port", "same as restPort"],
        ["sqlGateway port equals rpcPort", { ...local, rpcPort: 7000, sqlGateway: { enabled: true, port: 7000 } }, "sqlGateway.port", "same as rpcPort"],
        ["sqlGateway enabled as string", { ...local, sqlGateway: { enabled: "yes" } }, "sqlGateway.enabled", "Expected boolean"],
        ["sqlGateway unknown key", { ...local, sqlGateway: { enabled: true, address: "x" } }, "sqlGateway", "unknown property"],
        ["sqlGateway on a remote cluster", { ...remote, sqlGateway: { enabled: true } }, "(args)", "unknown property"],
        ["sqlGatewayUrl on a local cluster", { ...local, sqlGatewayUrl: "http://x:8083" }, "(args)", "unknown property"],
        ["sqlGatewayUrl not a URL", { ...remote, sqlGatewayUrl: "gateway:8083" }, "sqlGatewayUrl", "http or https"],
        ["sqlGatewayUrl wrong scheme", { ...remote, sqlGatewayUrl: "ftp://gw:8083" }, "sqlGatewayUrl", "http or https"],
        ["sqlGatewayUrl with query", { ...remote, sqlGatewayUrl: "http://gw:8083/?x=1" }, "sqlGatewayUrl", "query"],
    ])("%s", (_name, inputs, property, problem) => {
        const { failures } = checkClusterArgs(inputs);
        const failure = failures.find((f) => f.property.startsWith(property));
        expect(failures.map((f) => f.reason).join("\n")).toContain(problem);
        expect(failure).toBeDefined();
        expect(failure!.reason).toMatch(/; fix: \S/);
    });

    test("secret header values never appear in failures", () => {
        const { failures } = checkClusterArgs({ ...remote, headers: { "Bad Name": "s3cr3t-token" } });
        expect(JSON.stringify(failures)).not.toContain("s3cr3t-token");
    });
});

describe("sqlGatewayOnThisMachine (remote)", () => {
    const remoteGw = { target: "remote", restUrl: "http://flink.example:8081", sqlGatewayUrl: "http://edge:8083" };
    test("accepted with a gateway URL, default false", () => {
        expect(checkClusterArgs({ ...remoteGw, sqlGatewayOnThisMachine: true }).failures).toEqual([]);
        expect(checkClusterArgs(remoteGw).args).toMatchObject({ sqlGatewayOnThisMachine: false });
    });
    test("refused without a gateway URL, with the fix", () => {
        const f = checkClusterArgs({ target: "remote", restUrl: "http://flink.example:8081", sqlGatewayOnThisMachine: true }).failures;
        expect(f.map((x) => x.reason)).toEqual([
            "sqlGatewayOnThisMachine = true: names no gateway: sqlGatewayUrl is not set; fix: set sqlGatewayUrl to the gateway that runs on this machine, or remove sqlGatewayOnThisMachine",
        ]);
    });
});
