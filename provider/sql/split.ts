/**
 * Split a Flink SQL script into statements (pure). Tracks where each statement starts so an
 * error the SQL Gateway reports at "line 1, column 8" of a statement can be shown at the right
 * line of the user's script. Understands quotes, comments and
 * `EXECUTE STATEMENT SET BEGIN ...; ...; END` blocks (one statement for the gateway).
 */

export type StatementKind = "set" | "ddl" | "insert" | "statement-set" | "select" | "explain" | "other";

export interface SqlStatement {
    /** The statement without its terminating `;`, trimmed. */
    text: string;
    /** 1-based line and column of its first character in the script. */
    line: number;
    column: number;
    kind: StatementKind;
    /** For `sql` given as a list: which element the statement came from (lines count within it). */
    element?: number;
}

function kindOf(text: string): StatementKind {
    const t = text.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, "").toUpperCase();
    if (/^(EXECUTE\s+)?STATEMENT\s+SET\b|^BEGIN\s+STATEMENT\s+SET\b/.test(t)) return "statement-set";
    if (/^(EXECUTE\s+)?INSERT\s+(INTO|OVERWRITE)\b/.test(t)) return "insert";
    if (/^(SET|RESET)\b/.test(t)) return "set";
    if (/^(CREATE|DROP|ALTER|USE|ADD\s+JAR|REMOVE\s+JAR|LOAD\s+MODULE|UNLOAD\s+MODULE)\b/.test(t)) return "ddl";
    if (/^(SELECT|WITH|VALUES)\b/.test(t)) return "select";
    if (/^(EXPLAIN|DESCRIBE|DESC|SHOW)\b/.test(t)) return "explain";
    return "other";
}

/** Split one script. Statement texts keep their inner comments and line breaks. */
export function splitSql(script: string): SqlStatement[] {
    const out: SqlStatement[] = [];
    let start = 0;
    let i = 0;
    let inSet = false; // inside EXECUTE STATEMENT SET BEGIN ... END
    const push = (end: number) => {
        const raw = script.slice(start, end);
        const lead = raw.length - raw.trimStart().length;
        const text = raw.trim();
        if (text && !/^(--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/|\s)*$/.test(text)) {
            const before = script.slice(0, start + lead);
            const lines = before.split("\n");
            out.push({ text, line: lines.length, column: lines[lines.length - 1].length + 1, kind: kindOf(text) });
        }
        start = end + 1;
    };
    while (i < script.length) {
        const c = script[i];
        const next = script[i + 1];
        if (c === "'" || c === '"' || c === "`") {
            // Quotes end at the same character; doubling it escapes it ('it''s').
            i++;
            while (i < script.length) {
                if (script[i] === c && script[i + 1] === c) i += 2;
                else if (script[i] === c) break;
                else i++;
            }
            i++;
        } else if (c === "-" && next === "-") {
            while (i < script.length && script[i] !== "\n") i++;
        } else if (c === "/" && next === "*") {
            const end = script.indexOf("*/", i + 2);
            i = end < 0 ? script.length : end + 2;
        } else if (c === ";") {
            const current = script.slice(start, i);
            if (!inSet && /^\s*(EXECUTE\s+)?STATEMENT\s+SET\s+BEGIN\b/i.test(stripComments(current))) inSet = true;
            if (inSet) {
                // Inside the block, `;` separates its INSERTs; the block ends at END;
                if (/\bEND\s*$/i.test(stripComments(current))) {
                    inSet = false;
                    push(i);
                }
            } else {
                push(i);
            }
            i++;
        } else {
            i++;
        }
    }
    push(script.length);
    return out;
}

function stripComments(text: string): string {
    return text.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
}

/** Map a position inside a statement (1-based, as Flink reports it) to the user's script. */
export function scriptPosition(stmt: SqlStatement, line: number, column: number): { line: number; column: number } {
    return line === 1 ? { line: stmt.line, column: stmt.column + column - 1 } : { line: stmt.line + line - 1, column };
}
