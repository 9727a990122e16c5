/**
 * The AlertRoute dynamic provider (non-Kubernetes targets): renders the Prometheus rule file,
 * the file_sd targets and the Alertmanager configuration, validates them with promtool and amtool
 * (already at preview, in `check`), replaces the old files atomically and reloads both servers.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import { changedKeys, plain } from "../core/diff";
import { InputError } from "../core/errors";
import { sha256 } from "../core/hash";
import { progressFor } from "../core/log";
import { redactError, redactSecrets } from "../core/redact";
import { renderAlertmanagerConfig } from "../core/alerts/alertmanager";
import { AlertRouteArgs, checkAlertRouteArgs, TOP_KEYS } from "../core/alerts/check";
import { amtoolCheckConfig, promtoolCheckRules, reload, RenderedFile, replaceFiles, validateInScratch } from "./files";
import { renderRuleFile, renderTargets } from "../core/alerts/rules";
import { ReceiverSpec } from "../core/alerts/spec";
import { type RawInputs, type TypedProvider, unreadable } from "../core/providers";

export { checkAlertRouteArgs } from "../core/alerts/check";
export type { AlertRouteArgs } from "../core/alerts/check";
export { renderRuleFile, renderRuleGroups, renderTargets, RULE_METRICS, ALERT_NAMES } from "../core/alerts/rules";
export { renderAlertmanagerConfig, alertmanagerConfig } from "../core/alerts/alertmanager";
export { prometheusReporterConfig, findReporterJar, sanitizeLabelValue } from "../core/alerts/metrics";

/** Bumped when the shape of stored outputs changes. */
export const ALERTS_STATE_VERSION = 1;

/** Every secret a receiver carries, for redaction. */
export function receiverSecrets(receivers: readonly ReceiverSpec[]): string[] {
    return receivers.flatMap((r) => {
        switch (r.type) {
            case "webhook":
                return [r.url];
            case "dingtalk":
            case "lark":
                return [r.adapterUrl];
            case "slack":
                return [r.apiUrl];
            case "email":
                return r.authPassword ? [r.authPassword] : [];
            case "wecom":
                return [r.apiSecret, ...(r.apiUrl ? [r.apiUrl] : [])];
        }
    });
}

/** The files of an AlertRoute, each with its validator. The Alertmanager config holds secrets: mode 0600. */
export function renderedFiles(args: AlertRouteArgs): RenderedFile[] {
    const files: RenderedFile[] = [
        { path: args.rulesFile, text: renderRuleFile(args.spec, args.customGroups), mode: 0o644, validate: (f) => promtoolCheckRules(args.promtool, f) },
        { path: args.alertmanagerConfigFile, text: renderAlertmanagerConfig(args.spec), mode: 0o600, validate: (f) => amtoolCheckConfig(args.amtool, f) },
    ];
    if (args.targetsFile) files.push({ path: args.targetsFile, text: `${JSON.stringify(renderTargets(args.spec), null, 2)}\n`, mode: 0o644 });
    return files;
}

function parseArgs(inputs: Record<string, unknown>): AlertRouteArgs {
    const { args, failures } = checkAlertRouteArgs(inputs);
    if (!args) throw new InputError(failures);
    return args;
}

/** `AlertRoute <environment>`, as create and update name it, from stored outputs. */
function alertLabel(props: Record<string, unknown>): string {
    const spec = props.spec as { environment?: unknown } | undefined;
    return `AlertRoute ${typeof spec?.environment === "string" ? spec.environment : "(environment not recorded)"}`;
}

/** Write, validate, rename, reload; errors never carry a receiver secret. */
async function deploy(name: string, args: AlertRouteArgs): Promise<Record<string, unknown>> {
    const secrets = receiverSecrets(args.spec.receivers);
    const progress = progressFor(`AlertRoute ${name}`);
    const files = renderedFiles(args);
    try {
        await replaceFiles(files, progress);
        if (args.prometheusUrl) await reload("Prometheus", args.prometheusUrl, progress);
        if (args.alertmanagerUrl) await reload("Alertmanager", args.alertmanagerUrl, progress);
    } catch (err) {
        throw redactError(err, secrets, "whole"); // URLs and passwords, never quoted in part
    }
    return {
        rulesSha256: sha256(files[0].text),
        alertmanagerConfigSha256: sha256(files[1].text),
        ruleCount: files[0].text.split("\n").filter((l) => /^\s+- alert: /.test(l)).length,
        filesIntact: true,
        stateVersion: ALERTS_STATE_VERSION,
    };
}

const echo = (inputs: Record<string, unknown>) => Object.fromEntries(TOP_KEYS.filter((k) => inputs[k] !== undefined).map((k) => [k, inputs[k]]));

/** The AlertRoute dynamic provider. */
// State: the inputs echoed back plus the written files and their digests; not given a type of its own yet.
export const alertsProvider: TypedProvider<RawInputs> = {
    async check(_olds, news) {
        const { args, failures } = checkAlertRouteArgs(news);
        if (args) {
            // The real tools, at preview: a bad custom rule fails here with promtool's message.
            const problems = await validateInScratch(renderedFiles(args).filter((f) => f.validate));
            const secrets = receiverSecrets(args.spec.receivers);
            for (const p of problems)
                failures.push({ property: p.startsWith(args.rulesFile) ? "customRules" : "receivers", reason: redactSecrets(p, secrets, "whole") });
        }
        return { inputs: news, failures };
    },

    async diff(_id, olds: Record<string, unknown>, news: Record<string, unknown>) {
        // A refresh found the files edited or removed by hand: rewrite them.
        const changed = [...changedKeys(olds, news, TOP_KEYS), ...(olds.filesIntact === false ? ["filesIntact"] : [])];
        const moved = ["rulesFile", "alertmanagerConfigFile", "targetsFile"].filter((k) => changed.includes(k));
        return { changes: changed.length > 0, replaces: moved, deleteBeforeReplace: false };
    },

    async create(inputs) {
        const args = parseArgs(inputs);
        const outs = await deploy(args.spec.environment, args);
        return { id: `flink-alerts-${randomBytes(8).toString("hex")}`, outs: plain({ ...echo(inputs), ...outs }) };
    },

    async update(_id, _olds, news) {
        const args = parseArgs(news);
        return { outs: plain({ ...echo(news), ...(await deploy(args.spec.environment, args)) }) };
    },

    /** Refresh: are the files still what we wrote? (An edited or deleted rule file silences alerts.) */
    async read(id, props?: Record<string, unknown>) {
        if (!props) return { id, props: unreadable(props) };
        const intact = (file: unknown, hash: unknown) =>
            typeof file === "string" && typeof hash === "string" && fs.existsSync(file) && sha256(fs.readFileSync(file)) === hash;
        const filesIntact = intact(props.rulesFile, props.rulesSha256) && intact(props.alertmanagerConfigFile, props.alertmanagerConfigSha256);
        if (!filesIntact)
            progressFor(alertLabel(props))(
                `${String(props.rulesFile)} or ${String(props.alertmanagerConfigFile)} was changed or removed outside Pulumi; the next update rewrites them`,
            );
        return { id, props: { ...props, filesIntact } };
    },

    /** Remove the rule and target files (Prometheus drops the alerts on reload); the Alertmanager config stays, it may serve others. */
    async delete(_id, props: Record<string, unknown>) {
        const progress = progressFor(alertLabel(props));
        for (const key of ["rulesFile", "targetsFile"]) {
            const file = props[key];
            if (typeof file === "string") fs.rmSync(file, { force: true });
        }
        if (typeof props.prometheusUrl === "string")
            await reload("Prometheus", props.prometheusUrl, progress).catch((err) => progress(`warning: ${String(err)}`));
    },
};
