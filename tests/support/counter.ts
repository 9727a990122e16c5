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
    const fields = Object.fromEntries(
        fs
            .readFileSync(file, "utf8")
            .trim()
            .split(/\s+/)
            .map((kv) => kv.split("=") as [string, string]),
    );
    if (!fields.count) return undefined;
    return { count: Number(fields.count), tag: fields.tag, seq: Number(fields.seq), attempt: Number(fields.attempt) };
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
