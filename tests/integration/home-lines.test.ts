/**
 * Every way a FlinkHome materializes, for real through the provider and scripts/install-flink.sh:
 * Flink 1.18.1 (PyPI serves only source archives for this Python; a real cluster of it starts), 1.19.3 (Maven Central has no
 * flink-sql-gateway 1.19.3: a home without SQL, with the reason), and a distributionUrl served by
 * a local HTTP server (a binary-release tarball built from the test bed's newest home), checked
 * against its sha512 (a wrong digest is refused at create, naming both digests).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { request } from "undici";
import { homeProvider, type HomeState } from "../../provider/home";
import { distributionHome } from "../../provider/home/distribution-url";
import { messageOf } from "../../provider/core/errors";
import { NAME_KEY } from "../../provider/core/log";
import { flinkLines, portBlock } from "../support/testbed";
import { javaProcessesOf, startCluster } from "../support/cluster";

jest.setTimeout(15 * 60_000);

/** Progress lines a call writes (the provider writes them to stderr). */
async function withLines<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; lines: string[] }> {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        return true;
    });
    try {
        return { value: await fn(), lines };
    } catch (error) {
        return { error, lines };
    } finally {
        spy.mockRestore();
    }
}

async function create(inputs: Record<string, unknown>) {
    const got = await withLines(() => homeProvider.create(inputs));
    return { outs: got.value?.outs as HomeState | undefined, error: got.error, lines: got.lines };
}

describe("FlinkHome from the package registries on the older lines", () => {
    test("1.18.1: assembled from PyPI source archives; flink-conf.yaml dialect; has the SQL Gateway", async () => {
        const { outs, error } = await create({ version: "1.18.1", [NAME_KEY]: "flink-118" });
        expect(messageOf(error ?? "")).toBe("");
        expect(outs).toMatchObject({ flinkVersion: "1.18.1", configDialect: "flink-conf.yaml", source: "registry", sqlGateway: true, sqlGatewayReason: "" });
        expect(fs.readdirSync(path.join(outs!.homePath, "opt"))).toContain("flink-sql-gateway-1.18.1.jar");
        expect(fs.existsSync(path.join(outs!.homePath, "conf", "flink-conf.yaml"))).toBe(true);
        // The assembled scripts run: Flink's own version banner names the line.
        const banner = execFileSync(path.join(outs!.homePath, "bin", "flink"), ["--version"], { encoding: "utf8", env: { ...process.env, FLINK_HOME: "" } });
        expect(banner).toMatch(/Version: 1\.18\.1/);

        // A real cluster of it starts on the flink-conf.yaml dialect and reports the line; then it is gone.
        const cluster = await startCluster({ version: "1.18.1", home: outs!.homePath, testJobJar: "" }, portBlock(1385), { taskManagers: 1 });
        try {
            const overview = (await (await request(`${cluster.restUrl}/overview`)).body.json()) as Record<string, unknown>;
            expect(overview).toMatchObject({ "flink-version": "1.18.1", taskmanagers: 1 });
            expect(fs.existsSync(path.join(cluster.workDir, "conf", "flink-conf.yaml"))).toBe(true);
        } finally {
            await cluster.stop();
        }
        expect(javaProcessesOf(cluster.workDir)).toEqual([]);
    });

    test("1.19.3: a home without SQL support and a one-line reason, not a failure", async () => {
        const { outs, error, lines } = await create({ version: "1.19.3", [NAME_KEY]: "flink-119" });
        expect(messageOf(error ?? "")).toBe("");
        const reason = "Maven Central has no org.apache.flink:flink-sql-gateway:1.19.3";
        expect(outs).toMatchObject({ flinkVersion: "1.19.3", configDialect: "config.yaml", sqlGateway: false, sqlGatewayReason: reason });
        expect(lines).toContain(`[FlinkHome flink-119] no SQL Gateway in this home: ${reason}; clusters of it run JAR jobs only`);
        expect(fs.readdirSync(path.join(outs!.homePath, "opt")).filter((f) => f.includes("sql-gateway"))).toEqual([]);
    });
});

describe("FlinkHome from a distributionUrl (an official binary release's layout, served locally)", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "pf-it-dist-"));
    const cacheDir = path.join(work, "cache");
    const tarball = path.join(work, "flink-1.20.3-bin-scala_2.12.tgz");
    let server: http.Server;
    let url = "";
    let sha512 = "";
    const served: string[] = [];

    beforeAll(async () => {
        const line = flinkLines().find((l) => l.version === "1.20.3");
        if (!line) throw new Error("the test bed has no Flink 1.20.3 home to build the tarball from");
        // The release's layout: one top folder flink-<version>/ holding bin, conf, lib, opt, plugins.
        const stage = path.join(work, "stage");
        fs.mkdirSync(stage);
        fs.symlinkSync(line.home, path.join(stage, "flink-1.20.3"));
        execFileSync("bash", ["-c", `tar -C "${stage}" -ch --exclude=flink-1.20.3/log --exclude=flink-1.20.3/.complete flink-1.20.3 | gzip -1 > "${tarball}"`]);
        sha512 = createHash("sha512").update(fs.readFileSync(tarball)).digest("hex");
        server = http.createServer((req, res) => {
            served.push(req.url ?? "");
            if (req.url !== "/dist/flink-1.20.3-bin-scala_2.12.tgz") return void res.writeHead(404).end();
            res.writeHead(200, { "content-length": fs.statSync(tarball).size });
            fs.createReadStream(tarball).pipe(res);
        });
        await new Promise<void>((resolve) => server.listen(portBlock(1380), "127.0.0.1", resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dist/flink-1.20.3-bin-scala_2.12.tgz`;
    });
    afterAll(async () => {
        await new Promise((resolve) => server?.close(resolve));
        fs.rmSync(work, { recursive: true, force: true });
    });

    test("a wrong digest: refused at create with the expected and actual sha512; nothing is cached", async () => {
        const wrong = "0".repeat(128);
        const { outs, error } = await create({ distributionUrl: url, distributionSha512: wrong, cacheDir, [NAME_KEY]: "mirror" });
        expect(outs).toBeUndefined();
        const message = messageOf(error);
        expect(message).toContain(`has sha512 ${sha512}, expected ${wrong} (distributionSha512); it was discarded`);
        expect(message).toContain("left behind: nothing");
        expect(fs.existsSync(path.join(distributionHome(cacheDir, wrong), ".complete"))).toBe(false);
    });

    test("the right digest: downloaded once, verified, unpacked, detected as 1.20.3 with the SQL Gateway; then found in the cache", async () => {
        served.length = 0;
        const inputs = { distributionUrl: url, distributionSha512: sha512.toUpperCase(), version: "1.20.3", cacheDir, [NAME_KEY]: "mirror" };
        const first = await create(inputs);
        expect(messageOf(first.error ?? "")).toBe("");
        const home = distributionHome(cacheDir, sha512);
        expect(first.outs).toMatchObject({ homePath: home, flinkVersion: "1.20.3", source: "url", sqlGateway: true, distributionUrl: url });
        expect(first.lines[0]).toBe(`[FlinkHome mirror] downloading the distribution into ${home} (checked against distributionSha512 before unpacking)`);
        expect(first.lines.join("\n")).toContain("sha512 verified; unpacking");
        expect(served).toEqual(["/dist/flink-1.20.3-bin-scala_2.12.tgz"]);
        for (const dir of ["bin", "conf", "lib", "opt", "plugins"]) expect(fs.existsSync(path.join(home, dir))).toBe(true);

        const again = await create(inputs);
        expect(again.outs?.homePath).toBe(home);
        expect(again.lines[0]).toBe(`[FlinkHome mirror] the distribution is in the cache at ${home} (nothing to download)`);
        expect(served).toHaveLength(1);
    });
});
