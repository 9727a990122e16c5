/**
 * Pieces of generated Flink SQL. Components build SQL from typed args only through these, so
 * every identifier is quoted, every literal escaped, and secrets stay `${NAME}` placeholders that
 * the job provider substitutes at submit time (never in the SQL text, state or preview).
 */
import { z } from "zod";
import { hint, secretHint } from "./validate";

/** Flink SQL identifiers we generate: plain names, so they never need escaping beyond backticks. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
/** Variable names, as VariableSet accepts them. */
export const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A column type: a Flink SQL type name with optional precision and NOT NULL, e.g. `DECIMAL(10, 2)`. */
const TYPE = /^[A-Z][A-Z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?( NOT NULL)?$/;

export const identifier = z
    .string()
    .regex(IDENTIFIER, { ...hint("is not a plain SQL identifier", "use letters, digits and _ (not starting with a digit), e.g. order_id") });

export const variableName = z
    .string()
    .regex(VARIABLE, { ...hint("is not a variable name", "name a variable of the job's VariableSet, e.g. DB_PASSWORD (letters, digits, _)") });

export const column = z
    .object({
        name: identifier,
        type: z
            .string()
            .transform((t) => t.trim().toUpperCase())
            .pipe(z.string().regex(TYPE, { ...hint("is not a Flink SQL type", "use a type such as BIGINT, STRING, DECIMAL(10, 2), TIMESTAMP(3)") })),
    })
    .strict();
export type Column = z.infer<typeof column>;

/** Option keys that carry credentials: their values must be `${NAME}` references to secrets. */
export const CREDENTIAL_KEY = /(^|\.)(password|secret|token|sasl\.jaas\.config|.*\.secret\.key|.*access\.key)$/i;

export const connectorOptions = z.record(z.string().min(1), z.string()).superRefine((options, ctx) => {
    for (const [key, value] of Object.entries(options)) {
        if (CREDENTIAL_KEY.test(key) && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value)) {
            ctx.addIssue({
                code: "custom",
                path: [key],
                ...secretHint(
                    "holds a credential as plain text, which would be shown in the SQL, the preview and the Flink web UI",
                    `put it in a VariableSet's secrets and write '\${NAME}' here, e.g. "${key}": "\${DB_PASSWORD}"`,
                ),
            });
        }
    }
});

/** `'text'` with quotes doubled. */
export function literal(text: string): string {
    return `'${text.replace(/'/g, "''")}'`;
}

export function quoteId(name: string): string {
    return `\`${name}\``;
}

/** `WITH (...)` with keys sorted so the same options always give the same SQL (no spurious redeploys). */
export function withClause(options: Record<string, string>): string {
    const lines = Object.keys(options)
        .sort()
        .map((k) => `  ${literal(k)} = ${literal(options[k])}`);
    return `WITH (\n${lines.join(",\n")}\n)`;
}

/** `CREATE TABLE` with columns, an optional primary key (NOT ENFORCED, as Flink requires) and options. */
export function createTable(name: string, columns: readonly Column[], options: Record<string, string>, primaryKey: readonly string[] = []): string {
    const body = columns.map((c) => `  ${quoteId(c.name)} ${c.type}`);
    if (primaryKey.length) body.push(`  PRIMARY KEY (${primaryKey.map(quoteId).join(", ")}) NOT ENFORCED`);
    return `CREATE TABLE ${quoteId(name)} (\n${body.join(",\n")}\n) ${withClause(options)}`;
}

/** `${NAME}`: a reference the job provider substitutes from the job's VariableSets. */
export function ref(variable: string): string {
    return `\${${variable}}`;
}
