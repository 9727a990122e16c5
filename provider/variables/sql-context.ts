/**
 * `${NAME}` substitution into Flink SQL, aware of where each reference stands (pure, no I/O).
 *
 * A value must never change the shape of the statement around it: a password `pa'ss` put as is
 * into `'${PW}'` ends the literal early, the parser then quotes the rest of the secret in its
 * error. So the template is lexed the way Flink's parser (Calcite) lexes SQL, and each value is
 * escaped for the token it lands in:
 *
 * | where `${NAME}` stands           | what goes in                                        |
 * | -------------------------------- | --------------------------------------------------- |
 * | `'...'` string literal           | the value with `'` doubled: it reads back exactly   |
 * | `U&'...'` unicode literal        | `'` doubled and the escape character (`\` or the one `UESCAPE` names) doubled |
 * | `` `...` `` quoted identifier    | the value with `` ` `` doubled                      |
 * | `"..."`                          | the value with `"` doubled (kept inside the quotes) |
 * | `--` / `/* *\/` comment          | nothing: the reference stays as written (a comment is not SQL, and a value holding a newline or `*\/` would end it) |
 * | anywhere else (SQL code)         | the value as is: that is how users build SQL from variables |
 *
 * Secrets are refused in SQL code at check time (see {@link sqlReferences}), so a secret always
 * lands in a literal. `$${NAME}` is the escape everywhere but in comments: it becomes `${NAME}`.
 * Values are never scanned again. Statements are split before substitution, so a `;` in a value
 * never splits one.
 */
import { InputError } from "../core/errors";
import { unknownReferences } from "../core/substitute";

/** The token a reference stands in. */
export type SqlContext = "code" | "string" | "unicode-string" | "identifier" | "double-quoted";

export interface SqlReference {
    name: string;
    context: SqlContext;
    /** Offset of the `$` of `${NAME}` in the template. */
    index: number;
}

/** One piece of a lexed template: text, or a `${NAME}` / `$${NAME}` at a known place. */
type Piece = { text: string } | { name: string; escaped: boolean; context: SqlContext; uescape: string };

const REF = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/y;
const DELIMITER: Record<string, SqlContext> = { "'": "string", "`": "identifier", '"': "double-quoted" };

/** Lex the template into text and references, each tagged with the token it stands in. */
function lex(text: string): (Piece & { index: number })[] {
    const out: (Piece & { index: number })[] = [];
    let plain = "";
    let plainAt = 0;
    const flush = (at: number) => {
        if (plain) out.push({ text: plain, index: plainAt });
        plain = "";
        plainAt = at;
    };
    const ref = (i: number, context: SqlContext, uescape = "\\"): number => {
        REF.lastIndex = i;
        const m = REF.exec(text);
        if (!m) return i;
        flush(i);
        out.push({ name: m[2], escaped: m[1] === "$", context, uescape, index: i });
        plainAt = i + m[0].length;
        return plainAt;
    };
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        if (c === "$") {
            const after = ref(i, "code");
            if (after !== i) {
                i = after;
                continue;
            }
        }
        if ((c === "-" && text[i + 1] === "-") || (c === "/" && text[i + 1] === "*")) {
            const close = c === "-" ? text.indexOf("\n", i) : text.indexOf("*/", i + 2);
            const end = close < 0 ? text.length : c === "-" ? close : close + 2;
            plain += text.slice(i, end); // references in comments stay as written
            i = end;
            continue;
        }
        const context = DELIMITER[c];
        if (!context) {
            plain += c;
            i++;
            continue;
        }
        const unicode = context === "string" && /(^|[^A-Za-z0-9_$])U&$/i.test(text.slice(Math.max(0, i - 3), i));
        const end = closingQuote(text, i);
        const uescape = unicode ? uescapeAfter(text, end) : "\\";
        plain += c;
        i++;
        while (i < end) {
            if (text[i] === "$") {
                const after = ref(i, unicode ? "unicode-string" : context, uescape);
                if (after !== i) {
                    i = after;
                    continue;
                }
            }
            const doubled = text[i] === c && text[i + 1] === c;
            plain += doubled ? c + c : text[i];
            i += doubled ? 2 : 1;
        }
        if (end < text.length) plain += c;
        i = end + 1;
    }
    flush(text.length);
    return out;
}

/** Index of the quote that closes the one at `open` (doubled quotes escape), or the text's length. */
function closingQuote(text: string, open: number): number {
    const q = text[open];
    let i = open + 1;
    while (i < text.length) {
        if (text[i] === q && text[i + 1] === q) i += 2;
        else if (text[i] === q) return i;
        else i++;
    }
    return text.length;
}

/** The escape character of a `U&'...'` literal: the one `UESCAPE 'c'` after it names, else `\`. */
function uescapeAfter(text: string, close: number): string {
    const m = /^\s*UESCAPE\s*'([^'])'/i.exec(text.slice(close + 1, close + 200));
    return m ? m[1] : "\\";
}

/**
 * A value as it must be written inside the given token so that the token reads back as the value.
 * `uescape` is the escape character of a unicode literal.
 */
export function escapeSqlValue(value: string, context: SqlContext, uescape = "\\"): string {
    switch (context) {
        case "string":
            return value.replace(/'/g, "''");
        case "unicode-string":
            return value
                .split(uescape)
                .join(uescape + uescape)
                .replace(/'/g, "''");
        case "identifier":
            return value.replace(/`/g, "``");
        case "double-quoted":
            return value.replace(/"/g, '""');
        default:
            return value;
    }
}

/** Every `${NAME}` of a SQL template (escapes excluded) with the token it stands in. */
export function sqlReferences(text: string): SqlReference[] {
    return lex(text).flatMap((p) => ("name" in p && !p.escaped ? [{ name: p.name, context: p.context, index: p.index }] : []));
}

/**
 * Substitute variables into one SQL statement, each value escaped for its token (see the table
 * at the top of this file).
 * @throws InputError naming every referenced variable that `vars` does not define.
 */
export function substituteSql(text: string, vars: Readonly<Record<string, string>>, property = "sql"): string {
    const failures = unknownReferences(property, text, vars);
    if (failures.length) throw new InputError(failures);
    return lex(text)
        .map((p) => {
            if ("text" in p) return p.text;
            if (p.escaped) return `\${${p.name}}`;
            return escapeSqlValue(vars[p.name], p.context, p.uescape);
        })
        .join("");
}
