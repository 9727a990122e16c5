import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkHomeArgs } from "../../../provider/home/schema";
import { detectSqlGateway } from "../../../provider/home/detect";
import { distributionHome } from "../../../provider/home/distribution-url";
import { distributionLine } from "../../../provider/home";
import { checkClusterArgs } from "../../../provider/cluster/schema";
import { UNKNOWN } from "../../../provider/core/unknown";

const URL_OK = "https://mirror.example.com/flink-1.20.3.tgz";
const SHA = "ab".repeat(64);
const EXAMPLE = 'use e.g. "https://archive.apache.org/dist/flink/flink-1.20.3/flink-1.20.3-bin-scala_2.12.tgz" or a file:/// path';
const SHA_FIX = "copy the digest published next to the archive (its .sha512 file, 128 hex digits; `sha512sum <archive>` for your own)";

describe("FlinkHome distributionUrl: accepted", () => {
    test.each([
        [{ distributionUrl: URL_OK, distributionSha512: SHA }],
        [{ distributionUrl: "http://127.0.0.1:8000/flink.tgz", distributionSha512: SHA.toUpperCase(), version: "1.20.3" }],
        [{ distributionUrl: "file:///srv/mirror/flink-1.18.1-bin-scala_2.12.tgz", distributionSha512: SHA }],
        [{ distributionUrl: UNKNOWN, distributionSha512: UNKNOWN }],
    ])("%j", (inputs) => {
        expect(checkHomeArgs(inputs).failures).toEqual([]);
    });
});

describe("FlinkHome distributionUrl: refused at preview with property, value and fix (one test per case)", () => {
    test.each<[string, Record<string, unknown>, string]>([
        [
            "a scheme that cannot be downloaded",
            { distributionUrl: "ftp://mirror/flink.tgz", distributionSha512: SHA },
            `distributionUrl = "ftp://mirror/flink.tgz": has the scheme ftp, which cannot be downloaded; fix: ${EXAMPLE}`,
        ],
        [
            "not a URL",
            { distributionUrl: "flink-1.20.3.tgz", distributionSha512: SHA },
            `distributionUrl = "flink-1.20.3.tgz": is not a valid URL; fix: ${EXAMPLE}`,
        ],
        [
            "credentials in the URL (redacted in the message)",
            { distributionUrl: "https://me:s3cret@mirror.example.com/flink.tgz", distributionSha512: SHA },
            'distributionUrl = "https://***@mirror.example.com/flink.tgz": contains credentials (user:password@), which would be stored in plain text in the Pulumi state; fix: use a mirror reachable without credentials, or download the archive and set path to its unpacked folder',
        ],
        ["no checksum", { distributionUrl: URL_OK }, `distributionSha512 = undefined: is required with distributionUrl; fix: ${SHA_FIX}`],
        [
            "a checksum that is not sha512",
            { distributionUrl: URL_OK, distributionSha512: "ab".repeat(32) },
            `distributionSha512 = "${"ab".repeat(32)}": is not a sha512 digest (128 hex digits); fix: ${SHA_FIX}`,
        ],
        [
            "a checksum with a non-hex digit",
            { distributionUrl: URL_OK, distributionSha512: "g" + SHA.slice(1) },
            `distributionSha512 = "g${SHA.slice(1, 76)}...: is not a sha512 digest (128 hex digits); fix: ${SHA_FIX}`,
        ],
        [
            "a checksum without a URL",
            { version: "1.20.3", distributionSha512: SHA },
            `distributionSha512 = "${SHA.slice(0, 76)}...: is set without distributionUrl; fix: set distributionUrl too, or remove it`,
        ],
        [
            "with path",
            { distributionUrl: URL_OK, distributionSha512: SHA, path: "/opt/flink" },
            `distributionUrl = "${URL_OK}": cannot be combined with path; fix: set either distributionUrl or path`,
        ],
        [
            "with image",
            { distributionUrl: URL_OK, distributionSha512: SHA, image: "flink:1.20.3" },
            `distributionUrl = "${URL_OK}": cannot be combined with image; fix: set either distributionUrl or image`,
        ],
        [
            "with an unsupported version",
            { distributionUrl: URL_OK, distributionSha512: SHA, version: "1.15.4" },
            'version = "1.15.4": is not supported (supported: 1.16 to 2.x); fix: use Flink 1.16 or newer, 2.x at most',
        ],
    ])("%s", (_name, inputs, reason) => {
        expect(checkHomeArgs(inputs).failures.map((f) => f.reason)).toEqual([reason]);
    });
});

describe("where a distribution is cached and what materializing says", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "pf-dist-cache-"));
    test("keyed by the first 16 digits of its sha512, whatever their case", () => {
        expect(distributionHome(cache, SHA.toUpperCase())).toBe(path.join(cache, "flink", "dist-abababababababab"));
    });
    test("not cached: says it downloads and checks; cached: says nothing is downloaded", () => {
        const home = distributionHome(cache, SHA);
        expect(distributionLine(cache, SHA)).toBe(`downloading the distribution into ${home} (checked against distributionSha512 before unpacking)`);
        fs.mkdirSync(home, { recursive: true });
        fs.writeFileSync(path.join(home, ".complete"), "");
        expect(distributionLine(cache, SHA)).toBe(`the distribution is in the cache at ${home} (nothing to download)`);
    });
});

/** A directory shaped like a Flink home, with or without the SQL Gateway jar. */
function fakeHome(gatewayJar: boolean, marker?: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-gw-home-"));
    fs.mkdirSync(path.join(dir, "lib"));
    fs.mkdirSync(path.join(dir, "opt"));
    fs.writeFileSync(path.join(dir, "lib", "flink-dist-1.19.3.jar"), "");
    fs.writeFileSync(path.join(dir, "opt", "flink-sql-client-1.19.3.jar"), "");
    if (gatewayJar) fs.writeFileSync(path.join(dir, "opt", "flink-sql-gateway-1.19.3.jar"), "");
    if (marker !== undefined) fs.writeFileSync(path.join(dir, ".no-sql-gateway"), marker);
    return dir;
}

describe("SQL Gateway of a home", () => {
    test("present when opt/ has flink-sql-gateway-*.jar", () => {
        expect(detectSqlGateway(fakeHome(true))).toEqual({ ok: true });
    });
    test("missing: the reason install-flink.sh recorded, first line only", () => {
        const reason = "Maven Central has no org.apache.flink:flink-sql-gateway:1.19.3";
        expect(detectSqlGateway(fakeHome(false, `${reason}\nsecond line`))).toEqual({ ok: false, reason });
    });
    test("missing without a recorded reason: says which jar is absent", () => {
        const dir = fakeHome(false);
        expect(detectSqlGateway(dir)).toEqual({ ok: false, reason: `${dir} has no opt/flink-sql-gateway-*.jar` });
    });

    const cluster = (homePath: string) => ({
        target: "local",
        home: { homePath, flinkVersion: "1.19.3" },
        workDir: "/tmp/pf-gw-work",
        sqlGateway: { enabled: true },
    });
    test("a local cluster with sqlGateway on a home without it is refused at preview, with the home's reason", () => {
        const dir = fakeHome(false, "Maven Central has no org.apache.flink:flink-sql-gateway:1.19.3");
        expect(checkClusterArgs(cluster(dir)).failures.map((f) => f.reason)).toEqual([
            `sqlGateway.enabled = true: cannot be on: the FlinkHome (Flink 1.19.3 at ${dir}) has no SQL Gateway: Maven Central has no org.apache.flink:flink-sql-gateway:1.19.3; fix: turn sqlGateway off (JAR jobs still run), or use a home whose opt/ has flink-sql-gateway-*.jar: a line whose flink-sql-gateway is on Maven Central (e.g. 1.20.3), or a distributionUrl archive that ships it`,
        ]);
    });
    test("the same cluster on a home with the gateway, or with the gateway off, passes", () => {
        expect(checkClusterArgs(cluster(fakeHome(true))).failures).toEqual([]);
        expect(checkClusterArgs({ ...cluster(fakeHome(false)), sqlGateway: { enabled: false } }).failures).toEqual([]);
    });
});
