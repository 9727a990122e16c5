/** What a SQL job's script must look like to be exactly one long-running Flink job (pure). */
import { InputFailure, invalid } from "../core/errors";
import { splitSql, SqlStatement } from "./split";

export interface SqlScript {
    statements: SqlStatement[];
    /** The statement that submits the job (INSERT or statement set): always the last one. */
    job: SqlStatement;
}

/** Statements of `sql` given as one script or a list of statements. */
export function statementsOf(sql: string | string[]): SqlStatement[] {
    if (typeof sql === "string") return splitSql(sql);
    // A list: each element is one statement (a trailing `;` is allowed); lines count per element.
    return sql.flatMap((s, element) => splitSql(s).map((st) => ({ ...st, element })));
}

/** Where a statement is, for messages: `sql (line 3)` or `sql[2] (line 1)`. */
export function locate(property: string, s: SqlStatement): string {
    return `${property}${s.element !== undefined ? `[${s.element}]` : ""} (line ${s.line})`;
}

export function checkSqlScript(property: string, sql: string | string[], jobName: string): { script?: SqlScript; failures: InputFailure[] } {
    const statements = statementsOf(sql);
    const shown = typeof sql === "string" ? sql : sql.join(";\n");
    if (statements.length === 0) {
        return {
            failures: [
                invalid(
                    property,
                    shown,
                    "is empty",
                    "write the job's statements: CREATE TABLE ... and one INSERT INTO ... (or EXECUTE STATEMENT SET BEGIN ... END)",
                ),
            ],
        };
    }
    const jobs = statements.filter((s) => s.kind === "insert" || s.kind === "statement-set");
    const failures: InputFailure[] = [];
    const selects = statements.filter((s) => s.kind === "select");
    for (const s of selects) {
        failures.push(
            invalid(
                locate(property, s),
                s.text,
                `job "${jobName}": a SELECT returns rows to a client; it is not a job that keeps running`,
                "write the query as INSERT INTO <sink table> SELECT ...",
            ),
        );
    }
    const explains = statements.filter((s) => s.kind === "explain");
    for (const s of explains) {
        failures.push(
            invalid(
                locate(property, s),
                s.text,
                `job "${jobName}": ${s.text.split(/\s/)[0].toUpperCase()} statements produce no job`,
                "remove it (pulumi-flink runs EXPLAIN itself in preflight)",
            ),
        );
    }
    if (jobs.length === 0) {
        failures.push(
            invalid(
                property,
                shown,
                `job "${jobName}" produces no Flink job: it has no INSERT INTO and no statement set`,
                "add one INSERT INTO <sink> SELECT ..., or EXECUTE STATEMENT SET BEGIN ... END",
            ),
        );
    } else if (jobs.length > 1) {
        failures.push(
            invalid(
                locate(property, jobs[1]),
                jobs[1].text,
                `job "${jobName}" would produce ${jobs.length} Flink jobs (one per INSERT outside a statement set)`,
                "wrap the INSERTs in EXECUTE STATEMENT SET BEGIN INSERT ...; INSERT ...; END so they run as one job, or split them into several FlinkJobs",
            ),
        );
    } else if (statements[statements.length - 1] !== jobs[0]) {
        const after = statements[statements.indexOf(jobs[0]) + 1];
        failures.push(
            invalid(
                locate(property, after),
                after.text,
                `job "${jobName}": statements after the job's INSERT would run after it was submitted`,
                "move them before the INSERT",
            ),
        );
    } else if (jobs[0].kind === "statement-set" && !/\bINSERT\b/i.test(jobs[0].text)) {
        failures.push(
            invalid(property, jobs[0].text, `job "${jobName}": the statement set has no INSERT`, "put at least one INSERT INTO between BEGIN and END"),
        );
    }
    for (const s of statements.filter((st) => st.kind === "other")) {
        failures.push(
            invalid(
                locate(property, s),
                s.text,
                `job "${jobName}": not a statement a SQL job can run`,
                "use CREATE/SET/USE/ADD JAR statements and one INSERT INTO or statement set",
            ),
        );
    }
    return failures.length ? { failures } : { script: { statements, job: jobs[0] }, failures };
}
