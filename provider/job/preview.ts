/**
 * Compile at preview: a changed SQL job is compiled through its cluster's SQL Gateway and judged
 * against the running version, so the pull request's preview says whether its state survives.
 * It never blocks a preview: a gateway that does not answer makes the line say "not compiled"
 * (and every other job of that gateway says so at once); compiles are bounded per gateway.
 */
import { withClusterSlot } from "../deploy/watch";
import { FlinkApiError } from "../flink/errors";
import { DeployError, messageOf } from "../core/errors";
import { SqlStatementError, type SqlCheck, type SqlVersion } from "./sql";

/** How many compiles run at once against one gateway during a preview. */
export const PREVIEW_COMPILES_PER_GATEWAY = 4;
/** Per-request timeout of the gateway during preview. */
export const PREVIEW_GATEWAY_TIMEOUT_MS = 5_000;

/** Gateways this process found unreachable, with why: one wait per gateway, not per job. */
const unreachable = new Map<string, string>();

export type SqlPreview = { compiled: true; check: SqlCheck } | { compiled: false; why: string };

/**
 * The SQL error as the preview shows it: the whole message (position, Flink's words, and that nothing
 * was touched), without a stack trace (the provider host prints one for every error of `diff`).
 */
function previewError(err: DeployError): Error {
    const e = new Error(err.message, { cause: err });
    e.name = "FlinkJob preview";
    e.stack = "";
    return e;
}

/** Compile `version`; a SQL error the gateway reports fails the preview (thrown), anything else is "not compiled". */
export async function previewSql(gatewayUrl: string, version: SqlVersion): Promise<SqlPreview> {
    // A switch for runners that must not talk to clusters at preview (and for the benchmark's baseline).
    if (process.env.PULUMI_FLINK_PREVIEW_COMPILE === "0") return { compiled: false, why: "compiling at preview is off (PULUMI_FLINK_PREVIEW_COMPILE=0)" };
    const known = unreachable.get(gatewayUrl);
    if (known) return { compiled: false, why: known };
    return withClusterSlot(`compile ${gatewayUrl}`, PREVIEW_COMPILES_PER_GATEWAY, async () => {
        try {
            return { compiled: true, check: await version.check() };
        } catch (err) {
            // The gateway answered and the SQL does not compile: that is the preview's answer.
            if (err instanceof SqlStatementError) throw previewError(err);
            // Not the gateway's failure: the plan compiled but could not be read here. Saying the gateway
            // "did not answer" would be false (and would blind every other job of it); up's preflight
            // meets the same error and stops before touching the job.
            if (!(err instanceof FlinkApiError)) {
                const text = `unknown: pulumi-flink could not judge the compiled plan (${messageOf(err).split("\n")[0]})`;
                return {
                    compiled: true,
                    check: {
                        verdict: undefined,
                        text,
                        decision: {
                            action: "refuse",
                            text: "up fails before touching the running job",
                            fix: "a pulumi-flink bug: report it with the job's SQL",
                        },
                    },
                };
            }
            const why = `the SQL Gateway at ${gatewayUrl} did not answer (${messageOf(err).split("\n")[0]})`;
            unreachable.set(gatewayUrl, why);
            return { compiled: false, why };
        }
    });
}

/** The preview's state clause for a SQL redeploy of a running job. */
export function verdictClause(p: SqlPreview): { text: string; dropsState: boolean } {
    if (!p.compiled)
        return {
            text:
                `state verdict: unknown: not compiled: ${p.why}; ` +
                `stopped with a savepoint, the new version tries to restore from it and is rolled back if Flink cannot`,
            dropsState: false,
        };
    const { check } = p;
    if (!check.decision)
        return {
            text: `state verdict: ${check.text}; stopped with a savepoint, the new version tries to restore from it and is rolled back if Flink cannot`,
            dropsState: false,
        };
    const d = check.decision;
    return {
        text: `state verdict: ${check.text}; ${d.text}${d.action === "refuse" ? ` (${d.fix})` : ""}`,
        dropsState: d.action === "deploy" && d.text.includes("DROPS STATE"),
    };
}
