#!/usr/bin/env node
/** The `pulumi-flink` command: argument parsing and I/O only; the logic lives beside it. */
import * as fs from "fs";
import { parseArgs, USAGE } from "./args";
import { review, CommandResult } from "./review/command";
import { status } from "./status/command";

async function readInput(file: string | undefined): Promise<{ text: string; source: string } | { problem: string }> {
    if (file !== undefined) {
        try {
            return { text: fs.readFileSync(file, "utf8"), source: file };
        } catch (err) {
            return { problem: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
        }
    }
    if (process.stdin.isTTY) return { problem: "no input: pass a file, or pipe `pulumi preview --json` into `pulumi-flink review`" };
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString("utf8"), source: "stdin" };
}

async function main(argv: string[]): Promise<CommandResult> {
    const command = parseArgs(argv);
    switch (command.kind) {
        case "help":
            return { stdout: USAGE, stderr: "", code: 0 };
        case "error":
            return { stdout: "", stderr: `pulumi-flink: ${command.message}\n`, code: 2 };
        case "review": {
            const input = await readInput(command.file);
            if ("problem" in input) return { stdout: "", stderr: `pulumi-flink review: ${input.problem}\n`, code: 2 };
            return review(input.text, { allowStateLoss: command.allowStateLoss, source: input.source });
        }
        case "status":
            return status(command);
    }
}

main(process.argv.slice(2)).then(
    (r) => {
        process.stdout.write(r.stdout);
        process.stderr.write(r.stderr);
        process.exitCode = r.code;
    },
    (err: unknown) => {
        process.stderr.write(`pulumi-flink: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 2;
    },
);
