/** The examples/environments program as e2e tests run it: its stack files with the test's ports and folders. */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as YAML from "yaml";
import { PulumiProject } from "./pulumi";
import { flinkLines, portBlock } from "./testbed";

export const EXAMPLE = path.join(__dirname, "..", "..", "examples", "environments");
export const NS = "flink-environments";
export type Config = Record<string, any>;

/** The example's stack config, with this test's ports and work folders (the only edits). */
export function stackConfig(stack: string, offset: number, dir: string): Config {
    const doc = YAML.parse(fs.readFileSync(path.join(EXAMPLE, `Pulumi.${stack}.yaml`), "utf8")) as { config: Config };
    const line = flinkLines().find((l) => l.version === doc.config[`${NS}:home`].version);
    if (!line) throw new Error(`no Flink ${doc.config[`${NS}:home`].version} in the test bed`);
    doc.config[`${NS}:home`].path = line.home;
    const base = portBlock(offset);
    for (const [key, c] of Object.entries(doc.config[`${NS}:clusters`] as Record<string, Config>)) {
        Object.assign(c, {
            restPort: base,
            rpcPort: base + 1,
            sqlGateway: { ...c.sqlGateway, port: base + 2 },
            workDir: path.join(dir, `work-${stack}-${key}`),
        });
    }
    return doc.config;
}

/** A Pulumi project running the example's program (transpiled as the user's `tsc` would). */
export function environmentsProject(): PulumiProject {
    const source = fs.readFileSync(path.join(EXAMPLE, "index.ts"), "utf8");
    const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    return new PulumiProject(NS, js);
}

/** `pulumi stack init`, the example's stack file with `config` written over its config, then the stack's DB_PASSWORD secret. */
export async function initStack(project: PulumiProject, stack: string, config: Config, secret: string): Promise<void> {
    await project.ok(["stack", "init", stack]);
    const file = path.join(project.dir, `Pulumi.${stack}.yaml`);
    const existing = YAML.parse(fs.readFileSync(file, "utf8")) as Config;
    fs.writeFileSync(file, YAML.stringify({ ...existing, config }));
    await project.ok(["config", "set", "-s", stack, "--secret", "--path", "secrets.DB_PASSWORD", secret]);
}
