/**
 * Namespace, ServiceAccount, Role and RoleBinding for Flink's native Kubernetes mode. The
 * JobManager's resource manager creates, watches and deletes TaskManager pods; Kubernetes HA
 * keeps leader election and job pointers in ConfigMaps; TaskManager pods carry an owner
 * reference to the JobManager Deployment (get, plus update of its finalizers where the
 * OwnerReferencesPermissionEnforcement admission plugin is on), and the JobManager deletes that
 * Deployment when the cluster shuts itself down. Nothing else: no services, secrets or
 * cluster-scoped rights (the Operator creates the JobManager Deployment and REST service).
 */
import type { DeploymentSpec } from "../schema";
import { MANAGED_BY, serviceAccountName } from "./common";
import type { Manifest } from "./types";

export const FLINK_RBAC_RULES = [
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "delete"] },
    { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "delete"] },
    { apiGroups: ["apps"], resources: ["deployments/finalizers"], verbs: ["update"] },
];

export interface RbacManifests {
    namespace?: Manifest;
    serviceAccount?: Manifest;
    role?: Manifest;
    roleBinding?: Manifest;
}

export function renderRbac(fdName: string, spec: DeploymentSpec): RbacManifests {
    const ns = spec.namespace;
    const labels = { ...MANAGED_BY, "app.kubernetes.io/instance": fdName };
    const out: RbacManifests = {};
    if (spec.createNamespace) out.namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { ...MANAGED_BY } } };
    if (spec.serviceAccount?.create === false) return out;
    const sa = serviceAccountName(fdName, spec);
    out.serviceAccount = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: sa, namespace: ns, labels } };
    out.role = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: sa, namespace: ns, labels }, rules: FLINK_RBAC_RULES };
    out.roleBinding = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: sa, namespace: ns, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: sa },
        subjects: [{ kind: "ServiceAccount", name: sa, namespace: ns }],
    };
    return out;
}
