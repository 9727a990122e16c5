/**
 * examples/environments as its e2e tests deploy it: the program transpiled as it is, and a stack's
 * config file as it is with only this test bed's edits (Flink home path, ports, work folders).
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as YAML from "yaml";
import { PulumiProject } from "./pulumi";
import { flinkLines, portBlock } from "./testbed";

export const EXAMPLE = path.join(__dirname, "..", "..", "examples", "environments");
/** The example's config namespace (its project name). */
export const NS = "flink-environments";
export type Config = Record<string, any>;

/** A pulumi project running the example's index.ts. */
export function exampleProject(): PulumiProject {
    const source = fs.readFileSync(path.join(EXAMPLE, "index.ts"), "utf8");
    const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    return new PulumiProject(NS, js);
}

/**
 * The example's stack config with this test's ports and work folders (the only edits): cluster
 * i of the stack takes port block `offset + i` (REST, RPC, SQL Gateway, then the reporters of
 * an `alerts` block from the fourth port on).
 */
export function stackConfig(stack: string, offset: number, dir: string): Config {
    const doc = YAML.parse(fs.readFileSync(path.join(EXAMPLE, `Pulumi.${stack}.yaml`), "utf8")) as { config: Config };
    const line = flinkLines().find((l) => l.version === doc.config[`${NS}:home`].version);
    if (!line) throw new Error(`no Flink ${doc.config[`${NS}:home`].version} in the test bed`);
    doc.config[`${NS}:home`].path = line.home;
    const clusters = Object.entries(doc.config[`${NS}:clusters`] as Record<string, Config>);
    if (clusters.length !== 1) throw new Error("the test bed gives ports to one cluster per stack");
    const base = portBlock(offset);
    for (const [key, c] of clusters) {
        Object.assign(c, {
            restPort: base,
            rpcPort: base + 1,
            sqlGateway: { ...c.sqlGateway, port: base + 2 },
            workDir: path.join(dir, `work-${stack}-${key}`),
        });
    }
    const alerts = doc.config[`${NS}:alerts`] as Config | undefined;
    if (alerts) alerts.metricsPort = base + 3;
    return doc.config;
}

/** `pulumi stack init` and the stack's config file written as a user has it; then the stack's DB_PASSWORD secret when given. */
export async function initStack(project: PulumiProject, stack: string, config: Config, secret?: string): Promise<void> {
    await project.ok(["stack", "init", stack]);
    const file = path.join(project.dir, `Pulumi.${stack}.yaml`);
    const existing = YAML.parse(fs.readFileSync(file, "utf8")) as Config;
    fs.writeFileSync(file, YAML.stringify({ ...existing, config }));
    if (secret !== undefined) await project.ok(["config", "set", "-s", stack, "--secret", "--path", "secrets.DB_PASSWORD", secret]);
}
