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

    test("an image home with a Flink version the Operator CRD does not accept fails the home's check at preview", async () => {
        const project = new PulumiProject("k8s-bad-home", program(`{ namespace: "flink" }`, "flink:2.0.0-java17", "2.0.0"));
        await project.init();
        const result = await project.run(["preview"]);
        expect(result.code).not.toBe(0);
        expect(result.output).toMatch(/version = "2\.0\.0": is not a Flink version the Flink Kubernetes Operator 1\.10\.0 CRD accepts/);
    });
});
