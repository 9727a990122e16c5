/**
 * Compiled plans and the state verdict, on plans real Flink 2.3.0 compiled through its SQL Gateway
 * (fixtures: COUNT(*) per key, then COUNT(*), SUM(amount) compiled in the same session, so its ids
 * continue at 6) and on small edited copies of them.
 */
import * as fs from "fs";
import * as path from "path";
import { CompiledPlan, parsePlan, pinPlan, rowFields, serializerType, summarizePlan } from "../../../provider/sql/plan";
import { compareSummaries, decide, describeVerdict, ttlMigratesOn } from "../../../provider/sql/compat";

const fixture = (name: string): CompiledPlan => parsePlan(fs.readFileSync(path.join(__dirname, "..", "fixtures", name), "utf8"));
const count = fixture("plan-2.3-count.json");
const countSum = fixture("plan-2.3-count-sum.json");
const clone = (p: CompiledPlan): CompiledPlan => JSON.parse(JSON.stringify(p)) as CompiledPlan;
const aggregate = (p: CompiledPlan) => p.nodes.find((n) => n.type.startsWith("stream-exec-group-aggregate")) as Record<string, unknown> & { id: number };

describe("reading compiled plans", () => {
    it("normalizes types to what decides a serializer", () => {
        expect(rowFields("ROW<`k` INT, `EXPR$1` BIGINT NOT NULL, `s` VARCHAR(3), `m` MAP<STRING, DECIMAL(10, 2)>>")).toEqual([
            "INT",
            "BIGINT",
            "STRING",
            "MAP<STRING, DECIMAL(10, 2)>",
        ]);
        expect(serializerType("TIMESTAMP(3) NOT NULL")).toBe("TIMESTAMP(3)");
    });

    it("keeps the state-bearing nodes: source, aggregate, sink, with key and calls", () => {
        const s = summarizePlan(count);
        expect(s.maxId).toBe(5);
        expect(s.nodes.map((n) => n.match)).toEqual([
            "stream-exec-table-source-scan `default_catalog`.`default_database`.`src`",
            "stream-exec-group-aggregate #1",
            "stream-exec-sink `default_catalog`.`default_database`.`snk`",
        ]);
        const agg = s.nodes[1];
        expect(agg).toMatchObject({ id: 4, keys: ["INT"], calls: ["$COUNT$1() -> BIGINT"], state: [{ name: "groupAggregateState", ttlMs: 0 }] });
    });

    it("refuses what is not a plan", () => {
        expect(() => parsePlan('{"nodes": [{"id": "x"}], "edges": []}')).toThrow("not a Flink compiled plan");
    });
});

describe("the state verdict", () => {
    it("an unchanged plan is compatible and keeps every id", () => {
        const v = compareSummaries(summarizePlan(count), summarizePlan(count));
        expect(v.verdict).toBe("compatible");
        expect([...v.keep.entries()]).toEqual([
            [1, 1],
            [4, 4],
            [5, 5],
        ]);
    });

    it("COUNT(*) → COUNT(*), SUM(amount) is incompatible, naming the aggregate and its accumulators", () => {
        const v = compareSummaries(summarizePlan(count), summarizePlan(countSum));
        expect(v.verdict).toBe("incompatible");
        expect(describeVerdict(v)).toContain(
            "GroupAggregate(groupBy=[k], select=[k, COUNT(*) AS EXPR$1]) (node 4): its accumulators change from [BIGINT] to [BIGINT, INT]",
        );
        expect(v.incompatibleNodes).toEqual([8]);
    });

    it("a changed key type is incompatible", () => {
        const next = clone(count);
        next.nodes[2].outputType = "ROW<`k` BIGINT>";
        const v = compareSummaries(summarizePlan(count), summarizePlan(next));
        expect(v.verdict).toBe("incompatible");
        expect(v.reasons[0]).toContain("its state key changes from [INT] to [BIGINT]");
    });

    it("a renamed column or a longer string keeps state (same serializers)", () => {
        const next = clone(count);
        next.nodes[2].outputType = "ROW<`key` INT NOT NULL>";
        expect(compareSummaries(summarizePlan(count), summarizePlan(next)).verdict).toBe("compatible");
    });

    it("a removed aggregate is incompatible (its state has no operator) and says it is gone", () => {
        const next = clone(count);
        next.nodes = next.nodes.filter((n) => n.id !== 4);
        const v = compareSummaries(summarizePlan(count), summarizePlan(next));
        expect(v).toMatchObject({ verdict: "incompatible", orphaned: true });
        expect(v.reasons[0]).toContain("is gone: its state has no operator in the new version");
    });

    it("an unmodelled aggregate change is unknown, never compatible", () => {
        const next = clone(count);
        (aggregate(next).aggCalls as Record<string, unknown>[])[0].internalName = "$MY_UDAF$1";
        const v = compareSummaries(summarizePlan(count), summarizePlan(next));
        expect(v.verdict).toBe("unknown");
        expect(v.reasons[0]).toContain("does not model");
    });

    it("turning TTL on is incompatible where Flink cannot migrate it", () => {
        const next = clone(count);
        (aggregate(next).state as { ttl: string }[])[0].ttl = "3600000 ms";
        expect(compareSummaries(summarizePlan(count), summarizePlan(next)).verdict).toBe("incompatible");
        expect(compareSummaries(summarizePlan(count), summarizePlan(next), { ttlMigrates: true }).verdict).toBe("unknown");
    });

    it('reads a TTL in the unit Flink wrote it with ("1 h" for table.exec.state.ttl = 1 h): turning it on is incompatible, not unreadable', () => {
        const ttl = (text: string) => {
            const next = clone(count);
            (aggregate(next).state as { ttl: string }[])[0].ttl = text;
            return summarizePlan(next).nodes[1].state[0].ttlMs;
        };
        expect([ttl("1 h"), ttl("3600000 ms"), ttl("90 s"), ttl("5 min"), ttl("2 d"), ttl("2 hours"), ttl("soon")]).toEqual([
            3_600_000,
            3_600_000,
            90_000,
            300_000,
            172_800_000,
            7_200_000,
            Number.NaN,
        ]);
        const next = clone(count);
        (aggregate(next).state as { ttl: string }[])[0].ttl = "1 h";
        expect(describeVerdict(compareSummaries(summarizePlan(count), summarizePlan(next)))).toContain('state TTL is turned on for "groupAggregateState"');
    });

    it("another Flink version is unknown", () => {
        const next = clone(count);
        next.flinkVersion = "1.20";
        expect(describeVerdict(compareSummaries(summarizePlan(count), summarizePlan(next)))).toContain(
            "unknown: the running version was compiled by Flink 2.3, the new one by 1.20",
        );
    });
});

describe("pinning ids", () => {
    it("matched nodes take the running ids; the others go above every id in use", () => {
        const v = compareSummaries(summarizePlan(count), summarizePlan(countSum));
        const pinned = pinPlan(countSum, v.keep, 5);
        expect(pinned.nodes.map((n) => [n.type, n.id])).toEqual([
            ["stream-exec-table-source-scan_2", 1],
            ["stream-exec-exchange_1", 11],
            ["stream-exec-group-aggregate_1", 4],
            ["stream-exec-calc_1", 12],
            ["stream-exec-sink_2", 5],
        ]);
        expect(pinned.edges.map((e) => [e.source, e.target])).toEqual([
            [1, 11],
            [11, 4],
            [4, 12],
            [12, 5],
        ]);
    });
});

describe("what up does with a verdict", () => {
    const incompatible = compareSummaries(summarizePlan(count), summarizePlan(countSum));
    const gone = (() => {
        const next = clone(count);
        next.nodes = next.nodes.filter((n) => n.id !== 4);
        return compareSummaries(summarizePlan(count), summarizePlan(next));
    })();

    it("refuses an incompatible change by default, with the fix", () => {
        const d = decide(incompatible, { allowNonRestoredState: false });
        expect(d).toMatchObject({ action: "refuse", text: "up refuses this change before touching the running job" });
    });

    it("allowNonRestoredState covers a removed operator, not a changed one", () => {
        expect(decide(gone, { allowNonRestoredState: true })).toMatchObject({ action: "deploy", allowNonRestoredState: true });
        const d = decide(incompatible, { allowNonRestoredState: true });
        expect(d.action).toBe("refuse");
        expect(d.action === "refuse" && d.fix).toContain("not state whose types changed");
    });

    it("drop-state gives the incompatible operators fresh ids and lets Flink skip their state", () => {
        const d = decide(incompatible, { onIncompatible: "drop-state", allowNonRestoredState: false });
        expect(d).toMatchObject({ action: "deploy", allowNonRestoredState: true });
        expect(d.action === "deploy" && [...d.keep.keys()]).toEqual([6, 10]);
        expect(d.action === "deploy" && d.text).toContain("DROPS STATE of the incompatible operators");
    });

    it("try deploys with every id kept, so Flink decides", () => {
        const d = decide(incompatible, { onIncompatible: "try", allowNonRestoredState: false });
        expect(d.action === "deploy" && [...d.keep.entries()]).toEqual([
            [6, 1],
            [8, 4],
            [10, 5],
        ]);
    });
});

describe("a table read twice", () => {
    it("its two sources are told apart, so both keep their ids", () => {
        const twice = clone(count);
        twice.nodes.splice(1, 0, { ...twice.nodes[0], id: 9 });
        twice.edges.push({ source: 9, target: 2 });
        const s = summarizePlan(twice);
        expect(s.nodes.filter((n) => n.kind === "stream-exec-table-source-scan").map((n) => n.match)).toEqual([
            "stream-exec-table-source-scan `default_catalog`.`default_database`.`src`",
            "stream-exec-table-source-scan `default_catalog`.`default_database`.`src` #2",
        ]);
        const v = compareSummaries(s, s);
        expect(v.verdict).toBe("compatible");
        expect(v.keep.get(9)).toBe(9);
    });
});

describe("plans with time attributes and window operators (found by the sql-state-edits e2e)", () => {
    const proctime = { type: "TIMESTAMP_WITH_LOCAL_TIME_ZONE", nullable: false, precision: 3, kind: "PROCTIME" };
    const rowWithProctime = {
        type: "ROW",
        fields: [
            { name: "k", fieldType: "INT" },
            { name: "pt", fieldType: proctime },
        ],
    };
    /** source → window aggregate (no declared state, like Flink's) → sink; the window spec's size is `size`. */
    const windowPlan = (size: string, ids = [1, 2, 3]): CompiledPlan => ({
        flinkVersion: "1.20",
        nodes: [
            { id: ids[0], type: "stream-exec-table-source-scan_1", scanTableSource: { table: { identifier: "`src`" } }, outputType: rowWithProctime },
            {
                id: ids[1],
                type: "stream-exec-window-aggregate_1",
                grouping: [0],
                aggCalls: [{ internalName: "$COUNT$1", argList: [], type: "BIGINT NOT NULL" }],
                windowing: { size },
                outputType: "ROW<`k` INT, `c` BIGINT NOT NULL>",
            },
            { id: ids[2], type: "stream-exec-sink_1", dynamicTableSink: { table: { identifier: "`snk`" } }, outputType: "ROW<`k` INT, `c` BIGINT NOT NULL>" },
        ],
        edges: [
            { source: ids[0], target: ids[1] },
            { source: ids[1], target: ids[2] },
        ],
    });

    it("reads a ROW written as an object, with a time attribute inside", () => {
        expect(rowFields(rowWithProctime)).toEqual(["INT", "TIMESTAMP(3) WITH LOCAL TIME ZONE"]);
        expect(summarizePlan(windowPlan("PT10S")).nodes[1].keys).toEqual(["INT"]);
    });

    it("a window aggregate is state-bearing although its node declares no state: it keeps its id when the window changes", () => {
        const v = compareSummaries(summarizePlan(windowPlan("PT10S")), summarizePlan(windowPlan("PT20S", [7, 8, 9])));
        expect(v.verdict).toBe("compatible");
        expect(describeVerdict(v)).toContain("keeps its state, but its window changed");
        expect(pinPlan(windowPlan("PT20S", [7, 8, 9]), v.keep, 3).nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    });
});

describe("where Flink restores state across a TTL switch", () => {
    it("2.3 did in the e2e (turning TTL on restored), 1.20 did not: the switch is unknown on 2.3, incompatible on 1.20", () => {
        expect(["1.20.3", "2.0.0", "2.3.0", "2.4.1"].map(ttlMigratesOn)).toEqual([false, false, true, true]);
    });
});
