import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "../../../sdk/provider";

/**
 * Pulumi serializes a dynamic provider into state and runs it in another process. Ours must
 * capture nothing but its kind and load the implementation by package name there.
 */
describe("provider stubs survive closure serialization", () => {
    test.each(["home", "cluster"] as const)("%s stub serializes to a small require-by-name closure", async (kind) => {
        const provider = providerFor(kind);
        const { text } = await pulumi.runtime.serializeFunction(() => provider, { isFactoryFunction: true });
        expect(text).toContain('require("pulumi-flink/provider")');
        expect(text).toContain(`kind: "${kind}"`);
        expect(text.length).toBeLessThan(6000); // no provider code, zod or undici inlined by value
        expect(text).not.toMatch(/undici|zod|createFlinkClient/);
    });

    test("one stub object per kind, so Pulumi serializes it once for any number of resources", () => {
        expect(providerFor("job")).toBe(providerFor("job"));
        expect(providerFor("job")).not.toBe(providerFor("cluster"));
    });

    test("package exports let the provider host resolve pulumi-flink/provider", () => {
        const manifest = require("../../../package.json") as { exports: Record<string, unknown> };
        expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining([".", "./provider"]));
    });
});
