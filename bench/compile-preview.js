/**
 * Compile at preview (issue 12): what compiling changed SQL jobs adds to a preview.
 *
 * One real Flink 2.3.0 local cluster with its SQL Gateway. One SQL job is deployed for real
 * (through the provider's create) to get real stored outputs with a recorded plan; 100 jobs are
 * then previewed through the provider's own `diff` (the function `pulumi preview` calls, in this
 * process): each has those outputs under its own name, 20 of them with a changed query. Interleaved,
 * BENCH_ROUNDS times each: compile on (the default) and off (PULUMI_FLINK_PREVIEW_COMPILE=0, which
 * is the preview before this change: no gateway call). Also 100 unchanged jobs, on and off.
 * Measures the provider's side only: the Pulumi engine's own work per resource is the same in
 * both modes and is measured by bench.js / scale.js.
 *
 *   node bench/compile-preview.js   (after `npx tsc -p tsconfig.json`; needs PULUMI_FLINK_TEST_LINES)
 */
const path = require("path");
const { flinkLine, startCluster, repoRoot } = require("./lib/flink");

const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const JOBS = 100;
const CHANGED = 20;
const sql = (extra) =>
    [
        "CREATE TEMPORARY TABLE src (k INT, amount INT) WITH ('connector' = 'datagen', 'rows-per-second' = '1', 'fields.k.min' = '0', 'fields.k.max' = '3')",
        "CREATE TEMPORARY TABLE snk (k INT, c BIGINT, s INT) WITH ('connector' = 'blackhole')",
        `INSERT INTO snk SELECT k, COUNT(*), ${extra} FROM src GROUP BY k`,
    ].join(";\n");

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (m) => process.stderr.write(`[compile-preview] ${m}\n`);

async function previewAll(jobProvider, stored, changed) {
    const t0 = performance.now();
    const lines = await Promise.all(
        Array.from({ length: JOBS }, (_, i) => {
            const name = `bench-${String(i).padStart(3, "0")}`;
            const olds = { ...stored, name };
            const news = { ...stored.inputs, name, sql: i < changed ? sql("MAX(amount)") : stored.inputs.sql };
            return jobProvider.diff(`job-${name}`, olds, news);
        }),
    );
    const ms = performance.now() - t0;
    if (lines.filter((d) => d.changes).length !== changed) throw new Error(`expected ${changed} changed jobs, got ${lines.filter((d) => d.changes).length}`);
    return ms;
}

async function main() {
    const line = flinkLine("2.3.0");
    const port = Number(process.env.BENCH_PORT || 37081);
    log(`starting a Flink ${line.version} cluster with its SQL Gateway on ${port}`);
    const cluster = await startCluster(line, port, { slotsPerTaskManager: 4, taskManagerMemory: "1536m", sqlGateway: { enabled: true, port: port + 9 } });
    const { jobProvider } = require(path.join(repoRoot(), "bin", "provider", "job"));
    try {
        const inputs = {
            name: "bench-template",
            cluster: { restUrl: cluster.restUrl, flinkVersion: line.version, webUiUrl: cluster.restUrl, gatewayLocal: true, connection: cluster.connection },
            sql: sql("MIN(amount)"),
            health: { stableSeconds: 0 },
            onDelete: "cancel",
        };
        const checked = await jobProvider.check({}, inputs);
        if (checked.failures.length) throw new Error(JSON.stringify(checked.failures));
        log("deploying one real SQL job for real stored outputs (with its recorded plan)");
        created = await jobProvider.create(checked.inputs);
        const stored = { ...created.outs, inputs: checked.inputs };
        if (!created.outs.sqlPlan) throw new Error("the deployed job recorded no plan");
        const results = { on: [], off: [], unchangedOn: [], unchangedOff: [] };
        for (let r = 0; r < ROUNDS; r++) {
            for (const mode of r % 2 ? ["off", "on"] : ["on", "off"]) {
                process.env.PULUMI_FLINK_PREVIEW_COMPILE = mode === "on" ? "1" : "0";
                results[mode].push(await previewAll(jobProvider, stored, CHANGED));
                results[mode === "on" ? "unchangedOn" : "unchangedOff"].push(await previewAll(jobProvider, stored, 0));
            }
            log(`round ${r + 1}/${ROUNDS}: on ${Math.round(results.on[r])} ms, off ${Math.round(results.off[r])} ms`);
        }
        const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
        const perJob = (m.on - m.off) / CHANGED;
        const out = [
            `## Compile at preview: ${JOBS} SQL jobs, ${CHANGED} changed (provider diff, Flink ${line.version}, ${ROUNDS} rounds, medians)`,
            "",
            "| preview | compile off (as before) | compile on | added |",
            "|---|---|---|---|",
            `| ${JOBS} jobs, ${CHANGED} changed | ${Math.round(m.off)} ms | ${Math.round(m.on)} ms | ${Math.round(m.on - m.off)} ms = ${Math.round(perJob)} ms per changed job |`,
            `| ${JOBS} jobs, none changed | ${Math.round(m.unchangedOff)} ms | ${Math.round(m.unchangedOn)} ms | ${Math.round(m.unchangedOn - m.unchangedOff)} ms |`,
            "",
            `Goal: ≤ 1000 ms per changed job, nothing for unchanged jobs. Raw: ${JSON.stringify(results)}`,
        ];
        process.stdout.write(out.join("\n") + "\n");
    } finally {
        if (created) await jobProvider.delete(created.id, created.outs).catch((e) => log(`delete: ${e.message}`));
        await cluster.stop();
    }
}

main().catch((err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
});
