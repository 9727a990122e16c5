import * as pulumi from "@pulumi/pulumi";
import type { ProviderKind } from "../provider/core/providers";

/**
 * A dynamic provider that loads its implementation inside the provider host.
 *
 * Pulumi serializes the provider object into state and runs it in another process. Capturing
 * our provider modules would inline them (and undici, zod, ...) by value, so the methods only
 * capture `kind` and `require` the installed package by name; that resolves through the
 * package's `exports` map from the program's node_modules.
 */
export function providerFor(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
    // One object per kind: Pulumi caches a provider's serialization per object, so 500 jobs
    // serialize the provider once, not 500 times (a large share of preview time at scale).
    let provider = stubs.get(kind);
    if (!provider) stubs.set(kind, (provider = stub(kind)));
    return provider;
}

const stubs = new Map<ProviderKind, pulumi.dynamic.ResourceProvider>();

function stub(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
    // Required at call time inside the provider host: Pulumi serializes this object as a closure, and a
    // require() keeps the implementation out of that closure (and out of the state).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const impl = () => require("pulumi-flink/provider").providers[kind] as Required<pulumi.dynamic.ResourceProvider>;
    return {
        check: (olds, news) => impl().check(olds, news),
        diff: (id, olds, news) => impl().diff(id, olds, news),
        create: (inputs) => impl().create(inputs),
        read: (id, props) => impl().read(id, props),
        update: (id, olds, news) => impl().update(id, olds, news),
        delete: (id, props) => impl().delete(id, props),
    };
}

/**
 * Skip formatting the stack traces Pulumi's runtime records on its promises while a resource
 * registers; call the returned function (in `finally`) to restore the formatter.
 *
 * Pulumi's runtime records `new Error().stack` on every promise it makes for a resource, four per
 * property, only to print them for `PULUMI_DEBUG_PROMISE_LEAKS`. Its program runner installs
 * source-map-support as `Error.prepareStackTrace`, which maps every frame of every trace through
 * source maps: about 0.1 ms a trace, 84 traces per job (21 properties), a third of the program's
 * time in a preview of 500 jobs (see bench/README.md "Preview profile"). Only traces taken in
 * Pulumi's `debuggablePromise` are skipped: errors, and the resource's source position (also a
 * trace), are formatted as before. With the variable set nothing changes.
 */
export function withoutPromiseStacks(): () => void {
    const format = Error.prepareStackTrace;
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS || !format) return () => {};
    Error.prepareStackTrace = (error, frames) => (frames[0]?.getFunctionName() === "debuggablePromise" ? SKIPPED_TRACE : format(error, frames));
    return () => {
        Error.prepareStackTrace = format;
    };
}

const SKIPPED_TRACE = "Error: trace not recorded (pulumi-flink skips it; set PULUMI_DEBUG_PROMISE_LEAKS to record it)";

/**
 * The input that carries a resource's Pulumi name to its provider, which is not told it otherwise;
 * progress lines then say `[SessionCluster analytics]`. Equal to `NAME_KEY` of the provider's
 * progress module (a unit test keeps them equal; the sdk does not import provider internals).
 */
export const NAME_INPUT = "__flinkResourceName";
