import { DeployError, InputError } from "../../../provider/core/errors";
import { FlinkApiError } from "../../../provider/flink/errors";
import { redactedProgress, redactError, redactorFor, redactSecrets, secretForms, withRedaction } from "../../../provider/core/redact";

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
        ["adjacent pieces are one run", "xx", ["x", "**"], "***"],
        ["dollar signs in secrets", "pw $&$1 end", ["$&$1"], "pw *** end"],
    ])("%s", (_name, text, secrets, expected) => {
        expect(redactSecrets(text, secrets)).toBe(expected);
    });

    test("secretForms lists distinct non-empty forms", () => {
        expect(secretForms("")).toEqual([]);
        expect(secretForms("plain")).toEqual(["plain"]);
        expect(secretForms("it's")).toEqual(["it's", "it''s", "it\\'s", "it\\'\\'s", "it\\\\'\\\\'s", "it%27s"]);
        expect(secretForms('a"b c')).toEqual(['a"b c', 'a\\"b c', 'a\\\\\\"b c', "a%22b%20c", "a%22b+c"]);
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
        const err = new FlinkApiError({
            kind: "http",
            status: 400,
            method: "POST",
            path: "/v1/sessions",
            baseUrl: "http://gw",
            flinkMessage: `SQL parse error near '${secret}'`,
            retryable: false,
            cause,
        });
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

/** The test password: `'`, `$`, `\`, `"`, `${`, non-ASCII; no 4-character window of it is a word. */
const PASSWORD = "Zq'9$x\\Kv\"#${w}é";
const windows = (text: string) => Array.from({ length: Math.max(0, text.length - 3) }, (_, i) => text.slice(i, i + 4));

describe("fragments: no 4 consecutive characters of a secret survive, in any form", () => {
    test.each<[string, string]>([
        ["as is", PASSWORD],
        ["JSON", JSON.stringify(PASSWORD)],
        ["JSON with non-ASCII escaped", JSON.stringify(PASSWORD).replace("é", "\\u00e9")],
        ["SQL literal, quotes doubled", `'${PASSWORD.replace(/'/g, "''")}'`],
        ["unicode SQL literal", `U&'${PASSWORD.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`],
        ["URL-encoded", encodeURIComponent(PASSWORD)],
        ["form-encoded", "Zq%279%24x%5CKv%22%23%24%7Bw%7D%C3%A9"],
        ["backslash-escaped", "Zq\\'9$x\\\\Kv\\\"#${w}é"],
        ["Calcite's Encountered quoting of the literal", "Encountered \"\\'Zq\\'\\'9$x\\\\Kv\\\"#${w}\\u00e9\\'\" at line 1, column 40."],
        ["Calcite's quoting inside a JSON error body", JSON.stringify("Encountered \"\\'Zq\\'\\'9$x\\\\Kv\\\"#${w}\\u00e9\\'\"")],
    ])("%s", (_name, form) => {
        const message = `before ${form} after`;
        const out = redactSecrets(message, [PASSWORD]);
        expect(out.startsWith("before ")).toBe(true);
        expect(out.endsWith(" after")).toBe(true);
        expect(out).toContain("***");
        for (const f of secretForms(PASSWORD)) for (const w of windows(f)) expect(out).not.toContain(w);
    });

    test("a piece of the secret: the tail a broken literal leaves for the parser (the incident)", () => {
        const secret = "pa'ss$word";
        const out = redactSecrets(`SQL parse failed. Encountered "ss$word" at line 1, column 60. Was expecting one of: ")" ...`, [secret]);
        expect(out).toBe(`SQL parse failed. Encountered "***" at line 1, column 60. Was expecting one of: ")" ...`);
    });

    test("pieces shorter than 4 characters are kept: redaction stops at the window", () => {
        expect(redactSecrets("x=Zq' y=Kv\" z=9$x\\", [PASSWORD])).toBe("x=Zq' y=Kv\" z=***");
    });

    test("two pieces of different places of a secret next to each other: one run", () => {
        expect(redactSecrets("<abcdwxyz>", ["abcd-1234-wxyz"])).toBe("<***>");
    });

    test("overlapping windows of two secrets and a short secret inside a long one", () => {
        expect(redactSecrets("k=AAAABBBB;", ["xAAAAy", "zBBBBq", "AB"])).toBe("k=***;");
        expect(redactSecrets("abc and abcdef", ["abc", "abcdef"])).toBe("*** and ***");
    });

    test("a surrogate pair is never split", () => {
        const out = redactSecrets("😀abcd😀", ["abcd😀"]);
        expect(out).toBe("😀***");
        expect(() => encodeURIComponent(out)).not.toThrow();
    });

    test("text without any window of a secret is returned unchanged (same string)", () => {
        const text = "the job failed: Could not find any factory for identifier 'kafka'";
        expect(redactSecrets(text, [PASSWORD])).toBe(text);
    });

    test("the test password has no window that is an ordinary word", () => {
        for (const w of windows(PASSWORD)) expect(w).toMatch(/[^A-Za-z]/);
    });

    test("performance: 500 secrets of 40 characters over a 1 MB message, under 2 s", () => {
        const secrets = Array.from({ length: 500 }, (_, i) => `s${i}-${"k".repeat(8)}${i * 7919}-${PASSWORD}`.slice(0, 40));
        const message = `${"lorem ipsum dolor sit amet ".repeat(40_000)}${secrets[123]}`;
        const started = Date.now();
        const redact = redactorFor(secrets);
        const out = redact(message);
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(out.endsWith("***")).toBe(true);
        expect(out).not.toContain(secrets[123].slice(0, 4));
    });
});

describe("redactedProgress", () => {
    test("every line is redacted before it reaches the sink", () => {
        const lines: string[] = [];
        const progress = redactedProgress((m: string) => lines.push(m), [PASSWORD]);
        progress(`retrying after: Encountered "\\'Zq\\'\\'9$x"`);
        progress("plain line");
        expect(lines).toEqual(['retrying after: Encountered "\\\'***"', "plain line"]);
    });
});

describe("whole mode (kubeconfigs, webhook URLs)", () => {
    test("only whole values are redacted: their ordinary pieces stay readable", () => {
        const url = "https://hooks.example/T000/B000/XXXX";
        expect(redactSecrets(`posting to https://other.example failed; hook ${url}`, [url], "whole")).toBe("posting to https://other.example failed; hook ***");
        // The same in pieces mode: `hook` and `https` are pieces of the URL, so they go too.
        expect(redactSecrets(`hook ${url}`, [url])).toBe("*** ***");
        expect(redactSecrets("posting to https://other.example", [url])).toBe("posting to ***other***");
    });
});
