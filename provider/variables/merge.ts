import { InputFailure, invalid } from "../core/errors";

/** One VariableSet as a job receives it (its `values` and `secrets` outputs, plaintext here). */
export interface VariableSetRef {
    /** @default {} */
    readonly values?: Readonly<Record<string, string>>;
    /** @default {} */
    readonly secrets?: Readonly<Record<string, string>>;
}

/** The variables a job resolves with. */
export interface MergedVariables {
    /** Every variable, plain and secret, by name. */
    readonly vars: Record<string, string>;
    /** Names defined as secrets, sorted. */
    readonly secretNames: string[];
    /** Non-empty secret values, for `redactSecrets` / `withRedaction` (provider/core/redact.ts). */
    readonly secretValues: string[];
    /** Names defined twice with different values, or once plain and once secret. */
    readonly failures: InputFailure[];
}

/**
 * Merge a job's VariableSets. A name may appear in several sets only with the same value and the
 * same kind (plain or secret); otherwise it is ambiguous and reported. Messages never quote values.
 * @param property the job input holding the sets, e.g. `variables`.
 */
export function mergeVariables(sets: readonly VariableSetRef[], property = "variables"): MergedVariables {
    const vars: Record<string, string> = {};
    const origin = new Map<string, { set: number; secret: boolean }>();
    const failures: InputFailure[] = [];
    const secretValues = new Set<string>();
    const add = (set: number, map: Readonly<Record<string, string>>, secret: boolean) => {
        for (const [name, value] of Object.entries(map)) {
            if (secret && value !== "") secretValues.add(value);
            const first = origin.get(name);
            if (!first) {
                origin.set(name, { set, secret });
                Object.defineProperty(vars, name, { value, enumerable: true, writable: true, configurable: true });
            } else if (first.secret !== secret || vars[name] !== value) {
                const what = first.secret !== secret ? "once as a plain value and once as a secret" : "with different values";
                const where = `${property}[${first.set}]${first.set === set ? "" : ` and ${property}[${set}]`}`;
                failures.push(
                    invalid(`${property}[${set}]`, name, `${name} is defined by ${where} ${what}`, `define ${name} in one VariableSet only, with one value`),
                );
            }
        }
    };
    sets.forEach((set, i) => {
        add(i, set.values ?? {}, false);
        add(i, set.secrets ?? {}, true);
    });
    const secretNames = [...origin]
        .filter(([, o]) => o.secret)
        .map(([name]) => name)
        .sort();
    return { vars, secretNames, secretValues: [...secretValues], failures };
}

/**
 * The sets with only the variables named in `used`, each set kept in its place (so `variables[i]`
 * still names the same set). A job's state keeps this form: with every value of every set in it,
 * changing a variable that one job uses changed the stored input of every job that shares the
 * set, and Pulumi rewrites its whole state file for each resource whose stored input changed
 * (500 jobs: about 200 s of a `pulumi up` that redeployed one).
 */
export function onlyUsed(sets: readonly VariableSetRef[], used: ReadonlySet<string>): VariableSetRef[] {
    // fromEntries defines own properties, so a variable named __proto__ stays an entry.
    const keep = (map: Readonly<Record<string, string>> = {}) => Object.fromEntries(Object.entries(map).filter(([name]) => used.has(name)));
    return sets.map((set) => ({ values: keep(set.values), secrets: keep(set.secrets) }));
}
