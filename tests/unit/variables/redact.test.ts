import { DeployError, InputError } from "../../../provider/util/errors";
import { FlinkApiError } from "../../../provider/flink/errors";
import { redactError, redactSecrets, secretForms, withRedaction } from "../../../provider/util/redact";

describe("redactSecrets", () => {
    test.each<[string, string, string[], string]>([
        ["every occurrence", "pw=hunter22 again hunter22", ["hunter22"], "pw=*** again ***"],
        ["longest first where secrets overlap", "token abcdef-123", ["abc", "abcdef-123"], "token ***"],
        ["several secrets", "u=alice1 p=s3cret!", ["alice1", "s3cret!"], "u=*** p=***"],
        ["JSON-escaped form", '{"sql":"x = \\"q\\"uote\\\\"}', ['"q"uote\\'], '{"sql":"x = ***"}'],
        ["JSON-escaped newline (PEM-ish)", '{"key":"line1\\nline2"}', ["line1\nline2"], '{"key":"***"}'],
        ["SQL literal with doubled quotes", "WITH ('password' = 'it''s-secret')", ["it's-secret"], "WITH ('password' = '***')"],
        ["URL-encoded form", "jdbc:mysql://db/x?password=p%40ss%2Fw0rd", ["p@ss/w0rd"], "jdbc:mysql://db/x?password=***"],
        ["regex metacharacters are literal", "a.b*c a-b-c", [".b*"], "a***c a-b-c"],
        ["short secrets are redacted too (over-redaction documented)", "a cat", ["a"], "*** c***t"],
        ["empty secrets are ignored", "nothing here", ["", ""], "nothing here"],
        ["no secrets", "text", [], "text"],
        ["replaced text is not scanned again", "xx", ["x", "**"], "******"],
        ["dollar signs in secrets", "pw $&$1 end", ["$&$1"], "pw *** end"],
    ])("%s", (_name, text, secrets, expected) => {
        expect(redactSecrets(text, secrets)).toBe(expected);
    });

    test("secretForms lists distinct non-empty forms", () => {
        expect(secretForms("")).toEqual([]);
        expect(secretForms("plain")).toEqual(["plain"]);
        expect(secretForms("it's")).toEqual(["it's", "it''s"]);
        expect(secretForms('a"b c')).toEqual(['a"b c', 'a\\"b c', "a%22b%20c"]);
    });
});

describe("withRedaction", () => {
    const secret = "Sup3r-Secret";

    test("passes results through", async () => {
        await expect(withRedaction([secret], async () => 42)).resolves.toBe(42);
    });

    test("rethrows the same error object, message and stack redacted", async () => {
        const original = new DeployError(`submit failed: password '${secret}' rejected`, "nothing");
        const caught = await withRedaction([secret], async () => {
            throw original;
        }).catch((e: unknown) => e);
        expect(caught).toBe(original);
        expect(caught).toBeInstanceOf(DeployError);
        expect(original.message).toBe("submit failed: password '***' rejected\n  left behind: nothing");
        expect(original.stack).not.toContain(secret);
        expect(original.stack).toContain("***");
    });

    test("redacts Flink error fields and the cause chain", async () => {
        const cause = new Error(`root: ${secret}`);
        const err = new FlinkApiError({ kind: "http", status: 400, method: "POST", path: "/v1/sessions", baseUrl: "http://gw", flinkMessage: `SQL parse error near '${secret}'`, retryable: false, cause });
        await expect(withRedaction([secret], () => Promise.reject(err))).rejects.toBeInstanceOf(FlinkApiError);
        expect(err.flinkMessage).toBe("SQL parse error near '***'");
        expect(cause.message).toBe("root: ***");
        expect(JSON.stringify(err)).not.toContain(secret);
    });

    test("redacts input failures", async () => {
        const err = new InputError([{ property: "sql", reason: `sql = "${secret}": bad; fix: x` }]);
        await expect(withRedaction([secret], () => Promise.reject(err))).rejects.toBe(err);
        expect(err.failures[0].reason).not.toContain(secret);
        expect(err.message).not.toContain(secret);
    });

    test("a synchronous throw inside fn is caught too", async () => {
        const fn = (): Promise<void> => {
            throw new TypeError(`bad ${secret}`);
        };
        const caught = await withRedaction([secret], fn).catch((e: unknown) => e);
        expect(caught).toBeInstanceOf(TypeError);
        expect((caught as Error).message).toBe("bad ***");
    });

    test("a thrown string is redacted; other values are rethrown unchanged", async () => {
        await expect(withRedaction([secret], () => Promise.reject(`oops ${secret}`))).rejects.toBe("oops ***");
        await expect(withRedaction([secret], () => Promise.reject(42))).rejects.toBe(42);
    });

    test("cyclic causes and frozen errors do not break it", () => {
        const a = new Error(`a ${secret}`) as Error & { cause?: unknown };
        a.cause = a;
        expect(redactError(a, [secret]).message).toBe("a ***");
        const frozen = Object.freeze(new Error(`f ${secret}`));
        expect(() => redactError(frozen, [secret])).not.toThrow();
    });
});
