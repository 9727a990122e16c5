import { describe, expect, test } from "@jest/globals";
import { inspect } from "node:util";
import {
    extractFlinkMessage,
    FlinkApiError,
    FlinkResponseError,
    FlinkTimeoutError,
    FlinkUnreachableError,
    isFlinkNotFound,
    redactUrl,
    summarizeJavaError,
} from "../../../provider/flink";
import { fixture, fixtureText, JOB, JSON_HEADERS, mocked, rejection } from "./helpers";

const oneLine = (m: string | undefined) => {
    expect(m).toBeDefined();
    expect(m).not.toMatch(/\n|\tat |\bat org\.apache/);
    expect(m!.length).toBeLessThanOrEqual(300);
    return m!;
};

describe("extractFlinkMessage on real Flink error bodies", () => {
    test.each(["1.20", "2.3"])("run of a failing main (%s): headline plus deepest cause", (v) => {
        expect(oneLine(extractFlinkMessage(fixtureText(`error-runfail-${v}.json`)))).toBe(
            "Could not execute application. Caused by IllegalStateException: asked to fail: fail x",
        );
    });

    test.each(["1.20", "2.3"])("500 'Internal server error.' (%s): the server-side exception, not the generic line", (v) => {
        const m = oneLine(extractFlinkMessage(fixtureText(`error-runbadjar-${v}.json`)));
        expect(m).toMatch(/^Jar file \/tmp\/flink-web-[0-9a-f-]+\/flink-web-upload\/nope\.jar does not exist$/);
    });

    test.each(["1.20", "2.3"])("404 unknown job (%s)", (v) => {
        expect(oneLine(extractFlinkMessage(fixtureText(`error-notfound-${v}.json`)))).toBe(
            "Job 00000000000000000000000000000000 not found. Caused by FlinkJobNotFoundException: " +
                "Could not find Flink job (00000000000000000000000000000000)",
        );
    });

    test("400 bad request body names the Jackson problem", () => {
        const m = oneLine(extractFlinkMessage(fixtureText("error-badjson-1.20.json")));
        expect(m).toMatch(/^Request did not match expected format JarRunRequestBody\. Caused by InvalidFormatException: Cannot deserialize/);
    });

    test("duplicate job id on 2.3", () => {
        expect(extractFlinkMessage(fixtureText("error-dupjob-2.3.json"))).toMatch(
            /Caused by DuplicateApplicationSubmissionException: Application has already been submitted\.$/,
        );
    });

    test("very long messages are clipped to 300 characters", () => {
        const body = JSON.stringify({ errors: [`org.apache.flink.FooException: ${"x".repeat(1000)}\n\tat a.b(C.java:1)`] });
        const m = extractFlinkMessage(body)!;
        expect(m).toHaveLength(300);
        expect(m.endsWith("…")).toBe(true);
    });

    test("a gateway's HTML page gives its first text", () => {
        const html = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
        expect(extractFlinkMessage(html)).toBe("502 Bad Gateway");
    });

    test("an empty body gives nothing", () => {
        expect(extractFlinkMessage("  ")).toBeUndefined();
    });
});

describe("summarizeJavaError", () => {
    test("no cause: the message without the class", () => {
        expect(summarizeJavaError("java.lang.IllegalArgumentException: boom at count 101\n\tat demo.Counter$1.map(Counter.java:23)")).toBe("boom at count 101");
    });

    test("a cause without message keeps its short class name", () => {
        const trace = "org.apache.flink.FooException: outer failed\n\tat x.y(Z.java:1)\nCaused by: java.lang.ExceptionInInitializerError\n\t... 4 more";
        expect(summarizeJavaError(trace)).toBe("outer failed. Caused by ExceptionInInitializerError");
    });
});

describe("redactUrl", () => {
    test.each([
        ["https://user:pass@flink.example.com/prod", "https://***@flink.example.com/prod"],
        ["http://token@10.0.0.1:8081", "http://***@10.0.0.1:8081"],
        ["http://localhost:8081/a@b", "http://localhost:8081/a@b"],
        ["http://localhost:8081", "http://localhost:8081"],
    ])("%s", (url, shown) => expect(redactUrl(url)).toBe(shown));
});

describe("HTTP errors from the client", () => {
    test("a 500 with a Java stack trace becomes a FlinkApiError with a one-line flinkMessage", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: "/jars/nope.jar/run", method: "POST" }).reply(500, fixture("error-runbadjar-2.3.json"), JSON_HEADERS);
        const err = (await rejection(client.runJar("nope.jar", {}))) as FlinkApiError;
        expect(err).toBeInstanceOf(FlinkApiError);
        expect(err).toMatchObject({ kind: "http", status: 500, method: "POST", path: "/jars/nope.jar/run", retryable: false });
        expect(err.message).toMatch(/^Flink REST POST \/jars\/nope\.jar\/run on http:\/\/flink\.test:8081 failed with HTTP 500: Jar file .* does not exist$/);
        expect(err.message).not.toContain("\tat ");
    });

    test("a 400 is not retried and keeps Flink's reason", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/jars/j.jar/run", method: "POST" }).reply(400, fixture("error-runfail-1.20.json"), JSON_HEADERS);
        const err = (await rejection(client.runJar("j.jar", { programArgsList: ["fail", "x"] }))) as FlinkApiError;
        expect(err.status).toBe(400);
        expect(err.flinkMessage).toBe("Could not execute application. Caused by IllegalStateException: asked to fail: fail x");
        expect(calls).toHaveLength(1);
    });

    test("404 is recognisable with isFlinkNotFound and is not retried", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: `/jobs/${JOB}` }).reply(404, fixture("error-notfound-2.3.json"), JSON_HEADERS);
        const err = await rejection(client.job(JOB));
        expect(isFlinkNotFound(err)).toBe(true);
        expect(calls).toHaveLength(1);
    });

    test("error classes form one hierarchy", () => {
        const base = { method: "GET", path: "/x", baseUrl: "http://h", retryable: true };
        expect(new FlinkTimeoutError(base, 5)).toBeInstanceOf(FlinkApiError);
        expect(new FlinkUnreachableError({ ...base, kind: "unreachable" }, "ECONNREFUSED")).toBeInstanceOf(FlinkApiError);
        expect(new FlinkResponseError({ ...base, status: 200 }, "x: bad")).toBeInstanceOf(FlinkApiError);
        expect(new FlinkTimeoutError(base, 5).status).toBe(0);
    });
});

describe("secrets never reach error messages", () => {
    const SECRET = "SECRET-TOKEN-4711";
    const PASSWORD = "hunter2pw";
    const URL_WITH_PASSWORD = `https://admin:${PASSWORD}@gw.example.com/flink`;
    const leaks = (err: unknown) => {
        const text = `${String(err)}\n${(err as Error).stack}\n${JSON.stringify(err)}\n${inspect(err, { depth: 2 })}`;
        return text.includes(SECRET) || text.includes(PASSWORD);
    };

    test("HTTP error, even when the gateway echoes the credentials back", async () => {
        const { pool, client } = mocked({ headers: { Authorization: `Bearer ${SECRET}` } }, URL_WITH_PASSWORD);
        pool.intercept({ path: "/flink/overview" }).reply(401, `<html><body>invalid token Bearer ${SECRET} for admin:${PASSWORD}</body></html>`);
        const err = (await rejection(client.overview())) as FlinkApiError;
        expect(err.status).toBe(401);
        expect(err.message).toContain("https://***@gw.example.com/flink");
        expect(err.message).toContain("invalid token *** for admin:***");
        expect(leaks(err)).toBe(false);
    });

    test("timeout, unreachable and invalid-response errors", async () => {
        const { pool, client } = mocked({ headers: { "X-Api-Key": SECRET }, timeoutMs: 20, retries: 0 }, URL_WITH_PASSWORD);
        pool.intercept({ path: "/flink/config" }).reply(200, {}).delay(200);
        pool.intercept({ path: "/flink/overview" }).replyWithError(Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" }));
        pool.intercept({ path: "/flink/jobs/overview" }).reply(200, { jobs: "nope" }, JSON_HEADERS);
        const errors = [await rejection(client.config()), await rejection(client.overview()), await rejection(client.jobsOverview())];
        expect(errors.map((e) => (e as FlinkApiError).kind)).toEqual(["timeout", "unreachable", "invalid-response"]);
        for (const err of errors) {
            expect(leaks(err)).toBe(false);
            expect((err as Error).message).toContain("***@gw.example.com");
        }
    });
});
