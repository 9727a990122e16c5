import { describe, expect, test } from "@jest/globals";
import { extractSqlGatewayMessage, parseSqlPosition } from "../../../provider/sqlgateway";
import { fixtureText } from "./helpers";

describe("extractSqlGatewayMessage reduces real gateway errors to the useful line", () => {
    test.each<[string, string, { line: number; column: number } | undefined]>([
        [
            "error-parse-1.20.json",
            'SQL parse failed. Encountered "x" at line 1, column 15. Was expecting one of: <EOF>, "EXCEPT", "FETCH", "FROM"',
            { line: 1, column: 15 },
        ],
        ["error-parse-2.3.json", 'SQL parse failed. Encountered "x" at line 1, column 15.', { line: 1, column: 15 }],
        [
            "error-parse-eof-2.3.json",
            'Encountered "<EOF>" at line 1, column 52. Was expecting one of: "UESCAPE", <QUOTED_STRING>, ")", ",".',
            { line: 1, column: 52 },
        ],
        [
            "error-unknown-table-1.20.json",
            "SQL validation failed. From line 1, column 15 to line 1, column 18: Object 'nope' not found",
            { line: 1, column: 15 },
        ],
        [
            "error-unknown-table-2.3.json",
            "SQL validation failed. From line 1, column 15 to line 1, column 18: Object 'nope' not found",
            { line: 1, column: 15 },
        ],
        [
            "error-unknown-column-2.3.json",
            "SQL validation failed. From line 1, column 24 to line 1, column 28: Column 'nocol' not found in any table",
            { line: 1, column: 24 },
        ],
        [
            "error-unknown-sink-2.3.json",
            "Cannot find table '`default_catalog`.`default_database`.`nosink`' in any of the catalogs [default_catalog], nor as a temporary table.",
            undefined,
        ],
        [
            "error-missing-connector-1.20.json",
            "Unable to create a sink for writing table 'default_catalog.default_database.k'. Caused by: Could not find any factory for identifier 'kafka' that implements 'DynamicTableFactory' in the classpath. Available factory identifiers are: blackhole, datagen, filesystem, print, python-input-format.",
            undefined,
        ],
        ["error-missing-connector-2.3.json", "Could not find any factory for identifier 'kafka'", undefined],
        ["error-bad-option-2.3.json", "Unsupported options found for 'datagen'. Unsupported options: bogus. Supported options: connector,", undefined],
        [
            "error-mismatch-1.20.json",
            "Column types of query result and sink for 'default_catalog.default_database.snk' do not match. Cause: Different number of columns. Query schema: [k: INT] Sink schema: [k: INT, c: BIGINT]",
            undefined,
        ],
        ["error-mismatch-2.3.json", "Query schema: [k: INT] Sink schema: [k: INT, c: BIGINT]", undefined],
        ["error-dup-jobid-1.20.json", "Failed to execute job 'named'. Caused by: DuplicateJobSubmissionException: Job has already been submitted.", undefined],
        [
            "error-dup-jobid-2.3.json",
            "Failed to execute job 'named'. Caused by: DuplicateApplicationSubmissionException: Application has already been submitted.",
            undefined,
        ],
        ["error-nosession-1.20.json", "Session '00000000-0000-0000-0000-000000000000' does not exist.", undefined],
        ["error-nosession-2.3.json", "Session '00000000-0000-0000-0000-000000000000' does not exist.", undefined],
        ["error-configure-1.20.json", "Unsupported statement for configuring session:SELECT 1 The configureSession API only supports", undefined],
    ])("%s", (name, expected, position) => {
        const message = extractSqlGatewayMessage(fixtureText(name));
        expect(message).toContain(expected);
        expect(parseSqlPosition(message)).toEqual(position);
        // The wrappers and the Java plumbing are gone.
        expect(message).not.toMatch(
            /Failed to fetchResults|Failed to execute the operation|Internal server error|Exception on server side|\tat |SqlGatewayException/,
        );
        expect(message!.length).toBeLessThanOrEqual(600);
    });

    test("table options are dropped: they may hold credentials", () => {
        const body = JSON.stringify({
            errors: [
                "Internal server error.",
                "<Exception on server side:\norg.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to fetchResults.\n\tat x.Y.z(Y.java:1)\n" +
                    "Caused by: org.apache.flink.table.api.ValidationException: Unable to create a source for reading table 'c.d.t'.\n\nTable options are:\n\n'connector'='jdbc'\n'password'='hunter2'\n\tat a.B.c(B.java:1)\n" +
                    "Caused by: org.apache.flink.table.api.ValidationException: Could not find any factory for identifier 'jdbc'\n\tat a.B.c(B.java:2)\n\nEnd of exception on server side>",
            ],
        });
        const message = extractSqlGatewayMessage(body)!;
        expect(message).toContain("Unable to create a source for reading table 'c.d.t'. Caused by: Could not find any factory for identifier 'jdbc'");
        expect(message).not.toContain("hunter2");
    });

    test("a lone exception gives its message", () => {
        const body = JSON.stringify({
            errors: [
                "Internal server error.",
                "<Exception on server side:\njava.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n\nEnd of exception on server side>",
            ],
        });
        expect(extractSqlGatewayMessage(body)).toBe("boom");
    });

    test("non-JSON bodies give their first line of text; empty bodies nothing", () => {
        expect(extractSqlGatewayMessage("<html><body><h1>502 Bad Gateway</h1></body></html>")).toBe("502 Bad Gateway");
        expect(extractSqlGatewayMessage("  ")).toBeUndefined();
        expect(extractSqlGatewayMessage(JSON.stringify({ errors: ["Not found: /v2/sessions/x/configure-session"] }))).toBe(
            "Not found: /v2/sessions/x/configure-session",
        );
    });
});

describe("parseSqlPosition", () => {
    test.each<[string, { line: number; column: number } | undefined]>([
        ['SQL parse failed. Encountered "FORM" at line 1, column 10.', { line: 1, column: 10 }],
        ["From line 3, column 7 to line 3, column 11: Object 'x' not found", { line: 3, column: 7 }],
        ["SQL validation failed. from LINE 12, COLUMN 1 to line 12, column 4: …", { line: 12, column: 1 }],
        ['Encountered "<EOF>" at line 2, column 52.', { line: 2, column: 52 }],
        ["Object 'nope' not found", undefined],
        ["", undefined],
    ])("%s", (message, expected) => {
        expect(parseSqlPosition(message)).toEqual(expected);
    });

    test("undefined gives undefined", () => {
        expect(parseSqlPosition(undefined)).toBeUndefined();
    });
});
