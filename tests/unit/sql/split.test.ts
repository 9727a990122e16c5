import { checkSqlScript, statementsOf } from "../../../provider/sql/check";
import { scriptPosition, splitSql } from "../../../provider/sql/split";

const DDL = `CREATE TABLE src (k INT, v BIGINT) WITH ('connector' = 'datagen');
CREATE TABLE snk (k INT, c BIGINT) WITH ('connector' = 'blackhole')`;

describe("splitSql", () => {
    test("statements, kinds and start positions", () => {
        const stmts = splitSql(`${DDL};\n\n  SET 'pipeline.name' = 'x;y';\nINSERT INTO snk SELECT k, COUNT(*) FROM src GROUP BY k;`);
        expect(stmts.map((s) => [s.kind, s.line, s.column])).toEqual([
            ["ddl", 1, 1],
            ["ddl", 2, 1],
            ["set", 4, 3],
            ["insert", 5, 1],
        ]);
        expect(stmts[2].text).toBe("SET 'pipeline.name' = 'x;y'");
    });

    test("semicolons in strings, quoted identifiers and comments do not split", () => {
        const stmts = splitSql("-- a; comment\nCREATE TABLE `a;b` (s STRING) WITH ('x' = 'it''s; fine'); /* c; */ INSERT INTO \"t;\" SELECT 'q;'");
        expect(stmts).toHaveLength(2);
        expect(stmts[0].text).toContain("'it''s; fine'");
        expect(stmts[1].kind).toBe("insert");
    });

    test("EXECUTE STATEMENT SET BEGIN ... END is one statement", () => {
        const stmts = splitSql(`${DDL};\nEXECUTE STATEMENT SET\nBEGIN\n  INSERT INTO snk SELECT 1, 2;\n  INSERT INTO snk SELECT 3, 4;\nEND;`);
        expect(stmts.map((s) => s.kind)).toEqual(["ddl", "ddl", "statement-set"]);
        expect(stmts[2].text.match(/INSERT/g)).toHaveLength(2);
    });

    test("comment-only remainders are not statements", () => {
        expect(splitSql("INSERT INTO a SELECT 1;\n-- done\n/* really */\n")).toHaveLength(1);
    });

    test("gateway positions map back to the script", () => {
        const stmts = splitSql(`${DDL};\n   INSERT INTO snk\nSELECT k FORM src`);
        expect(scriptPosition(stmts[2], 1, 8)).toEqual({ line: 3, column: 11 });
        expect(scriptPosition(stmts[2], 2, 10)).toEqual({ line: 4, column: 10 });
    });

    test("a list of statements keeps the element index", () => {
        const stmts = statementsOf([DDL.split(";")[0], "INSERT INTO snk SELECT 1, 2;"]);
        expect(stmts.map((s) => [s.element, s.kind])).toEqual([
            [0, "ddl"],
            [1, "insert"],
        ]);
    });
});

describe("checkSqlScript: exactly one long-running job", () => {
    const ok = `${DDL};\nINSERT INTO snk SELECT k, COUNT(*) FROM src GROUP BY k`;
    test("a valid script", () => {
        const { script, failures } = checkSqlScript("sql", ok, "orders");
        expect(failures).toEqual([]);
        expect(script?.job.kind).toBe("insert");
    });
    test.each<[string, string | string[], string, string]>([
        ["empty", "  -- nothing\n", "sql", "is empty"],
        ["empty list", [], "sql", "is empty"],
        ["no insert", DDL, "sql", "produces no Flink job"],
        ["two inserts", `${ok};\nINSERT INTO snk SELECT 1, 2`, "sql (line 4)", "would produce 2 Flink jobs"],
        ["a select", `${DDL};\nSELECT * FROM src`, "sql (line 3)", "not a job that keeps running"],
        ["statements after the insert", `${ok};\nCREATE TABLE t2 (a INT)`, "sql (line 4)", "after the job's INSERT"],
        ["explain", `${DDL};\nEXPLAIN INSERT INTO snk SELECT 1, 2;\n${ok.split(";\n")[2]}`, "sql (line 3)", "produce no job"],
        ["an empty statement set", `${DDL};\nEXECUTE STATEMENT SET BEGIN END`, "sql", "has no INSERT"],
        ["unknown statement", `${DDL};\nFROBNICATE;\n${ok.split(";\n")[2]}`, "sql (line 3)", "not a statement a SQL job can run"],
        ["list with two inserts", [DDL, "INSERT INTO snk SELECT 1, 2", "INSERT INTO snk SELECT 3, 4"], "sql[2] (line 1)", "would produce 2"],
    ])("%s", (_name, sql, property, problem) => {
        const { failures } = checkSqlScript("sql", sql, "orders");
        const f = failures.find((x) => x.property === property);
        expect(failures.map((x) => x.reason).join("\n")).toContain(problem);
        expect(f).toBeDefined();
        expect(f!.reason).toMatch(/; fix: \S/);
        if (!problem.includes("empty")) expect(f!.reason).toContain('job "orders"');
    });
});
