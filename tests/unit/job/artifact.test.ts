/**
 * Artifact resolution against a real local HTTP server (downloads, redirects, cache, digests,
 * redaction, Maven layout and .sha1), and content-addressed upload against a mocked Flink.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import os = require("node:os");
import { join, relative } from "node:path";
import type { FormData } from "undici";
import { DEFAULT_MAVEN_REPOSITORY, displayUrl, mavenUrl, resolveArtifact, type ResolvedArtifact } from "../../../provider/core/artifact";
import { ensureUploaded, pruneJars, uploadName } from "../../../provider/job/upload";
import { DeployError, InputError } from "../../../provider/core/errors";
import { fixture, JSON_HEADERS, mocked, rejection } from "../flink/helpers";

const JAR = Buffer.concat([Buffer.from("PK\u0003\u0004"), randomBytes(300 * 1024)]);
const digest = (algorithm: string, data: Buffer) => createHash(algorithm).update(data).digest("hex");
const SHA256 = digest("sha256", JAR);
const SHA1 = digest("sha1", JAR);
const OTHER = "0".repeat(64);
const MAVEN = "/maven2/com/example/my-job/1.2";

interface Seen {
    readonly path: string;
    readonly authorization: string | undefined;
}
let server: Server;
let base: string;
let seen: Seen[] = [];

function route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    seen.push({ path, authorization: req.headers.authorization });
    const redirect = /^\/redirect\/(\d+)$/.exec(path);
    if (redirect) {
        const n = Number(redirect[1]);
        res.writeHead(302, { location: n === 0 ? "/files/my-job-1.2.jar" : `${base}/redirect/${n - 1}?token=t` }).end();
    } else if (
        path === "/files/my-job-1.2.jar" ||
        path === "/files/my%20job%201.jar" ||
        path === `${MAVEN}/my-job-1.2.jar` ||
        path === `${MAVEN}/my-job-1.2-tests.jar` ||
        path === "/bad-repo/x/bad/1.0/bad-1.0.jar"
    ) {
        res.writeHead(200, { "content-type": "application/java-archive" }).end(JAR);
    } else if (path === `${MAVEN}/my-job-1.2.jar.sha1`) {
        res.writeHead(200).end(`${SHA1}  my-job-1.2.jar\n`);
    } else if (path === "/bad-repo/x/bad/1.0/bad-1.0.jar.sha1") {
        res.writeHead(200).end("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    } else if (path === "/slow/my-job.jar") {
        res.writeHead(200);
        let offset = 0;
        const tick = () => {
            if (offset >= JAR.length) return void res.end();
            res.write(JAR.subarray(offset, offset + 64 * 1024));
            offset += 64 * 1024;
            setTimeout(tick, 10);
        };
        tick();
    } else if (path === "/auth/x.jar") {
        const ok = req.headers.authorization === `Basic ${Buffer.from("user:s3cr:t").toString("base64")}`;
        res.writeHead(ok ? 200 : 401).end(ok ? JAR : "who are you");
    } else if (path === "/hang.jar") {
        res.writeHead(200);
        res.write(JAR.subarray(0, 10)); // then silence
    } else {
        res.writeHead(404).end("not found");
    }
}

beforeAll(async () => {
    server = createServer(route);
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
});

let cacheDir: string;
let lines: string[];
const opts = () => ({ cacheDir, progress: (l: string) => lines.push(l) });
const cachedFiles = () =>
    readdirSync(join(cacheDir, "artifacts"))
        .filter((f) => f !== "sha1")
        .sort();
beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), "pf-artifact-"));
    lines = [];
    seen = [];
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<Error> {
    const err = await rejection(promise);
    expect(err).toBeInstanceOf(Error);
    return err as Error;
}

describe("url", () => {
    test("downloads into <cacheDir>/artifacts/<sha256>.jar with progress lines", async () => {
        const got = await resolveArtifact({ url: `${base}/files/my-job-1.2.jar` }, opts());
        expect(got).toEqual({ file: join(cacheDir, "artifacts", `${SHA256}.jar`), sha256: SHA256, fileName: "my-job-1.2.jar", source: "url" });
        expect(readFileSync(got.file).equals(JAR)).toBe(true);
        expect(lines).toEqual([`downloading ${base}/files/my-job-1.2.jar`, expect.stringMatching(/^downloaded 0\.3 MB in \d+\.\d s$/)]);
        expect(cachedFiles()).toEqual([`${SHA256}.jar`]);
    });

    test("with sha256 given, a cached file is used without any request", async () => {
        const spec = { url: `${base}/files/my-job-1.2.jar`, sha256: SHA256.toUpperCase() };
        const first = await resolveArtifact(spec, opts());
        expect(seen).toHaveLength(1);
        const second = await resolveArtifact(spec, opts());
        expect(seen).toHaveLength(1); // the server saw exactly one request in all
        expect(second).toEqual(first);
    });

    test("a corrupted cache entry is noticed and downloaded again", async () => {
        const spec = { url: `${base}/files/my-job-1.2.jar`, sha256: SHA256 };
        const first = await resolveArtifact(spec, opts());
        writeFileSync(first.file, "garbage");
        const second = await resolveArtifact(spec, opts());
        expect(seen).toHaveLength(2);
        expect(readFileSync(second.file).equals(JAR)).toBe(true);
    });

    test("without sha256 the URL is fetched again (its content may change), into the same cache file", async () => {
        await resolveArtifact({ url: `${base}/files/my-job-1.2.jar` }, opts());
        await resolveArtifact({ url: `${base}/files/my-job-1.2.jar` }, opts());
        expect(seen).toHaveLength(2);
        expect(cachedFiles()).toEqual([`${SHA256}.jar`]);
    });

    test("sha256 mismatch fails, names both digests and caches nothing", async () => {
        const err = await failure(resolveArtifact({ url: `${base}/files/my-job-1.2.jar`, sha256: OTHER }, opts()));
        expect(err).toBeInstanceOf(DeployError);
        expect(err.message).toContain(`${base}/files/my-job-1.2.jar`);
        expect(err.message).toContain(SHA256);
        expect(err.message).toContain(OTHER);
        expect(cachedFiles()).toEqual([]);
    });

    test("404 fails with the status and the URL", async () => {
        const err = await failure(resolveArtifact({ url: `${base}/missing.jar` }, opts()));
        expect(err).toBeInstanceOf(DeployError);
        expect(err.message).toContain(`downloading ${base}/missing.jar failed: HTTP 404`);
        expect(cachedFiles()).toEqual([]);
    });

    test("redirects are followed (up to 5), more fail", async () => {
        const got = await resolveArtifact({ url: `${base}/redirect/4` }, opts());
        expect(got.sha256).toBe(SHA256);
        expect(seen.map((s) => s.path)).toEqual(["/redirect/4", "/redirect/3", "/redirect/2", "/redirect/1", "/redirect/0", "/files/my-job-1.2.jar"]);
        const err = await failure(resolveArtifact({ url: `${base}/redirect/5` }, opts()));
        expect(err.message).toContain("more than 5 redirects");
    });

    test("userinfo is sent as Basic auth", async () => {
        const got = await resolveArtifact({ url: `http://user:s3cr%3At@${base.slice("http://".length)}/auth/x.jar` }, opts());
        expect(got.sha256).toBe(SHA256);
        expect(got.fileName).toBe("x.jar");
    });

    test("the file name is the URL's last segment, decoded", async () => {
        expect((await resolveArtifact({ url: `${base}/files/my-job-1.2.jar?v=%FF` }, opts())).fileName).toBe("my-job-1.2.jar");
        expect((await resolveArtifact({ url: `${base}/files/my%20job%201.jar` }, opts())).fileName).toBe("my job 1.jar");
        const err = await failure(resolveArtifact({ url: `${base}/dir/my%20job%FF.jar` }, opts()));
        expect(err.message).toContain("/dir/my%20job%FF.jar failed: HTTP 404");
    });

    test("a stalled download times out", async () => {
        const err = await failure(resolveArtifact({ url: `${base}/hang.jar` }, { ...opts(), timeoutMs: 300 }));
        expect(err.message).toContain("timed out (no data for 300 ms)");
        expect(cachedFiles()).toEqual([]);
    });

    test("concurrent resolutions of the same URL give one valid file", async () => {
        const all = await Promise.all(Array.from({ length: 6 }, () => resolveArtifact({ url: `${base}/slow/my-job.jar` }, opts())));
        expect(seen).toHaveLength(6);
        expect(new Set(all.map((a) => a.file)).size).toBe(1);
        expect(digest("sha256", readFileSync(all[0]!.file))).toBe(SHA256);
        expect(cachedFiles()).toEqual([`${SHA256}.jar`]); // no temp files left
    });
});

describe("redaction: userinfo and query never appear", () => {
    test("displayUrl keeps scheme://host/path", () => {
        expect(displayUrl("https://user:secret@host/x.jar?sig=abc")).toBe("https://host/x.jar");
        expect(displayUrl("https://b.s3.amazonaws.com/a/b.jar?X-Amz-Signature=abc#f")).toBe("https://b.s3.amazonaws.com/a/b.jar");
        expect(displayUrl("not a url?sig=abc")).toBe("not a url");
    });

    test.each([
        ["HTTP error", () => `http://user:secret@${base.slice(7)}/missing.jar?sig=abc`],
        ["too many redirects", () => `http://user:secret@${base.slice(7)}/redirect/5?sig=abc`],
        ["TLS error", () => `https://user:secret@${base.slice(7)}/x.jar?X-Amz-Signature=abc`],
        ["connection refused", () => "http://user:secret@127.0.0.1:1/x.jar?sig=abc"],
        ["unknown host", () => "https://user:secret@host.invalid/x.jar?sig=abc"],
    ])("%s", async (_, url) => {
        const err = await failure(resolveArtifact({ url: url() }, opts()));
        expect(err).toBeInstanceOf(DeployError);
        for (const text of [err.message, ...lines]) {
            expect(text).not.toContain("secret");
            expect(text).not.toContain("abc");
        }
        expect(err.message).toMatch(/downloading https?:\/\/[^/]+\/[\w/.-]+ failed/);
    });
});

describe("maven", () => {
    test.each([
        [
            "org.apache.flink:flink-connector-datagen:1.20.3",
            undefined,
            `${DEFAULT_MAVEN_REPOSITORY}/org/apache/flink/flink-connector-datagen/1.20.3/flink-connector-datagen-1.20.3.jar`,
        ],
        ["junit:junit:4.13.2", "https://repo.example/maven2", "https://repo.example/maven2/junit/junit/4.13.2/junit-4.13.2.jar"],
        ["com.example:my-job:1.2:tests", "http://nexus/repo/", "http://nexus/repo/com/example/my-job/1.2/my-job-1.2-tests.jar"],
        ["com.example:my-job:1.0-SNAPSHOT:shaded", "http://nexus/repo//", "http://nexus/repo/com/example/my-job/1.0-SNAPSHOT/my-job-1.0-SNAPSHOT-shaded.jar"],
    ])("mavenUrl(%s, %s)", (coords, repo, url) => {
        expect(mavenUrl(coords, repo)).toBe(url);
    });

    test.each(["a:b", "a:b:c:d:e", "a::c", "a/b:c:1", "a:b:1 2", ""])("mavenUrl rejects %j", (coords) => {
        expect(() => mavenUrl(coords)).toThrow(InputError);
    });

    test("resolves through the repository, verified against .sha1; next time only the .sha1 is fetched", async () => {
        const spec = { maven: "com.example:my-job:1.2", mavenRepository: `${base}/maven2` };
        const got = await resolveArtifact(spec, opts());
        expect(got).toEqual({ file: join(cacheDir, "artifacts", `${SHA256}.jar`), sha256: SHA256, fileName: "my-job-1.2.jar", source: "maven" });
        expect(seen.map((s) => s.path)).toEqual([`${MAVEN}/my-job-1.2.jar.sha1`, `${MAVEN}/my-job-1.2.jar`]);
        seen = [];
        expect(await resolveArtifact(spec, opts())).toEqual(got);
        expect(seen.map((s) => s.path)).toEqual([`${MAVEN}/my-job-1.2.jar.sha1`]);
        seen = [];
        expect(await resolveArtifact({ ...spec, sha256: SHA256 }, opts())).toEqual(got);
        expect(seen).toEqual([]);
    });

    test("a missing .sha1 is a warning; the classifier picks the file", async () => {
        const got = await resolveArtifact({ maven: "com.example:my-job:1.2:tests", mavenRepository: `${base}/maven2`, sha256: SHA256 }, opts());
        expect(got.fileName).toBe("my-job-1.2-tests.jar");
        expect(lines[0]).toMatch(/^warning: .*my-job-1\.2-tests\.jar\.sha1 does not exist/);
    });

    test(".sha1 mismatch fails and caches nothing", async () => {
        const err = await failure(resolveArtifact({ maven: "x:bad:1.0", mavenRepository: `${base}/bad-repo` }, opts()));
        expect(err).toBeInstanceOf(DeployError);
        expect(err.message).toContain(SHA1);
        expect(err.message).toContain("da39a3ee5e6b4b0d3255bfef95601890afd80709");
        expect(cachedFiles()).toEqual([]);
    });

    test("a missing artifact fails with HTTP 404", async () => {
        const err = await failure(resolveArtifact({ maven: "com.example:nope:1.0", mavenRepository: `${base}/maven2` }, opts()));
        expect(err.message).toContain(`${base}/maven2/com/example/nope/1.0/nope-1.0.jar failed: HTTP 404`);
    });
});

describe("path", () => {
    let file: string;
    beforeEach(() => {
        file = join(cacheDir, "my-job-1.2.jar");
        writeFileSync(file, JAR);
    });

    test("relative to the working directory, digest computed", async () => {
        expect(await resolveArtifact({ path: relative(process.cwd(), file) }, opts())).toEqual({
            file,
            sha256: SHA256,
            fileName: "my-job-1.2.jar",
            source: "path",
        });
        expect(await resolveArtifact({ path: file, sha256: SHA256 }, opts())).toMatchObject({ file, sha256: SHA256 });
    });

    test("~/ is expanded", async () => {
        const home = jest.spyOn(os, "homedir").mockReturnValue(cacheDir);
        try {
            expect((await resolveArtifact({ path: "~/my-job-1.2.jar" }, opts())).file).toBe(file);
        } finally {
            home.mockRestore();
        }
    });

    test("sha256 mismatch names the file and both digests", async () => {
        const err = await failure(resolveArtifact({ path: file, sha256: OTHER }, opts()));
        expect(err).toBeInstanceOf(DeployError);
        expect(err.message).toContain(file);
        expect(err.message).toContain(SHA256);
        expect(err.message).toContain(OTHER);
    });

    test("a missing file is an input error", async () => {
        const err = await failure(resolveArtifact({ path: join(cacheDir, "nope.jar") }, opts()));
        expect(err).toBeInstanceOf(InputError);
        expect(err.message).toContain("nope.jar");
    });
});

test.each([
    [{}, "exactly one"],
    [{ path: "a.jar", url: "http://x/a.jar" }, "exactly one"],
    [{ url: "http://x/a.jar", sha256: "abc" }, "64 hex"],
    [{ url: "ftp://user:secret@x/a.jar" }, "http(s)"],
])("bad spec %j is an input error", async (spec, text) => {
    const err = await failure(resolveArtifact(spec, opts()));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain(text);
    expect(err.message).not.toContain("secret");
});

describe("upload", () => {
    const artifact = (): ResolvedArtifact => {
        const file = join(cacheDir, "my job.jar");
        writeFileSync(file, JAR);
        return { file, sha256: SHA256, fileName: "my job.jar", source: "path" };
    };
    const NAME = `pf-${SHA256.slice(0, 16)}-my_job.jar`;
    const jar = (name: string, uploaded: number) => ({ id: `${uploaded}-uuid_${name}`, name, uploaded, entry: [] });

    test.each([
        ["my-job-1.2.jar", "pf-0123456789abcdef-my-job-1.2.jar"],
        ["my job (1).jar", "pf-0123456789abcdef-my_job__1_.jar"],
        ["artifact", "pf-0123456789abcdef-artifact.jar"],
    ])("uploadName of %j", (fileName, name) => {
        expect(uploadName({ sha256: `0123456789abcdef${"f".repeat(48)}`, fileName })).toBe(name);
    });

    test("an already uploaded jar is reused (newest), no upload", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/jars" }).reply(200, { files: [jar("other.jar", 5), jar(NAME, 1), jar(NAME, 3)] }, JSON_HEADERS);
        expect(await ensureUploaded(client, artifact())).toBe(`3-uuid_${NAME}`);
        expect(calls).toEqual(["GET /jars"]);
    });

    test("a missing jar is uploaded once under its content-addressed name", async () => {
        const { pool, client, calls } = mocked();
        pool.intercept({ path: "/jars" }).reply(200, { files: [jar(`pf-${"1".repeat(16)}-my_job.jar`, 1)] }, JSON_HEADERS);
        let part: File | undefined;
        pool.intercept({ path: "/jars/upload", method: "POST" }).reply((o) => {
            part = (o.body as FormData).get("jarfile") as File;
            return { statusCode: 200, data: fixture("upload-1.20.json"), responseOptions: JSON_HEADERS };
        });
        const progress: string[] = [];
        expect(await ensureUploaded(client, artifact(), (l) => progress.push(l))).toBe("98388a94-a10c-481e-b970-1d7db1339fc6_counter-1.20.3.jar");
        expect(calls).toEqual(["GET /jars", "POST /jars/upload"]);
        expect(part?.name).toBe(NAME);
        expect(Buffer.from(await part!.arrayBuffer()).equals(JAR)).toBe(true);
        expect(progress[0]).toBe(`uploading ${NAME} (0.3 MB)`);
    });

    test("pruneJars keeps the newest 3 of the same file name and protected ids", async () => {
        const { pool, client, calls } = mocked();
        const ours = [1, 2, 3, 4, 5, 6].map((n) => jar(`pf-${String(n).repeat(16)}-my_job.jar`, n));
        pool.intercept({ path: "/jars" }).reply(200, { files: [...ours, jar("pf-1111111111111111-other.jar", 0), jar("my_job.jar", 0)] }, JSON_HEADERS);
        for (const n of [1, 3]) pool.intercept({ path: `/jars/${ours[n - 1]!.id}`, method: "DELETE" }).reply(n === 3 ? 404 : 200, {}, JSON_HEADERS);
        expect(await pruneJars(client, { fileName: "my job.jar" }, { protect: [ours[1]!.id] })).toEqual([ours[2]!.id, ours[0]!.id]);
        expect(calls).toEqual(["GET /jars", `DELETE /jars/${ours[2]!.id}`, `DELETE /jars/${ours[0]!.id}`]);
    });
});
