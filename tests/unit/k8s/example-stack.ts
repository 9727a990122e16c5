/**
 * Render one stack of examples/kubernetes under the mocked engine, with the stack's config file
 * as the CLI would load it, and validate every emitted manifest against the real schemas.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, manifests, Registered, settle } from "../../support/k8s-mocks";
import { validateManifest } from "../../support/k8s-schemas";

const EXAMPLE = path.join(__dirname, "..", "..", "..", "examples", "kubernetes");

/** Pulumi.yaml defaults overlaid with Pulumi.<stack>.yaml, keyed "<project>:<key>" like the CLI. */
export function stackConfig(stack: string): Record<string, string> {
    const project = parse(fs.readFileSync(path.join(EXAMPLE, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { default?: unknown }> };
    const out: Record<string, string> = {};
    for (const [key, decl] of Object.entries(project.config)) if (decl.default !== undefined) out[`${project.name}:${key}`] = String(decl.default);
    const file = parse(fs.readFileSync(path.join(EXAMPLE, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    for (const [key, value] of Object.entries(file.config)) out[key] = String(value);
    return out;
}

export async function renderExample(stack: string, extra: Record<string, string> = {}): Promise<Registered[]> {
    const registered = installMocks(stack, { ...stackConfig(stack), ...extra }, "flink-kubernetes");

    const program = require(path.join(EXAMPLE, "index.ts")) as Record<string, pulumi.Output<unknown>>;
    await settle(registered, [program.webUiUrl]);
    return registered;
}

export function validateAll(registered: Registered[]): string[] {
    return manifests(registered).flatMap((m) => validateManifest(m));
}

export function kinds(registered: Registered[]): string[] {
    return manifests(registered)
        .map((m) => `${m.kind}/${m.metadata.name}`)
        .sort();
}

/** The dynamic provider kind a resource was registered with (from its serialized provider stub). */
export function providerKind(r: Registered): string | undefined {
    return /kind: "([A-Za-z0-9]+)"/.exec(String(r.inputs.__provider ?? ""))?.[1];
}
