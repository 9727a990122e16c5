/**
 * Provider kind `k8sApplication`: an application-mode FlinkJob run by the Flink Kubernetes
 * Operator. The FlinkDeployment (with `spec.job`) is applied by @pulumi/kubernetes before this
 * resource; here `pulumi up` waits until the Operator has reconciled that generation and the
 * deployment is STABLE, fails with the Operator's own message on ROLLED_BACK / FAILED, and
 * prints progress lines meanwhile. Savepoints on upgrade are the Operator's job (upgradeMode); on
 * delete with onDelete "savepoint" the job is suspended with a savepoint first (suspend.ts).
 */
import { changedKeys, plain } from "../core/diff";
import { parsedOrThrow } from "../core/errors";
import { withoutPulumiKeys } from "../core/zod";
import { chooseAccess } from "./endpoint";
import { checkK8sApplicationInputs, type K8sApplicationInputs } from "./inputs";
import { type DeploymentFacts, factsOf, type FlinkDeploymentObject } from "./lifecycle";
import { NotFoundError, readFlinkDeployment } from "./status";
import { type TypedProvider, unreadable } from "../core/providers";
import { resumeIfSuspended, suspendBeforeDeletion } from "./suspend";
import { awaitOperator } from "./await-operator";

export { timing } from "./await-operator";

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
        await resumeIfSuspended(args);
        return { id: `${args.namespace}/${args.name}`, outs: stateOf(args, await awaitOperator(args)) };
    },

    async update(_id, _olds, news) {
        const args = parse(news);
        await resumeIfSuspended(args);
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

    // The FlinkDeployment belongs to @pulumi/kubernetes and is deleted after this resource: with
    // onDelete "savepoint" the job is suspended with a savepoint here first (see deletionPlan).
    async delete(_id, props: K8sApplicationState) {
        if (props?.namespace) await suspendBeforeDeletion(props);
    },
};
