/** `pulumi-flink review` from input text to output and exit code (pure). */
import { analyzePreview, incompatibleJobs, stateLosses } from "./analyze";
import { parsePreview } from "./preview";
import { renderReview } from "./render";

export interface CommandResult {
    stdout: string;
    stderr: string;
    code: number;
}

export function review(text: string, options: { allowStateLoss: boolean; source?: string }): CommandResult {
    const parsed = parsePreview(text, options.source);
    if (!parsed.ok) return { stdout: "", stderr: `pulumi-flink review: ${parsed.problem}\n`, code: 2 };
    const result = analyzePreview(parsed.preview);
    const stdout = renderReview(result);
    const losses = stateLosses(result);
    const messages: string[] = [];
    let code = 0;
    if (result.errors.length) {
        messages.push(`pulumi-flink review: the preview failed (${result.errors.length} error(s)); the report is incomplete`);
        code = 1;
    }
    if (losses.length) {
        const names = losses.map((j) => j.name).join(", ");
        if (options.allowStateLoss) messages.push(`pulumi-flink review: ${losses.length} job(s) would lose state (${names}); accepted with --allow-state-loss`);
        else {
            messages.push(`pulumi-flink review: ${losses.length} job(s) would lose state (${names}); if intended, rerun with --allow-state-loss`);
            code = 1;
        }
    }
    const incompatible = incompatibleJobs(result);
    if (incompatible.length) {
        const names = incompatible.map((j) => j.name).join(", ");
        if (options.allowStateLoss)
            messages.push(`pulumi-flink review: ${incompatible.length} job(s) with an incompatible state change (${names}); accepted with --allow-state-loss`);
        else {
            messages.push(
                `pulumi-flink review: ${incompatible.length} job(s) with an incompatible state change (${names}): ` +
                    `pulumi up refuses them unless upgrade.onIncompatible says what to do; if intended, rerun with --allow-state-loss`,
            );
            code = 1;
        }
    }
    return { stdout, stderr: messages.map((m) => `${m}\n`).join(""), code };
}
