import * as pulumi from "@pulumi/pulumi";
import { FlinkHome } from "./home";
import { createObjects, KubernetesDeploymentArgs, KubernetesSessionArgs, KubernetesTarget } from "./kubernetes";
import { InputError, InputFailure, invalid } from "../provider/core/errors";
import { checkSessionSpec } from "../provider/core/k8s/schema";
import { checkApplication } from "../provider/core/k8s/schema-application";
import { renderSession, SessionManifests } from "../provider/core/k8s/render/session";
import { ApplicationManifests, renderApplication } from "../provider/core/k8s/render/application";
import type { ImageHome } from "../provider/core/k8s/render/types";
import type { SessionLibraries } from "../provider/core/k8s/render/session";
import { credentialsSecret } from "../provider/core/k8s/libraries";
import { librariesHash, resolveLibraries } from "../provider/core/libraries/resolve";
import { checkLibraries, type Library, type MavenRepositoryArgs } from "../provider/core/libraries/schema";
import { progressFor } from "../provider/core/log";
import { providerFor } from "./provider";
import { checkCompat } from "../provider/core/k8s/compat";
import { operatorCompatibility } from "../provider/core/k8s/crd-read";
import type { Manifest } from "../provider/core/k8s/render/types";

/**
 * Bad input found while the program runs (at preview): an {@link InputError}, which Pulumi prints
 * as its message alone (the same lines `check` gives), without a stack trace.
 */
export function inputError(failures: readonly InputFailure[]): InputError {
    return new InputError(failures);
}

/** An Output of an object as an object of Outputs, one per key (what a resource's props must be). */
export function fieldsOf<T extends object>(value: pulumi.Output<T>, keys: (keyof T & string)[]): Record<string, pulumi.Output<unknown>> {
    const out: Record<string, pulumi.Output<unknown>> = {};
    for (const key of keys) out[key] = value.apply((v) => v[key]);
    return out;
}

/** The image half of a home, from its declared arguments (known at preview). */
export function imageHomeOf(home: FlinkHome): pulumi.Output<ImageHome> {
    const d = home.declared;
    return pulumi
        .output({
            image: d.image,
            version: d.version,
            imagePullPolicy: d.imagePullPolicy,
            imagePullSecrets: d.imagePullSecrets,
            defaultConfig: d.defaultConfig,
        })
        .apply((h) => {
            if (!h.image || !h.version)
                throw inputError([
                    invalid(
                        "home",
                        h.image,
                        "the Kubernetes target needs an image home",
                        'declare the home with image and version, e.g. { image: "flink:1.20.3-java17", version: "1.20.3" }',
                    ),
                ]);
            return h as ImageHome;
        });
}

/** Split off what must not be rendered into manifests (the kubeconfig secret, the k8s provider). */
function renderable<T extends KubernetesDeploymentArgs>(k: T) {
    const { kubeconfig, provider, ...rest } = k;
    return { kubeconfig, provider, rest };
}

/**
 * A rendered FlinkDeployment checked against the installed Operator at preview and at up (its live
 * CRD, or the declared operatorVersion): a Flink line or field its CRD does not accept fails the
 * program with the fix; when neither is known the preview warns that compatibility is unknown and why.
 */
function operatorChecked<T extends { flinkDeployment: Manifest }>(
    what: string,
    rendered: pulumi.Output<T>,
    home: pulumi.Output<ImageHome>,
    k: KubernetesDeploymentArgs,
): pulumi.Output<T> {
    const access = pulumi.all([pulumi.output(k.kubeconfig), pulumi.output(k.context), pulumi.output(k.operatorVersion)]);
    // The kubeconfig is a secret; the verdict carries none of it, so the manifests do not turn secret.
    const verdict = pulumi.unsecret(
        pulumi.all([rendered, home, access]).apply(async ([r, h, [kubeconfig, context, operatorVersion]]) => {
            const compat = await operatorCompatibility({ kubeconfig, context }, operatorVersion, pulumi.runtime.isDryRun());
            if ("unknown" in compat) {
                pulumi.log.warn(
                    `${what}: whether the installed Flink Kubernetes Operator accepts Flink ${h.version} (and every field rendered) is unknown: ` +
                        `${compat.unknown}; ` +
                        'set kubernetes.operatorVersion (e.g. "1.10") to check it offline',
                );
                return "unknown";
            }
            const failures = checkCompat(r.flinkDeployment, h.version, compat.facts);
            if (failures.length) throw inputError(failures);
            return compat.facts.source;
        }),
    );
    return rendered.apply((r) => verdict.apply(() => r));
}

/** Which objects a session cluster creates; decided by plain arguments so they are known at preview. */
function sessionKeys(k: KubernetesSessionArgs) {
    const keys: { key: keyof SessionManifests & string; kind: string }[] = [];
    if (k.createNamespace) keys.push({ key: "namespace", kind: "Namespace" });
    if (k.serviceAccount?.create !== false)
        keys.push({ key: "serviceAccount", kind: "ServiceAccount" }, { key: "role", kind: "Role" }, { key: "roleBinding", kind: "RoleBinding" });
    keys.push({ key: "flinkDeployment", kind: "FlinkDeployment" });
    if (k.sqlGateway?.enabled) keys.push({ key: "sqlGatewayDeployment", kind: "Deployment" }, { key: "sqlGatewayService", kind: "Service" });
    return keys;
}

/** A session's `libraries` and `mavenRepository` (SessionCluster arguments beside `kubernetes`). */
export interface SessionLibraryArgs {
    readonly libraries?: pulumi.Input<unknown>;
    readonly mavenRepository?: pulumi.Input<unknown>;
}

/**
 * Check and resolve the libraries on the deploying machine (concrete URLs and digests for the
 * init containers). The credentials go into a Secret the init containers read, never the pod spec.
 */
async function sessionLibraries(
    fdName: string,
    namespace: string,
    image: string,
    libs: Library[] | undefined,
    repo: MavenRepositoryArgs | undefined,
): Promise<SessionLibraries | undefined> {
    const failures = checkLibraries(libs ?? [], repo, [], true);
    if (failures.length) throw inputError(failures);
    if (!libs?.length) return undefined;
    const resolved = await resolveLibraries(libs, { repository: repo, progress: progressFor(`SessionCluster ${namespace}/${fdName}`) });
    const secretName = `${fdName}-maven-repository`;
    const secret = repo ? credentialsSecret(secretName, namespace, repo.username ?? "", repo.password ?? "") : undefined;
    return { libraries: resolved, image, hash: librariesHash(libs, repo), ...(secret ? { secret, credentialsSecret: secretName } : {}) };
}

/** The k8sSessionGuard resource (a dynamic resource class must be a subclass). */
class SessionRestartGuard extends pulumi.dynamic.Resource {}

/** Render, validate and create a session cluster's objects; returns the k8sCluster provider inputs. */
export function kubernetesSession(
    name: string,
    home: FlinkHome,
    k: KubernetesSessionArgs,
    opts: pulumi.CustomResourceOptions | undefined,
    libs: SessionLibraryArgs = {},
) {
    const { kubeconfig, provider, rest } = renderable(k);
    const declared = pulumi.all([pulumi.output(libs.libraries), pulumi.output(libs.mavenRepository)]);
    const imageHome = imageHomeOf(home);
    const unchecked = pulumi.all([imageHome, pulumi.output(rest), declared]).apply(async ([h, spec, [libraries, repo]]) => {
        const checked = checkSessionSpec(spec, "kubernetes.", name);
        if (checked.failures.length || !checked.spec) throw inputError(checked.failures);
        const fdName = checked.spec.name ?? name;
        return renderSession(
            name,
            h,
            checked.spec,
            await sessionLibraries(fdName, checked.spec.namespace, h.image, libraries as Library[] | undefined, repo as MavenRepositoryArgs | undefined),
        );
    });
    const rendered = operatorChecked(`SessionCluster ${name}`, unchecked, imageHome, k);
    const keys = sessionKeys(k);
    if (libs.mavenRepository !== undefined && libs.libraries !== undefined) keys.push({ key: "librariesSecret", kind: "Secret" });
    const inputs = rendered.apply((r) => r.inputs);
    const target: pulumi.Output<KubernetesTarget> = inputs.apply((i) => ({ namespace: i.namespace, name: i.name, restPort: i.restPort }));
    const props = fieldsOf(inputs, [
        "target",
        "namespace",
        "name",
        "flinkVersion",
        "restService",
        "restPort",
        "access",
        "sqlGateway",
        "context",
        "readyTimeoutSeconds",
        "specHash",
        "librariesHash",
        "minSlots",
    ]);
    // Updated before the FlinkDeployment: refuses a spec change (a restart) while jobs run on the cluster.
    const guard = new SessionRestartGuard(
        providerFor("k8sSessionGuard"),
        `${name}-restart-guard`,
        { ...props, kubeconfig: kubeconfig === undefined ? undefined : pulumi.secret(kubeconfig) },
        { parent: opts?.parent, dependsOn: [home] },
        "flink",
        "SessionRestartGuard",
    );
    const objects = createObjects(name, rendered, keys, { parent: opts?.parent, provider, dependsOn: [home] }, { FlinkDeployment: [guard] });
    return { objects, props, kubeconfig, target };
}

/** What an application job passes to the renderer (FlinkJob arguments, resolved). */
export type ApplicationInput = Record<string, unknown> & { name: string; kubernetes: KubernetesDeploymentArgs };

/** Render, validate and create an application job's objects; returns the k8sApplication provider inputs. */
export function kubernetesApplication(name: string, home: FlinkHome, job: ApplicationInput, opts: pulumi.CustomResourceOptions | undefined) {
    const { kubeconfig, provider, rest } = renderable(job.kubernetes);
    const imageHome = imageHomeOf(home);
    const unchecked = pulumi.all([imageHome, pulumi.output({ ...job, kubernetes: rest })]).apply(([h, a]) => {
        const checked = checkApplication(a, h.defaultConfig);
        if (checked.failures.length || !checked.args) throw inputError(checked.failures);
        return renderApplication(h, checked.args);
    });
    const rendered = operatorChecked(`FlinkJob ${name}`, unchecked, imageHome, job.kubernetes);
    const k = job.kubernetes;
    const keys: { key: keyof ApplicationManifests & string; kind: string }[] = [];
    if (k.createNamespace) keys.push({ key: "namespace", kind: "Namespace" });
    if (k.serviceAccount?.create !== false)
        keys.push({ key: "serviceAccount", kind: "ServiceAccount" }, { key: "role", kind: "Role" }, { key: "roleBinding", kind: "RoleBinding" });
    keys.push({ key: "flinkDeployment", kind: "FlinkDeployment" });
    const objects = createObjects(name, rendered, keys, { parent: opts?.parent, provider, dependsOn: [home] });
    const inputs = rendered.apply((r) => r.inputs);
    const restPort = pulumi.output(k.restService).apply((r) => r?.port ?? 8081);
    const target: pulumi.Output<KubernetesTarget> = pulumi
        .all([inputs, restPort])
        .apply(([i, port]) => ({ namespace: i.namespace, name: i.name, restPort: port }));
    const props = fieldsOf(inputs, ["namespace", "name", "specHash", "upgradeMode", "context", "readyTimeoutSeconds", "access", "rollbackEnabled", "onDelete"]);
    return { objects, props, kubeconfig, target };
}
