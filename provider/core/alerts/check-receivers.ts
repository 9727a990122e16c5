/** Validation of AlertRoute receivers. URLs, tokens and passwords are never quoted ("***"). */
import { Checker, EMAIL, isObj, isUrl, MASK, RECEIVER_NAME } from "./checker";
import { UNKNOWN } from "../unknown";
import { RECEIVER_TYPES, ReceiverSpec, ReceiverType } from "./spec";

const KEYS: Record<ReceiverType, string[]> = {
    webhook: ["url", "maxAlerts"],
    email: ["to", "from", "smarthost", "authUsername", "authPassword", "requireTls"],
    slack: ["apiUrl", "channel"],
    wecom: ["corpId", "apiSecret", "agentId", "toUser", "toParty", "apiUrl"],
    dingtalk: ["adapterUrl"],
    lark: ["adapterUrl"],
};
const ADAPTER_FIX: Record<"dingtalk" | "lark", string> = {
    dingtalk:
        "run a DingTalk adapter that takes Alertmanager's webhook payload (e.g. timonwong/prometheus-webhook-dingtalk) " +
        "and set adapterUrl to its /dingtalk/<name>/send URL",
    lark: "run a Lark/Feishu adapter that takes Alertmanager's webhook payload and set adapterUrl to its URL",
};

/** A secret URL: required, http(s); failures show *** only. */
function secretUrl(c: Checker, r: Record<string, unknown>, key: string, where: string, fix: string): string | undefined {
    const v = r[key];
    if (v === UNKNOWN) return undefined;
    if (v === undefined || v === "") return void c.fail(`${where}.${key}`, MASK, "is required", fix);
    if (!isUrl(v)) return void c.fail(`${where}.${key}`, MASK, "is not an http(s) URL", fix);
    return v;
}

function checkOne(c: Checker, raw: unknown, where: string): ReceiverSpec | undefined {
    if (!isObj(raw)) return void c.fail(where, MASK, "must be an object", 'pass e.g. { name: "ops", type: "webhook", url: "https://..." }');
    const name = c.str(raw, "name", where, { required: true, pattern: RECEIVER_NAME, fix: "name it with letters, digits, _, . and - (e.g. team-a)" });
    const type = raw.type;
    if (!(RECEIVER_TYPES as readonly unknown[]).includes(type)) {
        return void c.fail(`${where}.type`, type, "is not a receiver type", `use one of ${RECEIVER_TYPES.join(", ")}`);
    }
    const t = type as ReceiverType;
    c.unknownKeys(raw, ["name", "type", "sendResolved", ...KEYS[t]], where);
    if (raw.sendResolved !== undefined && typeof raw.sendResolved !== "boolean")
        c.fail(`${where}.sendResolved`, raw.sendResolved, "must be a boolean", "pass true or false");
    const sendResolved = raw.sendResolved !== false;
    const before = c.failures.length;
    let spec: ReceiverSpec | undefined;
    switch (t) {
        case "webhook": {
            const url = secretUrl(c, raw, "url", where, "set url to the receiver's http(s) endpoint (a secret if it carries a token)");
            const maxAlerts = raw.maxAlerts;
            if (maxAlerts !== undefined && (typeof maxAlerts !== "number" || !Number.isInteger(maxAlerts) || maxAlerts < 0))
                c.fail(`${where}.maxAlerts`, maxAlerts, "must be a whole number from 0", "use 0 (no limit) or e.g. 20");
            if (url) spec = { name: name!, type: t, url, sendResolved, ...(typeof maxAlerts === "number" ? { maxAlerts } : {}) };
            break;
        }
        case "dingtalk":
        case "lark": {
            const url = secretUrl(c, raw, "adapterUrl", where, ADAPTER_FIX[t]);
            if (url) spec = { name: name!, type: t, adapterUrl: url, sendResolved };
            break;
        }
        case "email": {
            const to = c.str(raw, "to", where, { required: true, pattern: EMAIL, fix: 'set to to an address such as "oncall@example.com"' });
            const from = c.str(raw, "from", where, { required: true, pattern: EMAIL, fix: 'set from to the sender address, e.g. "alerts@example.com"' });
            const smarthost = c.str(raw, "smarthost", where, {
                required: true,
                pattern: /^[A-Za-z0-9.-]+:\d{1,5}$/,
                fix: 'set smarthost to the SMTP server as host:port, e.g. "smtp.example.com:587"',
            });
            const authUsername = c.str(raw, "authUsername", where);
            const authPassword = c.str(raw, "authPassword", where, { secret: true, fix: "pass the SMTP password as a string (pulumi.secret)" });
            if (authPassword && !authUsername) c.fail(`${where}.authUsername`, undefined, "is required when authPassword is set", "set authUsername");
            if (raw.requireTls !== undefined && typeof raw.requireTls !== "boolean")
                c.fail(`${where}.requireTls`, raw.requireTls, "must be a boolean", "pass true or false");
            if (to && from && smarthost)
                spec = {
                    name: name!,
                    type: t,
                    to,
                    from,
                    smarthost,
                    requireTls: raw.requireTls !== false,
                    sendResolved,
                    ...(authUsername ? { authUsername } : {}),
                    ...(authPassword ? { authPassword } : {}),
                };
            break;
        }
        case "slack": {
            const apiUrl = secretUrl(c, raw, "apiUrl", where, "set apiUrl to the Slack incoming-webhook URL (a secret)");
            const channel = c.str(raw, "channel", where, { required: true, pattern: /^[#@]?[\w.-]+$/, fix: 'set channel, e.g. "#flink-alerts"' });
            if (apiUrl && channel) spec = { name: name!, type: t, apiUrl, channel, sendResolved };
            break;
        }
        case "wecom": {
            const corpId = c.str(raw, "corpId", where, { required: true, fix: "set corpId to the WeCom corporation id" });
            const apiSecret = c.str(raw, "apiSecret", where, {
                required: true,
                secret: true,
                fix: "set apiSecret to the WeCom application secret (pulumi.secret)",
            });
            const agentId = c.str(raw, "agentId", where, {
                required: true,
                pattern: /^\d+$/,
                fix: "set agentId to the WeCom application's numeric AgentId, as a string",
            });
            const toUser = c.str(raw, "toUser", where);
            const toParty = c.str(raw, "toParty", where);
            const apiUrl = raw.apiUrl === undefined ? undefined : secretUrl(c, raw, "apiUrl", where, "omit apiUrl (WeCom's public API) or give an http(s) URL");
            if (corpId && apiSecret && agentId)
                spec = {
                    name: name!,
                    type: t,
                    corpId,
                    apiSecret,
                    agentId,
                    sendResolved,
                    ...(toUser ? { toUser } : {}),
                    ...(toParty ? { toParty } : {}),
                    ...(apiUrl ? { apiUrl } : {}),
                };
            break;
        }
    }
    return c.failures.length === before && name ? spec : undefined;
}

/** Check the receiver list; names must be unique. */
export function checkReceivers(c: Checker, raw: unknown): ReceiverSpec[] {
    if (raw === UNKNOWN) return [];
    if (!Array.isArray(raw) || raw.length === 0) {
        c.fail(
            "receivers",
            raw === undefined ? undefined : MASK,
            "must be a non-empty list",
            'add at least one receiver, e.g. { name: "ops", type: "webhook", url: "https://..." }',
        );
        return [];
    }
    const out: ReceiverSpec[] = [];
    const seen = new Set<string>();
    raw.forEach((r, i) => {
        const name = isObj(r) && typeof r.name === "string" ? r.name : undefined;
        if (name !== undefined && seen.has(name)) c.fail(`receivers[${i}].name`, name, "is used by another receiver", "give every receiver its own name");
        if (name !== undefined) seen.add(name);
        const spec = checkOne(c, r, `receivers[${i}]`);
        if (spec) out.push(spec);
    });
    return out;
}
