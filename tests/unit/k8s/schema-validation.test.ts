/**
 * The validators themselves, and every renderer's output, against the real schemas: the Flink
 * Operator CRDs from Maven Central and kubernetes-models. Nothing is applied to a cluster.
 */
import { crdSchema, validateManifest } from "../../support/k8s-schemas";
import { CRD_FLINK_VERSIONS, OPERATOR_VERSION } from "../../../provider/core/k8s/operator";
import { checkSessionSpec } from "../../../provider/core/k8s/schema";
import { checkApplication } from "../../../provider/core/k8s/schema-application";
import { checkIngressSpec } from "../../../provider/core/k8s/schema-ingress";
import { renderSession } from "../../../provider/core/k8s/render/session";
import { renderApplication } from "../../../provider/core/k8s/render/application";
import { renderIngress } from "../../../provider/core/k8s/render/ingress";
import type { Manifest } from "../../../provider/core/k8s/render/types";
import { application, home, sessionSpec } from "./fixtures";

const manifestsOf = (o: object): Manifest[] => Object.values(o).filter((v): v is Manifest => !!v && typeof v === "object" && "apiVersion" in v && "kind" in v);

describe(`Flink Operator ${OPERATOR_VERSION} CRDs from Maven Central (schema-validated; not applied)`, () => {
    test("the accepted Flink versions recorded in the package equal the CRD's flinkVersion enum", () => {
        const spec = (crdSchema("flinkdeployments.flink.apache.org-v1.yml").properties as Record<string, { properties: Record<string, { enum: string[] }> }>)
            .spec;
        expect(spec.properties.flinkVersion.enum).toEqual([...CRD_FLINK_VERSIONS]);
    });

    test("the validator rejects a FlinkDeployment with an unknown field, a wrong enum and an unknown pod field", () => {
        const problems = validateManifest({
            apiVersion: "flink.apache.org/v1beta1",
            kind: "FlinkDeployment",
            metadata: { name: "x" },
            spec: { flinkVersion: "v9_9", imagee: "flink:1.20", podTemplate: { spec: { nodeSelectorr: {} } } },
        });
        expect(problems.join("\n")).toMatch(/flinkVersion: must be equal to one of the allowed values/);
        expect(problems.join("\n")).toMatch(/imagee/);
        expect(problems.join("\n")).toMatch(/nodeSelectorr/);
    });

    test("the validator rejects core objects kubernetes-models rejects (RBAC rule without verbs, Deployment without selector)", () => {
        expect(
            validateManifest({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "r" }, rules: [{ resources: ["pods"] }] }),
        ).not.toEqual([]);
        expect(validateManifest({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { template: {} } })).not.toEqual([]);
    });

    test("session cluster manifests (namespace, RBAC, FlinkDeployment, SQL Gateway) are valid", () => {
        const { spec, failures } = checkSessionSpec(sessionSpec);
        expect(failures).toEqual([]);
        const out = manifestsOf(renderSession("analytics", home, spec!));
        expect(out.map((m) => m.kind).sort()).toEqual(["Deployment", "FlinkDeployment", "Namespace", "Role", "RoleBinding", "Service", "ServiceAccount"]);
        for (const m of out) expect(validateManifest(m)).toEqual([]);
    });

    test("application-mode FlinkDeployment is valid", () => {
        const { args, failures } = checkApplication(application);
        expect(failures).toEqual([]);
        const out = manifestsOf(renderApplication(home, args!));
        expect(out.map((m) => m.kind)).toContain("FlinkDeployment");
        for (const m of out) expect(validateManifest(m)).toEqual([]);
    });

    test("the application provider is told whether the Operator rolls back (HA default, rollbackOnFailure wins), as the spec says", () => {
        const rendered = (extra: Record<string, unknown>) => {
            const { args } = checkApplication({ ...application, ...extra });
            return renderApplication(home, args!);
        };
        const flag = (r: ReturnType<typeof renderApplication>) =>
            (r.flinkDeployment.spec as { flinkConfiguration: Record<string, string> }).flinkConfiguration["kubernetes.operator.deployment.rollback.enabled"];
        const withHa = rendered({});
        expect(withHa.inputs.rollbackEnabled).toBe(true);
        expect(flag(withHa)).toBe("true");
        const off = rendered({ rollbackOnFailure: false });
        expect(off.inputs.rollbackEnabled).toBe(false);
        expect(flag(off)).toBe("false");
    });

    test("ingress, slash redirect and basic-auth Secret are valid", () => {
        const { spec, failures } = checkIngressSpec({
            target: { namespace: "streaming", name: "analytics", restPort: 8081 },
            host: "flink.example.com",
            tls: { secretName: "flink-tls" },
            ingressClassName: "nginx",
            basicAuth: { username: "ops", password: "correct horse" },
        });
        expect(failures).toEqual([]);
        const out = manifestsOf(renderIngress("ui", spec!));
        expect(out.map((m) => m.kind).sort()).toEqual(["Ingress", "Ingress", "Secret"]);
        for (const m of out) expect(validateManifest(m)).toEqual([]);
    });
});
