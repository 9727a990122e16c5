/** `pulumi-flink status` logic: reading `pulumi stack export`, matching jobs, the table and exit rule. */
import { buildStatus, ClusterObservation, fmtAge } from "../../../cli/status/report";
import { renderStatus } from "../../../cli/status/render";
import { parseStackExport } from "../../../cli/status/stack";
import type { JobOverview } from "../../../provider/flink";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
const CL = "urn:pulumi:prod::app::pulumi-nodejs:dynamic/flink:SessionCluster::main";
const jobRes = (name: string, cluster: unknown = { restUrl: "http://f:8081", webUiUrl: "http://f:8081/#/overview" }) => ({
    urn: `urn:pulumi:prod::app::pulumi-nodejs:dynamic/flink:Job::${name}-res`,
    type: "pulumi-nodejs:dynamic/flink:Job",
    outputs: { name, cluster, jobId: "a".repeat(32), lastSavepoint: `file:///sp/${name}/savepoint-1`, labels: { owner: `team-${name}`, tier: "1" } },
    propertyDependencies: { cluster: [CL] },
});
const exportOf = (resources: unknown[]) => JSON.stringify({ version: 3, deployment: { resources } });
const clusterRes = (connection: unknown = { restUrl: "http://f:8081" }) => ({
    urn: CL,
    type: "pulumi-nodejs:dynamic/flink:SessionCluster",
    outputs: { restUrl: "http://f:8081", webUiUrl: "http://f:8081/#/overview", connection },
});

describe("parseStackExport", () => {
    it("reads clusters and jobs without secrets", () => {
        const parsed = parseStackExport(
            exportOf([clusterRes(), jobRes("a"), { urn: "urn:pulumi:prod::app::pulumi:pulumi:Stack::app-prod", type: "pulumi:pulumi:Stack" }]),
        );
        if (!parsed.ok) throw new Error(parsed.problem);
        expect(parsed.declared.stack).toBe("prod");
        expect(parsed.declared.clusters.map((c) => [c.resource, c.restUrl, c.connectionSecret])).toEqual([["main", "http://f:8081", false]]);
        expect(parsed.declared.jobs.map((j) => [j.name, j.resource, j.restUrl])).toEqual([["a", "a-res", "http://f:8081"]]);
    });

    it("a secret connection (credentials) is noted; the job finds its cluster through its dependency", () => {
        const parsed = parseStackExport(exportOf([clusterRes(SECRET), jobRes("a", SECRET)]));
        if (!parsed.ok) throw new Error(parsed.problem);
        expect(parsed.declared.clusters[0]).toMatchObject({ connectionSecret: true, connection: undefined });
        expect(parsed.declared.jobs[0].restUrl).toBe("http://f:8081");
        expect(JSON.stringify(parsed.declared)).not.toContain("ciphertext");
    });

    it.each([
        ["not JSON", "oops", /did not print JSON/],
        ["a preview instead", JSON.stringify({ steps: [] }), /not `pulumi stack export` output/],
    ])("%s", (_l, text, message) => {
        const parsed = parseStackExport(text);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.problem).toMatch(message);
    });
});

describe("buildStatus", () => {
    const now = 1_000_000_000;
    const overview = (name: string, state: string, jid: string, start = now - 65_000, end = -1): JobOverview =>
        ({ jid, name, state, "start-time": start, "end-time": end, duration: now - start }) as unknown as JobOverview;
    const parsed = parseStackExport(exportOf([clusterRes(), jobRes("run"), jobRes("gone"), jobRes("twice"), jobRes("missing"), jobRes("restarting")]));
    if (!parsed.ok) throw new Error(parsed.problem);
    const jid = (c: string) => c.repeat(32);
    const seen: ClusterObservation = {
        restUrl: "http://f:8081",
        jobs: [
            overview("run", "RUNNING", jid("1")),
            overview("gone", "CANCELED", jid("2"), now - 100_000, now - 30_000),
            overview("twice", "RUNNING", jid("3")),
            overview("twice", "RUNNING", jid("4")),
            overview("restarting", "RESTARTING", jid("5")),
            overview("someone-elses", "RUNNING", jid("6")),
        ],
        perJob: {
            [jid("1")]: {
                restarts: 2,
                checkpoints: {
                    counts: {},
                    latest: {
                        completed: { id: 9, external_path: "x", latest_ack_timestamp: now - 12_000 },
                        savepoint: { id: 3, external_path: "file:///sp/run/savepoint-9", latest_ack_timestamp: now - 3_600_000 },
                        failed: null,
                        restored: null,
                    },
                } as never,
            },
        },
    };
    const report = buildStatus(parsed.declared, [seen], 7, now);
    const row = (job: string) => report.rows.find((r) => r.job === job)!;

    it("a running job: uptime, checkpoint age, Flink's latest savepoint, restarts, web UI", () => {
        expect(row("run")).toMatchObject({
            ok: true,
            state: "RUNNING",
            uptimeMs: 65_000,
            lastCheckpointAgeMs: 12_000,
            lastSavepoint: "file:///sp/run/savepoint-9",
            lastSavepointAgeMs: 3_600_000,
            restarts: 2,
            webUi: `http://f:8081/#/job/running/${jid("1")}/overview`,
        });
    });

    it.each([
        ["gone", "CANCELED", /not running \(canceled 30s ago\)/],
        ["twice", "DUPLICATE", /2 copies active/],
        ["missing", "MISSING", /no job of this name/],
        ["restarting", "RESTARTING", /state RESTARTING/],
    ])("%s is flagged %s", (job, state, problem) => {
        expect(row(job)).toMatchObject({ ok: false, state });
        expect(row(job).problem).toMatch(problem);
    });

    it("fails overall, lists flagged jobs first, counts undeclared running jobs", () => {
        expect(report.ok).toBe(false);
        expect(report.rows.map((r) => r.job)).toEqual(["gone", "missing", "restarting", "twice", "run"]);
        expect(report.undeclaredRunning).toEqual({ main: 1 });
    });

    it("an unreachable cluster flags its jobs UNKNOWN", () => {
        const r = buildStatus(parsed.declared, [{ restUrl: "http://f:8081", error: "ECONNREFUSED", perJob: {} }], 1, now);
        expect(r.rows.every((x) => x.state === "UNKNOWN" && /ECONNREFUSED/.test(x.problem ?? ""))).toBe(true);
    });

    it("renders a table with the flagged job marked", () => {
        const text = renderStatus(report);
        expect(text).toMatch(/^! gone +main +CANCELED/m);
        expect(text).toMatch(
            /^run +main +RUNNING +1m05s +team-run +12s ago +file:\/\/\/sp\/run\/savepoint-9 \(1h00m ago\) +- +2 +http:\/\/f:8081\/#\/job\/running\/1{32}\/overview$/m,
        );
        expect(text).toContain("main: 1 running job(s) not declared in this stack");
        expect(text).toContain("7 REST request(s)");
    });

    it("notes a secret connection it could not use", () => {
        const secret = parseStackExport(exportOf([clusterRes(SECRET), jobRes("run")]));
        if (!secret.ok) throw new Error(secret.problem);
        expect(buildStatus(secret.declared, [seen], 1, now).notes).toEqual([
            "cluster main: its connection settings (headers, TLS) are a secret in state; asked without them (pass --show-secrets to use them)",
        ]);
    });
});

describe("fmtAge", () => {
    it.each([
        [0, "0s"],
        [59_999, "59s"],
        [60_000, "1m00s"],
        [3_599_000, "59m59s"],
        [3_600_000, "1h00m"],
        [47 * 3_600_000, "47h00m"],
        [49 * 3_600_000, "2d01h"],
    ])("%d ms -> %s", (ms, text) => {
        expect(fmtAge(ms)).toBe(text);
    });
});
