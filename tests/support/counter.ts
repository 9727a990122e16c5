/** Reading the counter test job's output (tests/fixtures/counter-job). */
import * as fs from "fs";
import * as path from "path";

export interface CounterLine {
    count: number;
    tag: string;
    seq: number;
    attempt: number;
}

export function readCounter(outDir: string, key = 0): CounterLine | undefined {
    const file = path.join(outDir, `count-${key}`);
    if (!fs.existsSync(file)) return undefined;
    return parseLine(fs.readFileSync(file, "utf8"));
}

function parseLine(text: string): CounterLine | undefined {
    const fields = Object.fromEntries(
        text
            .trim()
            .split(/\s+/)
            .map((kv) => kv.split("=") as [string, string]),
    );
    if (!fields.count) return undefined;
    return { count: Number(fields.count), tag: fields.tag, seq: Number(fields.seq), attempt: Number(fields.attempt) };
}

/** Bytes in the counter's append log (a job run with `--log`): where the next record's line starts. */
export function counterLogSize(outDir: string, key = 0): number {
    const file = path.join(outDir, `log-${key}`);
    return fs.existsSync(file) ? fs.statSync(file).size : 0;
}

/** Every record appended to the counter's log (`--log`) from byte `offset` on, oldest first. */
export function counterLogFrom(outDir: string, offset: number, key = 0): CounterLine[] {
    const file = path.join(outDir, `log-${key}`);
    if (!fs.existsSync(file)) return [];
    const text = fs.readFileSync(file).subarray(offset).toString("utf8");
    return text
        .split("\n")
        .map(parseLine)
        .filter((l): l is CounterLine => l !== undefined);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000, pollMs = 250): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
        try {
            const value = await probe();
            if (value !== undefined && value !== false) return value;
        } catch (err) {
            lastError = err;
        }
        await new Promise((r) => setTimeout(r, pollMs));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}
