import { InputError } from "../../../provider/core/errors";
import { escapeSqlValue, sqlReferences, substituteSql } from "../../../provider/variables/sql-context";
import { splitSql } from "../../../provider/sql/split";
import { resolveAll, substitute } from "../../../provider/core/substitute";
import { randomValue, seededRandom } from "../../support/random-text";

/**
 * Read back the quoted token that starts at `open` the way Flink's SQL lexer does (written here
 * independently of the code under test): a doubled delimiter is one delimiter; in a unicode
 * literal, the escape character doubled is itself and followed by 4 (or + and 6) hex digits is a
 * code point.
 */
function readToken(sql: string, open: number, uescape?: string): { value: string; end: number } {
    const q = sql[open];
    let raw = "";
    let i = open + 1;
    for (;;) {
        if (i >= sql.length) throw new Error(`unterminated ${q} token in ${JSON.stringify(sql)}`);
        if (sql[i] === q && sql[i + 1] === q) {
            raw += q;
            i += 2;
        } else if (sql[i] === q) break;
        else raw += sql[i++];
    }
    if (uescape === undefined) return { value: raw, end: i };
    let value = "";
    for (let j = 0; j < raw.length; j++) {
        if (raw[j] !== uescape) value += raw[j];
        else if (raw[j + 1] === uescape) {
            value += uescape;
            j++;
        } else if (raw[j + 1] === "+") {
            value += String.fromCodePoint(parseInt(raw.slice(j + 2, j + 8), 16));
            j += 7;
        } else {
            value += String.fromCharCode(parseInt(raw.slice(j + 1, j + 5), 16));
            j += 4;
        }
    }
    return { value, end: i };
}

const PASSWORD = "Zq'9$x\\Kv\"#${w}é";

describe("substituteSql: each value escaped for the token it lands in", () => {
    test.each<[string, string, Record<string, string>, string]>([
        ["string literal: quotes doubled", "SELECT '${P}'", { P: "pa'ss$word" }, "SELECT 'pa''ss$word'"],
        ["connector option", "WITH ('password' = '${P}')", { P: "it's" }, "WITH ('password' = 'it''s')"],
        ["value inside a longer literal", "SELECT 'a${P}b'", { P: "'" }, "SELECT 'a''b'"],
        ["already doubled quotes of the template are kept", "SELECT 'it''s ${P}'", { P: "x'y" }, "SELECT 'it''s x''y'"],
        ["backslashes stay single in a plain literal", "SELECT '${P}'", { P: "a\\b" }, "SELECT 'a\\b'"],
        ["unicode literal: backslash and quote doubled", "SELECT U&'${P}'", { P: "a\\'b" }, "SELECT U&'a\\\\''b'"],
        ["unicode literal with UESCAPE: that character doubled", "SELECT U&'${P}' UESCAPE '!'", { P: "a!\\'" }, "SELECT U&'a!!\\''' UESCAPE '!'"],
        ["lower-case u& too", "SELECT u&'${P}'", { P: "\\" }, "SELECT u&'\\\\'"],
        ["a name ending in U& is not a unicode literal", "SELECT XU&'${P}'", { P: "\\" }, "SELECT XU&'\\'"],
        ["backquoted identifier: backquotes doubled", "SELECT 1 AS `${P}`", { P: "a`b" }, "SELECT 1 AS `a``b`"],
        ["double quotes: double quotes doubled", 'SELECT "${P}"', { P: 'a"b' }, 'SELECT "a""b"'],
        ["SQL code: as is (how users build SQL)", "SELECT * FROM ${T} WHERE k = ${K}", { T: "db.t", K: "'x'" }, "SELECT * FROM db.t WHERE k = 'x'"],
        ["line comment: reference left as written", "SELECT 1 -- uses ${P}\n, '${P}'", { P: "x\ny'" }, "SELECT 1 -- uses ${P}\n, 'x\ny'''"],
        ["block comment: reference left as written", "/* ${P} */ SELECT '${P}'", { P: "*/" }, "/* ${P} */ SELECT '*/'"],
        ["a quote inside a comment opens nothing", "-- it's ${P}\nSELECT ${P}", { P: "1" }, "-- it's ${P}\nSELECT 1"],
        ["comment markers inside a literal are text", "SELECT '-- ${P} /*'", { P: "'" }, "SELECT '-- '' /*'"],
        ["escape in a literal gives the placeholder", "SELECT '$${P}'", { P: "x" }, "SELECT '${P}'"],
        ["escape in code", "SELECT $${P}", { P: "x" }, "SELECT ${P}"],
        ["values are not scanned again", "SELECT '${P}', ${Q}", { P: "${Q}", Q: "1" }, "SELECT '${Q}', 1"],
        ["an unterminated literal still escapes", "SELECT '${P}", { P: "'" }, "SELECT '''"],
        ["the test password", "SELECT '${P}'", { P: PASSWORD }, "SELECT 'Zq''9$x\\Kv\"#${w}é'"],
    ])("%s", (_name, template, vars, expected) => {
        expect(substituteSql(template, vars)).toBe(expected);
    });

    test("an undefined name throws an InputError naming it", () => {
        expect(() => substituteSql("SELECT '${NOPE}'", {}, "sql")).toThrow(InputError);
        expect(() => substituteSql("SELECT '${NOPE}'", {}, "sql")).toThrow(/sql = .*uses \$\{NOPE\}, which is not defined/);
    });

    test("references are reported with the token they stand in (comments and escapes excluded)", () => {
        const refs = sqlReferences("SELECT ${A}, '${B}', U&'${C}', `${D}`, \"${E}\" -- ${F}\n/* ${G} */ $${H}");
        expect(refs.map((r) => [r.name, r.context])).toEqual([
            ["A", "code"],
            ["B", "string"],
            ["C", "unicode-string"],
            ["D", "identifier"],
            ["E", "double-quoted"],
        ]);
        expect(refs[1].index).toBe("SELECT ${A}, '".length);
    });

    test("plain text (JAR args, job and session configuration) is unchanged: values go in as is", () => {
        const v = "pa'ss`\"$word\\";
        expect(substitute("'${P}'", { P: v })).toBe(`'${v}'`);
        expect(resolveAll({ args: ["--pw='${P}'"], configuration: { k: "`${P}`" } }, { P: v })).toEqual({
            args: [`--pw='${v}'`],
            configuration: { k: `\`${v}\`` },
        });
    });

    test("escapeSqlValue leaves code and unknown contexts as is", () => {
        expect(escapeSqlValue("a'`\"\\", "code")).toBe("a'`\"\\");
    });
});

describe("substituteSql, property style: for every value v, the token produced reads back as v", () => {
    const rnd = seededRandom(20261205);
    const values = Array.from({ length: 400 }, () => randomValue(rnd));
    values.push(PASSWORD, "", "'", "''", "\\", "U&'\\0041'", "😀中文\t\n", "${A}", "$${A}");

    test("string literal, alone and between text, twice in one statement", () => {
        for (const v of values) {
            const sql = substituteSql("SELECT 'x${V}y', '${V}' FROM t", { V: v });
            const first = readToken(sql, sql.indexOf("'"));
            expect(first.value).toBe(`x${v}y`);
            const second = readToken(sql, sql.indexOf("'", first.end + 1));
            expect(second.value).toBe(v);
            expect(sql.slice(second.end + 1)).toBe(" FROM t");
        }
    });

    test("unicode literal with the default and a custom escape character", () => {
        for (const v of values) {
            const sql = substituteSql("SELECT U&'${V}'", { V: v });
            expect(readToken(sql, sql.indexOf("'"), "\\")).toEqual({ value: v, end: sql.length - 1 });
            const custom = substituteSql("SELECT U&'${V}' UESCAPE '#'", { V: v });
            const token = readToken(custom, custom.indexOf("'"), "#");
            expect(token.value).toBe(v);
            expect(custom.slice(token.end + 1)).toBe(" UESCAPE '#'");
        }
    });

    test("backquoted identifier", () => {
        for (const v of values) {
            const sql = substituteSql("SELECT 1 AS `${V}`", { V: v });
            expect(readToken(sql, sql.indexOf("`"))).toEqual({ value: v, end: sql.length - 1 });
        }
    });

    test("a value never changes how the script splits into statements", () => {
        for (const v of values) {
            const script = "CREATE TABLE t (a STRING) WITH ('password' = '${V}'); INSERT INTO t SELECT '${V}'";
            const [create, insert] = splitSql(script);
            const resolved = splitSql([substituteSql(create.text, { V: v }), substituteSql(insert.text, { V: v })].join(";\n"));
            expect(resolved.map((s) => s.kind)).toEqual(["ddl", "insert"]);
        }
    });
});
