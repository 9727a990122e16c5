import { describe, expect, test } from "@jest/globals";
import {
    buildRunJarBody,
    buildSavepointBody,
    buildStopBody,
    compareFlinkVersions,
    isAtLeast,
    parseFlinkVersion,
    runJarFields,
    type RunJarRequest,
} from "../../../provider/flink";
import { FlinkRequestError } from "../../../provider/flink";

/**
 * Request-body properties per release line, read off `rest_v1_dispatcher.yml` of each version
 * (components.schemas.JarRunRequestBody / StopWithSavepointRequestBody / SavepointTriggerRequestBody).
 * Hard-coded on purpose: the tests must not depend on the reference specs at run time.
 */
const BASE_RUN = ["entryClass", "programArgs", "programArgsList", "parallelism", "jobId", "allowNonRestoredState", "savepointPath", "restoreMode"];
const WITHOUT_PROGRAM_ARGS = BASE_RUN.filter((f) => f !== "programArgs");
const SPEC_RUN_FIELDS: Record<string, readonly string[]> = {
    "1.16": BASE_RUN,
    "1.17": [...BASE_RUN, "flinkConfiguration"],
    "1.18": [...BASE_RUN, "flinkConfiguration"],
    "1.19": [...BASE_RUN, "flinkConfiguration"],
    "1.20": [...BASE_RUN, "flinkConfiguration", "claimMode"],
    "2.0": [...WITHOUT_PROGRAM_ARGS, "flinkConfiguration", "claimMode"],
    "2.1": [...WITHOUT_PROGRAM_ARGS, "flinkConfiguration", "claimMode"],
    "2.2": [...WITHOUT_PROGRAM_ARGS, "flinkConfiguration", "claimMode"],
    "2.3": [...WITHOUT_PROGRAM_ARGS, "flinkConfiguration", "claimMode"],
};
const SPEC_STOP_FIELDS = ["targetDirectory", "drain", "formatType", "triggerId"];
const SPEC_SAVEPOINT_FIELDS = ["target-directory", "cancel-job", "formatType", "triggerId"];
const VERSIONS = Object.keys(SPEC_RUN_FIELDS);

const FULL: RunJarRequest = {
    entryClass: "com.example.Main",
    programArgs: ["--input", "kafka://in", "--name", "a b"],
    parallelism: 4,
    jobId: "0123456789abcdef0123456789abcdef",
    savepointPath: "s3://bucket/savepoints/savepoint-1",
    allowNonRestoredState: true,
    claimMode: "NO_CLAIM",
    flinkConfiguration: { "pipeline.name": "orders" },
};
const ALL_BUT_CONFIG: RunJarRequest = { ...FULL, flinkConfiguration: undefined };

describe.each(VERSIONS)("Flink %s", (line) => {
    const version = `${line}.1`;
    const allowed = SPEC_RUN_FIELDS[line]!;
    const request = isAtLeast(version, 1, 17) ? FULL : ALL_BUT_CONFIG;

    test("run-jar body uses only fields the spec of this version knows", () => {
        const body = buildRunJarBody(version, request);
        for (const key of Object.keys(body)) expect(allowed).toContain(key);
        expect(runJarFields(version).every((f) => allowed.includes(f))).toBe(true);
    });

    test("run-jar body carries every requested setting", () => {
        const body = buildRunJarBody(version, request);
        expect(body).toMatchObject({
            entryClass: "com.example.Main",
            programArgsList: ["--input", "kafka://in", "--name", "a b"],
            parallelism: 4,
            jobId: "0123456789abcdef0123456789abcdef",
            savepointPath: "s3://bucket/savepoints/savepoint-1",
            allowNonRestoredState: true,
        });
        expect(body).not.toHaveProperty("programArgs");
    });

    test("claim mode goes to claimMode from 1.20, restoreMode before", () => {
        const body = buildRunJarBody(version, request);
        const [used, unused] = isAtLeast(version, 1, 20) ? ["claimMode", "restoreMode"] : ["restoreMode", "claimMode"];
        expect(body).toHaveProperty(used, "NO_CLAIM");
        expect(body).not.toHaveProperty(unused);
        expect(allowed).toContain(used);
    });

    test("flinkConfiguration is sent from 1.17 and refused with a clear error before", () => {
        if (allowed.includes("flinkConfiguration")) {
            expect(buildRunJarBody(version, FULL).flinkConfiguration).toEqual({ "pipeline.name": "orders" });
        } else {
            expect(() => buildRunJarBody(version, FULL)).toThrow(FlinkRequestError);
            expect(() => buildRunJarBody(version, FULL)).toThrow(
                "Flink REST POST /jars/:jarid/run refused before sending: it was given a job configuration (1 key), which the run-jar REST API of Flink 1.16.1 does not take (1.17+)",
            );
        }
    });

    test("stop and savepoint bodies use only fields the spec of this version knows", () => {
        const stop = buildStopBody({ targetDirectory: "s3://b/sp", drain: true, formatType: "CANONICAL", triggerId: "a".repeat(32) });
        const savepoint = buildSavepointBody({ targetDirectory: "s3://b/sp", cancelJob: true, formatType: "NATIVE", triggerId: "a".repeat(32) });
        expect(Object.keys(stop).sort()).toEqual([...SPEC_STOP_FIELDS].sort());
        expect(Object.keys(savepoint).sort()).toEqual([...SPEC_SAVEPOINT_FIELDS].sort());
    });
});

describe("buildRunJarBody", () => {
    test("an empty request gives an empty body (cluster defaults apply)", () => {
        expect(buildRunJarBody("2.3.0", {})).toEqual({});
    });

    test("an empty flinkConfiguration is simply omitted on 1.16", () => {
        expect(buildRunJarBody("1.16.3", { flinkConfiguration: {} })).toEqual({});
    });

    test("a snapshot of the next version behaves like the newest release", () => {
        expect(buildRunJarBody("2.4-SNAPSHOT", FULL)).toEqual(buildRunJarBody("2.3.0", FULL));
    });

    test("invalid values are all reported, as what the client was given (no property the user never wrote)", () => {
        try {
            buildRunJarBody("1.20.3", { parallelism: 0, jobId: "job-1" });
            throw new Error("expected FlinkRequestError");
        } catch (err) {
            expect(err).toBeInstanceOf(FlinkRequestError);
            expect((err as FlinkRequestError).given).toEqual([
                "the parallelism 0, which is not a whole number from 1 to 32768",
                'the job id "job-1", which is not 32 lowercase hex characters',
            ]);
            expect((err as Error).message).toBe(
                'Flink REST POST /jars/:jarid/run refused before sending: it was given the parallelism 0, which is not a whole number from 1 to 32768; the job id "job-1", which is not 32 lowercase hex characters',
            );
        }
    });

    test("Flink older than 1.16 is refused", () => {
        expect(() => buildRunJarBody("1.15.4", {})).toThrow(
            "Flink REST POST /jars/:jarid/run refused before sending: it was given Flink 1.15.4 as the target, which is older than the oldest supported (1.16)",
        );
    });
});

describe("parseFlinkVersion", () => {
    test.each([
        ["1.20.3", { major: 1, minor: 20, patch: 3 }],
        ["2.3.0", { major: 2, minor: 3, patch: 0 }],
        ["2.4-SNAPSHOT", { major: 2, minor: 4, patch: 0, qualifier: "SNAPSHOT" }],
        ["1.18", { major: 1, minor: 18, patch: 0 }],
        ["v1.19.1", { major: 1, minor: 19, patch: 1 }],
        ["1.17.2-rc1", { major: 1, minor: 17, patch: 2, qualifier: "rc1" }],
    ])("%s", (text, parsed) => expect(parseFlinkVersion(text)).toEqual(parsed));

    test.each(["latest", "1", "", "1.x.0", "1.20.3.4"])("%j is refused, quoting what the client was given", (text) => {
        expect(() => parseFlinkVersion(text)).toThrow(
            `Flink REST client refused before sending: it was given the Flink version ${JSON.stringify(text)}, which is not MAJOR.MINOR[.PATCH] (e.g. "1.20.3")`,
        );
    });

    test("comparison is numeric, not lexical", () => {
        expect(compareFlinkVersions("1.9.0", "1.16.0")).toBeLessThan(0);
        expect(compareFlinkVersions("2.0.0", "1.20.3")).toBeGreaterThan(0);
        expect(compareFlinkVersions("1.20", "1.20.0")).toBe(0);
        expect(isAtLeast("1.19.9", 1, 20)).toBe(false);
        expect(isAtLeast("1.20.0", 1, 20)).toBe(true);
    });
});
