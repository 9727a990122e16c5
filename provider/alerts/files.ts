/**
 * Put an AlertRoute's files in place: each is written next to its destination, validated with
 * the real tool (promtool / amtool), and only then renamed over the old file. A failed
 * validation leaves every old file untouched. Then Prometheus and Alertmanager are reloaded.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DeployError, messageOf } from "../core/errors";
import { run } from "../core/exec";
import { Progress } from "../core/log";

export interface RenderedFile {
    /** Destination path. */
    path: string;
    text: string;
    mode: number;
    /** Validate a candidate file; resolves with the tool's complaint, or undefined when valid. */
    validate?: (candidate: string) => Promise<string | undefined>;
}

/** `promtool check rules` on a file: its output when it rejects the file. */
export async function promtoolCheckRules(promtool: string, file: string): Promise<string | undefined> {
    return toolVerdict(promtool, ["check", "rules", file], "promtool check rules");
}

/** `amtool check-config` on a file: its output when it rejects the file. */
export async function amtoolCheckConfig(amtool: string, file: string): Promise<string | undefined> {
    return toolVerdict(amtool, ["check-config", file], "amtool check-config");
}

async function toolVerdict(tool: string, args: string[], label: string): Promise<string | undefined> {
    let result;
    try {
        result = await run(tool, args, { timeoutMs: 60_000 });
    } catch (err) {
        return `${label} could not run (${messageOf(err)}); install it with scripts/install-prometheus.sh or set the promtool/amtool input to its path`;
    }
    if (result.code === 0) return undefined;
    const text = `${result.stdout}\n${result.stderr}`
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .join("\n");
    return `${label} rejected it:\n${text}`;
}

/** Validate rendered files in a scratch directory (used by check, at preview). */
export async function validateInScratch(files: readonly RenderedFile[]): Promise<string[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flink-alerts-"));
    try {
        const problems: string[] = [];
        for (const f of files) {
            if (!f.validate) continue;
            const candidate = path.join(dir, path.basename(f.path));
            fs.writeFileSync(candidate, f.text, { mode: 0o600 });
            const problem = await f.validate(candidate);
            if (problem) problems.push(`${f.path}: ${problem}`);
        }
        return problems;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/**
 * Write every file as a temp file beside its destination, validate all, then rename all. If any
 * validation fails, the temp files are removed and the old files stay as they were.
 */
export async function replaceFiles(files: readonly RenderedFile[], progress: Progress): Promise<void> {
    const staged: { temp: string; dest: string }[] = [];
    try {
        for (const f of files) {
            fs.mkdirSync(path.dirname(f.path), { recursive: true });
            const temp = path.join(path.dirname(f.path), `.${path.basename(f.path)}.${randomBytes(4).toString("hex")}.tmp`);
            fs.writeFileSync(temp, f.text, { mode: f.mode });
            fs.chmodSync(temp, f.mode); // writeFileSync's mode is masked by the umask
            staged.push({ temp, dest: f.path });
        }
        const problems: string[] = [];
        for (const [i, f] of files.entries()) {
            const problem = f.validate ? await f.validate(staged[i].temp) : undefined;
            if (problem) problems.push(`${f.path}: ${problem}`);
        }
        if (problems.length) {
            throw new DeployError(
                `the rendered alert files are invalid:\n${problems.join("\n")}`,
                "the previous files, unchanged (nothing was replaced or reloaded)",
            );
        }
        for (const s of staged) fs.renameSync(s.temp, s.dest);
        progress(`wrote ${files.map((f) => f.path).join(", ")}`);
    } finally {
        for (const s of staged) fs.rmSync(s.temp, { force: true });
    }
}

/** POST {url}/-/reload. Prometheus needs --web.enable-lifecycle. */
export async function reload(what: string, baseUrl: string, progress: Progress): Promise<void> {
    const url = `${baseUrl.replace(/\/+$/, "")}/-/reload`;
    let res: Response;
    try {
        res = await fetch(url, { method: "POST", signal: AbortSignal.timeout(30_000) });
    } catch (err) {
        throw new DeployError(
            `reloading ${what} at ${url} failed: ${messageOf(err)}`,
            `the new files are in place but ${what} still runs the previous ones; start it or fix the URL, then run pulumi up again`,
        );
    }
    if (!res.ok) {
        const body = (await res.text()).slice(0, 500);
        const hint = res.status === 403 || res.status === 404 ? " (Prometheus needs --web.enable-lifecycle)" : "";
        throw new DeployError(
            `reloading ${what} at ${url} failed with HTTP ${res.status}${hint}: ${body}`,
            `the new files are in place but ${what} still runs the previous ones`,
        );
    }
    progress(`reloaded ${what}`);
}
