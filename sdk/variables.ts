import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "./provider";

/** Arguments of a {@link VariableSet}. A name may be in `values` or `secrets`, not both. */
export interface VariableSetArgs {
    /**
     * Plain variables, substituted as `${NAME}` into a job's SQL, program arguments and
     * configuration. Names: letters, digits and `_`, not starting with a digit (at most 128
     * characters). Values: strings of at most 64 KiB. Shown in previews and stored as plain text.
     * @default {}
     */
    readonly values?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Secret variables, same rules as `values`. Always stored encrypted in state, even when given
     * as plain strings; never quoted in error messages, not even in part: every run of 4 or more
     * characters of one are shown as `***`. Use them inside SQL string literals only.
     * @default {}
     */
    readonly secrets?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Output keys the engine must store encrypted. */
export const VARIABLE_SET_SECRET_OUTPUTS: readonly string[] = ["secrets"];

/** The properties a {@link VariableSet} registers: `secrets` is wrapped as a secret. */
export function variableSetInputs(args: VariableSetArgs): pulumi.Inputs {
    return {
        names: undefined, // output only
        values: args.values ?? {},
        secrets: pulumi.secret(args.secrets ?? {}),
    };
}

/** The options a {@link VariableSet} registers with: the caller's, plus its secret outputs. */
export function variableSetOptions(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return pulumi.mergeOptions(opts, { additionalSecretOutputs: [...VARIABLE_SET_SECRET_OUTPUTS] });
}

/**
 * Named values, plain or secret, that jobs substitute as `${NAME}` into SQL, program arguments
 * and job configuration (`$${NAME}` writes a literal `${NAME}`). Nothing is sent to Flink by the
 * set itself; a job that uses it redeploys when a variable it references changes.
 */
export class VariableSet extends pulumi.dynamic.Resource {
    /** The plain variables. */
    public readonly values!: pulumi.Output<Record<string, string>>;
    /** The secret variables (a secret output). */
    public readonly secrets!: pulumi.Output<Record<string, string>>;
    /** Every name, plain and secret, sorted (known after create; unknown in a first preview). */
    public readonly names!: pulumi.Output<string[]>;

    constructor(name: string, args: VariableSetArgs = {}, opts?: pulumi.CustomResourceOptions) {
        super(providerFor("variables"), name, variableSetInputs(args), variableSetOptions(opts), "flink", "VariableSet");
    }
}

/** One VariableSet as a FlinkJob passes it to its provider. */
export interface JobVariableSet {
    readonly values: Record<string, string>;
    readonly secrets: Record<string, string>;
}

/** Output keys a FlinkJob using {@link jobVariablesInput} must list in `additionalSecretOutputs`. */
export const JOB_VARIABLE_SECRET_OUTPUTS: readonly string[] = ["variables", "variablesHash"];

/**
 * The job-side wiring of VariableSets: pass the result as the job's `variables` input and add
 * {@link JOB_VARIABLE_SECRET_OUTPUTS} to its options. The whole list is one secret (even when
 * empty), so secret values reach the provider in plaintext but are encrypted in state, and the
 * key never flips between plain and secret when a set gains its first secret.
 */
export function jobVariablesInput(sets: VariableSet | readonly VariableSet[] | undefined): pulumi.Output<JobVariableSet[]> {
    const list: readonly VariableSet[] = sets === undefined ? [] : sets instanceof VariableSet ? [sets] : sets;
    const each = list.map((s) =>
        pulumi.all([s.values, s.secrets]).apply(([values, secrets]): JobVariableSet => ({ values: values ?? {}, secrets: secrets ?? {} })),
    );
    return pulumi.secret(pulumi.all(each));
}
