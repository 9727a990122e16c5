/** `upgrade.onIncompatible`: accepted where it means something, refused (property, value, fix) where it cannot. */
import { checkJobArgs } from "../../../provider/job/schema";

const cluster = { restUrl: "http://localhost:8081", flinkVersion: "2.3.0", webUiUrl: "http://localhost:8081" };
const sql =
    "CREATE TABLE s (k INT) WITH ('connector' = 'datagen');\nCREATE TABLE t (k INT, c BIGINT) WITH ('connector' = 'blackhole');\nINSERT INTO t SELECT k, COUNT(*) FROM s GROUP BY k";
const sqlJob = (upgrade: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: "tally", cluster, sql, upgrade, ...extra });

describe("upgrade.onIncompatible", () => {
    test.each(["fail", "drop-state", "try"])("%s is accepted on a SQL job and kept", (value) => {
        const { args, failures } = checkJobArgs(sqlJob({ onIncompatible: value }));
        expect(failures).toEqual([]);
        expect(args?.upgrade.onIncompatible).toBe(value);
    });

    test("it defaults to nothing set (the provider reads that as fail)", () => {
        expect(checkJobArgs(sqlJob({})).args?.upgrade.onIncompatible).toBeUndefined();
    });

    const refused: [string, Record<string, unknown>, string, string][] = [
        ["an unknown value", sqlJob({ onIncompatible: "ignore" }), "upgrade.onIncompatible", "fail"],
        [
            "with mode stateless",
            sqlJob({ mode: "stateless", onIncompatible: "drop-state" }),
            'upgrade.onIncompatible = "drop-state": has no effect with mode "stateless"',
            'use mode "savepoint"',
        ],
        [
            "on a JAR job",
            { name: "jarjob", cluster, jar: { path: "/opt/job.jar" }, upgrade: { onIncompatible: "try" } },
            'upgrade.onIncompatible = "try": is for SQL jobs',
            "remove it",
        ],
        [
            "on a bounded job",
            sqlJob({ onIncompatible: "fail" }, { bounded: true }),
            'upgrade.onIncompatible = "fail": has no effect on a bounded job',
            "set bounded to false",
        ],
        [
            "drop-state with allowNonRestoredState: false",
            sqlJob({ onIncompatible: "drop-state", allowNonRestoredState: false }),
            "upgrade.allowNonRestoredState = false: contradicts upgrade.onIncompatible",
            'choose onIncompatible "fail"',
        ],
    ];
    test.each(refused)("%s is refused with the property, the value and the fix", (_name, inputs, start, fix) => {
        const failures = checkJobArgs(inputs).failures;
        const failure = failures.find((f) => f.property.startsWith("upgrade."));
        expect(failure).toBeDefined();
        expect(failure!.reason).toContain(start);
        expect(failure!.reason.split("; fix: ")[1] ?? failure!.reason).toContain(fix);
    });
});
