import { describe, expect, test } from "@jest/globals";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FormData } from "undici";
import { buildRunJarBody, FlinkRequestError, FlinkResponseError } from "../../../provider/flink";
import { fixture, headerOf, JOB, JSON_HEADERS, mocked, rejection } from "./helpers";

const VERSIONS = ["1.20", "2.3"] as const;

describe.each(VERSIONS)("endpoints parse real Flink %s answers", (v) => {
    test("config() gives the flink-version", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: "/config" }).reply(200, fixture(`config-${v}.json`), JSON_HEADERS);
        const cfg = await client.config();
        expect(cfg["flink-version"]).toBe(v === "1.20" ? "1.20.3" : "2.3.0");
        expect(cfg.features?.["web-submit"]).toBe(true);
    });

    test("overview() gives slots, task managers and job counts", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: "/overview" }).reply(200, fixture(`overview-${v}.json`), JSON_HEADERS);
        const o = await client.overview();
        expect([o.taskmanagers, o["slots-total"], o["slots-available"], o["jobs-running"]]).toEqual([1, 2, 1, 1]);
        expect(o["flink-version"]).toMatch(/^\d+\.\d+\.\d+$/);
    });

    test("taskManagers() lists slots per task manager", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: "/taskmanagers" }).reply(200, fixture(`taskmanagers-${v}.json`), JSON_HEADERS);
        const tms = await client.taskManagers();
        expect(tms.taskmanagers).toHaveLength(1);
        expect(tms.taskmanagers[0]).toMatchObject({ slotsNumber: 2, freeSlots: 2 });
    });

    test("jobsOverview() gives jid, name, state and timings", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: "/jobs/overview" }).reply(200, fixture(`jobs-overview-${v}.json`), JSON_HEADERS);
        const jobs = await client.jobsOverview();
        expect(jobs.map((j) => j.state)).toEqual(["FINISHED", "CANCELED"]);
        expect(jobs[0]).toMatchObject({ name: "counter-demo" });
        expect(jobs[0]!["end-time"]).toBeGreaterThan(jobs[0]!["start-time"]);
    });

    test("job() gives state, timestamps and vertices with status and parallelism", async () => {
        const { pool, client } = mocked();
        const body = fixture(`job-${v}.json`) as { jid: string };
        pool.intercept({ path: `/jobs/${body.jid}` }).reply(200, body, JSON_HEADERS);
        const job = await client.job(body.jid);
        expect(job.state).toBe("RUNNING");
        expect(job.vertices.map((x) => [x.status, x.parallelism])).toEqual([
            ["RUNNING", 1],
            ["RUNNING", 1],
        ]);
        expect(job.timestamps.RUNNING).toBeGreaterThan(0);
    });

    test("jobConfig() reads the wire format (jid, execution-config)", async () => {
        const { pool, client } = mocked();
        const body = fixture(`job-config-${v}.json`) as { jid: string };
        pool.intercept({ path: `/jobs/${body.jid}/config` }).reply(200, body, JSON_HEADERS);
        expect((await client.jobConfig(body.jid))["execution-config"]["job-parallelism"]).toBe(1);
    });

    test("exceptions() reads only exceptionHistory; rootException() trims the newest", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: `/jobs/${JOB}/exceptions` })
            .reply(200, fixture(`exceptions-${v}.json`), JSON_HEADERS)
            .times(2);
        const entries = await client.exceptions(JOB);
        expect(entries).toHaveLength(2);
        expect(entries[0]).not.toHaveProperty("root-exception");
        const root = await client.rootException(JOB);
        expect(root).toMatchObject({ exceptionName: "java.lang.IllegalArgumentException", message: "boom at count 101" });
        expect(root?.taskName).toMatch(/^Map -> Filter/);
        expect(root?.message).not.toContain("\tat ");
    });

    test("runJar() returns the job id", async () => {
        const { pool, client } = mocked();
        const answer = fixture(`run-${v}.json`) as { jobid: string };
        let sent: unknown;
        pool.intercept({ path: "/jars/abc_job.jar/run", method: "POST" }).reply((opts) => {
            sent = JSON.parse(String(opts.body));
            return { statusCode: 200, data: answer, responseOptions: JSON_HEADERS };
        });
        const body = buildRunJarBody(`${v}.0`, { programArgs: ["--x", "1"], parallelism: 2 });
        expect(await client.runJar("abc_job.jar", body)).toBe(answer.jobid);
        expect(sent).toEqual({ programArgsList: ["--x", "1"], parallelism: 2 });
    });
});

describe("other endpoints", () => {
    test("checkpoints() gives latest completed, savepoint, failed and restored", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: `/jobs/${JOB}/checkpoints` }).reply(200, fixture("checkpoints-stopped-2.3.json"), JSON_HEADERS);
        pool.intercept({ path: `/jobs/${JOB}/checkpoints` }).reply(200, fixture("checkpoints-restored-2.3.json"), JSON_HEADERS);
        pool.intercept({ path: `/jobs/${JOB}/checkpoints` }).reply(200, fixture("checkpoints-initial-1.20.json"), JSON_HEADERS);
        const stopped = await client.checkpoints(JOB);
        expect(stopped.counts.completed).toBe(21);
        expect(stopped.latest.savepoint?.external_path).toBe("file:/tmp/fl/sp28092/savepoint-f2e61d-bec78ac007c1");
        expect(stopped.latest.completed?.external_path).toMatch(/chk-21$/);
        expect(stopped.latest.failed?.failure_message).toMatch(/IO-problem/);
        const restored = await client.checkpoints(JOB);
        expect(restored.latest.restored).toMatchObject({ is_savepoint: true, external_path: "file:/tmp/fl/sp28092/savepoint-f2e61d-bec78ac007c1" });
        const fresh = await client.checkpoints(JOB);
        expect(fresh.latest).toEqual({ completed: null, savepoint: null, failed: null, restored: null });
    });

    test("checkpointConfig() reads interval, mode and externalization", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: `/jobs/${JOB}/checkpoints/config` }).reply(200, fixture("checkpoint-config-1.20.json"), JSON_HEADERS);
        const cfg = await client.checkpointConfig(JOB);
        expect(cfg).toMatchObject({ interval: 2000, mode: "exactly_once", externalization: { enabled: false } });
    });

    test("listJars() and deleteJar()", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/jars" }).reply(200, fixture("jars-1.20.json"), JSON_HEADERS);
        pool.intercept({ path: "/jars/15f90e75-5e37-4dd7-9ca8-380b1ffb9754_counter-1.20.3.jar", method: "DELETE" }).reply(200, {}, JSON_HEADERS);
        const jars = await client.listJars();
        expect(jars.files[0]).toMatchObject({ name: "counter-1.20.3.jar", entry: [{ name: "demo.Counter", description: null }] });
        await client.deleteJar(jars.files[0]!.id);
        expect(calls).toEqual(["GET /jars", "DELETE /jars/15f90e75-5e37-4dd7-9ca8-380b1ffb9754_counter-1.20.3.jar"]);
    });

    test("cancelJob() sends PATCH ?mode=cancel", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: `/jobs/${JOB}?mode=cancel`, method: "PATCH" }).reply(202, {}, JSON_HEADERS);
        await client.cancelJob(JOB);
        expect(calls).toEqual([`PATCH /jobs/${JOB}?mode=cancel`]);
    });

    test("uploadJar() posts multipart field jarfile and returns the basename of filename", async () => {
        const dir = mkdtempSync(join(tmpdir(), "flink-upload-"));
        const jar = join(dir, "my-job.jar");
        writeFileSync(jar, Buffer.from("PK\u0003\u0004fake-jar"));
        const { pool, client } = mocked();
        let part: unknown;
        pool.intercept({ path: "/jars/upload", method: "POST" }).reply((opts) => {
            part = (opts.body as FormData).get("jarfile");
            return { statusCode: 200, data: fixture("upload-1.20.json"), responseOptions: JSON_HEADERS };
        });
        expect(await client.uploadJar(jar)).toBe("98388a94-a10c-481e-b970-1d7db1339fc6_counter-1.20.3.jar");
        expect(part).toBeInstanceOf(Blob);
        expect((part as File).name).toBe("my-job.jar");
        expect((part as File).type).toBe("application/x-java-archive");
        expect(await (part as Blob).text()).toBe("PK\u0003\u0004fake-jar");
    });

    test("uploadJar() refuses a file that is not a .jar before any request", async () => {
        const { client, calls } = mocked();
        const err = await rejection(client.uploadJar("/tmp/build/job.zip"));
        expect(err).toBeInstanceOf(FlinkRequestError);
        expect((err as Error).message).toBe(
            'Flink REST POST /jars/upload refused before sending: it was given the file "/tmp/build/job.zip", whose name does not end with .jar (Flink refuses others)',
        );
        expect(calls).toHaveLength(0);
    });

    test("a path prefix of the base URL is kept (gateway in front of Flink)", async () => {
        const { pool, client, calls } = mocked({}, "https://gw.example.com/flink/prod/");
        pool.intercept({ path: "/flink/prod/overview" }).reply(200, fixture("overview-2.3.json"), JSON_HEADERS);
        expect((await client.overview())["flink-version"]).toBe("2.3.0");
        expect(calls).toEqual(["GET /overview"]);
    });

    test("extra headers are sent; userinfo in the URL becomes Basic auth", async () => {
        const { pool, client } = mocked({ headers: { "X-Gateway-Token": "tok-123" } }, "http://alice:s3cret@flink.test:8081");
        let seen: unknown;
        pool.intercept({ path: "/config" }).reply((opts) => {
            seen = opts.headers;
            return { statusCode: 200, data: fixture("config-2.3.json"), responseOptions: JSON_HEADERS };
        });
        await client.config();
        expect(headerOf(seen, "x-gateway-token")).toBe("tok-123");
        expect(headerOf(seen, "authorization")).toBe(`Basic ${Buffer.from("alice:s3cret").toString("base64")}`);
        expect(client.baseUrl).toBe("http://***@flink.test:8081");
    });

    test("onRequest counts every call, e.g. of a read-only refresh", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/overview" }).reply(200, fixture("overview-1.20.json"), JSON_HEADERS);
        pool.intercept({ path: "/jobs/overview" }).reply(200, fixture("jobs-overview-1.20.json"), JSON_HEADERS);
        pool.intercept({ path: `/jobs/${JOB}` }).reply(200, fixture("job-1.20.json"), JSON_HEADERS);
        await client.overview();
        await client.jobsOverview();
        await client.job(JOB);
        expect(calls).toEqual(["GET /overview", "GET /jobs/overview", `GET /jobs/${JOB}`]);
    });

    test("an answer of the wrong shape is a typed error naming the endpoint and the field", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: "/overview" }).reply(200, { taskmanagers: "one", "flink-version": "1.20.3" }, JSON_HEADERS);
        const err = await rejection(client.overview());
        expect(err).toBeInstanceOf(FlinkResponseError);
        expect((err as FlinkResponseError).kind).toBe("invalid-response");
        expect((err as Error).message).toMatch(/GET \/overview on http:\/\/flink\.test:8081: unexpected response \(taskmanagers: Expected number/);
    });

    test("a non-JSON 200 (a login page) is a typed error, not a crash", async () => {
        const { pool, client } = mocked();
        pool.intercept({ path: "/jobs/overview" }).reply(200, "<html><body>Please sign in</body></html>");
        const err = await rejection(client.jobsOverview());
        expect(err).toBeInstanceOf(FlinkResponseError);
        expect((err as Error).message).toMatch(/body is not JSON/);
    });

    test("an unknown job state is rejected, not passed on as a string", async () => {
        const { pool, client } = mocked();
        const body = fixture("job-2.3.json") as Record<string, unknown>;
        pool.intercept({ path: `/jobs/${JOB}` }).reply(200, { ...body, state: "WHATEVER" }, JSON_HEADERS);
        expect(String(await rejection(client.job(JOB)))).toMatch(/state: Invalid enum value/);
    });
});
