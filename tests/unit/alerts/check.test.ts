/** AlertRoute check: the valid sample passes; each invalid input fails with property, value and fix; secrets never quoted. */
import { checkAlertRouteArgs } from "../../../provider/alerts";
import { alertsProvider } from "../../../provider/alerts";
import { UNKNOWN } from "../../../provider/core/unknown";
import { SAMPLE_SECRETS, sampleInputs } from "../../support/alerts";

const base = () => sampleInputs("/srv/alerts");
type Mutation = (i: Record<string, any>) => void;

const CASES: [string, Mutation, string, RegExp][] = [
    ["unknown condition in defaults", (i) => (i.conditions = { jobDown: true }), "conditions.jobDown", /is not a condition.*fix: use one of jobNotRunning/],
    ["unknown condition in a job override", (i) => (i.jobs[0].conditions = { restartStorm: {} }), "jobs[0].conditions.restartStorm", /is not a condition/],
    [
        "bad `for` duration",
        (i) => (i.conditions = { jobNotRunning: { for: "5 minutes" } }),
        "conditions.jobNotRunning.for",
        /not a Prometheus duration.*fix: use e.g. "30s"/,
    ],
    ["zero window", (i) => (i.conditions = { restartLoop: { window: "0s" } }), "conditions.restartLoop.window", /longer than 0/],
    ["negative restart threshold", (i) => (i.conditions = { restartLoop: { threshold: -1 } }), "conditions.restartLoop.threshold", /must be a number from 0/],
    ["fractional restart threshold", (i) => (i.conditions = { restartLoop: { threshold: 1.5 } }), "conditions.restartLoop.threshold", /whole number/],
    [
        "backpressure threshold over 1000 ms/s",
        (i) => (i.conditions = { backpressure: { threshold: 1500 } }),
        "conditions.backpressure.threshold",
        /from 0 to 1000/,
    ],
    [
        "kafka lag threshold not a number",
        (i) => (i.jobs[0].conditions = { kafkaLag: { threshold: "lots" } }),
        "jobs[0].conditions.kafkaLag.threshold",
        /must be a number/,
    ],
    [
        "unknown severity",
        (i) => (i.conditions = { backpressure: { severity: "page" } }),
        "conditions.backpressure.severity",
        /is not a severity.*critical, warning, info/,
    ],
    ["unknown condition setting", (i) => (i.conditions = { backpressure: { treshold: 10 } }), "conditions.backpressure.treshold", /is not a known property/],
    ["webhook without url", (i) => delete i.receivers[0].url, "receivers[0].url", /is required/],
    ["webhook url not http(s)", (i) => (i.receivers[0].url = "ftp://x/y"), "receivers[0].url", /is not an http\(s\) URL/],
    ["email without address", (i) => delete i.receivers[1].to, "receivers[1].to", /is required/],
    ["email address malformed", (i) => (i.receivers[1].to = "oncall"), "receivers[1].to", /wrong format/],
    ["email smarthost without port", (i) => (i.receivers[1].smarthost = "smtp.example.com"), "receivers[1].smarthost", /host:port/],
    ["email password without user", (i) => delete i.receivers[1].authUsername, "receivers[1].authUsername", /required when authPassword is set/],
    ["slack without apiUrl", (i) => delete i.receivers[2].apiUrl, "receivers[2].apiUrl", /is required/],
    ["wecom without apiSecret", (i) => delete i.receivers[3].apiSecret, "receivers[3].apiSecret", /is required/],
    ["wecom agentId not numeric", (i) => (i.receivers[3].agentId = "ops"), "receivers[3].agentId", /numeric AgentId/],
    ["dingtalk without adapter", (i) => delete i.receivers[4].adapterUrl, "receivers[4].adapterUrl", /is required.*DingTalk adapter/],
    ["lark without adapter", (i) => delete i.receivers[5].adapterUrl, "receivers[5].adapterUrl", /is required.*Lark\/Feishu adapter/],
    ["unknown receiver type", (i) => (i.receivers[0].type = "pagerduty2"), "receivers[0].type", /is not a receiver type/],
    ["duplicate receiver names", (i) => (i.receivers[1].name = "ops"), "receivers[1].name", /used by another receiver/],
    ["no receivers", (i) => (i.receivers = []), "receivers", /non-empty list/],
    ["defaultReceiver not declared", (i) => (i.defaultReceiver = "nobody"), "defaultReceiver", /is not one of the receivers/],
    ["route to an undeclared receiver", (i) => (i.routes[0].receiver = "team-z"), "routes[0].receiver", /is not one of the receivers/],
    ["route on an unknown label", (i) => (i.routes[0].match = { squad: "a" }), "routes[0].match.squad", /not a label alerts carry/],
    ["route without match", (i) => (i.routes[0].match = {}), "routes[0].match", /non-empty map/],
    ["job on an undeclared cluster", (i) => (i.jobs[0].cluster = "other"), "jobs[0].cluster", /not one of the declared clusters/],
    ["jobs colliding after Flink's sanitising", (i) => i.jobs.push({ name: "orders.sync", cluster: "main" }), "jobs[2].name", /declared twice/],
    ["duplicate cluster names", (i) => i.clusters.push({ name: "main", jobManagerTarget: "h:1" }), "clusters[1].name", /declared twice/],
    [
        "reporter target not host:port",
        (i) => (i.clusters[0].jobManagerTarget = "http://localhost:9249/metrics"),
        "clusters[0].jobManagerTarget",
        /wrong format/,
    ],
    ["environment label with spaces", (i) => (i.environment = "prod eu"), "environment", /wrong format/],
    ["bad group interval", (i) => (i.timing = { groupInterval: "0s" }), "timing.groupInterval", /positive Prometheus duration/],
    ["custom rules not YAML", (i) => (i.customRules = "groups: [unclosed"), "customRules", /is not YAML/],
    ["custom rules without groups", (i) => (i.customRules = "rules: []"), "customRules", /no groups list/],
    ["relative rules file", (i) => (i.rulesFile = "rules.yml"), "rulesFile", /absolute path/],
    ["prometheusUrl not a URL", (i) => (i.prometheusUrl = "localhost:9090"), "prometheusUrl", /not an http\(s\) URL/],
    ["unknown top-level property", (i) => (i.reciever = "ops"), "reciever", /not a known property/],
];

describe("AlertRoute check", () => {
    test("the sample with every receiver type is valid", () => {
        const { args, failures } = checkAlertRouteArgs(base());
        expect(failures).toEqual([]);
        expect(args?.spec.jobs.map((j) => [j.name, j.conditions.restartLoop.threshold])).toEqual([
            ["orders-sync", 2],
            ["billing.cdc", 5],
        ]);
    });

    test.each(CASES)("rejects %s", (_title, mutate, property, reason) => {
        const inputs = base();
        mutate(inputs);
        const { args, failures } = checkAlertRouteArgs(inputs);
        expect(args).toBeUndefined();
        const failure = failures.find((f) => f.property === property);
        expect({ property, failures: failure ? "found" : failures.map((f) => f.reason) }).toEqual({ property, failures: "found" });
        expect(failure!.reason).toMatch(reason);
        expect(failure!.reason).toContain("; fix: ");
        for (const secret of SAMPLE_SECRETS) expect(failures.map((f) => f.reason).join("\n")).not.toContain(secret);
    });

    test("a bad receiver URL is reported without quoting it", () => {
        const inputs = base();
        (inputs.receivers as Record<string, unknown>[])[0].url = "hxxp://s3cr3t-token@x";
        const { failures } = checkAlertRouteArgs(inputs);
        expect(failures[0].reason).toBe(
            'receivers[0].url = "***": is not an http(s) URL; fix: set url to the receiver\'s http(s) endpoint (a secret if it carries a token)',
        );
    });

    test("values not known in preview are not failures, and no args are produced", () => {
        const { args, failures } = checkAlertRouteArgs(sampleInputs("/srv", { clusters: [{ name: "main", jobManagerTarget: UNKNOWN }], receivers: UNKNOWN }));
        expect(failures).toEqual([]);
        expect(args).toBeUndefined();
    });

    test("provider check returns the same failures", async () => {
        const inputs = base();
        inputs.environment = "";
        const result = await alertsProvider.check!({}, inputs);
        expect(result.failures?.map((f) => f.property)).toEqual(["environment"]);
    });
});
