import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { providerFor } from "../../../sdk/provider";
import { jobVariablesInput, JOB_VARIABLE_SECRET_OUTPUTS, VariableSet, variableSetInputs, variableSetOptions } from "../../../sdk/variables";

/** What the mock engine saw for each registered resource. */
interface Registered {
    type: string;
    inputs: Record<string, unknown>;
    additionalSecretOutputs: string[];
}
const registered = new Map<string, Registered>();
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"; // Pulumi's wire marker of a secret value

// MockResourceArgs omit additionalSecretOutputs: read them from the RegisterResource request itself.
type Request = { getName(): string; getAdditionalsecretoutputsList(): string[] };
const original = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (this: MockMonitor, req: Request, callback: (err: unknown, res: unknown) => void) {
    const name = req.getName();
    registered.set(name, { ...(registered.get(name) ?? { type: "", inputs: {} }), additionalSecretOutputs: req.getAdditionalsecretoutputsList() });
    return original.call(this, req, callback);
} as typeof original;

beforeAll(async () => {
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            registered.set(args.name, {
                ...(registered.get(args.name) ?? { additionalSecretOutputs: [] }),
                type: args.type,
                inputs: args.inputs as Record<string, unknown>,
            });
            // Echo the inputs as outputs, like the provider's create does.
            const { __provider: _p, ...state } = args.inputs as Record<string, unknown>;
            return { id: `${args.name}-id`, state: { ...state, names: ["A", "P"] } };
        },
        call: () => ({}),
    });
});

const isSecretWire = (v: unknown) => typeof v === "object" && v !== null && (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === SECRET_SIG;
const settled = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));

describe("VariableSet sdk class (Pulumi mocks)", () => {
    test("registers the dynamic token, with secrets sent as a secret and listed as a secret output", async () => {
        const set = new VariableSet("vars", { values: { A: "1" }, secrets: { P: "plain-string-pw" } });
        await settled(set.id);
        const seen = registered.get("vars")!;
        expect(seen.type).toBe("pulumi-nodejs:dynamic/flink:VariableSet");
        expect(seen.additionalSecretOutputs).toEqual(["secrets"]);
        expect(isSecretWire(seen.inputs.secrets)).toBe(true);
        expect((seen.inputs.secrets as { value: unknown }).value).toEqual({ P: "plain-string-pw" });
        expect(isSecretWire(seen.inputs.values)).toBe(false);
        expect(seen.inputs.values).toEqual({ A: "1" });
        expect(await pulumi.isSecret(set.secrets)).toBe(true);
        expect(await pulumi.isSecret(set.values)).toBe(false);
        expect(await settled(set.secrets)).toEqual({ P: "plain-string-pw" });
    });

    test("no arguments: empty maps, secrets still secret", async () => {
        const set = new VariableSet("empty");
        await settled(set.id);
        const seen = registered.get("empty")!;
        expect(seen.inputs.values).toEqual({});
        expect(isSecretWire(seen.inputs.secrets)).toBe(true);
        expect(seen.additionalSecretOutputs).toEqual(["secrets"]);
    });

    test("jobVariablesInput: one secret list of every set's values and secrets, in order", async () => {
        const a = new VariableSet("a", { values: { A: "1" }, secrets: { P: "pw" } });
        const b = new VariableSet("b", { values: { B: "2" } });
        const input = jobVariablesInput([a, b]);
        expect(await settled(input)).toEqual([
            { values: { A: "1" }, secrets: { P: "pw" } },
            { values: { B: "2" }, secrets: {} },
        ]);
        expect(await pulumi.isSecret(input)).toBe(true);
        expect(await settled(jobVariablesInput(b))).toEqual([{ values: { B: "2" }, secrets: {} }]);
        expect(await pulumi.isSecret(jobVariablesInput(undefined))).toBe(true);
        expect(await settled(jobVariablesInput(undefined))).toEqual([]);
        expect(JOB_VARIABLE_SECRET_OUTPUTS).toEqual(["variables", "variablesHash"]);
    });
});

describe("VariableSet options and inputs (pure)", () => {
    test("additionalSecretOutputs is added to, not replacing, the caller's options", () => {
        const opts = variableSetOptions({ protect: true, additionalSecretOutputs: ["values"] });
        expect(opts.protect).toBe(true);
        expect(opts.additionalSecretOutputs).toEqual(expect.arrayContaining(["values", "secrets"]));
        expect(variableSetOptions().additionalSecretOutputs).toEqual(["secrets"]);
    });

    test("inputs wrap secrets even when given as plain strings", async () => {
        const props = variableSetInputs({ secrets: { P: "x" } });
        expect(await pulumi.isSecret(props.secrets as pulumi.Output<unknown>)).toBe(true);
        expect(props.values).toEqual({});
        expect(Object.keys(props)).toEqual(["names", "values", "secrets"]);
    });

    test("the provider stub serializes to a require-by-name closure", async () => {
        const provider = providerFor("variables");
        const { text } = await pulumi.runtime.serializeFunction(() => provider, { isFactoryFunction: true });
        expect(text).toContain('require("pulumi-flink/provider")');
        expect(text).toContain('kind: "variables"');
        expect(text.length).toBeLessThan(6000);
    });
});
