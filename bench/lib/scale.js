"use strict";
/**
 * Generator of the scale stack: N lightweight SQL jobs (datagen -> blackhole, 1 row/s,
 * parallelism 1) spread over C local clusters, as one StreamingEnvironment driven entirely by
 * stack config; and the engine floor: the same number of trivial dynamic resources with a no-op
 * provider. Both are written as a project folder (Pulumi.yaml, index.js, Pulumi.<stack>.yaml).
 */
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const NS = "flink-scale";
const GROUP = 50; // jobs per REV_<g> variable: changing one variable redeploys exactly GROUP jobs

/**
 * The SQL lives in the program (generated), not in stack config: Pulumi hands the whole stack
 * config to the program in one environment variable, and 500 SQL texts there exceed Linux's
 * 128 KiB limit per variable ("fork/exec node: argument list too long").
 */
const scaleProgram = () => `
const pulumi = require("@pulumi/pulumi");
const flink = require("pulumi-flink");
const cfg = new pulumi.Config();
const count = cfg.requireNumber("jobCount");
const clusters = Object.keys(cfg.requireObject("clusters"));
const perCluster = Math.ceil(count / clusters.length);
const GROUP = ${GROUP};
const jobSql = ${jobSql.toString()};
const jobs = {};
for (let i = 0; i < count; i++) jobs["job-" + String(i).padStart(4, "0")] = { cluster: clusters[Math.floor(i / perCluster)], sql: jobSql(i) };
const env = flink.StreamingEnvironment.fromConfig("scale", { jobs });
exports.summary = env.summary;
`;

/**
 * The SQL of job i: its WHERE uses the variable of its group, so a group can be changed at once;
 * job 0 also uses SOLO, so changing SOLO redeploys that one job alone (the single-redeploy baseline).
 */
function jobSql(i) {
    const solo = i === 0 ? " AND v <> ${SOLO}" : "";
    return [
        "CREATE TABLE src (v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '1')",
        "CREATE TABLE snk (v BIGINT) WITH ('connector' = 'blackhole')",
        `INSERT INTO snk SELECT v FROM src WHERE v <> \${REV_${Math.floor(i / GROUP)}}${solo}`,
    ];
}

const jobKey = (i) => `job-${String(i).padStart(4, "0")}`;

/**
 * Stack config of the scale stack.
 * @param o { jobs, clusters, home, version, portBase, workRoot, slots, taskManagers, tmMemory, jmMemory }
 */
function scaleConfig(o) {
    const perCluster = Math.ceil(o.jobs / o.clusters);
    const clusters = {};
    for (let c = 0; c < o.clusters; c++) {
        const port = o.portBase + c * 10;
        clusters[`c${c}`] = {
            target: "local",
            restPort: port,
            rpcPort: port + 1,
            taskManagers: o.taskManagers,
            slotsPerTaskManager: Math.ceil(perCluster / o.taskManagers) + 2,
            taskManagerMemory: o.tmMemory,
            jobManagerMemory: o.jmMemory,
            workDir: path.join(o.workRoot, `c${c}`),
            startTimeoutSeconds: 300,
            configuration: { "taskmanager.memory.managed.fraction": 0.05 }, // no job here keeps managed state
            sqlGateway: { enabled: true, port: port + 2 },
        };
    }
    const variables = {};
    for (let g = 0; g * GROUP < o.jobs; g++) variables[`REV_${g}`] = "1";
    variables.SOLO = "1";
    return {
        [`${NS}:home`]: { version: o.version, path: o.home },
        [`${NS}:clusters`]: clusters,
        [`${NS}:variables`]: variables,
        [`${NS}:jobDefaults`]: {
            parallelism: 1,
            health: { stableSeconds: 0, runningTimeoutSeconds: 600 },
            onDelete: "cancel",
            upgrade: { savepointTimeoutSeconds: 600 },
        },
        [`${NS}:jobCount`]: o.jobs,
    };
}

/**
 * The floor: as many dynamic resources, each with the properties a job of the scale stack hands to
 * Pulumi (the 11 declared outputs, left undefined, and the 9 inputs, of the same sizes: the
 * runtime's work per resource grows with its property count), and a provider that does nothing.
 * Inputs are plain values (a job's cluster and variables are outputs of other resources).
 */
function floorProgram(count) {
    const outputs = [
        "jobId",
        "state",
        "generation",
        "lastSavepoint",
        "lastSavepointAt",
        "lastCheckpoint",
        "lastCheckpointAt",
        "finishedBySelf",
        "restoredFrom",
        "webUiUrl",
        "deployedAt",
    ];
    return `
const pulumi = require("@pulumi/pulumi");
const noop = {
    async check(_olds, news) { return { inputs: news }; },
    async diff() { return { changes: false }; },
    async create(inputs) { return { id: "noop", outs: inputs }; },
    async read(id, props) { return { id, props }; },
    async delete() {},
};
const outputs = Object.fromEntries(${JSON.stringify(outputs)}.map((k) => [k, undefined]));
const sql = ${JSON.stringify(jobSql(0))};
const cluster = { restUrl: "http://localhost:44000", flinkVersion: "2.3.0", webUiUrl: "http://localhost:44000", connection: {}, gatewayLocal: true, librariesHash: "0".repeat(64), handoff: "" };
const variables = pulumi.secret({ values: { REV_0: "1" }, secrets: {} });
for (let i = 0; i < ${count}; i++) {
    const name = "job-" + String(i).padStart(4, "0");
    const props = { ...outputs, upgrade: { savepointTimeoutSeconds: 600 }, health: { runningTimeoutSeconds: 600, stableSeconds: 0 }, onDelete: "cancel", parallelism: 1, sql, configuration: undefined, name, variables, cluster };
    new pulumi.dynamic.Resource(noop, "r" + i, props, {});
}
`;
}

/**
 * A project folder. With `profileDir`, every run of the program writes a V8 CPU profile there
 * (`nodeargs`: Node refuses --cpu-prof in NODE_OPTIONS); read it with bench/profile-summary.js.
 */
function writeProject(dir, name, program, stack, config, profileDir) {
    fs.mkdirSync(dir, { recursive: true });
    const runtime = profileDir
        ? `runtime:\n  name: nodejs\n  options:\n    nodeargs: "--cpu-prof --cpu-prof-dir=${path.join(profileDir, name)}"\n`
        : "runtime: nodejs\n";
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\n${runtime}main: index.js\n`);
    fs.writeFileSync(path.join(dir, "index.js"), program);
    if (config) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify({ config }));
}

module.exports = { NS, GROUP, scaleProgram, scaleConfig, floorProgram, writeProject, jobKey };
