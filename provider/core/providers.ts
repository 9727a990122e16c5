/**
 * What the SDK's provider stubs and the provider entry point agree on: the kinds of dynamic
 * provider `pulumi-flink/provider` implements, and the shape every provider object has.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Provider kinds implemented in `pulumi-flink/provider` (`providers[kind]`; the SDK's stubs name them). */
export type ProviderKind = "home" | "cluster" | "job" | "variables" | "k8sCluster" | "k8sSessionGuard" | "k8sApplication" | "alerts";

/**
 * Inputs as the engine hands them to `check`, `diff`, `create` and `update`: plain JSON that may
 * hold the unknown sentinel at preview, validated by the provider's own schema before use.
 */
export type RawInputs = Record<string, unknown>;

/** A dynamic provider with its state type: what `create`/`update`/`read` return and `diff`/`read`/`delete` receive. */
export type TypedProvider<State> = pulumi.dynamic.ResourceProvider<RawInputs, State>;

/**
 * `read`'s props when there is no state this code can read (none, or written by a version without
 * the fields it needs): handed back as they are (`{}` when none), as every provider always did.
 */
export function unreadable<State>(props: State | undefined): State {
    return (props ?? {}) as State;
}
