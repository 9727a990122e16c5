/**
 * Validation of AlertRoute inputs (pure). Written by hand rather than with zod so a failure about
 * a receiver never quotes a URL, token or password: those are shown as "***".
 */
import { parse } from "yaml";
import { InputFailure } from "../errors";
import { Checker, isDuration, isObj, isUrl, LABEL_VALUE, Obj, TARGET } from "./checker";
import { checkReceivers } from "./check-receivers";
import { containsUnknown, UNKNOWN } from "../unknown";
import {
    AlertSpec,
    ClusterSpec,
    Condition,
    ConditionName,
    Conditions,
    CONDITIONS,
    DEFAULT_CLUSTER_DOWN,
    DEFAULT_CONDITIONS,
    DEFAULT_TIMING,
    JobSpec,
    MATCH_LABELS,
    RouteSpec,
    SEVERITIES,
    Severity,
    TimingSpec,
} from "./spec";

const THRESHOLD_MAX: Partial<Record<ConditionName, number>> = { backpressure: 1000 };

export const TOP_KEYS = [
    "environment",
    "clusters",
    "jobs",
    "conditions",
    "clusterDown",
    "receivers",
    "defaultReceiver",
    "routes",
    "timing",
    "customRules",
    "rulesFile",
    "alertmanagerConfigFile",
    "targetsFile",
    "prometheusUrl",
    "alertmanagerUrl",
    "promtool",
    "amtool",
] as const;

/** Checked inputs: the spec the renderers take, and where the result goes. */
export interface AlertRouteArgs {
    spec: AlertSpec;
    customGroups: unknown[];
    rulesFile: string;
    alertmanagerConfigFile: string;
    targetsFile?: string;
    prometheusUrl?: string;
    alertmanagerUrl?: string;
    promtool: string;
    amtool: string;
}

function checkCondition(c: Checker, name: ConditionName, raw: unknown, base: Condition, where: string): Condition {
    if (raw === false) return { ...base, enabled: false };
    if (raw === true || raw === undefined) return { ...base, enabled: raw === true ? true : base.enabled };
    if (!isObj(raw)) {
        c.fail(where, raw, "must be true, false or an object", `pass e.g. { for: "5m", severity: "warning" }`);
        return base;
    }
    c.unknownKeys(raw, ["enabled", "for", "window", "threshold", "severity"], where);
    const out: Condition = { ...base, enabled: raw.enabled === undefined ? true : raw.enabled === true };
    if (raw.enabled !== undefined && typeof raw.enabled !== "boolean") c.fail(`${where}.enabled`, raw.enabled, "must be a boolean", "pass true or false");
    for (const key of ["for", "window"] as const) {
        if (raw[key] === undefined) continue;
        if (!isDuration(raw[key])) c.fail(`${where}.${key}`, raw[key], "is not a Prometheus duration", 'use e.g. "30s", "5m", "1h30m"');
        else if (key === "window" && /^(0[a-z]+)+$/.test(raw[key] as string)) c.fail(`${where}.window`, raw[key], "must be longer than 0", 'use e.g. "10m"');
        else out[key] = raw[key] as string;
    }
    if (raw.threshold !== undefined) {
        const t = raw.threshold;
        const max = THRESHOLD_MAX[name];
        if (typeof t !== "number" || !Number.isFinite(t) || t < 0 || (max !== undefined && t > max)) {
            c.fail(
                `${where}.threshold`,
                t,
                `must be a number from 0${max !== undefined ? ` to ${max}` : ""}`,
                name === "backpressure" ? "give milliseconds per second backpressured, e.g. 800" : "give a non-negative number",
            );
        } else if (["restartLoop", "checkpointsFailing", "kafkaLag"].includes(name) && !Number.isInteger(t)) {
            c.fail(`${where}.threshold`, t, "must be a whole number (it counts restarts, failures or records)", `use ${Math.floor(t)}`);
        } else out.threshold = t;
    }
    if (raw.severity !== undefined) {
        if (!(SEVERITIES as readonly unknown[]).includes(raw.severity))
            c.fail(`${where}.severity`, raw.severity, "is not a severity", `use one of ${SEVERITIES.join(", ")}`);
        else out.severity = raw.severity as Severity;
    }
    return out;
}

function checkConditions(c: Checker, raw: unknown, base: Conditions, where: string): Conditions {
    if (raw === undefined) return base;
    if (!isObj(raw)) {
        c.fail(where, raw, "must be a map of condition names to settings", `use keys ${CONDITIONS.join(", ")}`);
        return base;
    }
    const out = { ...base };
    for (const [key, value] of Object.entries(raw)) {
        if (!(CONDITIONS as readonly string[]).includes(key)) {
            c.fail(`${where}.${key}`, key, "is not a condition", `use one of ${CONDITIONS.join(", ")}`);
            continue;
        }
        out[key as ConditionName] = checkCondition(c, key as ConditionName, value, base[key as ConditionName], `${where}.${key}`);
    }
    return out;
}

function checkTiming(c: Checker, raw: unknown): TimingSpec {
    if (raw === undefined) return DEFAULT_TIMING;
    if (!isObj(raw)) {
        c.fail("timing", raw, "must be an object", 'pass e.g. { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" }');
        return DEFAULT_TIMING;
    }
    c.unknownKeys(raw, ["groupWait", "groupInterval", "repeatInterval"], "timing");
    const out = { ...DEFAULT_TIMING };
    for (const key of ["groupWait", "groupInterval", "repeatInterval"] as const) {
        if (raw[key] === undefined) continue;
        if (!isDuration(raw[key]) || (key !== "groupWait" && /^(0[a-z]+)+$/.test(raw[key] as string)))
            c.fail(`timing.${key}`, raw[key], "is not a positive Prometheus duration", 'use e.g. "30s", "5m", "4h"');
        else out[key] = raw[key] as string;
    }
    return out;
}

function checkClusters(c: Checker, raw: unknown, kubernetes = false): ClusterSpec[] {
    if (!Array.isArray(raw) || raw.length === 0) {
        c.fail(
            "clusters",
            raw,
            "must be a non-empty list",
            'declare the clusters whose metrics Prometheus scrapes, e.g. [{ name: "main", jobManagerTarget: "localhost:9249" }]',
        );
        return [];
    }
    const out: ClusterSpec[] = [];
    raw.forEach((r, i) => {
        const where = `clusters[${i}]`;
        if (!isObj(r)) return c.fail(where, r, "must be an object", "pass { name, jobManagerTarget, taskManagerTargets? }");
        c.unknownKeys(r, kubernetes ? ["name", "team"] : ["name", "jobManagerTarget", "taskManagerTargets", "team"], where);
        const name = c.str(r, "name", where, {
            required: true,
            pattern: LABEL_VALUE,
            fix: "use letters, digits, _, ., : and - (it becomes the cluster label)",
        });
        if (name && out.some((o) => o.name === name)) c.fail(`${where}.name`, name, "is declared twice", "give every cluster its own name");
        const jm = kubernetes
            ? ""
            : c.str(r, "jobManagerTarget", where, { required: true, pattern: TARGET, fix: 'give the JobManager reporter as host:port, e.g. "localhost:9249"' });
        const tms = r.taskManagerTargets === undefined ? [] : r.taskManagerTargets;
        if (!Array.isArray(tms)) c.fail(`${where}.taskManagerTargets`, tms, "must be a list of host:port", 'pass e.g. ["localhost:9250"]');
        else
            tms.forEach((t, j) =>
                typeof t === "string" && TARGET.test(t)
                    ? undefined
                    : t === UNKNOWN
                      ? undefined
                      : c.fail(`${where}.taskManagerTargets[${j}]`, t, "is not host:port", 'use e.g. "localhost:9250"'),
            );
        const team = c.str(r, "team", where, { pattern: LABEL_VALUE, fix: "use letters, digits, _, ., : and -" });
        if (name && jm !== undefined)
            out.push({ name, jobManagerTarget: jm, taskManagerTargets: Array.isArray(tms) ? (tms as string[]) : [], ...(team ? { team } : {}) });
    });
    return out;
}

function checkJobs(c: Checker, raw: unknown, clusters: ClusterSpec[], defaults: Conditions): JobSpec[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) {
        c.fail("jobs", raw, "must be a list", 'pass e.g. [{ name: "orders-sync", cluster: "main" }]');
        return [];
    }
    const out: JobSpec[] = [];
    raw.forEach((r, i) => {
        const where = `jobs[${i}]`;
        if (!isObj(r)) return c.fail(where, r, "must be an object", "pass { name, cluster, team?, conditions? }");
        c.unknownKeys(r, ["name", "cluster", "team", "conditions"], where);
        const name = c.str(r, "name", where, { required: true, fix: "set name to the job's name as declared on its FlinkJob" });
        const cluster = c.str(r, "cluster", where, { required: true, fix: "set cluster to the name of one of clusters[]" });
        if (cluster && clusters.length && !clusters.some((k) => k.name === cluster))
            c.fail(`${where}.cluster`, cluster, "is not one of the declared clusters", `use one of ${clusters.map((k) => k.name).join(", ")}`);
        if (name && cluster && out.some((o) => o.cluster === cluster && sanitize(o.name) === sanitize(name))) {
            c.fail(
                `${where}.name`,
                name,
                "is declared twice on this cluster (Flink's metrics name both the same)",
                "declare each job once; names differing only in characters outside [A-Za-z0-9:_] collide",
            );
        }
        const team = c.str(r, "team", where, { pattern: LABEL_VALUE, fix: "use letters, digits, _, ., : and -" });
        const conditions = checkConditions(c, r.conditions, defaults, `${where}.conditions`);
        if (name && cluster) out.push({ name, cluster, conditions, ...(team ? { team } : {}) });
    });
    return out;
}

function checkRoutes(c: Checker, raw: unknown, receivers: string[]): RouteSpec[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) {
        c.fail("routes", raw, "must be a list", 'pass e.g. [{ match: { team: "a" }, receiver: "team-a" }]');
        return [];
    }
    const out: RouteSpec[] = [];
    raw.forEach((r, i) => {
        const where = `routes[${i}]`;
        if (!isObj(r)) return c.fail(where, r, "must be an object", "pass { match, receiver, continue? }");
        c.unknownKeys(r, ["match", "receiver", "continue"], where);
        const receiver = c.str(r, "receiver", where, { required: true, fix: "name one of receivers[]" });
        if (receiver && receivers.length && !receivers.includes(receiver))
            c.fail(`${where}.receiver`, receiver, "is not one of the receivers", `use one of ${receivers.join(", ")}`);
        const match: RouteSpec["match"] = {};
        if (!isObj(r.match) || Object.keys(r.match).length === 0)
            c.fail(`${where}.match`, r.match, "must be a non-empty map of labels to values", `match on ${MATCH_LABELS.join(", ")}`);
        else {
            for (const [k, v] of Object.entries(r.match)) {
                if (!(MATCH_LABELS as readonly string[]).includes(k))
                    c.fail(`${where}.match.${k}`, k, "is not a label alerts carry", `match on ${MATCH_LABELS.join(", ")}`);
                else if (typeof v !== "string" || v === "") c.fail(`${where}.match.${k}`, v, "must be a non-empty string", "give the label value to match");
                else match[k as keyof RouteSpec["match"]] = v;
            }
        }
        if (r.continue !== undefined && typeof r.continue !== "boolean") c.fail(`${where}.continue`, r.continue, "must be a boolean", "pass true or false");
        if (receiver) out.push({ receiver, match, continue: r.continue === true });
    });
    return out;
}

function checkCustomRules(c: Checker, raw: unknown): unknown[] {
    if (raw === undefined || raw === "") return [];
    if (typeof raw !== "string")
        return (c.fail("customRules", raw, "must be a string of rule-file YAML", "pass the text of a Prometheus rule file (groups: [...])"), []);
    let doc: unknown;
    try {
        doc = parse(raw);
    } catch (err) {
        return (c.fail("customRules", raw, `is not YAML (${(err as Error).message.split("\n")[0]})`, "fix the YAML"), []);
    }
    if (!isObj(doc) || !Array.isArray(doc.groups))
        return (c.fail("customRules", raw, "has no groups list", "write it like a Prometheus rule file: groups: [{ name, rules: [...] }]"), []);
    return doc.groups as unknown[];
}

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9:_]/g, "_");
const ABSOLUTE = /^\//;

/**
 * Validate AlertRoute inputs (pure). `args` comes back only when everything is known and valid;
 * unknown values (preview of new dependencies) are skipped and checked again at update.
 */
/** The spec part of the inputs, shared by the file target and the Kubernetes renderers. */
export function checkSpec(c: Checker, news: Obj, kubernetes = false): { spec?: AlertSpec; customGroups: unknown[] } {
    const environment = c.str(news, "environment", "", {
        required: true,
        pattern: LABEL_VALUE,
        fix: 'name the environment, e.g. "prod" (it becomes the environment label)',
    });
    const clusters = checkClusters(c, news.clusters, kubernetes);
    const defaults = checkConditions(c, news.conditions, DEFAULT_CONDITIONS, "conditions");
    const jobs = checkJobs(c, news.jobs, clusters, defaults);
    let clusterDown = DEFAULT_CLUSTER_DOWN;
    if (news.clusterDown !== undefined) {
        const cd = checkCondition(c, "jobNotRunning", news.clusterDown, { ...DEFAULT_CONDITIONS.jobNotRunning, ...DEFAULT_CLUSTER_DOWN }, "clusterDown");
        clusterDown = { enabled: cd.enabled, for: cd.for, severity: cd.severity };
    }
    const receivers = checkReceivers(c, news.receivers);
    const names = receivers.map((r) => r.name);
    const defaultReceiver = c.str(news, "defaultReceiver", "", { required: true, fix: "name the receiver for alerts no route matches" });
    if (defaultReceiver && names.length && !names.includes(defaultReceiver))
        c.fail("defaultReceiver", defaultReceiver, "is not one of the receivers", `use one of ${names.join(", ")}`);
    const routes = checkRoutes(c, news.routes, names);
    const timing = checkTiming(c, news.timing);
    const customGroups = checkCustomRules(c, news.customRules);
    if (c.failures.length || containsUnknown(news) || !environment || !defaultReceiver) return { customGroups };
    const spec: AlertSpec = {
        environment,
        clusters,
        jobs,
        clusterDown,
        receivers,
        defaultReceiver,
        routes,
        timing,
        ...(typeof news.customRules === "string" && news.customRules ? { customRules: news.customRules } : {}),
    };
    return { spec, customGroups };
}

/**
 * Validate AlertRoute inputs (pure). `args` comes back only when everything is known and valid;
 * unknown values (preview of new dependencies) are skipped and checked again at update.
 */
export function checkAlertRouteArgs(news: Obj): { args?: AlertRouteArgs; failures: InputFailure[] } {
    const c = new Checker();
    c.unknownKeys(news, TOP_KEYS, "");
    const { spec, customGroups } = checkSpec(c, news);
    const rulesFile = c.str(news, "rulesFile", "", { required: true, pattern: ABSOLUTE, fix: "give an absolute path of a file Prometheus loads (rule_files)" });
    const amFile = c.str(news, "alertmanagerConfigFile", "", {
        required: true,
        pattern: ABSOLUTE,
        fix: "give the absolute path of the file Alertmanager reads (--config.file)",
    });
    const targetsFile = c.str(news, "targetsFile", "", { pattern: ABSOLUTE, fix: "give an absolute path of a file_sd_configs file (.json)" });
    for (const key of ["prometheusUrl", "alertmanagerUrl"] as const) {
        if (news[key] !== undefined && news[key] !== UNKNOWN && !isUrl(news[key]))
            c.fail(
                key,
                news[key],
                "is not an http(s) URL",
                `give the base URL, e.g. "http://localhost:${key === "prometheusUrl" ? 9090 : 9093}", or omit it to skip the reload`,
            );
    }
    const promtool = c.str(news, "promtool", "") ?? "promtool";
    const amtool = c.str(news, "amtool", "") ?? "amtool";
    if (c.failures.length || !spec || !rulesFile || !amFile) return { failures: c.failures };
    const args: AlertRouteArgs = { spec, customGroups, rulesFile, alertmanagerConfigFile: amFile, promtool, amtool };
    if (targetsFile) args.targetsFile = targetsFile;
    if (typeof news.prometheusUrl === "string") args.prometheusUrl = news.prometheusUrl;
    if (typeof news.alertmanagerUrl === "string") args.alertmanagerUrl = news.alertmanagerUrl;
    return { args, failures: [] };
}
