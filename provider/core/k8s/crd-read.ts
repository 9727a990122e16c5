/**
 * What the installed Flink Kubernetes Operator accepts, found out at preview and at up: the live
 * FlinkDeployment CRD read from the cluster, else the declared `operatorVersion`, else "unknown"
 * with the reason. A declared `operatorVersion` is used at preview without asking the cluster
 * (offline previews); at up the live CRD wins when it can be read.
 */
import type { KubeAccess } from "../connection";
import { type Compatibility, factsOfCrd, factsOfOperatorVersion } from "./compat";
import { messageOf } from "../errors";
import { k8s } from "./client-node";
import { hasKubeAccess, loadKubeConfig, serverOf } from "./kubeconfig";

export const FLINKDEPLOYMENT_CRD = "flinkdeployments.flink.apache.org";
/** A preview must not hang on an unreachable apiserver. */
const READ_TIMEOUT_MS = 10_000;

/** GET the FlinkDeployment CRD; its facts, or why they are unknown. */
export async function readLiveCompatibility(access: KubeAccess): Promise<Compatibility> {
    if (!hasKubeAccess(access))
        return { unknown: "no kubeconfig is at hand (kubeconfig input, KUBECONFIG, ~/.kube/config or in-cluster) to read the Operator's CRD" };
    let server = "the cluster";
    try {
        const kc = loadKubeConfig(access);
        server = serverOf(kc);
        const api = kc.makeApiClient(k8s().ApiextensionsV1Api);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${READ_TIMEOUT_MS / 1000} s`)), READ_TIMEOUT_MS);
        });
        const crd = await Promise.race([api.readCustomResourceDefinition({ name: FLINKDEPLOYMENT_CRD }), timeout]).finally(() => clearTimeout(timer));
        const facts = factsOfCrd(crd, `the Operator installed at ${server}`);
        return facts ? { facts } : { unknown: `the CRD ${FLINKDEPLOYMENT_CRD} at ${server} has no v1beta1 schema with a flinkVersion enum` };
    } catch (err) {
        if ((err as { code?: unknown }).code === 404)
            return { unknown: `the CRD ${FLINKDEPLOYMENT_CRD} is not installed at ${server} (install the Flink Kubernetes Operator first)` };
        return { unknown: `the CRD ${FLINKDEPLOYMENT_CRD} could not be read from ${server}: ${messageOf(err).split("\n")[0]!.slice(0, 200)}` };
    }
}

/** The facts to render for: `operatorVersion` at preview, the live CRD otherwise (falling back to `operatorVersion`). */
export async function operatorCompatibility(access: KubeAccess, operatorVersion: string | undefined, preview: boolean): Promise<Compatibility> {
    const declared = operatorVersion === undefined ? undefined : factsOfOperatorVersion(operatorVersion);
    if (declared && preview) return { facts: declared };
    const live = await readLiveCompatibility(access);
    if ("facts" in live || !declared) return live;
    return { facts: declared };
}
