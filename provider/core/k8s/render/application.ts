/**
 * An application-mode FlinkDeployment: the cluster exists for one job, and the Operator upgrades
 * it. Our upgrade policy maps onto the Operator's:
 *   upgrade.mode "savepoint" (restore "latest-savepoint" or "none") -> upgradeMode savepoint
 *   upgrade.restore "latest-state"                                  -> upgradeMode last-state
 *   upgrade.mode "stateless"                                        -> upgradeMode stateless
 */
import { hashOf } from "../../hash";
import type { ApplicationArgs } from "../schema-application";
import { deploymentName, flinkConfiguration, flinkDeployment } from "./common";
import { renderRbac, RbacManifests } from "./rbac";
import type { ImageHome, Manifest } from "./types";

export const DEFAULT_APPLICATION_TIMEOUT = 900;
export const DEFAULT_MAVEN_REPOSITORY = "https://repo.maven.apache.org/maven2";

export type OperatorUpgradeMode = "savepoint" | "last-state" | "stateless";

/** Inputs of the `k8sApplication` provider kind (the contract with K8S-RUNTIME). */
export interface K8sApplicationInputs {
    namespace: string;
    name: string;
    specHash: string;
    upgradeMode: OperatorUpgradeMode;
    kubeconfig?: string;
    context?: string;
    readyTimeoutSeconds: number;
    access?: { mode: "auto" | "url" | "service" | "port-forward"; url?: string };
    /** The spec enables the Operator's rollback (the provider waits out a failing JobManager). */
    rollbackEnabled: boolean;
    /** What destroy does to the job: the provider suspends it with a savepoint first, or not. */
    onDelete: "savepoint" | "cancel";
}

export interface ApplicationManifests extends RbacManifests {
    flinkDeployment: Manifest;
    inputs: K8sApplicationInputs;
}

export function upgradeMode(upgrade: ApplicationArgs["upgrade"]): OperatorUpgradeMode {
    if (upgrade?.mode === "stateless") return "stateless";
    return upgrade?.restore === "latest-state" ? "last-state" : "savepoint";
}

/** The JAR as a URI the Operator fetches: given, or the Maven repository URL of the coordinates. */
export function jarUri(jar: NonNullable<ApplicationArgs["jar"]>): string {
    if (jar.url) return jar.url;
    const [group, artifact, version, classifier] = String(jar.maven).split(":");
    const repo = (jar.mavenRepository ?? DEFAULT_MAVEN_REPOSITORY).replace(/\/+$/, "");
    return `${repo}/${group.replace(/\./g, "/")}/${artifact}/${version}/${artifact}-${version}${classifier ? `-${classifier}` : ""}.jar`;
}

/** Operator settings our policy controls, plus autoscaler keys passed through. */
export function operatorConfig(a: ApplicationArgs): Record<string, unknown> {
    const out: Record<string, unknown> = { ...(a.configuration ?? {}) };
    // The Operator rolls back only with HA, so the default follows whether HA is configured.
    out["kubernetes.operator.deployment.rollback.enabled"] = rollbackEnabled(a);
    // The job's health-gate default (120 s), not the Operator's 1 minute.
    out["kubernetes.operator.deployment.readiness.timeout"] = `${a.health?.runningTimeoutSeconds ?? 120}s`;
    if (a.upgrade?.savepointDir) out["state.savepoints.dir"] = a.upgrade.savepointDir;
    if (a.upgrade?.formatType) out["kubernetes.operator.savepoint.format.type"] = a.upgrade.formatType;
    // The Operator keeps and disposes its own savepoint history (upgrade savepoints included).
    if (a.upgrade?.keepSavepoints) out["kubernetes.operator.savepoint.history.max.count"] = a.upgrade.keepSavepoints;
    out["kubernetes.operator.job.savepoint-on-deletion"] = (a.onDelete ?? "savepoint") === "savepoint";
    for (const [key, value] of Object.entries(a.autoscaler ?? {})) out[key.startsWith("job.autoscaler.") ? key : `job.autoscaler.${key}`] = value;
    return out;
}

const rollbackEnabled = (a: ApplicationArgs): boolean => a.rollbackOnFailure ?? a.kubernetes.highAvailability !== undefined;

export function renderApplication(home: ImageHome, a: ApplicationArgs): ApplicationManifests {
    const spec = a.kubernetes;
    const name = deploymentName(a.name, spec);
    const fd = flinkDeployment(a.name, home, spec, flinkConfiguration(home, spec, operatorConfig(a)));
    const mode = upgradeMode(a.upgrade);
    const restoreFrom = a.upgrade?.restore === "none" ? undefined : a.initialSavepointPath;
    (fd.spec as Record<string, unknown>).job = {
        jarURI: jarUri(a.jar ?? {}),
        ...(a.entryClass ? { entryClass: a.entryClass } : {}),
        ...(a.args ? { args: a.args } : {}),
        ...(a.parallelism !== undefined ? { parallelism: a.parallelism } : {}),
        upgradeMode: mode,
        state: "running",
        ...(a.upgrade?.allowNonRestoredState ? { allowNonRestoredState: true } : {}),
        ...(restoreFrom ? { initialSavepointPath: restoreFrom } : {}),
        ...(a.savepointRedeployNonce !== undefined ? { savepointRedeployNonce: a.savepointRedeployNonce } : {}),
    };
    // No waitFor here: the k8sApplication provider awaits the Operator's lifecycle and fails with its error.
    return {
        ...renderRbac(name, spec),
        flinkDeployment: fd,
        inputs: {
            namespace: spec.namespace,
            name,
            specHash: hashOf(fd.spec),
            upgradeMode: mode,
            // The provider then waits out a failing JobManager: the Operator rolls back, ROLLED_BACK is the outcome.
            rollbackEnabled: rollbackEnabled(a),
            onDelete: a.onDelete === "cancel" ? "cancel" : "savepoint",
            ...(spec.kubeconfig ? { kubeconfig: spec.kubeconfig } : {}),
            ...(spec.context ? { context: spec.context } : {}),
            readyTimeoutSeconds: spec.readyTimeoutSeconds ?? DEFAULT_APPLICATION_TIMEOUT,
            ...(spec.access ? { access: { mode: spec.access.mode ?? "auto", ...(spec.access.url ? { url: spec.access.url } : {}) } } : {}),
        },
    };
}
