/** examples/kubernetes, stack "prod": every manifest valid against the real schemas. (schema-validated; not applied; no pods run) */
import { find } from "../../support/k8s-mocks";
import { kinds, renderExample, validateAll } from "./example-stack";
import type { Registered } from "../../support/k8s-mocks";

jest.mock("pulumi-flink", () => jest.requireActual("../../../sdk"), { virtual: true });

describe("examples/kubernetes stack prod (schema-validated; not applied; no pods run)", () => {
    let registered: Registered[];
    beforeAll(async () => {
        // Set by `pulumi config set --secret uiPassword ...` in a real prod stack.
        registered = await renderExample("prod", { "flink-kubernetes:uiPassword": "prod-ui-password" });
    }, 60_000);

    test("every emitted manifest passes the Operator CRDs (Maven Central) and kubernetes-models", () => {
        expect(kinds(registered)).toContain("Secret/shared-ui-basic-auth");
        expect(validateAll(registered)).toEqual([]);
    }, 60_000);

    test("prod stack: TLS and basic auth on the ingress, pinned registry image, node pool, four TaskManagers", () => {
        const ing = find<{ spec: { tls: unknown } }>(registered, "Ingress", "shared-ui");
        expect(ing.spec.tls).toEqual([{ hosts: ["flink.example.com"], secretName: "flink-example-com-tls" }]);
        expect(ing.metadata.annotations?.["nginx.ingress.kubernetes.io/auth-type"]).toBe("basic");
        const fd = find<{ spec: { image: string; podTemplate: { spec: { nodeSelector: unknown } }; taskManager: { replicas: number } } }>(
            registered,
            "FlinkDeployment",
            "shared",
        );
        expect(fd.metadata.namespace).toBe("flink-prod");
        expect(fd.spec.image).toBe("registry.example.com/flink:1.20.3-java17");
        expect(fd.spec.podTemplate.spec.nodeSelector).toEqual({ "node-pool": "flink" });
        expect(fd.spec.taskManager.replicas).toBe(4);
        const app = find<{ spec: { podTemplate: { spec: { nodeSelector: unknown } }; job: { upgradeMode: string } } }>(
            registered,
            "FlinkDeployment",
            "top-speed",
        );
        expect(app.spec.job.upgradeMode).toBe("savepoint");
        expect(app.spec.podTemplate.spec.nodeSelector).toEqual({ "node-pool": "flink" });
    });
});
