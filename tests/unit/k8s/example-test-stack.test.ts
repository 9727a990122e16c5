/** examples/kubernetes, stack "test": every manifest valid against the real schemas. (schema-validated; not applied; no pods run) */
import { find } from "../../support/k8s-mocks";
import { kinds, providerKind, renderExample, validateAll } from "./example-stack";
import type { Registered } from "../../support/k8s-mocks";

jest.mock("pulumi-flink", () => jest.requireActual("../../../sdk"), { virtual: true });

describe("examples/kubernetes stack test (schema-validated; not applied; no pods run)", () => {
    let registered: Registered[];
    beforeAll(async () => {
        registered = await renderExample("test");
    }, 60_000);

    test("emits the session cluster's objects, both FlinkDeployments and the ingress", () => {
        expect(kinds(registered)).toEqual([
            "Deployment/shared-sql-gateway",
            "FlinkDeployment/shared",
            "FlinkDeployment/top-speed",
            "Ingress/shared-ui",
            "Ingress/shared-ui-slash",
            "Namespace/flink-test",
            "Role/shared-flink",
            "Role/top-speed-flink",
            "RoleBinding/shared-flink",
            "RoleBinding/top-speed-flink",
            "Service/shared-sql-gateway",
            "ServiceAccount/shared-flink",
            "ServiceAccount/top-speed-flink",
        ]);
    });

    test("every emitted manifest passes the Operator CRDs (Maven Central) and kubernetes-models", () => {
        expect(validateAll(registered)).toEqual([]);
    }, 60_000);

    test("a session cluster, two session jobs (JAR, SQL) and one application job reach their providers", () => {
        const dynamic = registered.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
        expect(dynamic.map((r) => `${r.name}:${providerKind(r)}`).sort()).toEqual([
            "flink:home",
            "orders-per-key:job",
            "shared-restart-guard:k8sSessionGuard",
            "shared:k8sCluster",
            "state-machine:job",
            "top-speed:k8sApplication",
        ]);
        expect(dynamic.find((r) => r.name === "orders-per-key")?.inputs.sql).toMatch(/INSERT INTO totals/);
    });

    test("test stack: http ingress without auth, no node selector, one TaskManager", () => {
        const ing = find<{ spec: { tls?: unknown } }>(registered, "Ingress", "shared-ui");
        expect(ing.spec.tls).toBeUndefined();
        expect(ing.metadata.annotations?.["nginx.ingress.kubernetes.io/auth-type"]).toBeUndefined();
        const fd = find<{ spec: { podTemplate: { spec: { nodeSelector?: unknown } }; taskManager: { replicas: number } } }>(
            registered,
            "FlinkDeployment",
            "shared",
        );
        expect(fd.spec.podTemplate.spec.nodeSelector).toBeUndefined();
        expect(fd.spec.taskManager.replicas).toBe(1);
    });
});
