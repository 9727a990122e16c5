/**
 * JAR artifacts for real: a download from Maven Central verified against its .sha1 and cached,
 * and content-addressed uploads to a real Flink of every release line (uploaded once, reused,
 * runnable under the new name, pruned).
 */
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MockAgent, request } from "undici";
import { createFlinkClient, type FlinkClient } from "../../provider/flink";
import { DEFAULT_MAVEN_REPOSITORY, mavenUrl, resolveArtifact, type ResolvedArtifact } from "../../provider/core/artifact";
import { ensureUploaded, pruneJars, uploadName } from "../../provider/job/upload";
import { type RunningCluster, startCluster } from "../support/cluster";
import { waitFor } from "../support/counter";
import { flinkLines, portBlock } from "../support/testbed";

jest.setTimeout(10 * 60_000);

const COORDS = "org.apache.flink:flink-connector-datagen:1.20.3";

describe("Maven Central", () => {
    test("downloads a real artifact verified against its .sha1; then it comes from the cache", async () => {
        const cacheDir = mkdtempSync(join(tmpdir(), "pf-it-maven-"));
        let lines: string[] = [];
        const progress = (l: string) => lines.push(l);
        const url = mavenUrl(COORDS);
        expect(url).toBe(`${DEFAULT_MAVEN_REPOSITORY}/org/apache/flink/flink-connector-datagen/1.20.3/flink-connector-datagen-1.20.3.jar`);

        const first = await resolveArtifact({ maven: COORDS }, { cacheDir, progress });
        expect(first).toMatchObject({
            source: "maven",
            fileName: "flink-connector-datagen-1.20.3.jar",
            file: join(cacheDir, "artifacts", `${first.sha256}.jar`),
        });
        const bytes = readFileSync(first.file);
        expect(bytes.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(first.sha256);
        // The repository's own .sha1, read independently.
        const sha1 = (await (await request(`${url}.sha1`)).body.text()).trim().split(/\s+/)[0];
        expect(createHash("sha1").update(bytes).digest("hex")).toBe(sha1);
        expect(lines).toEqual([`downloading ${url}`, expect.stringMatching(/^downloaded 0\.02 MB in \d+\.\d s$/)]);

        // Second time: only the tiny .sha1 is fetched, the jar comes from the cache.
        lines = [];
        expect(await resolveArtifact({ maven: COORDS }, { cacheDir, progress })).toEqual(first);
        expect(lines).toEqual([]);

        // With the sha256 pinned, no network at all (a MockAgent that refuses connections).
        const offline = new MockAgent();
        offline.disableNetConnect();
        expect(await resolveArtifact({ maven: COORDS, sha256: first.sha256 }, { cacheDir, dispatcher: offline })).toEqual(first);
        await offline.close();
    });

    test("a coordinate that does not exist fails with HTTP 404", async () => {
        const cacheDir = mkdtempSync(join(tmpdir(), "pf-it-maven-"));
        await expect(resolveArtifact({ maven: "org.apache.flink:flink-connector-datagen:0.0.0-nope" }, { cacheDir })).rejects.toThrow(
            /flink-connector-datagen-0\.0\.0-nope\.jar failed: HTTP 404/,
        );
    });
});

describe.each(flinkLines().map((l, i) => [l.version, l, i] as const))("content-addressed upload on real Flink %s", (version, line, index) => {
    let cluster: RunningCluster;
    let client: FlinkClient;
    let artifact: ResolvedArtifact;
    let jarId: string;
    const uploads: string[] = [];

    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(400 + index * 10));
        client = createFlinkClient({
            baseUrl: cluster.restUrl,
            onRequest: (method, path) => {
                if (method === "POST" && path === "/jars/upload") uploads.push(path);
            },
        });
        artifact = await resolveArtifact({ path: line.testJobJar });
    });
    afterAll(async () => {
        await client?.close();
        await cluster?.stop();
    });

    test("the first ensureUploaded uploads, the second finds the jar and does not", async () => {
        const progress: string[] = [];
        jarId = await ensureUploaded(client, artifact, (l) => progress.push(l));
        expect(uploads).toHaveLength(1);
        const name = uploadName(artifact);
        expect(name).toBe(`pf-${artifact.sha256.slice(0, 16)}-counter-job.jar`);
        expect(jarId).toMatch(new RegExp(`^[0-9a-f-]{36}_${name.replace(/\./g, "\\.")}$`));
        expect((await client.listJars()).files.find((f) => f.id === jarId)?.name).toBe(name);

        expect(await ensureUploaded(client, artifact, (l) => progress.push(l))).toBe(jarId);
        expect(uploads).toHaveLength(1);
        expect(progress.at(-1)).toBe(`jar ${name} is already on the cluster`);
    });

    test(`Flink ${version} runs the jar under its content-addressed name`, async () => {
        const out = join(cluster.workDir, "out-artifact");
        const jobId = await client.runJar(jarId, { programArgsList: ["--out", out, "--rate", "20", "--name", "it-artifact"], parallelism: 1 });
        await waitFor("job running", async () => ((await client.job(jobId)).state === "RUNNING" ? true : undefined));
        await client.cancelJob(jobId);
        await waitFor("job canceled", async () => ((await client.job(jobId)).state === "CANCELED" ? true : undefined));
    });

    test("pruneJars deletes old uploads of the same file name only", async () => {
        const dir = mkdtempSync(join(tmpdir(), "pf-it-prune-"));
        copyFileSync(line.testJobJar, join(dir, "other.jar"));
        const other = await resolveArtifact({ path: join(dir, "other.jar") });
        const otherId = await ensureUploaded(client, other);
        expect(uploads).toHaveLength(2);
        expect(await pruneJars(client, other, { keep: 0 })).toEqual([otherId]);
        const ids = (await client.listJars()).files.map((f) => f.id);
        expect(ids).not.toContain(otherId);
        expect(ids).toContain(jarId);
    });
});
