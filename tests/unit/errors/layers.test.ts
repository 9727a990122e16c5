/**
 * One error type and one formula per layer, checked by exact strings: input (`property = value:
 * problem; fix: remedy`, the same in check, in create and at program time), deploy (what failed,
 * then what was left behind) and transport (HTTP status and Flink's first line; a refused request
 * says what the client was given, never a property the user did not write).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { FlinkApiError, FlinkRequestError, extractFlinkMessage } from "../../../provider/flink";
import { jobProvider } from "../../../provider/job";
import { clusterProvider } from "../../../provider/cluster";
import { homeProvider } from "../../../provider/home";
import { DeployError, InputError, invalid, messageOf, parsedOrThrow } from "../../../provider/core/errors";
import { zodFailures } from "../../../provider/core/zod";
import { inputError } from "../../../sdk/kubernetes-render";
import { hint, parseComponentArgs, secretHint } from "../../../sdk/components/validate";
import { alertSettings } from "../../../sdk/components/environment-alerts-settings";

describe("input errors: property = value: problem; fix: remedy", () => {
    test("the formula, one line per failure", () => {
        const err = new InputError([invalid("parallelism", 0, "is below 1", "use 1 or more"), invalid("name", "", "is empty", 'name the job, e.g. "orders"')]);
        expect(err.message).toBe('parallelism = 0: is below 1; fix: use 1 or more\nname = "": is empty; fix: name the job, e.g. "orders"');
        expect(err.failures.map((f) => f.property)).toEqual(["parallelism", "name"]);
    });

    test("create/update given inputs that are not known (Pulumi never does that): said so in the formula, not an empty message", () => {
        expect(() => parsedOrThrow("FlinkJob", undefined, [])).toThrow(
            new InputError([
                {
                    property: "(inputs)",
                    reason: "(inputs) = (unknown): some FlinkJob inputs are not known yet; fix: report it, Pulumi resolves every input before create and update",
                },
            ]),
        );
        expect(parsedOrThrow("FlinkJob", { name: "orders" }, [])).toEqual({ name: "orders" });
    });

    test("a program that throws one stops as a Pulumi RunError: the message alone, no stack trace", () => {
        expect(pulumi.RunError.isInstance(new InputError([invalid("x", 1, "is wrong", "fix it")]))).toBe(true);
    });

    test("the Kubernetes renderers' program-time error is the same InputError text, without an 'invalid input:' preamble", () => {
        const failure = invalid("kubernetes.namespace", "Prod", "is not a DNS-1123 label", 'use lower case, e.g. "prod"');
        const err = inputError([failure]);
        expect(err).toBeInstanceOf(InputError);
        expect(err.message).toBe('kubernetes.namespace = "Prod": is not a DNS-1123 label; fix: use lower case, e.g. "prod"');
    });

    const bad = {
        job: {
            name: "orders",
            cluster: { restUrl: "http://localhost:8081", flinkVersion: "1.20.3", webUiUrl: "http://localhost:8081" },
            jar: { url: "https://repo.example.com/orders.jar" },
            parallelism: 0,
        },
        cluster: { target: "remote", restUrl: "ftp://flink:8081" },
        home: { version: "latest" },
    };
    test.each([
        ["FlinkJob", jobProvider, bad.job],
        ["SessionCluster", clusterProvider, bad.cluster],
        ["FlinkHome", homeProvider, bad.home],
    ] as const)("%s: create refuses what check refuses with the very same text (an InputError, not a plain Error)", async (_kind, provider, inputs) => {
        const checked = await provider.check!({}, inputs);
        expect(checked.failures?.length).toBeGreaterThan(0);
        const err = await provider.create(inputs).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(InputError);
        expect(messageOf(err)).toBe(checked.failures!.map((f) => f.reason).join("\n"));
    });

    test("FlinkJob: the exact check and create text of a bad parallelism", async () => {
        const expected =
            "parallelism = 0: must be a whole number from 1 to 32768; fix: use a parallelism from 1 to 32768 (Flink's maximum), or leave it unset for the cluster's default";
        expect((await jobProvider.check!({}, bad.job)).failures).toEqual([{ property: "parallelism", reason: expected }]);
        await expect(jobProvider.create(bad.job)).rejects.toThrow(new InputError([{ property: "parallelism", reason: expected }]));
    });
});

describe("component arguments: the same formula, no sentinel characters", () => {
    const schema = z
        .object({ brokers: z.string().regex(/:\d+$/, hint("is not host:port", 'write "kafka:9092"')), password: z.string().optional() })
        .superRefine((v, ctx) => {
            if (v.password !== undefined)
                ctx.addIssue({ code: "custom", path: ["password"], ...secretHint("is a credential in plain text", "put it in a VariableSet's secrets") });
        });

    test("a hint's own fix replaces the generic one", () => {
        let message = "";
        try {
            parseComponentArgs("KafkaToJdbcSync", "orders", schema, { brokers: "kafka" });
        } catch (err) {
            expect(pulumi.RunError.isInstance(err)).toBe(true);
            message = messageOf(err);
        }
        expect(message).toBe('KafkaToJdbcSync "orders": brokers = "kafka": is not host:port; fix: write "kafka:9092"');
        expect(message).not.toMatch(/[\u241e\u241f]/);
    });

    test("a plain-text credential is shown as *** (the value never)", () => {
        expect(() => parseComponentArgs("TableSync", "t", schema, { brokers: "kafka:9092", password: "hunter2" })).toThrow(
            'TableSync "t": password = "***": is a credential in plain text; fix: put it in a VariableSet\'s secrets',
        );
    });

    test("an alert receiver's URL written in plain text is not quoted back (it is the webhook's secret)", () => {
        const url = "https://hooks.example.com/services/T000/B000/XXXXSECRET";
        const settings = {
            receivers: [{ name: "ops", type: "webhook", urlSecret: "alertWebhookUrl", url }],
            defaultReceiver: "ops",
            rulesDir: "r",
            alertmanagerDir: "a",
        };
        const parsed = alertSettings.safeParse(settings);
        expect(parsed.success).toBe(false);
        const reasons = zodFailures(parsed.error!, settings).map((f) => f.reason);
        expect(reasons).toEqual([
            "receivers[0].url = \"***\": would be a secret in plain text in the stack's config file; fix: set urlSecret: <config key> and store the value with: pulumi config set --secret <config key> '...' (url)",
        ]);
        expect(reasons.join("\n")).not.toContain("XXXXSECRET");
    });
});

describe("deploy errors: what failed, then what was left behind", () => {
    test("the formula", () => {
        const err = new DeployError("the savepoint of job 1a failed, so nothing was redeployed: timed out", "the old job 1a RUNNING, untouched");
        expect(err.message).toBe("the savepoint of job 1a failed, so nothing was redeployed: timed out\n  left behind: the old job 1a RUNNING, untouched");
        expect(err.leftBehind).toBe("the old job 1a RUNNING, untouched");
    });
});

describe("transport errors: HTTP status and Flink's first line; a refused request says what the client was given", () => {
    test("an HTTP error: method, path, URL, status, Flink's headline", () => {
        const body = JSON.stringify({
            errors: ["org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n\tat org.apache.flink.Foo.bar(Foo.java:1)"],
        });
        const err = new FlinkApiError({
            kind: "http",
            status: 400,
            method: "POST",
            path: "/jars/x.jar/run",
            baseUrl: "http://jm:8081",
            flinkMessage: extractFlinkMessage(body),
            retryable: false,
        });
        expect(err.message).toBe("Flink REST POST /jars/x.jar/run on http://jm:8081 failed with HTTP 400: Could not execute application.");
    });

    test("a refused request: the request, and what the client was given", () => {
        const err = new FlinkRequestError("POST /jars/:jarid/run", ['the job id "job-1", which is not 32 lowercase hex characters']);
        expect(err).toBeInstanceOf(FlinkApiError);
        expect(err).toMatchObject({ kind: "invalid-request", status: 0, retryable: false });
        expect(err.message).toBe(
            'Flink REST POST /jars/:jarid/run refused before sending: it was given the job id "job-1", which is not 32 lowercase hex characters',
        );
        expect(err.message).not.toMatch(/jobId|baseUrl/);
    });
});
