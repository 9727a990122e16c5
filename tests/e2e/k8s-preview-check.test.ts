/**
 * Bad Kubernetes input fails `pulumi preview` with the property, the bad value and the fix,
 * through the real pulumi CLI, before any Kubernetes object is created. (real pulumi CLI preview;
 * no Kubernetes cluster; no pods run)
 */
import { PulumiProject } from "../support/pulumi";

jest.setTimeout(5 * 60_000);

const program = (kubernetes: string, image = "flink:1.20.3-java17", version = "1.20.3") => `
const flink = require("pulumi-flink");
const home = new flink.FlinkHome("home", { image: ${JSON.stringify(image)}, version: ${JSON.stringify(version)} });
new flink.SessionCluster("analytics", { target: "kubernetes", home, kubernetes: ${kubernetes} });
`;

describe("Kubernetes bad input at pulumi preview (real pulumi CLI preview; no Kubernetes cluster; no pods run)", () => {
    test("an invalid namespace and HA without a storage dir fail the preview with property, value and fix", async () => {
        const project = new PulumiProject("k8s-bad-input", program(`{ namespace: "Flink_Prod", highAvailability: {} }`));
        await project.init();
        const result = await project.run(["preview"]);
        expect(result.code).not.toBe(0);
        expect(result.output).toContain('kubernetes.namespace = "Flink_Prod": is not a valid namespace name');
        expect(result.output).toMatch(/kubernetes\.highAvailability\.storageDir = undefined: is required; fix: /);
    });

    test("a Flink 2.0 image home against operatorVersion 1.10 fails the preview with the Operator release to upgrade to", async () => {
        const project = new PulumiProject("k8s-bad-home", program(`{ namespace: "flink", operatorVersion: "1.10" }`, "flink:2.0.1-java17", "2.0.1"));
        await project.init();
        const result = await project.run(["preview"]);
        expect(result.code).not.toBe(0);
        expect(result.output).toContain(
            'home.version = "2.0.1": is Flink 2.0, which the FlinkDeployment CRD of Operator 1.10 (operatorVersion) does not accept (it accepts 1.13 to 1.20); fix: upgrade the Flink Kubernetes Operator to >= 1.11',
        );
    });

    test("without a kubeconfig or operatorVersion the preview warns that the Operator compatibility is unknown, and why", async () => {
        const project = new PulumiProject("k8s-unknown-operator", program(`{ namespace: "flink" }`, "flink:2.3.0-java17", "2.3.0"));
        await project.init();
        delete project.env.KUBECONFIG; // and this machine has no ~/.kube/config
        delete project.env.KUBERNETES_SERVICE_HOST;
        const result = await project.run(["preview"]);
        expect(result.output).toMatch(
            /whether the installed Flink Kubernetes Operator accepts Flink 2\.3\.0 \(and every field rendered\) is unknown: no kubeconfig is at hand/,
        );
        expect(result.output).not.toContain("home.version");
    });
});
