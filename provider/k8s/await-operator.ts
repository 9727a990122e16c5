/**
 * Waiting for the Flink Kubernetes Operator's verdict on the FlinkDeployment generation we
 * applied (or patched): STABLE for an application job, SUSPENDED before its deletion.
 */
import { DeployError, messageOf } from "../core/errors";
import { progressFor } from "../core/log";
import type { K8sApplicationInputs } from "./inputs";
import { type FlinkDeploymentObject, interpret, operatorMessage } from "./lifecycle";
import { NotFoundError, readFlinkDeployment, recentEvents, watchFlinkDeployment } from "./status";

/** Poll interval and how long a missing FlinkDeployment is tolerated (tests shorten them). */
export const timing = { pollMs: 2_000, missingGraceMs: 30_000 };

/** Sleep up to `ms`, or until `wake` is called (a watch event). */
function napper(): { nap(ms: number): Promise<void>; wake(): void; wakes: number } {
    let resolveNap: (() => void) | undefined;
    const state = {
        wakes: 0,
        nap(ms: number) {
            return new Promise<void>((resolve) => {
                const timer = setTimeout(() => ((resolveNap = undefined), resolve()), ms);
                resolveNap = () => {
                    clearTimeout(timer);
                    resolveNap = undefined;
                    resolve();
                };
            });
        },
        wake() {
            state.wakes++;
            resolveNap?.();
        },
    };
    return state;
}

/**
 * Wait for the Operator's verdict on the current generation of the FlinkDeployment: re-read it
 * on every watch event (client-node Watch), and every `timing.pollMs` whatever the watch does.
 */
export async function awaitOperator(args: K8sApplicationInputs, goal = "STABLE"): Promise<FlinkDeploymentObject> {
    const waker = napper();
    const stopWatch = watchFlinkDeployment(args, args.namespace, args.name, () => waker.wake());
    try {
        return await waitLoop(args, waker, goal);
    } finally {
        stopWatch();
    }
}

async function waitLoop(args: K8sApplicationInputs, waker: ReturnType<typeof napper>, goal: string): Promise<FlinkDeploymentObject> {
    const where = `${args.namespace}/${args.name}`;
    const progress = progressFor(`FlinkJob ${where}`);
    const started = Date.now();
    const deadline = started + args.readyTimeoutSeconds * 1000;
    const secretValues = args.kubeconfig ? [args.kubeconfig] : [];
    let said = "";
    let lastProgress = "no status read yet";
    for (;;) {
        let object: FlinkDeploymentObject | undefined;
        try {
            object = await readFlinkDeployment(args, args.namespace, args.name);
        } catch (err) {
            // Missing right after apply is a race with the API's cache; missing for long is an error.
            if (!(err instanceof NotFoundError) || Date.now() - started > timing.missingGraceMs) {
                throw new DeployError(
                    `FlinkDeployment ${where}: ${messageOf(err).split("\n")[0]}`,
                    "whatever the Operator runs for it, unchanged; check kubeconfig, context and that the FlinkDeployment exists",
                );
            }
        }
        if (object) {
            const verdict = interpret(object, { secretValues, rollbackEnabled: args.rollbackEnabled });
            lastProgress = verdict.progress;
            if (verdict.done && verdict.ok) {
                progress(verdict.message);
                return object;
            }
            if (verdict.done) {
                const rolledBack = object.status?.lifecycleState === "ROLLED_BACK";
                // Without status.error the Operator's reason is in its events (e.g. the Rollback event).
                const events = object.status?.error ? [] : await recentEvents(args, args.namespace, args.name).catch(() => []);
                const why = events.length ? `; Operator events: ${events.map((e) => operatorMessage(e, { secretValues })).join(" | ")}` : "";
                throw new DeployError(
                    `FlinkDeployment ${where}: ${verdict.message}${why}`,
                    rolledBack
                        ? "the previous (last stable) spec running again, restored by the Operator; fix the new spec and run `pulumi up` again"
                        : "the FlinkDeployment as the Operator left it; fix the spec (or what it depends on) and run `pulumi up` again",
                );
            }
            if (verdict.progress !== said) progress(verdict.progress);
            said = verdict.progress;
        }
        if (Date.now() >= deadline) {
            throw new DeployError(
                `FlinkDeployment ${where} did not become ${goal} within ${args.readyTimeoutSeconds} s (last: ${lastProgress})`,
                "the FlinkDeployment in place, the Operator still reconciling it; " +
                    `check \`kubectl -n ${args.namespace} describe flinkdeployment ${args.name}\`, or raise readyTimeoutSeconds`,
            );
        }
        await waker.nap(Math.min(timing.pollMs, Math.max(0, deadline - Date.now())));
    }
}
