/**
 * Reading the installed Operator's FlinkDeployment CRD from a REAL kube-apiserver + etcd (scripts/
 * kube-apiserver.sh), as the SDK does at preview and at up: before the CRD is installed the
 * compatibility is unknown and says why; after the operator-api 1.10.0 CRD from Maven Central is
 * applied, its flinkVersion enum and fields come back through client-node, a Flink 2.0 rendering is
 * refused with the Operator release to upgrade to, and a declared operatorVersion is used at
 * preview only. (apiserver only: no Operator, no kubelet, no pods run)
 */
import { parse } from "yaml";
import { operatorCompatibility, readLiveCompatibility } from "../../provider/core/k8s/crd-read";
import { checkCompat } from "../../provider/core/k8s/compat";
import { OPERATOR_FLINK_VERSIONS } from "../../provider/core/k8s/operator";
import { checkSessionSpec } from "../../provider/core/k8s/schema";
import { renderSession } from "../../provider/core/k8s/render/session";
import { kubeApiserverBinary, KUBE_APISERVER_ENV, operatorCrd, type RunningKube, startKube } from "../support/kube";
import { portBlock } from "../support/testbed";

jest.setTimeout(3 * 60_000);

const binary = kubeApiserverBinary();
const suite = binary ? describe : describe.skip;
const fd = (image: string, version: string) => renderSession("analytics", { image, version }, checkSessionSpec({ namespace: "flink" }).spec!).flinkDeployment;

suite(
    `the Operator's CRD read from a real kube-apiserver (apiserver only: no Operator, no kubelet, no pods run)${binary ? "" : ` [not run: ${KUBE_APISERVER_ENV} not set]`}`,
    () => {
        let kube: RunningKube;
        beforeAll(async () => {
            kube = await startKube(binary!, portBlock(1400));
        });
        afterAll(async () => kube?.stop());

        test("without the CRD installed, compatibility is unknown and says the CRD is missing", async () => {
            const got = await readLiveCompatibility({ kubeconfig: kube.kubeconfig() });
            expect(got).toEqual({
                unknown: expect.stringMatching(
                    /^the CRD flinkdeployments\.flink\.apache\.org is not installed at https:\/\/127\.0\.0\.1:\d+ \(install the Flink Kubernetes Operator first\)$/,
                ),
            });
        });

        test("an unreachable apiserver gives unknown with the reason; operatorVersion then decides at up too", async () => {
            const dead = kube.kubeconfig().replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${portBlock(1400) + 9}`);
            const got = await readLiveCompatibility({ kubeconfig: dead });
            expect("unknown" in got && got.unknown).toMatch(/could not be read from https:\/\/127\.0\.0\.1:\d+: /);
            const fallback = await operatorCompatibility({ kubeconfig: dead }, "1.15", false);
            expect("facts" in fallback && fallback.facts.source).toBe("Operator 1.15 (operatorVersion)");
        });

        test("with the 1.10.0 CRD applied: its enum and fields are read; Flink 2.0 is refused with >= 1.11; operatorVersion is used at preview only", async () => {
            const created = await kube.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", parse(operatorCrd()));
            expect(created.status).toBe(201);
            const got = await readLiveCompatibility({ kubeconfig: kube.kubeconfig() });
            if (!("facts" in got)) throw new Error(got.unknown);
            expect(got.facts.flinkVersions).toEqual(OPERATOR_FLINK_VERSIONS["1.10"]);
            expect(got.facts.hasField("jobManager.resource.ephemeralStorage")).toBe(true);
            expect(got.facts.hasField("jobManager.resource.gpu")).toBe(false);
            expect(checkCompat(fd("flink:1.20.3-java17", "1.20.3"), "1.20.3", got.facts)).toEqual([]);
            const refused = checkCompat(fd("flink:2.0.1-java17", "2.0.1"), "2.0.1", got.facts).map((f) => f.reason);
            expect(refused).toEqual([
                expect.stringMatching(
                    /^home\.version = "2\.0\.1": is Flink 2\.0, which the FlinkDeployment CRD of the Operator installed at https:\/\/127\.0\.0\.1:\d+ does not accept \(it accepts 1\.13 to 1\.20\); fix: upgrade the Flink Kubernetes Operator to >= 1\.11/,
                ),
            ]);
            const preview = await operatorCompatibility({ kubeconfig: kube.kubeconfig() }, "1.15", true);
            expect("facts" in preview && preview.facts.source).toBe("Operator 1.15 (operatorVersion)");
            const up = await operatorCompatibility({ kubeconfig: kube.kubeconfig() }, "1.15", false);
            expect("facts" in up && up.facts.source).toMatch(/^the Operator installed at https:\/\/127\.0\.0\.1:\d+$/);
        });
    },
);
