import { variablesProvider } from "../../../provider/variables";
import { checkVariableSetArgs, MAX_VALUE_BYTES } from "../../../provider/variables/schema";
import { UNKNOWN } from "../../../provider/core/unknown";
import { InputError } from "../../../provider/core/errors";

/** Secret values used below; none may appear in any failure. */
const SECRET = "s3cr3t-Pa55";
const LEAKS = [SECRET, "9092-secret-number", "hunter2-in-array", "nul\0secret"];

describe("VariableSet check accepts valid input", () => {
    test.each<[string, Record<string, unknown>]>([
        ["nothing", {}],
        ["empty maps", { values: {}, secrets: {} }],
        ["plain and secret", { values: { KAFKA_BROKERS: "kafka:9092", _private: "x", A1: "" }, secrets: { DB_PASSWORD: SECRET } }],
        ["a 128-character name", { values: { ["N".repeat(128)]: "x" } }],
        ["a value of exactly 64 KiB", { values: { BIG: "x".repeat(MAX_VALUE_BYTES) } }],
        ["unicode and $ in values", { values: { V: "ünïcode ${NOT_SUBSTITUTED} $$" } }],
        ["an unknown value in preview", { values: { A: UNKNOWN }, secrets: { B: UNKNOWN } }],
        ["an unknown map in preview", { values: UNKNOWN, secrets: UNKNOWN }],
        ["Pulumi's own keys", { __provider: "serialized", values: { A: "1" } }],
    ])("%s", (_name, inputs) => {
        expect(checkVariableSetArgs(inputs).failures).toEqual([]);
    });

    test("args are returned only when everything is known", () => {
        expect(checkVariableSetArgs({ values: { A: "1" } }).args).toEqual({ values: { A: "1" }, secrets: {} });
        expect(checkVariableSetArgs({ values: { A: UNKNOWN } }).args).toBeUndefined();
    });
});

describe("VariableSet check rejects bad input with property, value and fix, never quoting a secret", () => {
    test.each<[string, Record<string, unknown>, string, string]>([
        ["values is a list", { values: ["A=1"] }, "values", "must be a map of variable names to strings"],
        ["values is a string", { values: "A=1" }, "values", "must be a map"],
        ["secrets is a string (quoted as ***)", { secrets: SECRET }, "secrets", 'secrets = "***": must be a map'],
        ["secrets is a list (quoted as ***)", { secrets: ["hunter2-in-array"] }, "secrets", 'secrets = "***"'],
        ["name with a dash", { values: { "kafka-brokers": "x" } }, 'values["kafka-brokers"]', "rename it, e.g. kafka_brokers"],
        ["name with a leading digit", { values: { "9LIVES": "x" } }, 'values["9LIVES"]', "not starting with a digit"],
        ["name with a dot", { secrets: { "db.password": SECRET } }, 'secrets["db.password"]', "is not a variable name"],
        ["empty name", { values: { "": "x" } }, 'values[""]', "is not a variable name"],
        ["name longer than 128", { values: { ["N".repeat(129)]: "x" } }, "values.NNN", "names are limited to 128"],
        ["plain value is a number", { values: { PORT: 9092 } }, "values.PORT", 'pass a string, e.g. "9092"'],
        ["secret value is a number (quoted as ***)", { secrets: { PIN: 9092 } }, "secrets.PIN", 'secrets.PIN = "***": must be a string, not number'],
        ["secret value is an object (quoted as ***)", { secrets: { S: { v: "9092-secret-number" } } }, "secrets.S", "not object"],
        ["plain value is null", { values: { A: null } }, "values.A", "not null"],
        ["plain value over 64 KiB", { values: { BIG: "é".repeat(MAX_VALUE_BYTES / 2 + 1) } }, "values.BIG", "values are limited to 64 KiB"],
        ["secret value over 64 KiB (quoted as ***)", { secrets: { BIG: SECRET.repeat(7000) } }, "secrets.BIG", 'secrets.BIG = "***": is 77000 bytes'],
        ["NUL in a plain value", { values: { A: "a\0b" } }, "values.A", "contains a NUL character at offset 1"],
        ["NUL in a secret (quoted as ***)", { secrets: { A: "nul\0secret" } }, "secrets.A", 'secrets.A = "***": contains a NUL'],
        ["name in both values and secrets", { values: { DB_URL: "x" }, secrets: { DB_URL: SECRET } }, "secrets.DB_URL", "DB_URL is also defined in values"],
        ["unknown property (a misspelt secrets, quoted as ***)", { secret: { A: SECRET } }, "secret", 'secret = "***": is not a VariableSet property'],
    ])("%s", (_name, inputs, property, problem) => {
        const { failures, args } = checkVariableSetArgs(inputs);
        expect(args).toBeUndefined();
        const failure = failures.find((f) => f.property.startsWith(property));
        expect(failure).toBeDefined();
        expect(failure!.reason).toContain(problem);
        expect(failure!.reason).toMatch(/; fix: \S/);
        for (const f of failures) for (const leak of LEAKS) expect(f.reason).not.toContain(leak);
    });

    test("the provider's check returns the same failures and the inputs as given", async () => {
        const news = { values: { "a-b": "x" }, secrets: { P: SECRET } };
        const result = await variablesProvider.check!({}, news);
        expect(result.inputs).toBe(news);
        expect(result.failures).toHaveLength(1);
        expect(result.failures![0].property).toBe('values["a-b"]');
    });

    test("create refuses invalid inputs with an InputError that does not leak", async () => {
        await expect(variablesProvider.create({ values: { A: "1" }, secrets: { A: SECRET } })).rejects.toThrow("also defined in values");
        const error = await variablesProvider.create({ secrets: { A: `${SECRET}\0` } }).catch((e: unknown) => e as Error);
        expect(error).toBeInstanceOf(InputError);
        expect((error as Error).message).toContain("contains a NUL");
        expect((error as Error).message).not.toContain(SECRET);
    });
});
