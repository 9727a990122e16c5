import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { normalizeSavepointDir } from "../../../provider/core/flink-config";
import { checkJobArgs } from "../../../provider/job/schema";
import { UNKNOWN } from "../../../provider/core/unknown";

/** An empty zip archive: the smallest file that is a JAR. */
const EMPTY_ZIP = Buffer.concat([Buffer.from("PK\x05\x06", "latin1"), Buffer.alloc(18)]);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-job-check-"));
const jarFile = path.join(dir, "my-job.jar");
fs.writeFileSync(jarFile, Buffer.concat([EMPTY_ZIP, Buffer.from("some content")]));
const textFile = path.join(dir, "notes.txt");
fs.writeFileSync(textFile, EMPTY_ZIP);
const fakeJar = path.join(dir, "fake.jar");
fs.writeFileSync(fakeJar, "<html>404 Not Found</html>");
const dirJar = path.join(dir, "classes.jar");
fs.mkdirSync(dirJar);
const digest = createHash("sha256").update(fs.readFileSync(jarFile)).digest("hex");

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cluster = { restUrl: "http://localhost:8081", flinkVersion: "1.20.3", webUiUrl: "http://localhost:8081" };
const base = { name: "orders", cluster, jar: { path: jarFile } };
const withJar = (jar: Record<string, unknown>) => ({ ...base, jar });
const withUpgrade = (upgrade: Record<string, unknown>) => ({ ...base, upgrade });
const withHealth = (health: Record<string, unknown>) => ({ ...base, health });
const withConfig = (configuration: unknown, flinkVersion = "1.20.3") => ({ ...base, cluster: { ...cluster, flinkVersion }, configuration });
const checkpointRequired = (interval: unknown) => ({ ...withConfig({ "execution.checkpointing.interval": interval }), health: { requireCheckpoint: true } });

describe("FlinkJob check accepts valid input", () => {
    test.each<[string, Record<string, unknown>]>([
        ["a local JAR", base],
        ["a local JAR by relative path", withJar({ path: path.relative(process.cwd(), jarFile) })],
        ["a local JAR with its matching sha256 (any case)", withJar({ path: jarFile, sha256: digest.toUpperCase() })],
        ["a URL ending in .jar", withJar({ url: "https://downloads.example.com/my-job-1.2.0.jar" })],
        ["a URL without .jar but with sha256", withJar({ url: "https://artifacts.example.com/download?id=42", sha256: "a".repeat(64) })],
        [
            "maven coordinates with classifier and repository",
            withJar({ maven: "com.example:my-job:1.2.0:all", mavenRepository: "https://nexus.example.com/repository/releases" }),
        ],
        [
            "every option set",
            {
                ...base,
                entryClass: "com.example.Orders$Main",
                args: ["--input", "kafka:9092", ""],
                parallelism: 4,
                configuration: { "execution.checkpointing.interval": "10s", "restart-strategy.type": "fixed-delay" },
                upgrade: {
                    mode: "savepoint",
                    restore: "latest-state",
                    allowNonRestoredState: true,
                    savepointDir: "s3://bucket/savepoints/orders",
                    savepointTimeoutSeconds: 900,
                    formatType: "NATIVE",
                    keepSavepoints: 10,
                },
                health: { runningTimeoutSeconds: 300, stableSeconds: 0, requireCheckpoint: true, maxRestarts: 2 },
                rollbackOnFailure: false,
                onDelete: "leave-running",
                adopt: true,
                labels: { team: "payments", "app.kubernetes.io/name": "orders" },
            },
        ],
        ["restore none with mode savepoint", withUpgrade({ mode: "savepoint", restore: "none" })],
        ["stateless without allowNonRestoredState", withUpgrade({ mode: "stateless" })],
        ["keepSavepoints 1 (only the newest, plus the one restored from)", withUpgrade({ keepSavepoints: 1 })],
        ["an absolute savepointDir", withUpgrade({ savepointDir: "/var/flink/savepoints/" })],
        ["a file:/// savepointDir", withUpgrade({ savepointDir: "file:///var/flink/savepoints" })],
        ["an hdfs savepointDir on the default namenode", withUpgrade({ savepointDir: "hdfs:///flink/savepoints" })],
        ["a Flink 1.16 cluster without configuration", { ...base, cluster: { ...cluster, flinkVersion: "1.16.3" } }],
        [
            "a Flink 2.x cluster with connection settings",
            { ...base, cluster: { ...cluster, flinkVersion: "2.3.0", connection: { headers: { Authorization: "Bearer x" } } } },
        ],
        ["the Pulumi provider key", { ...base, __provider: "serialized provider" }],
        ["inputs as check returned them (with artifactDigest)", { ...base, artifactDigest: "ab".repeat(32) }],
        ["unknown name", { ...base, name: UNKNOWN }],
        ["unknown cluster", { ...base, cluster: UNKNOWN, configuration: { "execution.checkpointing.interval": "1 min" } }],
        ["unknown cluster version", { ...base, cluster: { ...cluster, flinkVersion: UNKNOWN }, configuration: { "a.b": "x#y" } }],
        ["unknown jar", { ...base, jar: UNKNOWN }],
        ["unknown jar.path", withJar({ path: UNKNOWN })],
        ["unknown jar.sha256 next to a URL without .jar", withJar({ url: "https://artifacts.example.com/download?id=42", sha256: UNKNOWN })],
        ["unknown jar.maven next to a repository", withJar({ maven: UNKNOWN, mavenRepository: "https://nexus.example.com/releases" })],
        [
            "unknown parallelism, args element and configuration value",
            { ...base, parallelism: UNKNOWN, args: ["--x", UNKNOWN], configuration: { "a.b": UNKNOWN } },
        ],
        ["unknown mode next to allowNonRestoredState", withUpgrade({ mode: UNKNOWN, allowNonRestoredState: true })],
        ["unknown checkpoint interval next to requireCheckpoint", { ...checkpointRequired(UNKNOWN) }],
        ["unknown upgrade, health and labels", { ...base, upgrade: UNKNOWN, health: UNKNOWN, labels: UNKNOWN }],
    ])("%s", (_name, inputs) => {
        expect(checkJobArgs(inputs).failures).toEqual([]);
    });

    test("defaults are applied", () => {
        const { args, failures } = checkJobArgs(base);
        expect(failures).toEqual([]);
        expect(args).toEqual({
            name: "orders",
            cluster,
            jar: { path: jarFile },
            args: [],
            dependencies: [],
            variables: [],
            configuration: {},
            upgrade: {
                mode: "savepoint",
                restore: "latest-state",
                allowNonRestoredState: false,
                savepointTimeoutSeconds: 600,
                formatType: "CANONICAL",
                keepSavepoints: 3,
            },
            health: { runningTimeoutSeconds: 120, stableSeconds: 10, requireCheckpoint: false, maxRestarts: 0, finishTimeoutSeconds: 3600 },
            rollbackOnFailure: true,
            bounded: false,
            onDelete: "savepoint",
            adopt: false,
            labels: {},
        });
    });

    test("maven gets the default repository, sha256 is lowercased", () => {
        const { args } = checkJobArgs(withJar({ maven: "com.example:my-job:1.2.0", sha256: "AB".repeat(32) }));
        expect(args?.jar).toEqual({ maven: "com.example:my-job:1.2.0", sha256: "ab".repeat(32), mavenRepository: "https://repo.maven.apache.org/maven2" });
    });

    test("jarDigest is the sha256 of the local JAR", () => {
        const result = checkJobArgs(base);
        expect(result.jarDigest).toBe(digest);
        expect(result.jarDigest).toMatch(/^[0-9a-f]{64}$/);
        expect(checkJobArgs(withJar({ url: "https://x.example/a.jar" })).jarDigest).toBeUndefined();
    });

    test("with unknown inputs, args are withheld but known inputs are still checked", () => {
        expect(checkJobArgs({ ...base, cluster: UNKNOWN })).toEqual({ failures: [], args: undefined, jarDigest: digest });
        const { failures } = checkJobArgs({ ...base, cluster: UNKNOWN, parallelism: 0, jar: { path: fakeJar } });
        expect(failures.map((f) => f.property).sort()).toEqual(["jar.path", "parallelism"]);
    });
});

describe("FlinkJob check rejects bad input with property, value and fix", () => {
    test.each<[string, Record<string, unknown>, string, string]>([
        // name
        ["empty name", { ...base, name: "" }, "name", "is empty"],
        ["name too long", { ...base, name: "x".repeat(201) }, "name", "at most 200"],
        ["name with a line break", { ...base, name: "orders\nprod" }, "name", "control character"],
        ["name with a tab", { ...base, name: "orders\tprod" }, "name", "control character"],
        ["name with surrounding whitespace", { ...base, name: " orders" }, "name", "leading or trailing whitespace"],
        ["name not a string", { ...base, name: 42 }, "name", "Expected string"],
        // cluster
        ["missing cluster", { name: "orders", jar: { path: jarFile } }, "cluster", "is required"],
        ["cluster URL not http", { ...base, cluster: { ...cluster, restUrl: "ftp://flink:8081" } }, "cluster.restUrl", "http or https"],
        ["cluster version not a version", { ...base, cluster: { ...cluster, flinkVersion: "latest" } }, "cluster.flinkVersion", "not a Flink version"],
        ["cluster version too old", { ...base, cluster: { ...cluster, flinkVersion: "1.15.4" } }, "cluster.flinkVersion", "not supported"],
        ["cluster with an unknown property", { ...base, cluster: { ...cluster, home: "/opt/flink" } }, "cluster", "unknown property"],
        // jar: sources
        ["neither jar nor sql", { name: "orders", cluster }, "sql", "needs either jar or sql"],
        ["both jar and sql", { ...base, sql: "INSERT INTO a SELECT 1" }, "jar", "not both"],
        ["jar as a string", { ...base, jar: jarFile }, "jar", "Expected object"],
        ["jar without a source", withJar({}), "jar", "names no JAR"],
        ["jar with path and url", withJar({ path: jarFile, url: "https://x.example/a.jar" }), "jar", "exactly one of path, url or maven"],
        ["jar with an unknown property", withJar({ path: jarFile, file: "a.jar" }), "jar", "unknown property"],
        // jar.path
        ["jar.path does not exist", withJar({ path: "/nonexistent/my-job.jar" }), "jar.path", "does not exist"],
        ["jar.path relative and missing", withJar({ path: "target/missing.jar" }), "jar.path", path.join(process.cwd(), "target/missing.jar")],
        ["jar.path with ~/ and missing", withJar({ path: "~/pf-missing/my-job.jar" }), "jar.path", path.join(os.homedir(), "pf-missing/my-job.jar")],
        ["jar.path is a directory", withJar({ path: dirJar }), "jar.path", "not a regular file"],
        ["jar.path not a .jar", withJar({ path: textFile }), "jar.path", "does not end in .jar"],
        ["jar.path not a zip archive", withJar({ path: fakeJar }), "jar.path", "not a zip archive"],
        ["jar.path empty", withJar({ path: "" }), "jar.path", "at least 1"],
        // jar.url
        ["jar.url not http", withJar({ url: "ftp://x.example/a.jar" }), "jar.url", "http or https"],
        ["jar.url not a URL", withJar({ url: "my-job.jar" }), "jar.url", "not a valid URL"],
        ["jar.url with credentials", withJar({ url: "https://deploy:hunter2@x.example/a.jar" }), "jar.url", "contains credentials"],
        ["jar.url neither .jar nor sha256", withJar({ url: "https://x.example/download?id=1" }), "jar.url", "does not end in .jar"],
        // jar.maven
        ["jar.maven with two parts", withJar({ maven: "com.example:my-job" }), "jar.maven", "not Maven coordinates"],
        ["jar.maven with five parts", withJar({ maven: "a:b:1.0:all:extra" }), "jar.maven", "not Maven coordinates"],
        ["jar.maven with a space", withJar({ maven: "com.example:my job:1.0" }), "jar.maven", "not Maven coordinates"],
        ["jar.maven LATEST", withJar({ maven: "com.example:my-job:LATEST" }), "jar.maven", "floating version"],
        ["jar.maven RELEASE", withJar({ maven: "com.example:my-job:RELEASE:all" }), "jar.maven", "floating version"],
        ["jar.maven version range", withJar({ maven: "com.example:my-job:[1.0,2.0)" }), "jar.maven", "floating version"],
        // jar.sha256 and mavenRepository
        ["jar.sha256 too short", withJar({ url: "https://x.example/a.jar", sha256: "abc123" }), "jar.sha256", "64 hex digits"],
        ["jar.sha256 not hex", withJar({ url: "https://x.example/a.jar", sha256: "z".repeat(64) }), "jar.sha256", "64 hex digits"],
        ["jar.sha256 differs from the file", withJar({ path: jarFile, sha256: "0".repeat(64) }), "jar.sha256", "does not match the file"],
        [
            "mavenRepository without maven",
            withJar({ url: "https://x.example/a.jar", mavenRepository: "https://nexus.example.com" }),
            "jar.mavenRepository",
            "only used with jar.maven",
        ],
        ["mavenRepository not http", withJar({ maven: "a:b:1.0", mavenRepository: "file:///m2" }), "jar.mavenRepository", "http or https"],
        [
            "mavenRepository with credentials",
            withJar({ maven: "a:b:1.0", mavenRepository: "https://u:p4ss@nexus.example.com" }),
            "jar.mavenRepository",
            "contains credentials",
        ],
        // entryClass, args, parallelism
        ["entryClass with a dash", { ...base, entryClass: "com.example.My-Job" }, "entryClass", "not a Java class name"],
        ["entryClass starting with a digit", { ...base, entryClass: "1Job" }, "entryClass", "not a Java class name"],
        ["entryClass with a trailing dot", { ...base, entryClass: "com.example." }, "entryClass", "not a Java class name"],
        ["args not an array", { ...base, args: "--input x" }, "args", "Expected array"],
        ["args with a number", { ...base, args: ["--n", 3] }, "args[1]", "Expected string"],
        ["args with NUL", { ...base, args: ["ok", "a\0b"] }, "args[1]", "NUL"],
        ["too many args", { ...base, args: Array.from({ length: 1001 }, (_, i) => `a${i}`) }, "args", "at most 1000"],
        ["parallelism zero", { ...base, parallelism: 0 }, "parallelism", "from 1 to 32768"],
        ["parallelism above Flink's maximum", { ...base, parallelism: 40000 }, "parallelism", "from 1 to 32768"],
        ["parallelism fractional", { ...base, parallelism: 1.5 }, "parallelism", "whole number"],
        ["parallelism as a string", { ...base, parallelism: "4" }, "parallelism", "Expected number"],
        // configuration
        [
            "configuration sets the savepoint path",
            withConfig({ "execution.savepoint.path": "/sp/1" }),
            'configuration["execution.savepoint.path"]',
            "set by the provider",
        ],
        [
            "configuration sets the state recovery path",
            withConfig({ "execution.state-recovery.path": "/sp/1" }),
            'configuration["execution.state-recovery.path"]',
            "upgrade.restore",
        ],
        [
            "configuration sets ignore-unclaimed-state",
            withConfig({ "execution.savepoint.ignore-unclaimed-state": true }),
            'configuration["execution.savepoint.ignore-unclaimed-state"]',
            "upgrade.allowNonRestoredState",
        ],
        [
            "configuration sets the 2.x ignore-unclaimed-state",
            withConfig({ "execution.state-recovery.ignore-unclaimed-state": true }),
            'configuration["execution.state-recovery.ignore-unclaimed-state"]',
            "upgrade.allowNonRestoredState",
        ],
        ["configuration sets the job id", withConfig({ "$internal.pipeline.job-id": "abc" }), 'configuration["$internal.pipeline.job-id"]', "fresh job id"],
        ["configuration sets pipeline.name", withConfig({ "pipeline.name": "x" }), 'configuration["pipeline.name"]', "fix: use name"],
        ["configuration sets parallelism.default", withConfig({ "parallelism.default": 4 }), 'configuration["parallelism.default"]', "fix: use parallelism"],
        [
            "configuration sets the savepoint dir (1.20+ key)",
            withConfig({ "execution.checkpointing.savepoint-dir": "s3://b/sp" }),
            'configuration["execution.checkpointing.savepoint-dir"]',
            "use upgrade.savepointDir",
        ],
        [
            "configuration sets the savepoint dir (old key)",
            withConfig({ "state.savepoints.dir": "s3://b/sp" }),
            'configuration["state.savepoints.dir"]',
            "use upgrade.savepointDir",
        ],
        [
            "configuration sets CLAIM restore mode (1.x key)",
            withConfig({ "execution.savepoint-restore-mode": "CLAIM" }),
            'configuration["execution.savepoint-restore-mode"]',
            "NO_CLAIM",
        ],
        [
            "configuration sets CLAIM restore mode (2.x key)",
            withConfig({ "execution.state-recovery.claim-mode": "CLAIM" }),
            'configuration["execution.state-recovery.claim-mode"]',
            "rollback can reuse them",
        ],
        ["configuration on a Flink 1.16 cluster", withConfig({ "restart-strategy.type": "none" }, "1.16.3"), "configuration", "Flink 1.17+"],
        ["configuration not a map", withConfig(["a"]), "configuration", "Expected object"],
        ["configuration key with a space", withConfig({ "a b": 1 }), 'configuration["a b"]', "not a Flink configuration key"],
        ["configuration value is an object", withConfig({ "a.b": { c: 1 } }), 'configuration["a.b"]', "must be a string, number or boolean"],
        ["configuration '#' on flink-conf.yaml", withConfig({ "a.b": "x#y" }, "1.18.1"), 'configuration["a.b"]', "comment"],
        // upgrade
        ["upgrade.mode unknown", withUpgrade({ mode: "drain" }), "upgrade.mode", "Invalid enum value"],
        ["upgrade.restore unknown", withUpgrade({ restore: "latest" }), "upgrade.restore", "Invalid enum value"],
        [
            "allowNonRestoredState with stateless",
            withUpgrade({ mode: "stateless", allowNonRestoredState: true }),
            "upgrade.allowNonRestoredState",
            "nothing is restored",
        ],
        ["savepointDir relative", withUpgrade({ savepointDir: "savepoints/orders" }), "upgrade.savepointDir", "relative path"],
        ["savepointDir file URI with a host", withUpgrade({ savepointDir: "file://tmp/sp" }), "upgrade.savepointDir", "without an absolute path"],
        ["savepointDir URI without location", withUpgrade({ savepointDir: "s3://" }), "upgrade.savepointDir", "without a location"],
        ["savepointDir scheme without //", withUpgrade({ savepointDir: "file:tmp/sp" }), "upgrade.savepointDir", "neither a URI"],
        ["savepointTimeoutSeconds absurd", withUpgrade({ savepointTimeoutSeconds: 1e9 }), "upgrade.savepointTimeoutSeconds", "from 10 to 86400"],
        ["savepointTimeoutSeconds too short", withUpgrade({ savepointTimeoutSeconds: 5 }), "upgrade.savepointTimeoutSeconds", "from 10 to 86400"],
        ["keepSavepoints zero", withUpgrade({ keepSavepoints: 0 }), "upgrade.keepSavepoints", "from 1 to 1000"],
        ["keepSavepoints negative", withUpgrade({ keepSavepoints: -3 }), "upgrade.keepSavepoints", "from 1 to 1000"],
        ["keepSavepoints fractional", withUpgrade({ keepSavepoints: 2.5 }), "upgrade.keepSavepoints", "whole number"],
        ["keepSavepoints absurd", withUpgrade({ keepSavepoints: 1e6 }), "upgrade.keepSavepoints", "from 1 to 1000"],
        ["keepSavepoints as a string", withUpgrade({ keepSavepoints: "3" }), "upgrade.keepSavepoints", "Expected number"],
        ["keepSavepoints with stateless", withUpgrade({ mode: "stateless", keepSavepoints: 5 }), "upgrade.keepSavepoints", "take no savepoints"],
        ["formatType lowercase", withUpgrade({ formatType: "native" }), "upgrade.formatType", "Invalid enum value"],
        ["upgrade with an unknown property", withUpgrade({ drain: true }), "upgrade", "unknown property"],
        // health
        ["runningTimeoutSeconds too short", withHealth({ runningTimeoutSeconds: 1 }), "health.runningTimeoutSeconds", "from 5 to 3600"],
        ["stableSeconds negative", withHealth({ stableSeconds: -1 }), "health.stableSeconds", "from 0 to 3600"],
        ["stableSeconds fractional", withHealth({ stableSeconds: 2.5 }), "health.stableSeconds", "whole number"],
        ["maxRestarts too many", withHealth({ maxRestarts: 1001 }), "health.maxRestarts", "from 0 to 1000"],
        ["requireCheckpoint not a boolean", withHealth({ requireCheckpoint: "yes" }), "health.requireCheckpoint", "Expected boolean"],
        ['requireCheckpoint with interval "0"', checkpointRequired("0"), "health.requireCheckpoint", "disables checkpointing"],
        ["requireCheckpoint with interval 0", checkpointRequired(0), "health.requireCheckpoint", "disables checkpointing"],
        ['requireCheckpoint with interval "0s"', checkpointRequired("0s"), "health.requireCheckpoint", "disables checkpointing"],
        ['requireCheckpoint with interval "off"', checkpointRequired("off"), "health.requireCheckpoint", "disables checkpointing"],
        // bounded jobs: the settings of a long-running job's gate contradict a job that ends
        [
            "bounded + requireCheckpoint",
            { ...base, bounded: true, health: { requireCheckpoint: true } },
            "health.requireCheckpoint",
            "contradicts bounded: true",
        ],
        ["bounded + stableSeconds", { ...base, bounded: true, health: { stableSeconds: 30 } }, "health.stableSeconds", "has no effect with bounded: true"],
        ["bounded + rollbackOnFailure", { ...base, bounded: true, rollbackOnFailure: true }, "rollbackOnFailure", "contradicts bounded: true"],
        ["finishTimeoutSeconds without bounded", withHealth({ finishTimeoutSeconds: 600 }), "health.finishTimeoutSeconds", "applies to bounded jobs only"],
        ["finishTimeoutSeconds too small", { ...base, bounded: true, health: { finishTimeoutSeconds: 1 } }, "health.finishTimeoutSeconds", "from 5 to 604800"],
        ["bounded as a string", { ...base, bounded: "yes" }, "bounded", "Expected boolean"],
        // the rest
        ["rollbackOnFailure as a string", { ...base, rollbackOnFailure: "true" }, "rollbackOnFailure", "Expected boolean"],
        ["onDelete unknown", { ...base, onDelete: "delete" }, "onDelete", "Invalid enum value"],
        ["adopt as a number", { ...base, adopt: 1 }, "adopt", "Expected boolean"],
        ["label key with a space", { ...base, labels: { "my team": "x" } }, 'labels["my team"]', "not a label key"],
        ["label key too long", { ...base, labels: { ["k".repeat(64)]: "x" } }, "labels", "not a label key"],
        ["label value not a string", { ...base, labels: { team: 7 } }, "labels.team", "Expected string"],
        ["unknown top-level property", { ...base, sqll: "SELECT 1" }, "(args)", "unknown property"],
    ])("%s", (_name, inputs, property, problem) => {
        const { failures } = checkJobArgs(inputs);
        const failure = failures.find((f) => f.property === property) ?? failures.find((f) => f.property.startsWith(property));
        expect(failure).toBeDefined();
        expect(failure!.reason.startsWith(`${failure!.property} = `)).toBe(true);
        expect(failure!.reason).toContain(problem);
        expect(failure!.reason).toMatch(/; fix: \S/);
    });

    const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
    (asRoot ? test.skip : test)("jar.path not readable", () => {
        const locked = path.join(dir, "locked.jar");
        fs.writeFileSync(locked, EMPTY_ZIP, { mode: 0o000 });
        const failure = checkJobArgs(withJar({ path: locked })).failures.find((f) => f.property === "jar.path");
        expect(failure?.reason).toMatch(/not readable.*; fix: \S/);
    });

    test.each([
        ["jar.url", withJar({ url: "https://deploy:hunter2@x.example/a.jar" })],
        ["jar.url", withJar({ url: "ftp://deploy:hunter2@x.example/a.jar" })],
        ["jar.url", withJar({ url: "https://deploy:hunter2@x.example:notaport/a.jar" })],
        ["jar", withJar({ url: "https://deploy:hunter2@x.example/a.jar", maven: "a:b:1.0" })],
        ["jar.mavenRepository", withJar({ maven: "a:b:1.0", mavenRepository: "https://deploy:hunter2@nexus.example.com" })],
        ["jar", withJar({ url: "https://deploy:hunter2@x.example/a.jar", extra: 1 })],
        ["cluster", { ...base, cluster: { ...cluster, extra: 1, connection: { headers: { Authorization: "hunter2" } } } }],
    ])("credentials in %s are rejected without being echoed", (property, inputs) => {
        const { failures } = checkJobArgs(inputs);
        expect(failures.some((f) => f.property === property)).toBe(true);
        expect(JSON.stringify(failures)).not.toContain("hunter2");
    });
});

test("a bounded job with its own finish deadline and no gate settings of a streaming job is accepted", () => {
    const { args, failures } = checkJobArgs({
        ...base,
        bounded: true,
        health: { finishTimeoutSeconds: 900, runningTimeoutSeconds: 60 },
        upgrade: { mode: "stateless" },
    });
    expect(failures).toEqual([]);
    expect(args).toMatchObject({ bounded: true, health: { finishTimeoutSeconds: 900 } });
});

describe("normalizeSavepointDir", () => {
    test.each([
        ["/var/flink/savepoints", "file:///var/flink/savepoints"],
        ["/var/flink/savepoints/", "file:///var/flink/savepoints"],
        ["/var//flink/./savepoints", "file:///var/flink/savepoints"],
        ["/", "file:///"],
        ["s3://bucket/savepoints/", "s3://bucket/savepoints"],
        ["file:///tmp/sp", "file:///tmp/sp"],
        ["hdfs:///flink/sp//", "hdfs:///flink/sp"],
    ])("%s → %s", (dirIn, expected) => {
        expect(normalizeSavepointDir(dirIn)).toBe(expected);
    });
});
