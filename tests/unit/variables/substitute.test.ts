import { InputError } from "../../../provider/core/errors";
import { checkAllReferences, checkReferences, findReferences, resolveAll, stringsIn, substitute } from "../../../provider/core/substitute";

const vars = { A: "1", B: "two", DB_URL: "jdbc:mysql://db:3306/x", _x9: "u", A1_B2: "ab", DOLLAR: "$", REF: "${B}" };

describe("substitute", () => {
    test.each<[string, string, string]>([
        ["plain reference", "x=${A}", "x=1"],
        ["whole text", "${DB_URL}", "jdbc:mysql://db:3306/x"],
        ["adjacent references", "${A}${B}", "1two"],
        ["repeated reference", "${A}-${A}-${A}", "1-1-1"],
        ["escape gives the literal placeholder", "$${A}", "${A}"],
        ["escape of an undefined name is fine", "$${NOT_DEFINED}", "${NOT_DEFINED}"],
        ["escape next to a reference", "$${A}${A}", "${A}1"],
        ["three dollars: a $ then an escape", "$$${A}", "$${A}"],
        ["nested-looking: inner one substituted, outer left", "${${A}}", "${1}"],
        ["names with digits and underscores", "${_x9}/${A1_B2}", "u/ab"],
        ["a $ alone", "$", "$"],
        ["$$ alone", "$$", "$$"],
        ["$ before a plain word", "price $5 and $A", "price $5 and $A"],
        ["empty braces", "${}", "${}"],
        ["not a name: leading digit", "${1A}", "${1A}"],
        ["not a name: dash or dot", "${a-b} ${a.b}", "${a-b} ${a.b}"],
        ["unclosed", "${A", "${A"],
        ["values are not scanned again", "${REF}", "${B}"],
        ["a $ right before a value via a variable", "${DOLLAR}${A}", "$1"],
        ["SQL with quotes and newlines", "CREATE TABLE t WITH (\n 'url' = '${DB_URL}'\n)", "CREATE TABLE t WITH (\n 'url' = 'jdbc:mysql://db:3306/x'\n)"],
        ["no $ at all", "SELECT 1", "SELECT 1"],
        ["names are case sensitive: escape kept", "$${a}", "${a}"],
    ])("%s: %j", (_name, text, expected) => {
        expect(substitute(text, vars)).toBe(expected);
    });

    test("an undefined name throws an InputError naming it, the property and what is defined", () => {
        let error: unknown;
        try {
            substitute("SELECT * FROM ${MISSING} JOIN ${A} ON ${ALSO_MISSING}", { B: "2", A: "1" }, "sql");
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(InputError);
        const failures = (error as InputError).failures;
        expect(failures.map((f) => f.property)).toEqual(["sql", "sql"]);
        expect(failures[0].reason).toContain("uses ${MISSING}, which is not defined (defined: A, B)");
        expect(failures[0].reason).toContain("fix: add MISSING to a VariableSet passed in variables, or escape it as $${MISSING}");
        expect(failures[1].reason).toContain("${ALSO_MISSING}");
    });

    test("names on Object.prototype are not variables", () => {
        expect(() => substitute("${constructor}${toString}", {})).toThrow("which is not defined (defined: none)");
    });
});

describe("findReferences", () => {
    test.each<[string, string[]]>([
        ["${A} ${B} ${A}", ["A", "B"]],
        ["$${A} ${B}", ["B"]],
        ["${${A}}", ["A"]],
        ["$$${A}", []],
        ["$ $$ ${} ${1x}", []],
        ["${B}${A}", ["B", "A"]],
    ])("%j", (text, names) => {
        expect(findReferences(text)).toEqual(names);
    });
});

describe("checkReferences", () => {
    test("the message names the job, the placeholder and the defined variables, sorted", () => {
        const failures = checkReferences("sql", "INSERT INTO k SELECT * FROM ${KAFKA_BROKERS}", ["DB_URL", "DB_PASSWORD"], "orders");
        expect(failures).toEqual([
            {
                property: "sql",
                reason: 'sql = "INSERT INTO k SELECT * FROM ${KAFKA_BROKERS}": job "orders" uses ${KAFKA_BROKERS}, which no VariableSet defines (defined: DB_PASSWORD, DB_URL); fix: add KAFKA_BROKERS to a VariableSet passed in variables, or escape it as $${KAFKA_BROKERS}',
            },
        ]);
    });

    test('no variables at all says "none"', () => {
        expect(checkReferences("sql", "${X}", [], "j")[0].reason).toContain("(defined: none)");
    });

    test("all defined, or escaped: no failure", () => {
        expect(checkReferences("sql", "${A} $${B}", ["A"], "j")).toEqual([]);
    });

    test("a near miss is suggested", () => {
        expect(checkReferences("sql", "${KAFKA_BROKER}", ["KAFKA_BROKERS"], "j")[0].reason).toContain("use ${KAFKA_BROKERS} if that was meant");
        expect(checkReferences("sql", "${db_url}", ["DB_URL"], "j")[0].reason).toContain("use ${DB_URL}");
        expect(checkReferences("sql", "${A}", ["B"], "j")[0].reason).not.toContain("if that was meant");
    });

    test("long SQL is quoted around the placeholder, with its line", () => {
        const sql = `${"SELECT a FROM t;\n".repeat(10)}INSERT INTO sink SELECT * FROM src WHERE k = '\${TOPIC}';\n${"-- pad\n".repeat(10)}`;
        const reason = checkReferences("sql", sql, [], "j")[0].reason;
        expect(reason).toContain("${TOPIC}");
        expect(reason).toContain("(line 11)");
    });

    test("a long list of defined names is shortened", () => {
        const names = Array.from({ length: 25 }, (_, i) => `V${String(i).padStart(2, "0")}`);
        expect(checkReferences("sql", "${X}", names, "j")[0].reason).toContain("V19 and 5 more");
    });

    test("over args and configuration, with paths", () => {
        const failures = checkAllReferences("configuration", { "pipeline.name": "${NAME}", ok: "${A}", list: ["${B}"] }, ["A"], "j");
        expect(failures.map((f) => f.property)).toEqual(['configuration["pipeline.name"]', "configuration.list[0]"]);
    });
});

describe("resolveAll", () => {
    test("substitutes in nested strings; keys, numbers and booleans untouched", () => {
        const input = { "${A}": "${B}", n: 3, flag: true, nil: null, args: ["--url", "${DB_URL}", "$${A}"], deep: { x: ["${A}"] } };
        expect(resolveAll(input, vars)).toEqual({
            "${A}": "two",
            n: 3,
            flag: true,
            nil: null,
            args: ["--url", "jdbc:mysql://db:3306/x", "${A}"],
            deep: { x: ["1"] },
        });
        expect(input.args[1]).toBe("${DB_URL}"); // not mutated
    });

    test("a plain string and an array", () => {
        expect(resolveAll("${A}", vars)).toBe("1");
        expect(resolveAll(["${A}", "${B}"], vars)).toEqual(["1", "two"]);
    });

    test("every undefined name is reported with its path", () => {
        try {
            resolveAll({ args: ["${X}", "ok", "${Y}"] }, {}, "program");
            throw new Error("no error");
        } catch (e) {
            expect(e).toBeInstanceOf(InputError);
            expect((e as InputError).failures.map((f) => f.property)).toEqual(["program.args[0]", "program.args[2]"]);
        }
    });

    test("a key named __proto__ stays a plain key", () => {
        const input = JSON.parse('{"__proto__": "${A}"}') as Record<string, string>;
        const out = resolveAll(input, vars);
        expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        expect(Object.keys(out)).toEqual(["__proto__"]);
    });

    test("stringsIn lists every string value", () => {
        expect(stringsIn(["a", { k: "b", n: 1, m: ["c"] }])).toEqual(["a", "b", "c"]);
    });
});
