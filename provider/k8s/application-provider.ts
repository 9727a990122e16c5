/**
 * Provider kind `k8sApplication`: an application-mode FlinkJob run by the Flink Kubernetes
 * Operator. The FlinkDeployment (with `spec.job`) is applied by @pulumi/kubernetes before this
 * resource; here `pulumi up` waits until the Operator has reconciled that generation and the
 * deployment is STABLE, fails with the Operator's own message on ROLLED_BACK / FAILED, and
 * prints progress lines meanwhile. Savepoints on upgrade are the Operator's job (upgradeMode).
 */
import { changedKeys, plain } from "../core/diff";
import { DeployError, messageOf, parsedOrThrow } from "../core/errors";
import { withoutPulumiKeys } from "../core/zod";
import { progressFor } from "../core/log";
import { chooseAccess } from "./endpoint";
import { checkK8sApplicationInputs, type K8sApplicationInputs } from "./inputs";
import { type DeploymentFacts, factsOf, type FlinkDeploymentObject, interpret, operatorMessage } from "./lifecycle";
import { NotFoundError, readFlinkDeployment, recentEvents, watchFlinkDeployment } from "./status";
import { type TypedProvider, unreadable } from "../core/providers";

export const K8S_APPLICATION_STATE_VERSION = 1;

export type K8sApplicationState = K8sApplicationInputs &
    DeploymentFacts & {
        webUiUrl: string;
        flinkVersion: string;
        stateVersion: number;
    };

const REPLACE_KEYS = ["namespace", "name"] as const;
const UPDATE_KEYS = [
    "specHash",
    "upgradeMode",
    "kubeconfig",
    "context",
    "readyTimeoutSeconds",
    "access",
    "rollbackEnabled",
    "restService",
    "restPort",
] as const;

/** Poll interval and how long a missing FlinkDeployment is tolerated (tests shorten them). */
export const timing = { pollMs: 2_000, missingGraceMs: 30_000 };

function parse(inputs: Record<string, unknown>): K8sApplicationInputs {
    const { args, failures } = checkK8sApplicationInputs(inputs);
    return parsedOrThrow("FlinkJob", args, failures);
}

/** "v1_20" (the CRD's enum) or the cluster's reported version, as "1.20" / "1.20.3". */
function flinkVersionOf(object: FlinkDeploymentObject): string {
    const reported = object.status?.clusterInfo?.["flink-version"];
    if (reported) return reported;
    const m = /^v(\d+)_(\d+)$/.exec(object.spec?.flinkVersion ?? "");
    return m ? `${m[1]}.${m[2]}` : "";
}

function stateOf(args: K8sApplicationInputs, object: FlinkDeploymentObject): K8sApplicationState {
    const facts = factsOf(object);
    const access = chooseAccess(
        { namespace: args.namespace, restService: args.restService ?? `${args.name}-rest`, restPort: args.restPort, access: args.access },
        process.env,
    );
    const base = access.url.replace(/\/$/, "");
    const webUiUrl = facts.jobId ? `${base}/#/job/running/${facts.jobId}/overview` : `${base}/#/overview`;
    return plain({ ...args, ...facts, webUiUrl, flinkVersion: flinkVersionOf(object), stateVersion: K8S_APPLICATION_STATE_VERSION });
}

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
export async function awaitOperator(args: K8sApplicationInputs): Promise<FlinkDeploymentObject> {
    const waker = napper();
    const stopWatch = watchFlinkDeployment(args, args.namespace, args.name, () => waker.wake());
    try {
        return await waitLoop(args, waker);
    } finally {
        stopWatch();
    }
}

async function waitLoop(args: K8sApplicationInputs, waker: ReturnType<typeof napper>): Promise<FlinkDeploymentObject> {
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
                `FlinkDeployment ${where} did not become STABLE within ${args.readyTimeoutSeconds} s (last: ${lastProgress})`,
                `the FlinkDeployment in place, the Operator still reconciling it; check \`kubectl -n ${args.namespace} describe flinkdeployment ${args.name}\`, or raise readyTimeoutSeconds`,
            );
        }
        await waker.nap(Math.min(timing.pollMs, Math.max(0, deadline - Date.now())));
    }
}

/** The `k8sApplication` dynamic provider. */
export const k8sApplicationProvider: TypedProvider<K8sApplicationState> = {
    async check(_olds, news) {
        const { failures } = checkK8sApplicationInputs(news);
        return { inputs: news, failures: failures.map((f) => ({ property: f.property, reason: f.reason })) };
    },

    async diff(_id, olds: K8sApplicationState, rawNews) {
        const news = (checkK8sApplicationInputs(rawNews).args ?? withoutPulumiKeys(rawNews)) as Record<string, unknown>;
        const old = olds as unknown as Record<string, unknown>;
        const replaces = changedKeys(old, news, REPLACE_KEYS);
        const updates = changedKeys(old, news, UPDATE_KEYS);
        return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs) {
        const args = parse(inputs);
        return { id: `${args.namespace}/${args.name}`, outs: stateOf(args, await awaitOperator(args)) };
    },

    async update(_id, _olds, news) {
        const args = parse(news);
        return { outs: stateOf(args, await awaitOperator(args)) };
    },

    async read(id, props?: K8sApplicationState) {
        if (!props?.namespace) return { id, props: unreadable(props) };
        try {
            const object = await readFlinkDeployment(props, props.namespace, props.name);
            return { id, props: { ...props, ...stateOf(props, object) } };
        } catch (err) {
            if (err instanceof NotFoundError) return { id, props: { ...props, state: "MISSING", lifecycleState: "DELETED" } };
            return { id, props };
        }
    },

    // The FlinkDeployment belongs to @pulumi/kubernetes; its deletion lets the Operator stop the job per its policy.
    async delete() {
        return;
    },
};
