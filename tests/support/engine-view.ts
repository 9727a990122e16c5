import type * as pulumi from "@pulumi/pulumi";

/**
 * A provider as the engine calls it: plain JSON in and out, untyped. The providers are typed with
 * their state, but the engine hands them whatever state it stored (written by older versions,
 * partial, or empty), and these tests pass exactly such objects on purpose.
 */
export function asEngine(provider: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider {
    return provider;
}
