import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { localClusterConfig, localRestUrl } from "../../../provider/cluster/config";
import { checkClusterArgs, LocalClusterArgs } from "../../../provider/cluster/schema";
import { flattenYaml, parseLegacyConfig } from "../../../provider/home/distribution";
import { localLayout } from "../../../provider/local/layout";

function homeWith(file: string, text: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-cfg-"));
    fs.mkdirSync(path.join(dir, "conf"));
    fs.writeFileSync(path.join(dir, "conf", file), text);
    return dir;
}

function args(extra: Record<string, unknown>, home: Record<string, unknown>): LocalClusterArgs {
    const { args, failures } = checkClusterArgs({ target: "local", workDir: "/tmp/pf-x", home, ...extra });
    expect(failures).toEqual([]);
    return args as LocalClusterArgs;
}

describe("local cluster configuration layers", () => {
    const shipped =
        "env:\n  java:\n    opts:\n      all: --add-opens=java.base/java.lang=ALL-UNNAMED\njobmanager:\n  rpc:\n    port: 6123\nparallelism:\n  default: 1\n";
    const homePath = homeWith("config.yaml", shipped);

    test("keeps what the distribution ships, lets the home and cluster override, and manages its own keys", () => {
        const a = args(
            { restPort: 18081, rpcPort: 16123, configuration: { "parallelism.default": 3 } },
            { homePath, flinkVersion: "2.3.0", defaultConfig: { "parallelism.default": 2, "pipeline.name": "x" } },
        );
        const { config, dialect, text } = localClusterConfig(a, localLayout(a.workDir));
        expect(dialect).toBe("config.yaml");
        expect(config["env.java.opts.all"]).toContain("--add-opens");
        expect(config["parallelism.default"]).toBe(3); // cluster beats home beats distribution
        expect(config["pipeline.name"]).toBe("x");
        expect(config["jobmanager.rpc.port"]).toBe(16123); // managed beats distribution
        expect(config["rest.port"]).toBe(18081);
        expect(config["execution.checkpointing.savepoint-dir"]).toBe("file:///tmp/pf-x/savepoints");
        expect(parse(text)["rest.port"]).toBe(18081);
    });

    test("Flink 1.18 gets flink-conf.yaml and the pre-1.20 savepoint key", () => {
        const legacyHome = homeWith("flink-conf.yaml", "env.java.opts.all: -Dx=1 # comment\njobmanager.rpc.port: 6123\n");
        const a = args({}, { homePath: legacyHome, flinkVersion: "1.18.1" });
        const { config, dialect, text } = localClusterConfig(a, localLayout(a.workDir));
        expect(dialect).toBe("flink-conf.yaml");
        expect(config["env.java.opts.all"]).toBe("-Dx=1");
        expect(config["state.savepoints.dir"]).toBe("file:///tmp/pf-x/savepoints");
        expect(text).toContain("rest.port: 8081\n");
    });

    test("REST URL of a local cluster", () => {
        expect(localRestUrl({ host: "localhost", restPort: 8081 })).toBe("http://localhost:8081");
        expect(localRestUrl({ host: "0.0.0.0", restPort: 9000 })).toBe("http://localhost:9000");
        expect(localRestUrl({ host: "::1", restPort: 9000 })).toBe("http://[::1]:9000");
    });
});

describe("reading distribution configuration", () => {
    test("nested YAML flattens to dotted keys", () => {
        expect(flattenYaml({ a: { b: { c: 1 }, d: "x" }, e: true, f: [1, 2] })).toEqual({ "a.b.c": 1, "a.d": "x", e: true, f: "1;2" });
    });
    test("legacy format: key: value, comments stripped", () => {
        expect(parseLegacyConfig("# header\na.b: 1\nc: x y # note\nbroken line\n")).toEqual({ "a.b": "1", c: "x y" });
    });
});
