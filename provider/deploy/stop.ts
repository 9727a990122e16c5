/**
 * Ending a running generation: stop it with a savepoint (so a failure leaves it running), or
 * cancel it (stateless upgrades, a failed new version), and wait until Flink reports it ended.
 */
import { assertEngineAlive } from "../core/lifeline";
import { FlinkSavepointError, type FlinkClient, type JobOverview } from "../flink";
import { normalizeSavepointDir } from "../core/flink-config";
import { jobFolder } from "./identity";
import { isGloballyTerminal } from "../flink/states";
import { DeployError, messageOf } from "../core/errors";
import type { DeployContext, DeployPolicy } from "./redeploy";
import { clockOf, pollDelay } from "../core/clock";

/**
 * The job's default savepoint folder: the cluster's default savepoint directory plus a folder per
 * job name; undefined when the cluster has no default. Shared by a job's deploy and a local
 * cluster's restart, so both put a job's savepoints in the same place.
 */
export async function defaultSavepointDir(client: FlinkClient, name: string): Promise<string | undefined> {
    const config = await client.jobManagerConfig();
    const base = config["execution.checkpointing.savepoint-dir"] ?? config["state.savepoints.dir"];
    return base ? `${normalizeSavepointDir(base)}/${jobFolder(name)}` : undefined;
}

/**
 * Wait until the job has ended (FINISHED, CANCELED or FAILED). After a stop-with-savepoint this
 * wait is downtime (the new job is submitted only once the old one ended: never two copies), so
 * it polls after 10 ms first and then at a twentieth of the time waited, at most every 300 ms.
 */
async function waitForEnd(ctx: DeployContext, jobId: string, timeoutMs: number): Promise<string> {
    const clock = clockOf(ctx);
    const started = clock.now();
    let state = "";
    while (clock.now() < started + timeoutMs) {
        state = (await ctx.client.job(jobId)).state;
        if (isGloballyTerminal(state)) return state;
        await clock.sleep(pollDelay(clock.now() - started, 10, 300));
    }
    throw new DeployError(`job ${jobId} did not end within ${Math.round(timeoutMs / 1000)} s (it is ${state})`, `job ${jobId} in state ${state}`);
}

/**
 * Stop the running job with a savepoint, so that a failure leaves it running.
 *
 * Flink fails the whole job when a stop-with-savepoint fails after its barriers went out (e.g. the
 * savepoint expires at the job's execution.checkpointing.timeout): "Stop-with-savepoint failed",
 * and without a restart strategy the job is FAILED with its state lost. A plain savepoint that
 * fails leaves the job running. So a plain savepoint comes first: if it fails or times out,
 * nothing is touched; if it succeeds, the stop follows, and should the stop fail anyway, the
 * plain savepoint is a restore point of at most one savepoint's age.
 */
export async function stopWithSavepoint(
    ctx: DeployContext,
    job: JobOverview,
    policy: Pick<DeployPolicy, "savepointDir" | "savepointTimeoutSeconds" | "formatType">,
): Promise<string> {
    const timeoutMs = policy.savepointTimeoutSeconds * 1000;
    const target = { targetDirectory: policy.savepointDir, formatType: policy.formatType };
    const wait = { timeoutMs, clock: clockOf(ctx) };
    const stateOf = () =>
        ctx.client.job(job.jid).then(
            (j) => j.state,
            () => "unknown",
        );
    ctx.progress(`taking a savepoint of job ${job.jid} into ${policy.savepointDir} before stopping it`);
    let probe: string;
    try {
        probe = await ctx.client.waitForSavepoint(job.jid, await ctx.client.triggerSavepoint(job.jid, target), wait);
    } catch (err) {
        const state = await stateOf();
        const timedOut = err instanceof FlinkSavepointError && err.kind === "savepoint-timeout";
        throw new DeployError(
            `the savepoint of job ${job.jid} ${timedOut ? "did not complete in time" : "failed"}, so nothing was redeployed: ${messageOf(err)}`,
            state === "RUNNING"
                ? `the old job ${job.jid} RUNNING, untouched` +
                      `${timedOut ? " (Flink may still complete that savepoint; it is not used). Raise upgrade.savepointTimeoutSeconds" : ""}`
                : `the old job ${job.jid} in state ${state}`,
        );
    }
    ctx.onSavepoint?.({ jobId: job.jid, path: probe, kind: "probe", at: clockOf(ctx).now() });
    assertEngineAlive(`the stop of job ${job.jid}`, `job ${job.jid} RUNNING; savepoint ${probe} taken`);
    ctx.progress(`savepoint at ${probe}; stopping job ${job.jid} with a savepoint`);
    let location: string;
    try {
        location = await ctx.client.waitForSavepoint(job.jid, await ctx.client.stopWithSavepoint(job.jid, { ...target, drain: false }), wait);
    } catch (err) {
        const state = await stateOf();
        const timedOut = err instanceof FlinkSavepointError && err.kind === "savepoint-timeout";
        throw new DeployError(
            `the stop-with-savepoint of job ${job.jid} ${timedOut ? "did not complete in time" : "failed"}, so nothing was redeployed: ${messageOf(err)}`,
            state === "RUNNING" && !timedOut
                ? `the old job ${job.jid} RUNNING, untouched`
                : state === "RUNNING"
                  ? `the old job ${job.jid} RUNNING, but Flink may still complete the stop in the background; ` +
                    `if it does, the next \`pulumi up\` restores the new version from that savepoint`
                  : `the old job ${job.jid} in state ${state}; the next \`pulumi up\` restores it from its latest savepoint (at least ${probe})`,
        );
    }
    ctx.progress(`savepoint at ${location}`);
    ctx.onSavepoint?.({ jobId: job.jid, path: location, kind: "stop", at: clockOf(ctx).now() });
    // The savepoint completes a moment before the job reports FINISHED.
    await waitForEnd(ctx, job.jid, 60_000);
    return location;
}

export async function cancel(ctx: DeployContext, jobId: string): Promise<void> {
    try {
        await ctx.client.cancelJob(jobId);
    } catch {
        /* may have ended already; the wait below tells */
    }
    await waitForEnd(ctx, jobId, 60_000);
}
