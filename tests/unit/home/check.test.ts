import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkHomeArgs } from "../../../provider/home/schema";
import { UNKNOWN } from "../../../provider/core/unknown";

/** A directory that looks like a Flink distribution of the given version. */
function fakeDistribution(version: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-home-"));
    fs.mkdirSync(path.join(dir, "lib"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "lib", `flink-dist-${version}.jar`), "");
    for (const s of ["jobmanager.sh", "taskmanager.sh", "config.sh"]) fs.writeFileSync(path.join(dir, "bin", s), "");
    return dir;
}

const home120 = fakeDistribution("1.20.3");
const home118 = fakeDistribution("1.18.1");
const home115 = fakeDistribution("1.15.4");
const notFlink = fs.mkdtempSync(path.join(os.tmpdir(), "pf-notflink-"));

describe("FlinkHome check accepts valid input", () => {
    test.each([
        [{ version: "1.20.3" }],
        [{ version: "2.3.0", defaultConfig: { "parallelism.default": 2 } }],
        [{ path: home120 }],
        [{ path: home120, version: "1.20.3" }],
        [{ path: home118, defaultConfig: { "state.backend.type": "hashmap" } }],
        [{ version: UNKNOWN }],
    ])("%j", (inputs) => {
        expect(checkHomeArgs(inputs).failures).toEqual([]);
    });

    test("the detected version is what counts, not an input", () => {
        const { failures } = checkHomeArgs({ path: home120, version: "2.3.0" });
        expect(failures[0].reason).toContain("Flink 1.20.3");
    });
});

describe("FlinkHome check rejects bad input with property, value and fix", () => {
    test.each<[string, Record<string, unknown>, string, string]>([
        ["nothing to install", {}, "path", "needs a distribution"],
        ["version is not a version", { version: "latest" }, "version", "is not a Flink version"],
        ["version too old", { version: "1.14.6" }, "version", "is not supported"],
        ["version too new", { version: "3.0.0" }, "version", "is not supported"],
        ["version has a wrong type", { version: 1.2 }, "version", "Expected string"],
        ["path does not exist", { path: "/nonexistent/flink-9" }, "path", "does not exist"],
        ["path is not a distribution", { path: notFlink }, "path", "no lib/"],
        ["path holds an unsupported version", { path: home115 }, "path", "not supported"],
        ["path and version disagree", { path: home120, version: "1.20.2" }, "version", "does not match"],
        ["empty path", { path: "" }, "path", "at least 1"],
        ["unknown property", { versoin: "1.20.3", version: "1.20.3" }, "(args)", "unknown property"],
        ["defaultConfig not a map", { version: "1.20.3", defaultConfig: ["a"] }, "defaultConfig", "Expected object"],
        ["defaultConfig value is an object", { version: "1.20.3", defaultConfig: { "a.b": { c: 1 } } }, "defaultConfig", "must be a string, number or boolean"],
        [
            "defaultConfig key with spaces",
            { version: "1.20.3", defaultConfig: { "rest port": 1 } },
            'defaultConfig["rest port"]',
            "not a Flink configuration key",
        ],
        ["defaultConfig '#' on flink-conf.yaml", { path: home118, defaultConfig: { "a.b": "x#y" } }, 'defaultConfig["a.b"]', "comment"],
        ["defaultConfig line break", { version: "2.3.0", defaultConfig: { "a.b": "x\ny" } }, 'defaultConfig["a.b"]', "line break"],
        ["cacheDir empty", { version: "2.3.0", cacheDir: "" }, "cacheDir", "at least 1"],
    ])("%s", (_name, inputs, property, problem) => {
        const { failures } = checkHomeArgs(inputs);
        expect(failures.length).toBeGreaterThanOrEqual(1);
        const failure = failures.find((f) => f.property.startsWith(property));
        expect(failure).toBeDefined();
        expect(failure!.reason).toContain(problem);
        expect(failure!.reason).toMatch(/; fix: \S/);
    });
});
