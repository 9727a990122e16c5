/** Compile at preview: a SQL error fails the preview, a silent gateway only makes the line say "not compiled", once per gateway. */
import { previewSql, verdictClause } from "../../../provider/job/preview";
import { leavingPlan, SqlStatementError, type SqlCheck, type SqlVersion } from "../../../provider/job/sql";
import { sqlVerdict } from "../../../provider/job/version";
import { UNKNOWN, unknownPaths } from "../../../provider/core/unknown";
import type { JobArgs } from "../../../provider/job/schema";

function version(check: () => Promise<SqlCheck>): SqlVersion & { calls: number } {
    const v = {
        calls: 0,
        definitionHash: "h",
        preflight: async () => undefined,
        submit: async () => undefined,
        deployedPlan: async () => undefined,
        check: async () => {
            v.calls++;
            return check();
        },
    };
    return v;
}

describe("compile at preview", () => {
    afterEach(() => delete process.env.PULUMI_FLINK_PREVIEW_COMPILE);

    it("a SQL error the gateway reports fails the preview with its position", async () => {
        const v = version(async () => {
            throw new SqlStatementError("the SQL of job \"tally\" fails at sql line 3, column 8: Column 'amont' not found", "nothing stopped");
        });
        await expect(previewSql("http://gw-a:8083", v)).rejects.toThrow('the SQL of job "tally" fails at sql line 3, column 8');
    });

    it("at most 4 compiles at once per gateway", async () => {
        let running = 0;
        let peak = 0;
        const slow = () =>
            version(async () => {
                peak = Math.max(peak, ++running);
                await new Promise((r) => setTimeout(r, 20));
                running--;
                return { verdict: undefined, decision: undefined, text: "new plan" };
            });
        await Promise.all(Array.from({ length: 10 }, () => previewSql("http://gw-c:8083", slow())));
        expect(peak).toBe(4);
    });

    it("PULUMI_FLINK_PREVIEW_COMPILE=0 compiles nothing and says so", async () => {
        process.env.PULUMI_FLINK_PREVIEW_COMPILE = "0";
        const v = version(async () => ({ verdict: undefined, decision: undefined, text: "x" }));
        expect(await previewSql("http://gw-d:8083", v)).toEqual({ compiled: false, why: "compiling at preview is off (PULUMI_FLINK_PREVIEW_COMPILE=0)" });
        expect(v.calls).toBe(0);
    });
});

describe("a job that runs from a plan, whose next version cannot be deployed from one", () => {
    const why = "its SQL Gateway runs on another machine: the plan it compiles cannot be read here";
    it("is incompatible and refused by default, saying how to go on", () => {
        const check = leavingPlan("fail", why);
        const clause = verdictClause({ compiled: true, check }).text;
        expect(clause).toContain(
            "state verdict: incompatible: the running version runs from a compiled plan with pinned operator ids, and this one cannot (its SQL Gateway runs on another machine",
        );
        expect(clause).toContain("up refuses this change before touching the running job (deploy it where its gateway runs on this machine again");
        expect(check.decision?.action).toBe("refuse");
    });
    it("drop-state starts it empty and says so; try attempts it like an unknown verdict", () => {
        const drop = leavingPlan("drop-state", why);
        expect(drop.decision).toMatchObject({ action: "deploy", allowNonRestoredState: true });
        expect(verdictClause({ compiled: true, check: drop })).toMatchObject({ dropsState: true });
        expect(verdictClause({ compiled: true, check: leavingPlan("try", why) }).text).toContain(
            "the new version tries to restore from it and is rolled back if Flink cannot",
        );
    });
});

describe("a SQL edit whose inputs are not all known in preview", () => {
    it("names the unknown inputs, not a guess at why", async () => {
        const args = {
            name: "tally",
            sql: "INSERT INTO t SELECT 1",
            cluster: { restUrl: "http://jm:8081", connection: { restUrl: UNKNOWN } },
            variables: [{ name: "pw", value: UNKNOWN }],
        };
        expect(unknownPaths(args)).toEqual(["cluster.connection.restUrl", "variables[0].value"]);
        const clause = await sqlVerdict(args as unknown as JobArgs, {});
        expect(clause).toContain("not compiled: cluster.connection.restUrl, variables[0].value not known in preview (set by a resource this update changes)");
        expect(clause).not.toContain("cluster is updated");
    });
    it("a cluster whose connection names no SQL Gateway says that", async () => {
        const clause = await sqlVerdict({ name: "tally", sql: "INSERT INTO t SELECT 1", cluster: { restUrl: "http://jm:8081" } } as unknown as JobArgs, {});
        expect(clause).toContain("not compiled: the cluster's connection names no SQL Gateway");
    });
});
