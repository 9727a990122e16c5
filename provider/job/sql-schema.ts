/**
 * Rules for the SQL side of a FlinkJob (pure): the script is exactly one job, every `${NAME}`
 * it uses is defined, and secrets are only used where Flink does not print them.
 */
import { InputFailure, invalid } from "../core/errors";
import { checkSqlScript } from "../sql/check";
import { MergedVariables } from "../variables/merge";
import { checkAllReferences, findReferences } from "../core/substitute";
import { sqlReferences } from "../variables/sql-context";

export interface JobTexts {
    name: string;
    sql?: string | string[];
    args: string[];
    configuration: Record<string, unknown>;
    jar?: unknown;
    entryClass?: string;
    dependencies: unknown[];
}

/** Where a secret would be printed by Flink (web UI, CLI), it is refused. */
function secretsIn(property: string, text: string, secretNames: ReadonlySet<string>, where: string): InputFailure[] {
    return findReferences(text)
        .filter((n) => secretNames.has(n))
        .map((n) =>
            invalid(
                property,
                text,
                `uses the secret \${${n}}, and Flink shows ${where} in its web UI`,
                "use secrets only in SQL (e.g. connector options), or have the job read them from a file or environment variable",
            ),
        );
}

const WHERE: Record<string, string> = { code: "as SQL code", identifier: "in a backquoted identifier", "double-quoted": "in double quotes" };

/**
 * A secret outside a SQL string literal would be SQL text: inserted as is, it could end the
 * statement early and Flink's parser would quote it in its error (and the gateway in its log).
 */
function secretsOutsideLiterals(sql: string | string[], secretNames: ReadonlySet<string>): InputFailure[] {
    const texts = typeof sql === "string" ? [["sql", sql]] : sql.map((t, i) => [`sql[${i}]`, t]);
    return texts.flatMap(([property, text]) =>
        sqlReferences(text)
            .filter((r) => secretNames.has(r.name) && r.context !== "string" && r.context !== "unicode-string")
            .map((r) =>
                invalid(
                    property,
                    text.slice(Math.max(0, r.index - 30), r.index + r.name.length + 33),
                    `uses the secret \${${r.name}} outside a SQL string literal (${WHERE[r.context]}), where its value would be SQL text, not data`,
                    `put it inside single quotes, e.g. 'password' = '\${${r.name}}': a value in a string literal is escaped so it reads back exactly`,
                ),
            ),
    );
}

/** Cross-property rules of SQL and JAR jobs that involve SQL or variables. */
export function checkSqlAndVariables(job: JobTexts, vars: MergedVariables): InputFailure[] {
    const failures: InputFailure[] = [...vars.failures];
    const names = Object.keys(vars.vars);
    const secretNames = new Set(vars.secretNames);
    if ((job.jar === undefined) === (job.sql === undefined)) {
        failures.push(
            invalid(
                job.jar === undefined ? "sql" : "jar",
                undefined,
                job.jar === undefined ? "a job needs either jar or sql" : "a job is either a JAR job or a SQL job, not both",
                "set exactly one of jar and sql",
            ),
        );
    }
    if (job.sql !== undefined) {
        failures.push(...checkSqlScript("sql", job.sql, job.name).failures);
        failures.push(...checkAllReferences("sql", job.sql, names, job.name));
        failures.push(...secretsOutsideLiterals(job.sql, secretNames));
        if (job.entryClass !== undefined) failures.push(invalid("entryClass", job.entryClass, "is for JAR jobs", "remove it from a SQL job"));
        if (job.args.length) failures.push(invalid("args", job.args, "are for JAR jobs", "remove them; a SQL job's parameters are ${VARIABLES} in its SQL"));
    } else if (job.dependencies.length) {
        failures.push(invalid("dependencies", job.dependencies, "are for SQL jobs", "package them into the job's JAR"));
    }
    failures.push(...checkAllReferences("args", job.args, names, job.name), ...checkAllReferences("configuration", job.configuration, names, job.name));
    job.args.forEach((arg, i) => failures.push(...secretsIn(`args[${i}]`, arg, secretNames, "program arguments")));
    for (const [key, value] of Object.entries(job.configuration)) {
        if (typeof value === "string") failures.push(...secretsIn(`configuration[${JSON.stringify(key)}]`, value, secretNames, "job configuration"));
    }
    return failures;
}
