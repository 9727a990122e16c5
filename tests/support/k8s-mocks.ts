/**
 * Pulumi's mocked engine for the Kubernetes target: every resource the program registers is
 * captured with its inputs; nothing is sent to a cluster and no pod runs.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** Some input was a Pulumi secret (encrypted in state). */
    hasSecret: boolean;
}

/** Install mocks (optionally with stack config) and return the live list of registered resources. */
export function installMocks(stack = "test", config: Record<string, string> = {}, project = "pulumi-flink-tests"): Registered[] {
    const registered: Registered[] = [];
    pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push({
                    type: args.type,
                    name: args.name,
                    inputs: unwrapSecrets(args.inputs) as Record<string, unknown>,
                    hasSecret: JSON.stringify(args.inputs ?? {}).includes(SECRET_SIG),
                });
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        project,
        stack,
        false,
    );
    pulumi.runtime.setAllConfig(config);
    return registered;
}

/** Wait until registrations stop arriving (all inputs resolved and registered). */
export async function settle(registered: Registered[], outputs: pulumi.Output<unknown>[] = []): Promise<void> {
    await Promise.all(outputs.map((o) => new Promise((resolve) => o.apply(resolve))));
    let last = -1;
    while (registered.length !== last) {
        last = registered.length;
        await new Promise((r) => setTimeout(r, 50));
    }
}

/** Kubernetes objects among the registered resources, as manifests (typed resources carry apiVersion and kind). */
export function manifests(
    registered: Registered[],
): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; [k: string]: unknown }[] {
    return registered.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs as never);
}

export function find<T = Record<string, unknown>>(
    registered: Registered[],
    kind: string,
    name?: string,
): T & { metadata: { name: string; namespace?: string; annotations?: Record<string, string> } } {
    const all = manifests(registered).filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
    if (all.length !== 1)
        throw new Error(
            `expected one ${kind}${name ? ` ${name}` : ""}, found ${all.length}: ${manifests(registered)
                .map((m) => `${m.kind}/${m.metadata?.name}`)
                .join(", ")}`,
        );
    return all[0] as never;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** Mocks see secrets as signature-tagged wrappers; the manifests under them are what matters here. */
function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value === null || typeof value !== "object") return value;
    const obj = value as Record<string, unknown>;
    if (obj[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return unwrapSecrets(obj.value);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v)]));
}
