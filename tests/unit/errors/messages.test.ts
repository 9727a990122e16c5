/**
 * The messages issue 16 found untrue or doubled on a real Kafka → Postgres run, each by its exact
 * text (no Flink here: unreachable clusters, a cache folder on disk). Message 5 (the restore line
 * names the cancelled generation) is pinned in tests/unit/deploy/restore.test.ts; 3, 4 and 6 also
 * run through the real CLI in tests/e2e/messages.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { homeProvider, materializeLine } from "../../../provider/home";
import { jobProvider, JobState } from "../../../provider/job";
import { checkJobArgs } from "../../../provider/job/schema";
import { nothingTouched } from "../../../provider/job/sql";
import { variablesOf } from "../../../provider/job/version";
import { DeployError, messageOf } from "../../../provider/core/errors";
import { NAME_KEY, resourceLabel } from "../../../provider/core/log";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "pf-messages-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** What the providers print while `fn` runs (progress lines go to stderr). */
async function printed(fn: () => Promise<unknown>): Promise<string[]> {
    const lines: string[] = [];
    const spy = jest
        .spyOn(process.stderr, "write")
        .mockImplementation((chunk: string | Uint8Array) => (lines.push(...String(chunk).split("\n").filter(Boolean)), true));
    try {
        await fn().catch(() => undefined);
    } finally {
        spy.mockRestore();
    }
    return lines;
}

const cluster = { restUrl: "http://127.0.0.1:9", flinkVersion: "1.20.3", webUiUrl: "http://127.0.0.1:9" };
const SQL = "CREATE TABLE s (v INT) WITH ('connector' = 'datagen'); CREATE TABLE k (v INT) WITH ('connector' = 'blackhole'); INSERT INTO k SELECT v FROM s";

describe("1. a failure before anything was touched names a deployed job only when there is one", () => {
    test("the left-behind clause, with and without a deployed job", () => {
        expect(nothingTouched(undefined)).toBe("nothing stopped or submitted");
        expect(nothingTouched("a".repeat(32))).toBe(`nothing stopped or submitted; job ${"a".repeat(32)} as it was`);
    });

    const inputs = { name: "orders", cluster, sql: SQL };
    test("a first create of a SQL job on a cluster without a gateway: no job is claimed untouched", async () => {
        const err = await jobProvider.create(inputs).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DeployError);
        expect(messageOf(err)).toBe(
            'job "orders" is a SQL job, but the cluster at http://127.0.0.1:9 has no SQL Gateway\n' +
                "  left behind: nothing stopped or submitted; enable sqlGateway on a local SessionCluster, or set sqlGatewayUrl on a remote one",
        );
    });

    test("the same on an update names the deployed job", async () => {
        const jobId = "b".repeat(32);
        const olds = {
            ...checkJobArgs({ ...inputs, sql: SQL.replace("SELECT v", "SELECT v + 1") }).args,
            jobId,
            state: "RUNNING",
            generation: 1,
            lastSavepoint: "",
            restoredFrom: "",
            webUiUrl: "",
            deployedAt: "",
            jarId: "",
            variablesHash: "",
            stateVersion: 1,
        } as JobState;
        const err = await jobProvider.update!("id", olds, inputs).catch((e: unknown) => e);
        expect(messageOf(err)).toBe(
            'job "orders" is a SQL job, but the cluster at http://127.0.0.1:9 has no SQL Gateway\n' +
                `  left behind: nothing stopped or submitted; job ${jobId} as it was; enable sqlGateway on a local SessionCluster, or set sqlGatewayUrl on a remote one`,
        );
    });
});

describe("2 and 3. the home line says a cached Flink is found, and names the resource", () => {
    test("the three cases of the cache, word for word", () => {
        const cache = path.join(root, "c1");
        expect(materializeLine(cache, "2.3.0")).toBe(`materializing Flink 2.3.0 into ${cache} (not in the cache yet: downloads ~300 MB once)`);
        fs.mkdirSync(path.join(cache, "downloads", "flink-2.3.0"), { recursive: true });
        for (const f of ["apache_flink-2.3.0-py3-none-any.whl", "apache_flink_libraries-2.3.0.tar.gz"])
            fs.writeFileSync(path.join(cache, "downloads", "flink-2.3.0", f), "");
        expect(materializeLine(cache, "2.3.0")).toBe(`materializing Flink 2.3.0 into ${cache} (its downloads are in the cache: unpacking only)`);
        fs.mkdirSync(path.join(cache, "flink", "2.3.0"), { recursive: true });
        fs.writeFileSync(path.join(cache, "flink", "2.3.0", ".complete"), "");
        expect(materializeLine(cache, "2.3.0")).toBe(`Flink 2.3.0 is in the cache at ${path.join(cache, "flink", "2.3.0")} (nothing to download)`);
    });

    test("create of a cached home prints no download, prefixed with the resource's name", async () => {
        const cache = path.join(root, "c2");
        fs.mkdirSync(path.join(cache, "flink", "2.3.0"), { recursive: true });
        fs.writeFileSync(path.join(cache, "flink", "2.3.0", ".complete"), "");
        const lines = await printed(() => homeProvider.create({ version: "2.3.0", cacheDir: cache, [NAME_KEY]: "flink-2" }));
        expect(lines[0]).toBe(`[FlinkHome flink-2] Flink 2.3.0 is in the cache at ${path.join(cache, "flink", "2.3.0")} (nothing to download)`);
        expect(lines.join("\n")).not.toContain("300 MB");
    });

    test("labels: the resource's name; state from before the name was passed falls back to what it used to say", () => {
        expect(resourceLabel("SessionCluster", { [NAME_KEY]: "analytics" }, "local")).toBe("SessionCluster analytics");
        expect(resourceLabel("SessionCluster", {}, "local")).toBe("SessionCluster local");
    });
});

describe("4. a refresh's own diff prints no restart line; the update's diff prints it once", () => {
    test("read, then the refresh's diff (quiet), then the update's diff (one line)", async () => {
        const inputs = { name: "tally", cluster, jar: { url: "https://repo.example.com/tally.jar" } };
        const args = checkJobArgs(inputs).args!;
        const olds = {
            ...args,
            jobId: "c".repeat(32),
            state: "CANCELED",
            generation: 1,
            lastSavepoint: "",
            restoredFrom: "",
            webUiUrl: "",
            deployedAt: "",
            jarId: "",
            variablesHash: variablesOf(args).hash,
            stateVersion: 1,
        } as JobState;
        const line = (ls: string[]) => ls.filter((l) => l.startsWith("[FlinkJob] preview: tally:"));
        const read = await printed(() => jobProvider.read!("id", olds));
        expect(read.some((l) => l.startsWith("[FlinkJob tally] refresh could not reach the cluster"))).toBe(true);
        expect(line(await printed(() => jobProvider.diff!("id", olds, inputs)))).toEqual([]);
        expect(line(await printed(() => jobProvider.diff!("id", olds, inputs)))).toEqual([
            "[FlinkJob] preview: tally: restart (changed: state) - the job is CANCELED; it is started again and restores from the newest retained checkpoint or savepoint Flink has at that time; last recorded: none (empty state unless Flink still has one)",
        ]);
    }, 60_000);
});
