import { mergeVariables, variablesProvider as typedVariablesProvider, VariableSetState, variableSetState } from "../../../provider/variables";
import { UNKNOWN } from "../../../provider/core/unknown";
import { asEngine } from "../../support/engine-view";

const variablesProvider = asEngine(typedVariablesProvider);

const inputs = { __provider: "stub", values: { KAFKA_BROKERS: "kafka:9092", TOPIC: "orders" }, secrets: { DB_PASSWORD: "pw-1" } };

async function created(): Promise<{ id: string; outs: VariableSetState }> {
    const { id, outs } = await variablesProvider.create(inputs);
    return { id, outs: outs as VariableSetState };
}

describe("VariableSet create", () => {
    test("echoes values and secrets, lists the names sorted, nothing else", async () => {
        const { id, outs } = await created();
        expect(id).toMatch(/^flink-variables-[0-9a-f]{16}$/);
        expect(outs).toEqual({
            values: { KAFKA_BROKERS: "kafka:9092", TOPIC: "orders" },
            secrets: { DB_PASSWORD: "pw-1" },
            names: ["DB_PASSWORD", "KAFKA_BROKERS", "TOPIC"],
            stateVersion: 1,
        });
        expect(JSON.parse(JSON.stringify(outs))).toEqual(outs); // plain JSON, no undefined
        expect(id).not.toContain("pw-1");
    });

    test("missing maps become empty maps", async () => {
        const { outs } = await variablesProvider.create({ __provider: "stub" });
        expect(outs).toEqual({ values: {}, secrets: {}, names: [], stateVersion: 1 });
    });

    test("update returns the new outputs; read and delete touch nothing", async () => {
        const { id, outs } = await created();
        const next = { ...inputs, values: { TOPIC: "orders-v2" } };
        expect((await variablesProvider.update!(id, outs, next)).outs).toMatchObject({ values: { TOPIC: "orders-v2" }, names: ["DB_PASSWORD", "TOPIC"] });
        expect(await variablesProvider.read!(id, outs)).toEqual({ id, props: outs });
        await expect(variablesProvider.delete!(id, outs)).resolves.toBeUndefined();
    });

    test("variableSetState copies its input maps", () => {
        const args = { values: { A: "1" }, secrets: {} };
        const state = variableSetState(args);
        expect(state.values).not.toBe(args.values);
    });
});

describe("VariableSet diff", () => {
    const diff = async (news: Record<string, unknown>) => variablesProvider.diff!("id", (await created()).outs, { __provider: "stub", ...news });

    test("unchanged: no change", async () => {
        expect(await diff(inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    });
    test("same maps, other key order: no change", async () => {
        expect((await diff({ values: { TOPIC: "orders", KAFKA_BROKERS: "kafka:9092" }, secrets: inputs.secrets })).changes).toBe(false);
    });
    test("a changed secret value is a change (in place)", async () => {
        expect(await diff({ ...inputs, secrets: { DB_PASSWORD: "pw-2" } })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    });
    test("a changed plain value is a change", async () => {
        expect((await diff({ ...inputs, values: { ...inputs.values, TOPIC: "x" } })).changes).toBe(true);
    });
    test("an added or removed variable is a change", async () => {
        expect((await diff({ ...inputs, values: { ...inputs.values, NEW: "" } })).changes).toBe(true);
        expect((await diff({ ...inputs, secrets: {} })).changes).toBe(true);
    });
    test("moving a variable from values to secrets is a change", async () => {
        expect((await diff({ values: { TOPIC: "orders" }, secrets: { ...inputs.secrets, KAFKA_BROKERS: "kafka:9092" } })).changes).toBe(true);
    });
    test("a value not yet known in preview is a change", async () => {
        expect((await diff({ ...inputs, secrets: { DB_PASSWORD: UNKNOWN } })).changes).toBe(true);
    });
    test("absent maps equal empty maps", async () => {
        const empty = (await variablesProvider.create({})).outs as Record<string, unknown>;
        expect((await variablesProvider.diff!("id", empty, { __provider: "stub" })).changes).toBe(false);
    });
});

describe("mergeVariables (what a job does with its sets)", () => {
    test("merges sets in order and collects secret names and values for redaction", () => {
        const merged = mergeVariables([
            { values: { A: "1" }, secrets: { P: "pw" } },
            { values: { B: "2" }, secrets: { Q: "" } },
        ]);
        expect(merged).toEqual({ vars: { A: "1", P: "pw", B: "2", Q: "" }, secretNames: ["P", "Q"], secretValues: ["pw"], failures: [] });
    });

    test("the same name with the same value and kind in two sets is fine", () => {
        expect(mergeVariables([{ values: { A: "1" } }, { values: { A: "1" } }]).failures).toEqual([]);
    });

    test("conflicts are reported without quoting values", () => {
        const { failures } = mergeVariables([{ values: { A: "1" } }, { secrets: { A: "secret-value" } }]);
        expect(failures).toHaveLength(1);
        expect(failures[0].property).toBe("variables[1]");
        expect(failures[0].reason).toContain("A is defined by variables[0] and variables[1] once as a plain value and once as a secret");
        expect(failures[0].reason).toMatch(/; fix: define A in one VariableSet only/);
        expect(failures[0].reason).not.toContain("secret-value");
        const different = mergeVariables([{ secrets: { S: "x1" } }, { secrets: { S: "x2" } }]).failures[0].reason;
        expect(different).toContain("with different values");
        expect(different).not.toMatch(/x1|x2/);
    });

    test("names on Object.prototype are ordinary names", () => {
        const { vars, failures } = mergeVariables([{ values: { constructor: "c" } }, { values: { constructor: "c" } }]);
        expect(failures).toEqual([]);
        expect(vars.constructor).toBe("c");
    });

    test("no sets: nothing defined", () => {
        expect(mergeVariables([])).toEqual({ vars: {}, secretNames: [], secretValues: [], failures: [] });
    });
});
