/** `pulumi-flink status` over several stacks: owners, log links, the restore point now, one table, the worst exit code. */
import { buildStatus, ClusterObservation } from "../../../cli/status/report";
import { describeRestore, exitCodeOf, renderFleet, StackOutcome } from "../../../cli/status/render";
import { restoreNow } from "../../../cli/status/restore";
import { parseStackExport } from "../../../cli/status/stack";
import { jobIdFor } from "../../../provider/deploy/identity";
import type { CheckpointStats, JobOverview } from "../../../provider/flink";

const now = 2_000_000_000_000;
const exportOf = (stack: string, jobs: { name: string; labels?: Record<string, string>; upgrade?: Record<string, unknown>; generation?: number }[]) =>
    JSON.stringify({
        deployment: {
            resources: [
                {
                    urn: `urn:pulumi:${stack}::app::pulumi-nodejs:dynamic/flink:SessionCluster::main`,
                    type: "pulumi-nodejs:dynamic/flink:SessionCluster",
                    outputs: { target: "local", workDir: `/srv/${stack}`, restUrl: `http://${stack}:8081`, webUiUrl: `http://${stack}:8081/#/overview` },
                },
                ...jobs.map((j) => ({
                    urn: `urn:pulumi:${stack}::app::pulumi-nodejs:dynamic/flink:Job::${j.name}`,
                    type: "pulumi-nodejs:dynamic/flink:Job",
                    outputs: {
                        name: j.name,
                        cluster: { restUrl: `http://${stack}:8081`, webUiUrl: `http://${stack}:8081/#/overview` },
                        labels: j.labels ?? {},
                        upgrade: j.upgrade ?? { mode: "savepoint", restore: "latest-state" },
                        generation: j.generation ?? 1,
                    },
                })),
            ],
        },
    });
const declaredOf = (text: string) => {
    const parsed = parseStackExport(text);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.declared;
};
const overview = (name: string, jid: string, state = "RUNNING"): JobOverview =>
    ({ jid, name, state, "start-time": now - 60_000, "end-time": state === "RUNNING" ? -1 : now - 5_000, duration: 1 }) as unknown as JobOverview;
const stats = (checkpointAt: number, savepointAt?: number): CheckpointStats =>
    ({
        counts: {},
        latest: {
            completed: { id: 7, external_path: "s3://ck/job/chk-7", latest_ack_timestamp: checkpointAt },
            savepoint: savepointAt ? { id: 3, external_path: "s3://sp/savepoint-ab-cd", latest_ack_timestamp: savepointAt } : null,
            failed: null,
            restored: null,
        },
    }) as never;

describe("what a stack export says about owners and logs", () => {
    const declared = declaredOf(
        exportOf("prod", [{ name: "a", labels: { owner: "payments", team: "x" } }, { name: "b", labels: { team: "search" } }, { name: "c" }]),
    );
    it("owner from the owner label, else team; a local cluster's log folder", () => {
        expect(declared.jobs.map((j) => [j.name, j.owner])).toEqual([
            ["a", "payments"],
            ["b", "search"],
            ["c", undefined],
        ]);
        expect(declared.clusters[0].logDir).toBe("/srv/prod/log");
    });
});

describe("the restore point a restart would use now (the deploy's own choice)", () => {
    const declared = declaredOf(
        exportOf("prod", [
            { name: "a" },
            { name: "b", upgrade: { mode: "stateless" } },
            { name: "c", upgrade: { restore: "latest-savepoint" } },
            { name: "d" },
        ]),
    );
    const job = (n: string) => declared.jobs.find((j) => j.name === n)!;
    const idA = jobIdFor("a", 1, "abc");
    const asked: string[] = [];
    const client = { checkpoints: async (jid: string) => (asked.push(jid), stats(now - 3_000, now - 600_000)) };

    it("a running job: its newest retained checkpoint, from the statistics status already has (no request)", async () => {
        const r = await restoreNow(client, job("a"), [overview("a", idA)], { [idA]: stats(now - 8_000, now - 600_000) }, now);
        expect(r).toEqual({ point: { kind: "checkpoint", path: "s3://ck/job/chk-7", at: now - 8_000 }, requests: 0 });
        expect(describeRestore(r.point, now)).toBe("chk-7 (8s ago)");
    });
    it("latest-savepoint: the savepoint, asked of Flink for an ended generation", async () => {
        const id = jobIdFor("c", 1, "abc");
        const r = await restoreNow(client, job("c"), [overview("c", id, "CANCELED")], {}, now);
        expect(r).toEqual({ point: { kind: "savepoint", path: "s3://sp/savepoint-ab-cd", at: now - 600_000 }, requests: 1 });
        expect(asked).toEqual([id]);
    });
    it("stateless jobs restore nothing", async () => {
        expect((await restoreNow(client, job("b"), [], {}, now)).point.kind).toBe("stateless");
    });
    it("a deployed job with no restore point anywhere: up would refuse to start it", async () => {
        const r = await restoreNow(client, job("d"), [], {}, now);
        expect(r.point.kind).toBe("refused");
        expect(r.point.why).toContain('job "d" is not running and no savepoint or retained checkpoint of it was found');
        expect(describeRestore(r.point, now)).toBe("none (up refuses)");
    });
});

describe("several stacks in one table", () => {
    const seen = (stack: string, jobs: JobOverview[]): ClusterObservation => ({
        restUrl: `http://${stack}:8081`,
        jobs,
        perJob: {},
        taskManagers: ["tm-1"],
        logFiles: [`/srv/${stack}/log/jm.log`],
        restore: {},
    });
    const test = buildStatus(
        declaredOf(exportOf("test", [{ name: "a", labels: { owner: "payments" } }])),
        [seen("test", [overview("a", "1".repeat(32))])],
        2,
        now,
    );
    const prod = buildStatus(
        declaredOf(
            exportOf("prod", [
                { name: "a", labels: { owner: "payments" } },
                { name: "b", labels: { team: "search" } },
            ]),
        ),
        [seen("prod", [overview("a", "2".repeat(32)), overview("b", "3".repeat(32), "CANCELED")])],
        3,
        now,
    );
    const outcomes: StackOutcome[] = [
        { stack: "test", report: test },
        { stack: "prod", report: prod },
    ];
    const text = renderFleet(outcomes, now);

    it("a STACK column, owners, flagged rows, log links per cluster", () => {
        expect(text).toMatch(/^STACK +JOB +CLUSTER +STATE +UPTIME +OWNER +LAST CHECKPOINT/m);
        expect(text).toMatch(/^prod +! b +main +CANCELED +- +search /m);
        expect(text).toMatch(/^test +a +main +RUNNING +1m00s +payments /m);
        expect(text).toContain("Stack test: 1 declared job(s), 0 not running\nStack prod: 2 declared job(s), 1 not running\n");
        expect(text).toContain("  ! b (prod/main): not running (canceled 5s ago)");
        expect(text).toContain(
            "  test/main: JobManager http://test:8081/#/job-manager/logs\n    TaskManager http://test:8081/#/task-manager/tm-1/logs\n    file /srv/test/log/jm.log",
        );
        expect(text).toContain("5 REST request(s)");
    });
    it("JSON rows carry owner, labels and log links", () => {
        expect(prod.rows.find((r) => r.job === "a")).toMatchObject({
            owner: "payments",
            labels: { owner: "payments" },
            logs: {
                jobManager: "http://prod:8081/#/job-manager/logs",
                taskManagers: ["http://prod:8081/#/task-manager/tm-1/logs"],
                files: ["/srv/prod/log/jm.log"],
            },
        });
    });
    it("the exit code is the worst stack's: running 0, a job not running 1, a stack unreadable 2", () => {
        expect(exitCodeOf([outcomes[0]])).toBe(0);
        expect(exitCodeOf(outcomes)).toBe(1);
        expect(exitCodeOf([...outcomes, { stack: "dev", problem: "no such stack" }])).toBe(2);
        expect(renderFleet([outcomes[0], { stack: "dev", problem: "no such stack" }], now)).toContain("! Stack dev: cannot be read: no such stack");
    });
});
