import { parse } from "yaml";
import { renderConfig, validateConfig } from "../../../provider/core/flink-config";
import { configDialect, tryParseFlinkVersion, stateKeys } from "../../../provider/core/version";

describe("config dialect follows the version", () => {
    test.each([
        ["1.16.3", "flink-conf.yaml"],
        ["1.18.1", "flink-conf.yaml"],
        ["1.19.0", "config.yaml"],
        ["1.20.3", "config.yaml"],
        ["2.3.0", "config.yaml"],
    ])("%s uses %s", (version, dialect) => {
        expect(configDialect(tryParseFlinkVersion(version)!)).toBe(dialect);
    });

    test("savepoint key renamed in 1.20", () => {
        expect(stateKeys(tryParseFlinkVersion("1.19.1")!).savepointDir).toBe("state.savepoints.dir");
        expect(stateKeys(tryParseFlinkVersion("1.20.3")!).savepointDir).toBe("execution.checkpointing.savepoint-dir");
    });
});

describe("renderConfig", () => {
    const config = { "state.backend.type": "rocksdb", "state.backend.incremental": true, "parallelism.default": 4, "env.java.opts.all": "-Dfoo=a: b" };

    test("config.yaml is standard YAML that round-trips every value with its type", () => {
        const text = renderConfig("config.yaml", config);
        expect(parse(text)).toEqual(config);
    });

    test("flink-conf.yaml is key: value lines, sorted", () => {
        const text = renderConfig("flink-conf.yaml", config);
        const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
        expect(lines).toEqual(["env.java.opts.all: -Dfoo=a: b", "parallelism.default: 4", "state.backend.incremental: true", "state.backend.type: rocksdb"]);
    });

    test("rendering is stable regardless of key order", () => {
        const reversed = Object.fromEntries(Object.entries(config).reverse());
        expect(renderConfig("config.yaml", reversed)).toBe(renderConfig("config.yaml", config));
    });
});

describe("validateConfig rejects what cannot be rendered", () => {
    test.each([
        [{ "bad key": 1 }, "config.yaml", "is not a Flink configuration key"],
        [{ "": 1 }, "config.yaml", "is not a Flink configuration key"],
        [{ "a.b": { nested: 1 } }, "config.yaml", "must be a string, number or boolean"],
        [{ "a.b": [1, 2] }, "config.yaml", "must be a string, number or boolean"],
        [{ "a.b": "line1\nline2" }, "config.yaml", "line break"],
        [{ "a.b": Number.NaN }, "config.yaml", "finite"],
        [{ "a.b": "x#y" }, "flink-conf.yaml", "treats as a comment"],
    ])("%j in %s", (config, dialect, problem) => {
        const failures = validateConfig("defaultConfig", config, dialect as "config.yaml");
        expect(failures).toHaveLength(1);
        expect(failures[0].reason).toContain(problem);
        expect(failures[0].reason).toMatch(/^defaultConfig\[.*\] = .*: .*; fix: .+/);
    });

    test("'#' is fine in config.yaml", () => {
        expect(validateConfig("defaultConfig", { "a.b": "x#y" }, "config.yaml")).toEqual([]);
    });

    test("a non-object is rejected", () => {
        expect(validateConfig("defaultConfig", "rest.port: 1", "config.yaml")[0].reason).toContain("must be a map");
    });
});
