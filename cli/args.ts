/** Command-line parsing and help texts (pure). */
export const USAGE = `pulumi-flink <command> [options]

Commands:
  review [file|-]   Turn \`pulumi preview --json\` into a Markdown report for a pull request:
                    per job the action, what caused it and what happens to its state.
                    Reads the file, or stdin when the file is "-" or missing.
      --allow-state-loss   exit 0 even when a job would lose its state
  status            A table of the stack's jobs: state, uptime, last checkpoint, last
                    savepoint, restarts, web UI. Asks each cluster once.
      --stack S            the stack (default: the selected stack)
      --cwd DIR            the Pulumi project folder (default: the current folder)
      --json               print JSON instead of a table
      --show-secrets       decrypt the stack's secrets to use a cluster's connection
                           settings (headers, TLS) that are stored as a secret

Exit codes:
  review: 0 fine; 1 a job would lose state (without --allow-state-loss) or the preview failed;
          2 the input is not \`pulumi preview --json\` output
  status: 0 every declared job runs; 1 a declared job is not running; 2 the stack cannot be read
`;

export type Command =
    | { kind: "help" }
    | { kind: "review"; file?: string; allowStateLoss: boolean }
    | { kind: "status"; stack?: string; cwd?: string; json: boolean; showSecrets: boolean }
    | { kind: "error"; message: string };

export function parseArgs(argv: readonly string[]): Command {
    const [command, ...rest] = argv;
    if (!command || command === "--help" || command === "-h" || command === "help") return { kind: "help" };
    if (rest.includes("--help") || rest.includes("-h")) return { kind: "help" };
    if (command === "review") {
        let file: string | undefined;
        let allowStateLoss = false;
        for (const arg of rest) {
            if (arg === "--allow-state-loss") allowStateLoss = true;
            else if (arg.startsWith("--")) return { kind: "error", message: `review: unknown option ${arg}; see pulumi-flink --help` };
            else if (file !== undefined) return { kind: "error", message: `review: one input only (got ${file} and ${arg})` };
            else file = arg;
        }
        return { kind: "review", file: file === "-" ? undefined : file, allowStateLoss };
    }
    if (command === "status") {
        const out: Extract<Command, { kind: "status" }> = { kind: "status", json: false, showSecrets: false };
        for (let i = 0; i < rest.length; i++) {
            const arg = rest[i];
            if (arg === "--json") out.json = true;
            else if (arg === "--show-secrets") out.showSecrets = true;
            else if (arg === "--stack" || arg === "-s" || arg === "--cwd" || arg === "-C") {
                const value = rest[++i];
                if (!value || value.startsWith("--")) return { kind: "error", message: `status: ${arg} needs a value` };
                if (arg === "--stack" || arg === "-s") out.stack = value;
                else out.cwd = value;
            } else return { kind: "error", message: `status: unknown argument ${arg}; see pulumi-flink --help` };
        }
        return out;
    }
    return { kind: "error", message: `unknown command ${JSON.stringify(command)}: use review or status (pulumi-flink --help)` };
}
