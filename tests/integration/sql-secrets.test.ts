/**
 * Secrets in SQL against a real SQL Gateway, every release line of the test bed: values with
 * quotes, backslashes, `$`, `${`, line breaks and non-ASCII read back exactly after substitution
 * (the provider's substituteSql, then the real gateway; and the provider's SQL job path writing
 * to a file); a statement broken right at the password literal fails with an error, and leaves a
 * gateway log, that hold no 4 consecutive characters of the password in any escaping.
 */
import * as fs from "fs";
import * as path from "path";
import { sqlVersion } from "../../provider/job/sql";
import { localLayout } from "../../provider/local/layout";
import { createGatewayClient, GatewayClient } from "../../provider/sqlgateway";
import { secretForms } from "../../provider/core/redact";
import { substituteSql } from "../../provider/variables/sql-context";
import { RunningCluster, startCluster } from "../support/cluster";
import { randomValue, seededRandom } from "../support/random-text";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

/** `'`, `$`, `\`, `"`, `${`, non-ASCII; no 4-character window of it is a word found in logs. */
const PASSWORD = "Zq'9$x\\Kv\"#${w}é";
const T = { timeoutMs: 120_000 };

/** Every 4-character window of every form of the secret found in `text`. */
function leaks(text: string, secret: string): string[] {
    const found = new Set<string>();
    for (const form of secretForms(secret)) for (let i = 0; i + 4 <= form.length; i++) if (text.includes(form.slice(i, i + 4))) found.add(form.slice(i, i + 4));
    return [...found];
}

function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("secrets in SQL on real Flink %s", (version, line, index) => {
    const restPort = portBlock(1750 + index * 10);
    const gatewayPort = restPort + 5;
    let cluster: RunningCluster | undefined;
    let gateway: GatewayClient;
    const lines: string[] = [];
    const options = (vars: Record<string, string>) => ({
        gatewayUrl: cluster!.state.sqlGatewayUrl!,
        flinkVersion: version,
        vars,
        secretValues: [PASSWORD],
        progress: (m: string) => lines.push(m),
    });

    beforeAll(async () => {
        cluster = await startCluster(line, restPort, { sqlGateway: { enabled: true, port: gatewayPort } });
        gateway = createGatewayClient({ baseUrl: cluster.state.sqlGatewayUrl });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("values of every kind read back exactly from SELECT '${V}' and SELECT U&'${V}'", async () => {
        const rnd = seededRandom(1750 + index);
        // No carriage return: Flink's result rows are not the place to test line-end conversion.
        const values = [
            PASSWORD,
            "pa'ss$word",
            "",
            "'",
            "''",
            "\\",
            "${V0}",
            "$${V0}",
            "😀 中文 é\t\nx",
            ...Array.from({ length: 30 }, () => randomValue(rnd).replace(/\r/g, "")),
        ];
        const vars = Object.fromEntries(values.map((v, i) => [`V${i}`, v]));
        const plain = substituteSql(`SELECT ${values.map((_, i) => `'\${V${i}}' AS c${i}`).join(", ")}`, vars);
        const unicode = substituteSql(`SELECT ${values.map((_, i) => `U&'\${V${i}}' AS c${i}`).join(", ")}`, vars);
        for (const sql of [plain, unicode]) {
            const result = await gateway.withSession({ "execution.runtime-mode": "batch" }, (s) => gateway.runStatement(s, sql, T));
            expect(result.rows).toHaveLength(1);
            expect(result.rows[0]).toEqual(values);
        }
        console.log(`[${version}] ${values.length} values read back exactly, e.g. ${JSON.stringify(values.slice(9, 12))}`);
    });

    test("the provider's SQL job path writes the password exactly (INSERT from a literal into a JSON file)", async () => {
        const out = path.join(cluster!.workDir, "secret-out");
        const sql = [
            `CREATE TABLE out_t (v STRING, n INT) WITH ('connector' = 'filesystem', 'path' = 'file://${out}', 'format' = 'json')`,
            "INSERT INTO out_t SELECT '${DB_PASSWORD}', CHAR_LENGTH('${DB_PASSWORD}')",
        ].join(";\n");
        const job = sqlVersion(
            { name: "secret-roundtrip", sql, dependencies: [], configuration: { "execution.runtime-mode": "batch" }, variablesHash: "x" },
            options({ DB_PASSWORD: PASSWORD }),
        );
        await job.preflight();
        await job.submit("5ec2e7000000000000000000000000" + String(index).padStart(2, "0"), undefined);
        const deadline = Date.now() + 120_000;
        let rows: { v: string; n: number }[] = [];
        while (Date.now() < deadline && rows.length === 0) {
            await new Promise((r) => setTimeout(r, 1_000));
            const files = fs.existsSync(out) ? filesUnder(out).filter((f) => !path.basename(f).startsWith(".")) : [];
            rows = files.flatMap((f) => fs.readFileSync(f, "utf8").split("\n").filter(Boolean)).map((l) => JSON.parse(l) as { v: string; n: number });
        }
        expect(rows).toEqual([{ v: PASSWORD, n: [...PASSWORD].length }]);
        expect(leaks(lines.join("\n"), PASSWORD)).toEqual([]);
    });

    test.each([
        // ('password' '...' would not do: adjacent literals are one literal in SQL.)
        [
            "a stray password literal after the WITH clause (the parser quotes the literal)",
            "'connector' = 'blackhole') '${DB_PASSWORD}'",
            /Encountered "\\'\*\*\*\\'" at line 1, column \d+/,
        ],
        [
            "an unterminated password literal (the parser stops at its opening quote)",
            "'connector' = 'blackhole', 'password' = '${DB_PASSWORD})",
            /Encountered "\\'" at line 1, column \d+/,
        ],
    ])("%s: no 4-character piece of the password in our error or in the gateway's log", async (_name, withClause, shown) => {
        // A list of statements: an unterminated literal must not swallow the INSERT.
        const sql = [`CREATE TABLE broken (v STRING) WITH (${withClause}`, "INSERT INTO broken SELECT 'x'"];
        const job = sqlVersion({ name: "secret-broken", sql, dependencies: [], configuration: {}, variablesHash: "x" }, options({ DB_PASSWORD: PASSWORD }));
        const err = (await job.preflight().then(
            () => undefined,
            (e: unknown) => e,
        )) as Error;
        expect(err).toBeInstanceOf(Error);
        console.log(`[${version}] ${err.message}`);
        expect(err.message).toMatch(/the SQL of job "secret-broken" fails at sql\[0\] line 1, column \d+/);
        expect(err.message).toMatch(shown);
        expect(leaks(`${err.message}\n${err.stack}\n${JSON.stringify(err)}`, PASSWORD)).toEqual([]);

        // The gateway logged the failure (the masked token shows it), with no piece of the password.
        const layout = localLayout(cluster!.workDir);
        const logs = fs
            .readdirSync(layout.logDir)
            .filter((f) => /sql-gateway/.test(f))
            .map((f) => path.join(layout.logDir, f));
        const text = logs.map((f) => fs.readFileSync(f, "utf8")).join("\n");
        expect(text).toMatch(/SqlParserException|SqlParseException|ParseException/);
        expect(text).toContain("***");
        expect(text.split("\n").filter((l) => leaks(l, PASSWORD).length > 0)).toEqual([]); // the lines, if any, that leak
        console.log(
            `[${version}] gateway log:\n${text
                .split("\n")
                .filter((l) => /Encountered|ERROR/.test(l))
                .slice(-4)
                .join("\n")}`,
        );
    });
});
