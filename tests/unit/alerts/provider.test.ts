/**
 * The AlertRoute provider's file handling with stand-in tools (shell scripts in place of promtool
 * and amtool) and a local HTTP server in place of Prometheus/Alertmanager's reload endpoints.
 * The real tools are exercised in tests/integration/alerts-rules.test.ts and tests/e2e/alerts.test.ts.
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { alertsProvider as typedAlertsProvider } from "../../../provider/alerts";
import { SAMPLE_SECRETS, sampleInputs } from "../../support/alerts";
import { asEngine } from "../../support/engine-view";

const alertsProvider = asEngine(typedAlertsProvider);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-alerts-provider-"));
const script = (name: string, body: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
};
const ok = script("ok-tool", "exit 0");
// A tool that rejects the file and echoes its content (as real tools quote bad lines): secrets must be redacted.
const rejecting = script("rejecting-tool", 'echo "FAILED: $3 $2"; cat "$2" | grep -o "https://[^ ]*" | head -1; exit 1');

let reloads: string[] = [];
let reloadStatus = 200;
let server: http.Server;
let base = "";
beforeAll(async () => {
    server = http.createServer((req, res) => {
        reloads.push(`${req.method} ${req.url}`);
        res.writeHead(reloadStatus).end(reloadStatus === 200 ? "" : "Lifecycle API is not enabled.");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
    reloads = [];
    reloadStatus = 200;
});

const inputs = (sub: string, more: Record<string, unknown> = {}) =>
    sampleInputs(path.join(dir, sub), { promtool: ok, amtool: ok, prometheusUrl: base, alertmanagerUrl: `${base}/am`, ...more });
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

describe("AlertRoute provider (stand-in tools and reload endpoints)", () => {
    test("create writes the three files with their modes and reloads Prometheus and Alertmanager", async () => {
        const i = inputs("create");
        const { outs } = await alertsProvider.create(i);
        expect([mode(i.rulesFile as string), mode(i.alertmanagerConfigFile as string), mode(i.targetsFile as string)]).toEqual(["644", "600", "644"]);
        expect(reloads).toEqual(["POST /-/reload", "POST /am/-/reload"]);
        expect(outs.ruleCount).toBe(9); // cluster + 4 default conditions x 2 jobs
        const { receivers, ...rest } = outs;
        expect(receivers).toEqual(i.receivers); // stored under the secret input's key: encrypted by the engine
        for (const s of SAMPLE_SECRETS) expect(JSON.stringify(rest)).not.toContain(s);
    });

    test("a rejected file fails the update with the tool's message, secrets redacted, old files and servers untouched", async () => {
        const good = inputs("reject");
        await alertsProvider.create(good);
        const before = fs.readFileSync(good.alertmanagerConfigFile as string, "utf8");
        reloads = [];
        const bad = { ...good, amtool: rejecting, timing: { groupWait: "5s" } };
        const err = await alertsProvider.update!("id", good, bad).catch((e: Error) => e);
        expect(String(err)).toMatch(/amtool check-config rejected it:\nFAILED: .*alertmanager\.yml/);
        expect(String(err)).toMatch(/\.tmp\n\*\*\*\n/); // the echoed webhook URL (a secret as a whole)
        for (const s of SAMPLE_SECRETS) expect(String(err)).not.toContain(s);
        expect(String(err)).toContain("left behind: the previous files, unchanged");
        expect(fs.readFileSync(good.alertmanagerConfigFile as string, "utf8")).toBe(before);
        expect(reloads).toEqual([]);
        expect(fs.readdirSync(path.dirname(good.alertmanagerConfigFile as string)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    });

    test("check runs the tools at preview and reports their message under the property", async () => {
        const result = await alertsProvider.check!({}, inputs("check", { promtool: rejecting }));
        expect(result.failures?.map((f) => f.property)).toEqual(["customRules"]);
        expect(result.failures?.[0].reason).toMatch(/promtool check rules rejected it/);
    });

    test("a reload refused by Prometheus fails the update and says the lifecycle API is needed", async () => {
        reloadStatus = 403;
        const err = await alertsProvider.create(inputs("reload")).catch((e: Error) => e);
        expect(String(err)).toMatch(/reloading Prometheus at .*\/-\/reload failed with HTTP 403 \(Prometheus needs --web.enable-lifecycle\)/);
        expect(String(err)).toContain("the new files are in place but Prometheus still runs the previous ones");
    });

    test("without URLs nothing is reloaded", async () => {
        await alertsProvider.create(inputs("noreload", { prometheusUrl: undefined, alertmanagerUrl: undefined }));
        expect(reloads).toEqual([]);
    });

    test("diff: a changed threshold is an update, a moved file a replacement, nothing changed no change", async () => {
        const i = inputs("diff");
        expect((await alertsProvider.diff!("id", i, { ...i })).changes).toBe(false);
        expect(await alertsProvider.diff!("id", i, { ...i, conditions: { restartLoop: { threshold: 9 } } })).toMatchObject({ changes: true, replaces: [] });
        expect(await alertsProvider.diff!("id", i, { ...i, rulesFile: "/elsewhere/rules.yml" })).toMatchObject({ changes: true, replaces: ["rulesFile"] });
    });

    test("delete removes the rule and target files and reloads Prometheus", async () => {
        const i = inputs("delete");
        const { outs } = await alertsProvider.create(i);
        reloads = [];
        await alertsProvider.delete!("id", outs);
        expect(fs.existsSync(i.rulesFile as string)).toBe(false);
        expect(fs.existsSync(i.targetsFile as string)).toBe(false);
        expect(reloads).toEqual(["POST /-/reload"]);
    });
});

describe("AlertRoute refresh", () => {
    test("a rule file removed or edited by hand is found by read and rewritten by the next update", async () => {
        const i = inputs("drift");
        const { outs } = await alertsProvider.create(i);
        expect((await alertsProvider.read!("id", outs)).props).toMatchObject({ filesIntact: true });
        expect((await alertsProvider.diff!("id", outs, i)).changes).toBe(false);
        fs.appendFileSync(i.rulesFile as string, "# edited\n");
        const refreshed = (await alertsProvider.read!("id", outs)).props!;
        expect(refreshed.filesIntact).toBe(false);
        expect((await alertsProvider.diff!("id", refreshed, i)).changes).toBe(true);
        fs.rmSync(i.rulesFile as string);
        expect((await alertsProvider.read!("id", outs)).props!.filesIntact).toBe(false);
        await alertsProvider.update!("id", refreshed, i);
        expect((await alertsProvider.read!("id", outs)).props!.filesIntact).toBe(true);
    });
});
