/**
 * Rendering for any Operator release: the package's table of what each release's FlinkDeployment
 * CRD accepts, against the real CRDs Maven Central serves (1.3.0, 1.7.0, 1.10.0), and every emitted
 * object validated against each of those CRDs whose facts accept it. (CRDs from Maven Central;
 * schema-validated; nothing applied)
 */
import { crdObject, validateManifest } from "../../support/k8s-schemas";
import { checkCompat, factsOfCrd, factsOfOperatorVersion, specPaths } from "../../../provider/core/k8s/compat";
import { FIELD_SINCE, minimumOperatorFor, OPERATOR_FLINK_VERSIONS, operatorLine, SERVED_OPERATOR_VERSIONS } from "../../../provider/core/k8s/operator";
import { checkSessionSpec } from "../../../provider/core/k8s/schema";
import { checkApplication } from "../../../provider/core/k8s/schema-application";
import { renderSession } from "../../../provider/core/k8s/render/session";
import { renderApplication } from "../../../provider/core/k8s/render/application";
import type { Manifest } from "../../../provider/core/k8s/render/types";
import { inputMessage } from "../../../provider/core/errors";
import { application, home, sessionSpec } from "./fixtures";

const FD = "flinkdeployments.flink.apache.org-v1.yml";
const live = (v: string) => factsOfCrd(crdObject(FD, v), `operator-api ${v}`)!;
const manifestsOf = (o: object): Manifest[] => Object.values(o).filter((v): v is Manifest => !!v && typeof v === "object" && "apiVersion" in v && "kind" in v);
const session = (h = home, spec: object = sessionSpec) => renderSession("analytics", h, checkSessionSpec(spec).spec!);
const flink2 = { ...home, image: "flink:2.0.1-java17", version: "2.0.1" };

describe("Operator releases the package renders for (CRDs from Maven Central; schema-validated; nothing applied)", () => {
    test.each(SERVED_OPERATOR_VERSIONS)("the table's flinkVersion enum of Operator %s equals its CRD's", (version) => {
        expect(live(version).flinkVersions).toEqual(OPERATOR_FLINK_VERSIONS[operatorLine(version)!]);
    });

    test.each(Object.entries(FIELD_SINCE))("%s: absent from every served CRD older than %s, present in the others", (path, since) => {
        for (const version of SERVED_OPERATOR_VERSIONS) {
            const older = Number(operatorLine(version)!.split(".")[1]) < Number(since.split(".")[1]);
            expect([version, live(version).hasField(path)]).toEqual([version, !older]);
            expect([version, factsOfOperatorVersion(version)!.hasField(path)]).toEqual([version, !older]);
        }
    });

    test("the oldest Operator line accepting each Flink line (1.11 added 2.0; 1.13 2.1 and 2.2; 1.15 2.3 and 2.4)", () => {
        expect(["v1_16", "v1_19", "v1_20", "v2_0", "v2_1", "v2_2", "v2_3", "v2_4", "v2_5"].map(minimumOperatorFor)).toEqual([
            "1.3",
            "1.7",
            "1.10",
            "1.11",
            "1.13",
            "1.13",
            "1.15",
            "1.15",
            undefined,
        ]);
    });

    test.each(SERVED_OPERATOR_VERSIONS)(
        "every object of a session cluster and an application job is valid for Operator %s when its CRD accepts them",
        (version) => {
            const facts = live(version);
            const minimal = { ...home, version: "1.16.3", image: "flink:1.16.3" };
            const s = session(minimal, { ...sessionSpec, jobManager: { replicas: 2 }, taskManager: { replicas: 3, slots: 4 } });
            expect(checkCompat(s.flinkDeployment, minimal.version, facts)).toEqual([]);
            for (const m of manifestsOf(s)) expect(validateManifest(m, version)).toEqual([]);
            const { savepointRedeployNonce: _, ...app } = application;
            const a = renderApplication(minimal, checkApplication(app).args!);
            expect(checkCompat(a.flinkDeployment, minimal.version, facts)).toEqual([]);
            for (const m of manifestsOf(a)) expect(validateManifest(m, version)).toEqual([]);
        },
    );

    test("a Flink 2.0 home against the 1.10 CRD is refused with the Operator release to upgrade to (exact text)", () => {
        expect(inputMessage(checkCompat(session(flink2).flinkDeployment, "2.0.1", live("1.10.0")))).toBe(
            'home.version = "2.0.1": is Flink 2.0, which the FlinkDeployment CRD of operator-api 1.10.0 does not accept (it accepts 1.13 to 1.20); ' +
                "fix: upgrade the Flink Kubernetes Operator to >= 1.11, or use an image of Flink 1.13 to 1.20",
        );
    });

    test("a Flink 2.x home renders flinkVersion v2_x and passes with operatorVersion 1.11 to 1.15 only as far as each accepts it", () => {
        const fd = session({ ...home, image: "flink:2.3.0-java17", version: "2.3.0" }).flinkDeployment;
        expect((fd.spec as { flinkVersion: string }).flinkVersion).toBe("v2_3");
        const verdicts = ["1.10", "1.11", "1.13", "1.14", "1.15"].map((v) => checkCompat(fd, "2.3.0", factsOfOperatorVersion(v)!).length);
        expect(verdicts).toEqual([1, 1, 1, 1, 0]);
    });

    test("ephemeralStorage against the 1.3.0 CRD and savepointRedeployNonce against the 1.7.0 CRD are refused (exact text)", () => {
        const s = session(home, { ...sessionSpec, jobManager: { replicas: 2, ephemeralStorage: "10Gi" } });
        expect(inputMessage(checkCompat(s.flinkDeployment, "1.16.3", { ...live("1.3.0"), flinkVersions: ["v1_20"] }))).toBe(
            'kubernetes.jobManager.ephemeralStorage = "10Gi": is not a field of the FlinkDeployment CRD of operator-api 1.3.0 ' +
                "(spec.jobManager.resource.ephemeralStorage; the apiserver would drop it); fix: upgrade the Flink Kubernetes Operator to >= 1.7, or remove it",
        );
        const a = renderApplication(home, checkApplication(application).args!);
        expect(checkCompat(a.flinkDeployment, "1.20.3", factsOfOperatorVersion("1.7")!).map((f) => f.property)).toEqual([
            "home.version",
            "savepointRedeployNonce",
        ]);
    });

    test("free-form maps (configuration, pod template, job args) are not taken for CRD fields", () => {
        const paths = specPaths(renderApplication(home, checkApplication(application).args!).flinkDeployment.spec as Record<string, unknown>);
        expect(paths).toContain("flinkConfiguration");
        expect(paths).toContain("podTemplate");
        expect(paths).toContain("job.args");
        expect(paths.some((p) => p.startsWith("flinkConfiguration.") || p.startsWith("podTemplate."))).toBe(false);
    });

    test("a CRD object without a flinkVersion enum gives no facts", () => {
        expect(factsOfCrd({ spec: { versions: [{ name: "v1beta1", schema: { openAPIV3Schema: { properties: { spec: {} } } } }] } }, "x")).toBeUndefined();
    });
});
