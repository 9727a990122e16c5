import { stableJson } from "./hash";
import { containsUnknown } from "./unknown";

export interface DiffOutcome {
    changes: boolean;
    replaces: string[];
    deleteBeforeReplace: boolean;
}

/**
 * Which of the given input keys changed between the stored outputs (`olds`) and the new inputs.
 * An unknown new value counts as a change: preview cannot promise it stays the same.
 */
export function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys: readonly string[]): string[] {
    return keys.filter((k) => containsUnknown(news[k]) || stableJson(olds[k] ?? null) !== stableJson(news[k] ?? null));
}

/** Drop `undefined` values: Pulumi fails on them in outputs ("Unexpected struct type."). */
export function plain<T extends object>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}
