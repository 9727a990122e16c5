/** Command-line parsing and help texts (pure). */
export const USAGE = `pulumi-flink <command> [options]

Commands:
  review [file|-]   Turn \`pulumi preview --json\` into a Markdown report for a pull request:
                    per job the action, what caused it and what happens to its state.
                    Reads the file, or stdin when the file is "-" or missing.
      --allow-state-loss   exit 0 even when a job would lose its state
  status            A table of the stacks' jobs: state, uptime, owner (label owner, else
                    team), last checkpoint, last savepoint, the restore point a restart
                    would use now, restarts, web UI, and each cluster's log links.
      --stack S            a stack; repeat for several (default: the selected stack)
      --stacks A,B         several stacks at once
      --all                every stack of the project (pulumi stack ls)
      --cwd DIR            the Pulumi project folder (default: the current folder)
      --json               print JSON instead of a table
      --show-secrets       decrypt the stack's secrets to use a cluster's connection
                           settings (headers, TLS) that are stored as a secret

Exit codes:
  review: 0 fine; 1 a job would lose state (without --allow-state-loss) or the preview failed;
          2 the input is not \`pulumi preview --json\` output
  status: 0 every declared job runs; 1 a declared job is not running; 2 a stack cannot be read
          (over several stacks: the worst)
`;

export type Command =
    | { kind: "help" }
    | { kind: "review"; file?: string; allowStateLoss: boolean }
    | { kind: "status"; stacks: string[]; all: boolean; cwd?: string; json: boolean; showSecrets: boolean }
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
        const out: Extract<Command, { kind: "status" }> = { kind: "status", stacks: [], all: false, json: false, showSecrets: false };
        for (let i = 0; i < rest.length; i++) {
            const arg = rest[i];
            if (arg === "--json") out.json = true;
            else if (arg === "--show-secrets") out.showSecrets = true;
            else if (arg === "--all") out.all = true;
            else if (["--stack", "-s", "--stacks", "--cwd", "-C"].includes(arg)) {
                const value = rest[++i];
                if (!value || value.startsWith("--")) return { kind: "error", message: `status: ${arg} needs a value` };
                if (arg === "--cwd" || arg === "-C") out.cwd = value;
                else out.stacks.push(...(arg === "--stacks" ? value.split(",").map((v) => v.trim()) : [value]).filter(Boolean));
            } else return { kind: "error", message: `status: unknown argument ${arg}; see pulumi-flink --help` };
        }
        if (out.all && out.stacks.length) return { kind: "error", message: "status: --all reads every stack; leave out --stack/--stacks, or drop --all" };
        return out;
    }
    return { kind: "error", message: `unknown command ${JSON.stringify(command)}: use review or status (pulumi-flink --help)` };
}
