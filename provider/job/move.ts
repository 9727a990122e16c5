/**
 * Moving a job to another cluster with its state (a change of `cluster` under the same name):
 * the old cluster's job is stopped with a savepoint first, then the new cluster starts the job from
 * it, so two copies never run. Like converge, every step starts from what Flink has, so a run killed
 * at any step is finished by the next `up`: state still names the old cluster until the move is
 * done, and the old cluster's ended job carries the stop savepoint (found again by findRestorePoint),
 * while a job the new cluster already runs is kept (converge sees it runs the desired definition).
 */
import { DeployContext, DeployPolicy, jobsNamed, PriorDeployment } from "../deploy/redeploy";
import { parseJobId } from "../deploy/identity";
import { cancel, stopWithSavepoint } from "../deploy/stop";
import { findRestorePoint } from "../deploy/restore";
import type { Snapshot } from "../deploy/restore-point";
import { faultPoint } from "../deploy/fault";
import { assertEngineAlive } from "../core/lifeline";
import { clockOf } from "../core/clock";
import { DeployError, messageOf } from "../core/errors";

/**
 * End the job on the cluster it leaves and say where its state is: the savepoint of its stop, or,
 * when it is not running there (a run killed mid-move, a job lost), its newest restore point there.
 * Undefined: nothing to carry (stateless, or no state of it exists).
 */
export async function handOver(ctx: DeployContext, prior: PriorDeployment, policy: DeployPolicy, to: string): Promise<Snapshot | undefined> {
    const { active, ended } = await jobsNamed(ctx);
    const isOurs = (jid: string) => parseJobId(ctx.name, jid) !== undefined || jid === prior.jobId;
    const ours = active.filter((j) => isOurs(j.jid));
    if (ours.length > 1)
        throw new DeployError(
            `${ours.length} copies of "${ctx.name}" are running on ${ctx.restUrl}: ${ours.map((j) => j.jid).join(", ")}, so the move to ${to} did not start`,
            "all of them; stop all but one with a savepoint (flink stop), then run pulumi up again",
        );
    const job = ours[0];
    const clock = clockOf(ctx);
    if (job) {
        assertEngineAlive(`stopping job ${job.jid} for the move to ${to}`, `job ${job.jid} ${job.state} on ${ctx.restUrl}, untouched`);
        if (policy.mode === "stateless") {
            ctx.progress(`cancelling job ${job.jid} on ${ctx.restUrl} (stateless: its state is dropped) to move it to ${to}`);
            await cancel(ctx, job.jid);
            return undefined;
        }
        const path = await stopWithSavepoint(ctx, job, policy);
        faultPoint("after-stop");
        return { path, at: clock.now(), kind: "savepoint", jobId: job.jid, takenBy: `the move from ${ctx.restUrl}` };
    }
    if (policy.mode === "stateless") return undefined;
    ctx.progress(`no job of "${ctx.name}" runs on ${ctx.restUrl}; looking for its newest state there to carry to ${to}`);
    const decision = await findRestorePoint(
        ctx.client,
        ctx.name,
        ended.filter((j) => isOurs(j.jid)),
        prior,
        policy,
        ctx.progress,
        clock.now(),
        (ms) => clock.sleep(ms),
    );
    return decision.kind === "snapshot" ? decision.snapshot : undefined;
}

/** What the move needs from the job provider: its two deploys. */
export interface MoveSteps<T> {
    /** The old cluster, its policy and what state records of the job there. */
    from: { ctx: DeployContext; policy: DeployPolicy; prior: PriorDeployment };
    /** Start the new version on the new cluster from `point` (no rollback there: the rollback is to the old cluster). */
    deployNew(point: Snapshot | undefined): Promise<T>;
    /** Start the previous version on the old cluster again from `point`. */
    restartOld(point: Snapshot | undefined): Promise<unknown>;
    rollbackOnFailure: boolean;
    to: string;
}

/**
 * Move the job: hand over on the old cluster, deploy on the new one; when the new one fails its
 * gate (converge leaves nothing running there), start the previous version on the old cluster
 * again from the same savepoint, then fail the update saying where the job runs.
 */
export async function moveJob<T>(steps: MoveSteps<T>): Promise<T> {
    const { ctx } = steps.from;
    ctx.progress(`moving job "${ctx.name}" from ${ctx.restUrl} to ${steps.to}`);
    const point = await handOver(ctx, steps.from.prior, steps.from.policy, steps.to);
    try {
        return await steps.deployNew(point);
    } catch (err) {
        const where = point ? `its state is in ${point.path}` : "it had no state to keep";
        if (!steps.rollbackOnFailure) throw err;
        ctx.progress(`the move failed (${messageOf(err).split("\n")[0]}); starting the previous version on ${ctx.restUrl} again`);
        const back = await steps.restartOld(point).then(
            () => undefined,
            (e: unknown) => messageOf(e).split("\n")[0],
        );
        throw new DeployError(
            `the move to ${steps.to} failed and was rolled back: ${messageOf(err)}`,
            back === undefined
                ? `the job RUNNING again on ${ctx.restUrl}${point ? ` from ${point.path}` : ""}; nothing of it runs on ${steps.to}`
                : `no job running: the restart on ${ctx.restUrl} failed too (${back}); ${where}`,
        );
    }
}
