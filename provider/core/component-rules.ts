/**
 * Format rules of the team components' arguments (host:port lists, topic names, JDBC URLs, ...),
 * in one place for both moments they apply: when the component is constructed (a literal value)
 * and in the job's `check`, once the job's VariableSets are known (a value written as `${NAME}`).
 * A stack's broker list or database URL is exactly what differs between test and prod, so those
 * arguments may come from variables and are still checked with the same rule. Pure.
 */
import { InputFailure, invalid, quote } from "./errors";
import { findReferences, substitute } from "./substitute";

export interface ArgumentRule {
    test(value: string): boolean;
    /** What is wrong, e.g. "is not a list of host:port". */
    problem: string;
    /** How to fix it; for a variable the fix names the variable. */
    fix: string;
}

const HOST_PORTS = /^[^\s,:/]+:\d{1,5}(,[^\s,:/]+:\d{1,5})*$/;

export const ARGUMENT_RULES = {
    kafkaBootstrap: { test: (v) => HOST_PORTS.test(v), problem: "is not a list of host:port", fix: 'write "broker1:9092,broker2:9092"' },
    dorisFenodes: { test: (v) => HOST_PORTS.test(v), problem: "is not a list of host:port", fix: 'use the frontends\' HTTP addresses, e.g. "doris-fe:8030"' },
    kafkaTopic: {
        test: (v) => /^[A-Za-z0-9._-]{1,249}$/.test(v),
        problem: "is not a Kafka topic name",
        fix: "use letters, digits, '.', '_' and '-' (at most 249)",
    },
    groupId: {
        test: (v) => v.trim() !== "" && !/[\s]/.test(v),
        problem: "is not a consumer group id (empty or with whitespace)",
        fix: 'write a group id such as "orders-sync"',
    },
    jdbcUrl: {
        test: (v) => /^jdbc:[a-z0-9]+:\S+$/i.test(v),
        problem: "is not a JDBC URL",
        fix: 'use jdbc:<driver>://host:port/database, e.g. "jdbc:postgresql://db:5432/shop"',
    },
    tableName: {
        test: (v) => /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$/.test(v),
        problem: "is not a table name",
        fix: 'write table, schema.table or database.table, e.g. "public.orders"',
    },
    dorisTable: { test: (v) => /^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/.test(v), problem: "is not database.table", fix: 'write "database.table", e.g. "ods.orders"' },
    userName: { test: (v) => v !== "" && !/\s/.test(v), problem: "is not a user name (empty or with whitespace)", fix: 'write the database user, e.g. "etl"' },
    hostName: {
        test: (v) => /^[A-Za-z0-9.-]+$/.test(v),
        problem: "is not a host name",
        fix: 'write the host only, without port or scheme, e.g. "mysql.internal"',
    },
    databaseName: {
        test: (v) => /^[A-Za-z_][A-Za-z0-9_$]*$/.test(v),
        problem: "is not a database name",
        fix: "use letters, digits and _ (not starting with a digit), e.g. shop",
    },
} satisfies Record<string, ArgumentRule>;

export type ArgumentRuleName = keyof typeof ARGUMENT_RULES;
export const ARGUMENT_RULE_NAMES = Object.keys(ARGUMENT_RULES) as [ArgumentRuleName, ...ArgumentRuleName[]];

/** An argument given as `${NAME}`, whose rule runs in the job's check on the resolved value. */
export interface DeferredArgumentCheck {
    /** `KafkaToJdbcSync "orders"`. */
    readonly component: string;
    /** The component argument, e.g. `kafka.bootstrapServers`. */
    readonly argument: string;
    /** The value as written, with its `${NAME}` references. */
    readonly text: string;
    readonly rule: ArgumentRuleName;
}

/** Whether a value is (or contains) a `${NAME}` reference, checked later on its resolved value. */
export function hasReference(value: string): boolean {
    return findReferences(value).length > 0;
}

/**
 * Apply the rules of arguments written as `${NAME}` to their resolved values. A reference no
 * VariableSet defines is skipped here: the job's SQL check reports it with the job's name.
 * A secret variable's value is never quoted.
 */
export function checkDeferredArguments(
    checks: readonly DeferredArgumentCheck[],
    vars: Readonly<Record<string, string>>,
    secretNames: ReadonlySet<string>,
): InputFailure[] {
    const failures: InputFailure[] = [];
    for (const c of checks) {
        const names = findReferences(c.text);
        if (names.some((n) => !Object.hasOwn(vars, n))) continue;
        const rule: ArgumentRule = ARGUMENT_RULES[c.rule];
        const value = substitute(c.text, vars);
        if (rule.test(value)) continue;
        const secret = names.filter((n) => secretNames.has(n));
        const problem = secret.length
            ? `uses the secret ${secret.map((n) => `\${${n}}`).join(", ")}; its resolved value (not shown) ${rule.problem}`
            : `resolves to ${quote(value)} (${names.map((n) => `${n} = ${quote(vars[n])}`).join(", ")}), which ${rule.problem}`;
        failures.push(invalid(`${c.component}: ${c.argument}`, c.text, problem, `change ${names.join(", ")} in the job's VariableSet: ${rule.fix}`));
    }
    return failures;
}
