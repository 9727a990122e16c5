/** Drive the real pulumi CLI against a throwaway project inside the e2e workspace. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { e2eWorkspace, pulumiBinDir } from "./testbed";

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
    /** stdout and stderr together, for greps. */
    output: string;
}

export class PulumiProject {
    readonly dir: string;
    readonly env: NodeJS.ProcessEnv;

    constructor(
        name: string,
        program: string,
        readonly stack = "test",
    ) {
        const ws = e2eWorkspace();
        this.dir = path.join(ws, "projects", `${name}-${process.pid}-${Date.now()}`);
        fs.mkdirSync(this.dir, { recursive: true });
        fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
        this.writeProgram(program);
        const home = path.join(this.dir, ".pulumi-home");
        const state = path.join(this.dir, ".state");
        fs.mkdirSync(state, { recursive: true });
        this.env = {
            ...process.env,
            PATH: `${pulumiBinDir()}${path.delimiter}${process.env.PATH}`,
            PULUMI_HOME: home,
            PULUMI_BACKEND_URL: `file://${state}`,
            PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            NO_COLOR: "1",
        };
    }

    writeProgram(program: string): void {
        fs.writeFileSync(path.join(this.dir, "index.js"), program);
    }

    run(args: string[], timeoutMs = 600_000): Promise<CliResult> {
        return new Promise((resolve, reject) => {
            const child = spawn("pulumi", [...args, "--non-interactive"], { cwd: this.dir, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            let output = "";
            child.stdout.on("data", (d: Buffer) => ((stdout += d), (output += d)));
            child.stderr.on("data", (d: Buffer) => ((stderr += d), (output += d)));
            const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ code: code ?? 1, stdout, stderr, output });
            });
        });
    }

    /** Run and fail the test with the CLI's output when the exit code is not 0. */
    async ok(args: string[], timeoutMs?: number): Promise<CliResult> {
        const result = await this.run(args, timeoutMs);
        if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.output.slice(-4000)}`);
        return result;
    }

    async init(): Promise<void> {
        await this.ok(["stack", "init", this.stack]);
    }

    async outputs(): Promise<Record<string, unknown>> {
        const result = await this.ok(["stack", "output", "--json", "--show-secrets"]);
        return JSON.parse(result.stdout) as Record<string, unknown>;
    }

    async exportState(): Promise<string> {
        return (await this.ok(["stack", "export"])).stdout;
    }
}
