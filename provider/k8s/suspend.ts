/**
 * Before `pulumi destroy` deletes an application job's FlinkDeployment: with onDelete
 * "savepoint", stop the job with a savepoint through the Operator (`spec.job.state: suspended`,
 * upgradeMode savepoint), wait until it reports SUSPENDED, and say where the savepoint is. A
 * failure asks the job to run again and leaves the object in place (see deletionPlan for why).
 */
import { DeployError, messageOf } from "../core/errors";
import { progressFor } from "../core/log";
import type { K8sApplicationInputs } from "./inputs";
import { deletionPlan, factsOf, suspensionPatch } from "./lifecycle";
import { NotFoundError, patchFlinkDeployment, readFlinkDeployment } from "./status";
import { awaitOperator } from "./await-operator";

export async function suspendBeforeDeletion(args: K8sApplicationInputs): Promise<void> {
    const where = `${args.namespace}/${args.name}`;
    const progress = progressFor(`FlinkJob ${where}`);
    const object = await readFlinkDeployment(args, args.namespace, args.name).catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw new DeployError(
            `FlinkDeployment ${where}: ${messageOf(err).split("\n")[0]}`,
            "the FlinkDeployment as it was; check kubeconfig and context, then retry",
        );
    });
    if (!object) return progress("the FlinkDeployment is gone already: nothing to stop");
    const onDelete = declaredOnDelete(args);
    const plan = deletionPlan(object, args.onDelete);
    if (plan.action === "delete") return progress(plan.says);
    if (plan.action === "suspended") return progress(`suspended already, with its savepoint at ${plan.savepoint || "(none reported)"}`);
    if (plan.action === "refuse") {
        const last = factsOf(object).lastSavepoint;
        throw new DeployError(
            `FlinkDeployment ${where} was not deleted: onDelete is "savepoint" and ${plan.why}`,
            `the FlinkDeployment in place (newest savepoint the Operator reports: ${last || "none"}); ` +
                `retry once the job runs, or set onDelete "cancel" and run \`pulumi up\` before destroying it`,
        );
    }
    const before = factsOf(object).lastSavepoint;
    progress("suspending the job with a savepoint before its FlinkDeployment is deleted");
    try {
        await patchFlinkDeployment(args, args.namespace, args.name, suspensionPatch("suspended", "savepoint", onDelete));
    } catch (err) {
        throw new DeployError(
            `FlinkDeployment ${where} was not deleted: asking the Operator to suspend the job failed: ${messageOf(err).split("\n")[0]}`,
            "the FlinkDeployment unchanged, its job running; check that the kubeconfig may patch flinkdeployments, then retry",
        );
    }
    try {
        const settled = await awaitOperator(args, "SUSPENDED");
        const after = factsOf(settled).lastSavepoint;
        progress(
            after && after !== before
                ? `suspended with a savepoint at ${after}`
                : `suspended; the Operator reports no new savepoint (newest known: ${after || "none"})`,
        );
    } catch (err) {
        throw await resumed(args, plan.upgradeMode, onDelete, err);
    }
}

/** After a failed suspension: ask the job to run again, and say what is left behind. */
async function resumed(args: K8sApplicationInputs, upgradeMode: string, onDelete: "savepoint" | "cancel", err: unknown): Promise<DeployError> {
    const why = messageOf(err).split("\n")[0];
    const where = `${args.namespace}/${args.name}`;
    try {
        await patchFlinkDeployment(args, args.namespace, args.name, suspensionPatch("running", upgradeMode, onDelete));
        return new DeployError(
            `FlinkDeployment ${where} was not deleted: suspending the job with a savepoint failed: ${why}`,
            "the FlinkDeployment in place with spec.job.state running again " +
                "(the Operator restarts the job from its newest savepoint if it had stopped); retry",
        );
    } catch (again) {
        const resume = JSON.stringify(suspensionPatch("running", upgradeMode, onDelete));
        return new DeployError(
            `FlinkDeployment ${where} was not deleted: suspending the job with a savepoint failed: ${why}; ` +
                `asking it to run again failed too: ${messageOf(again).split("\n")[0]}`,
            "the FlinkDeployment in place with spec.job.state suspended; resume it with " +
                `\`kubectl -n ${args.namespace} patch flinkdeployment ${args.name} --type merge -p '${resume}'\``,
        );
    }
}

/**
 * Before `up` waits for an application job: a FlinkDeployment left with `spec.job.state:
 * suspended` (a destroy interrupted after the suspension, or kubectl) is asked to run again, as
 * declared; the Operator restores it from the savepoint it took. Without this the wait would
 * accept SUSPENDED and the job would silently stay stopped.
 */
export async function resumeIfSuspended(args: K8sApplicationInputs): Promise<void> {
    const live = await readFlinkDeployment(args, args.namespace, args.name).catch(() => undefined);
    if (live?.spec?.job?.state !== "suspended") return;
    const progress = progressFor(`FlinkJob ${args.namespace}/${args.name}`);
    const savepoint = factsOf(live).lastSavepoint;
    progress(`the job is suspended (spec.job.state suspended; its savepoint: ${savepoint || "none reported"}): asking it to run, as declared`);
    await patchFlinkDeployment(args, args.namespace, args.name, suspensionPatch("running", args.upgradeMode, declaredOnDelete(args)));
}

/** onDelete as declared; a state written before it was recorded means the default, "savepoint". */
const declaredOnDelete = (args: K8sApplicationInputs): "savepoint" | "cancel" => args.onDelete ?? "savepoint";
