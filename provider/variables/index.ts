/**
 * The VariableSet dynamic provider: named values, plain or secret, that jobs substitute as
 * `${NAME}`. Entirely local: no Flink call; create/update only validate and echo.
 */
import { randomBytes } from "crypto";
import { changedKeys, plain } from "../core/diff";
import { InputError } from "../core/errors";
import { checkVariableSetArgs, VariableSetArgs } from "./schema";
import { type TypedProvider, unreadable } from "../core/providers";

export { checkVariableSetArgs, MAX_NAME_LENGTH, MAX_VALUE_BYTES } from "./schema";
export type { VariableSetArgs } from "./schema";
export { VARIABLE_NAME, findReferences, substitute, checkReferences, checkAllReferences, resolveAll, stringsIn, usedVariablesHash } from "../core/substitute";
export { mergeVariables } from "./merge";
export type { VariableSetRef, MergedVariables } from "./merge";

/** Bumped when the shape of stored outputs changes, so newer code can read older state. */
export const VARIABLES_STATE_VERSION = 1;

/**
 * Stored outputs. `values` and `secrets` are echoed under their input names: `secrets` is a secret
 * input and listed in `additionalSecretOutputs`, so the engine encrypts it in state.
 */
export interface VariableSetState {
    values: Record<string, string>;
    secrets: Record<string, string>;
    /** Every name, plain and secret, sorted. */
    names: string[];
    stateVersion: number;
}

const INPUT_KEYS = ["values", "secrets"] as const;

/** Build the stored outputs from checked inputs (pure). */
export function variableSetState(args: VariableSetArgs): VariableSetState {
    return plain<VariableSetState>({
        values: { ...args.values },
        secrets: { ...args.secrets },
        names: [...Object.keys(args.values), ...Object.keys(args.secrets)].sort(),
        stateVersion: VARIABLES_STATE_VERSION,
    });
}

function parseArgs(inputs: Record<string, unknown>): VariableSetArgs {
    const { args, failures } = checkVariableSetArgs(inputs);
    if (!args || failures.length) throw new InputError(failures); // messages never quote a secret
    return args;
}

/** Missing maps are empty maps, so `{}` and no input compare equal. */
function comparable(props: { values?: unknown; secrets?: unknown }): Record<string, unknown> {
    return { values: props.values ?? {}, secrets: props.secrets ?? {} };
}

/** The VariableSet dynamic provider. */
export const variablesProvider: TypedProvider<VariableSetState> = {
    async check(_olds, news) {
        const { failures } = checkVariableSetArgs(news);
        return { inputs: news, failures: failures.map((f) => ({ property: f.property, reason: f.reason })) };
    },

    async diff(_id, olds, news) {
        const changed = changedKeys(comparable(olds), comparable(news), INPUT_KEYS);
        return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs) {
        const outs = variableSetState(parseArgs(inputs));
        return { id: `flink-variables-${randomBytes(8).toString("hex")}`, outs };
    },

    async update(_id, _olds, news) {
        return { outs: variableSetState(parseArgs(news)) };
    },

    async read(id, props) {
        return { id, props: unreadable(props) };
    },

    // Nothing outside the state: deleting a set deletes nothing else.
    async delete() {
        return;
    },
};
