/**
 * A password full of quoting hazards through the real pulumi CLI, a real SQL Gateway and real
 * Flink (every line of the test bed): used in a string literal it deploys and runs (the value is
 * escaped, not pasted); a statement broken right at its literal fails the update, and neither the
 * CLI output, the state, nor the local gateway's log holds any 4 consecutive characters of it in
 * any escaping.
 */
import * as fs from "fs";
import * as path from "path";
import { secretForms } from "../../provider/core/redact";
import { RunningCluster, startCluster } from "../support/cluster";
import { countingSql, JobStack, printedCounts, SQL_JOBS_PROGRAM } from "../support/jobs";
import { waitFor } from "../support/counter";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(15 * 60_000);

/** `'`, `$`, `\`, `"`, `${`, non-ASCII; no 4-character window of it is a word found in logs. */
const PASSWORD = "Zq'9$x\\Kv\"#${w}é";

/** Lines of `text` holding any 4-character window of any form of the password. */
function leakingLines(text: string): string[] {
    const windows = new Set(secretForms(PASSWORD).flatMap((f) => Array.from({ length: f.length - 3 }, (_, i) => f.slice(i, i + 4))));
    return text.split("\n").filter((l) => [...windows].some((w) => l.includes(w)));
}

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("a hazardous password in SQL on Flink %s (real pulumi CLI)", (version, line, index) => {
    let cluster: RunningCluster;
    const v = version.replace(/\./g, "-");

    beforeAll(async () => {
        const port = portBlock(1770 + index * 10);
        cluster = await startCluster(line, port, { slotsPerTaskManager: 4, sqlGateway: { enabled: true, port: port + 5 } });
    });
    afterAll(async () => {
        await cluster?.stop();
    });

    test("deploys with the password in a literal; a statement broken at it fails with no piece of it anywhere", async () => {
        const stack = new JobStack(`sql-secret-${v}`, cluster.restUrl, {}, SQL_JOBS_PROGRAM);
        await stack.init();
        await stack.project.ok(["config", "set", "sqlGatewayUrl", cluster.state.sqlGatewayUrl]);
        await stack.project.ok(["config", "set", "variables", "{}"]);
        await stack.project.ok(["config", "set", "secretNames", JSON.stringify(["DB_PASSWORD"])]);
        await stack.project.ok(["config", "set", "--secret", "secret_DB_PASSWORD", PASSWORD]);
        const outputs: string[] = [];

        // 1. In a literal the value is escaped: the statement parses and the job runs.
        await stack.setJobs({
            agg: { name: "sql-secret", sql: countingSql(`s1-${v}`, "WHERE CAST(v AS STRING) <> '${DB_PASSWORD}'"), health: { stableSeconds: 2 } },
        });
        outputs.push((await stack.upOk()).output);
        await waitFor("the job counting", async () => printedCounts(cluster.workDir, `s1-${v}`), 90_000);

        // 2. A stray literal after the WITH clause: the parser quotes the password's token.
        const broken = countingSql(`s2-${v}`).replace("'print-identifier' = 's2-" + v + "')", "'print-identifier' = 's2-" + v + "') '${DB_PASSWORD}'");
        expect(broken).toContain(") '${DB_PASSWORD}'");
        await stack.setJobs({ agg: { name: "sql-secret", sql: broken, health: { stableSeconds: 2 } } });
        const failed = await stack.up();
        expect(failed.code).not.toBe(0);
        expect(failed.output).toMatch(/the SQL of job "sql-secret" fails at sql line 2, column \d+: .*Encountered "\\'\*\*\*\\'"/);
        expect(failed.output).toMatch(/left behind: nothing stopped or submitted; job [0-9a-f]{32} as it was/);
        outputs.push(failed.output);
        expect(await stack.active("sql-secret")).toHaveLength(1); // the first version still runs

        const state = await stack.project.exportState();
        expect(state).toContain('"ciphertext"');
        outputs.push(state);
        outputs.push((await stack.project.ok(["destroy", "--yes", "--skip-preview"])).output);
        expect(outputs.flatMap(leakingLines)).toEqual([]);

        const logDir = path.join(cluster.workDir, "log");
        const gatewayLog = fs
            .readdirSync(logDir)
            .filter((f) => /sql-gateway/.test(f))
            .map((f) => fs.readFileSync(path.join(logDir, f), "utf8"))
            .join("\n");
        expect(gatewayLog).toContain('Encountered "***"');
        expect(leakingLines(gatewayLog)).toEqual([]);
        console.log(
            `[${version}] CLI: ${failed.output
                .split("\n")
                .find((l) => l.includes("Encountered"))
                ?.trim()}`,
        );
    });
});
