/** Bad `libraries` / `mavenRepository` of a SessionCluster and bad job `dependencies`, refused at preview with property, value and fix. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkClusterArgs } from "../../../provider/cluster/schema";
import { clusterProvider, type ClusterState } from "../../../provider/cluster";
import { checkJobArgs } from "../../../provider/job/schema";
import { classifyJobChange, CLUSTER_LIBRARIES, describeClassification } from "../../../provider/deploy/classify";
import { librariesHash } from "../../../provider/core/libraries/resolve";
import { UNKNOWN } from "../../../provider/core/unknown";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pf-libs-check-"));
const homePath = path.join(tmp, "flink");
fs.mkdirSync(path.join(homePath, "lib"), { recursive: true });
for (const f of ["flink-dist-1.20.3.jar", "flink-sql-connector-kafka-3.3.0-1.20.jar", "log4j-1.2-api-2.24.3.jar"])
    fs.writeFileSync(path.join(homePath, "lib", f), "");
const udf = path.join(tmp, "my-udfs-1.0.jar");
fs.writeFileSync(udf, "PK\u0003\u0004");
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const local = { target: "local", home: { homePath, flinkVersion: "1.20.3" }, workDir: path.join(tmp, "work") };
const JDBC = "org.apache.flink:flink-connector-jdbc:3.3.0-1.20";
const SHA = "a".repeat(64);

describe("SessionCluster libraries: valid input", () => {
    test.each([
        [[{ maven: JDBC }, { maven: "org.postgresql:postgresql:42.7.4" }]],
        [[{ maven: "com.example:udfs:1.0:all" }]],
        [[{ url: "https://downloads.example.com/x-1.0.jar", sha256: SHA }]],
        [[{ path: udf }]],
        [[{ maven: "org.apache.flink:flink-sql-connector-kafka:3.3.0-1.20" }].slice(1)], // empty list
    ])("%j", (libraries) => {
        expect(checkClusterArgs({ ...local, libraries }).failures).toEqual([]);
    });

    test("a repository with a user and a password is accepted; unknown values wait for the next check", () => {
        expect(
            checkClusterArgs({
                ...local,
                libraries: [{ maven: JDBC }],
                mavenRepository: { url: "https://nexus.example.com/maven", username: "ci", password: "s3cret" },
            }).failures,
        ).toEqual([]);
        expect(checkClusterArgs({ ...local, libraries: [{ maven: UNKNOWN }] }).failures).toEqual([]);
    });
});

describe("SessionCluster libraries: bad input is refused with property, value and fix", () => {
    test.each<[string, Record<string, unknown>, string, string, string]>([
        [
            "malformed coordinates",
            { libraries: [{ maven: "org.apache.flink/flink-connector-jdbc" }] },
            "libraries[0].maven",
            "is not Maven coordinates",
            'e.g. "org.apache.flink:',
        ],
        [
            "missing version",
            { libraries: [{ maven: "org.postgresql:postgresql" }] },
            "libraries[0].maven",
            "has no version",
            "org.postgresql:postgresql:<version>",
        ],
        ["floating version", { libraries: [{ maven: "org.postgresql:postgresql:LATEST" }] }, "libraries[0].maven", "floating version", "pin an exact release"],
        ["snapshot version", { libraries: [{ maven: "com.example:udfs:1.0-SNAPSHOT" }] }, "libraries[0].maven", "floating version", "pin an exact release"],
        [
            "unknown repository scheme",
            { libraries: [{ maven: JDBC }], mavenRepository: { url: "ftp://repo.example.com/maven2" } },
            "mavenRepository.url",
            "scheme ftp",
            "https://repo.example.com/maven2",
        ],
        [
            "repository URL with credentials inline",
            { libraries: [{ maven: JDBC }], mavenRepository: { url: "https://ci:s3cret@nexus.example.com/maven" } },
            "mavenRepository.url",
            "contains credentials",
            "mavenRepository.password",
        ],
        [
            "a password without a user",
            { libraries: [{ maven: JDBC }], mavenRepository: { url: "https://nexus.example.com/maven", password: "s3cret" } },
            "mavenRepository.username",
            "is missing",
            "user name",
        ],
        ["a repository without libraries", { mavenRepository: { url: "https://nexus.example.com/maven" } }, "mavenRepository", "no libraries", "remove it"],
        [
            "sha256 malformed",
            { libraries: [{ url: "https://downloads.example.com/x-1.0.jar", sha256: "abc" }] },
            "libraries[0].sha256",
            "not 64 hex digits",
            "sha256sum",
        ],
        ["sha256 on a maven entry", { libraries: [{ maven: JDBC, sha256: SHA }] }, "libraries[0].sha256", "not used with maven", "{ url, sha256 }"],
        ["path not found", { libraries: [{ path: path.join(tmp, "missing-1.0.jar") }] }, "libraries[0].path", "does not exist", "build the jar first"],
        ["relative path", { libraries: [{ path: "target/my-udfs-1.0.jar" }] }, "libraries[0].path", "relative path", "absolute path"],
        ["a path that is not a jar", { libraries: [{ path: path.join(tmp, "..") }] }, "libraries[0].path", "not a file", "fix the path"],
        ["url not http(s)", { libraries: [{ url: "s3://bucket/x-1.0.jar" }] }, "libraries[0].url", "not an http(s) URL", "https://"],
        [
            "url with credentials",
            { libraries: [{ url: "https://u:p@downloads.example.com/x-1.0.jar" }] },
            "libraries[0].url",
            "contains credentials",
            "pre-signed",
        ],
        ["url not a jar", { libraries: [{ url: "https://downloads.example.com/x-1.0.zip" }] }, "libraries[0].url", "does not end in .jar", ".jar file"],
        ["no source", { libraries: [{ sha256: SHA }] }, "libraries[0]", "names no jar", "{ maven:"],
        ["two sources", { libraries: [{ maven: JDBC, path: udf }] }, "libraries[0]", "sets maven and path", "{ maven:"],
        [
            "conflicts with the home's lib (another version)",
            { libraries: [{ maven: "org.apache.flink:flink-sql-connector-kafka:3.2.0-1.19" }] },
            "libraries[0]",
            "conflicts with flink-sql-connector-kafka-3.3.0-1.20.jar",
            "two versions on one classpath",
        ],
        [
            "already in the home's lib (same version)",
            { libraries: [{ maven: "org.apache.flink:flink-sql-connector-kafka:3.3.0-1.20" }] },
            "libraries[0]",
            "already in the home's lib folder",
            "remove it from libraries",
        ],
        [
            "duplicate artifact in the list",
            { libraries: [{ maven: JDBC }, { maven: "org.apache.flink:flink-connector-jdbc:3.2.0-1.19" }] },
            "libraries[1]",
            "same artifact as libraries[0]",
            "one entry per artifact",
        ],
        [
            "duplicate file in the list",
            { libraries: [{ path: udf }, { url: "https://downloads.example.com/my-udfs-1.0.jar" }] },
            "libraries[1]",
            "same artifact as libraries[0]",
            "one entry per artifact",
        ],
    ])("%s", (_name, extra, property, problem, fix) => {
        const failures = checkClusterArgs({ ...local, ...extra }).failures;
        const failure = failures.find((f) => f.property === property);
        expect(failure?.reason).toContain(`${property} = `);
        expect(failure?.reason).toContain(problem);
        expect(failure?.reason.split("; fix: ")[1]).toContain(fix);
        expect(JSON.stringify(failures)).not.toContain("s3cret");
    });

    test("a malformed repository is refused without quoting its password or URL credentials", () => {
        const failures = checkClusterArgs({
            ...local,
            libraries: [{ maven: JDBC }],
            mavenRepository: { url: "https://ci:s3cret@nexus.example.com/maven", password: "s3cret", token: "x" },
        }).failures;
        expect(failures.map((f) => f.property)).toEqual(["mavenRepository"]);
        expect(failures[0].reason).toContain('unknown property "token"');
        expect(JSON.stringify(failures)).not.toContain("s3cret");
    });

    test("libraries on a remote cluster are refused with the ways that work", () => {
        const failures = checkClusterArgs({
            target: "remote",
            restUrl: "http://flink:8081",
            libraries: [{ maven: JDBC }],
            mavenRepository: { url: "https://nexus.example.com/maven", username: "ci", password: "s3cret" },
        }).failures;
        expect(failures.map((f) => f.property)).toEqual(["libraries", "mavenRepository"]);
        expect(failures[0].reason).toMatch(
            /^libraries = "\(1 entries\)": cannot be applied to a remote cluster.*; fix: install the jars into the lib folder of the remote cluster.*dependencies as URIs/,
        );
        expect(JSON.stringify(failures)).not.toContain("s3cret");
    });
});

describe("librariesHash", () => {
    test("is empty without libraries, changes with the list and the repository URL, never with the credentials", () => {
        const libs = [{ maven: JDBC }];
        expect(librariesHash(undefined, undefined)).toBe("");
        expect(librariesHash([], undefined)).toBe("");
        const base = librariesHash(libs, undefined);
        expect(base).toMatch(/^[0-9a-f]+$/);
        expect(librariesHash([{ maven: "org.apache.flink:flink-connector-jdbc:3.2.0-1.19" }], undefined)).not.toBe(base);
        expect(librariesHash(libs, { url: "https://nexus.example.com/maven" })).not.toBe(base);
        const withUser = librariesHash(libs, { url: "https://nexus.example.com/maven", username: "a", password: "x" } as { url: string });
        expect(librariesHash(libs, { url: "https://nexus.example.com/maven", username: "b", password: "y" } as { url: string })).toBe(withUser);
    });
});

describe("FlinkJob dependencies and where the cluster's SQL Gateway runs", () => {
    const cluster = (gatewayLocal?: boolean) => ({
        restUrl: "http://flink:8081",
        flinkVersion: "1.20.3",
        ...(gatewayLocal === undefined ? {} : { gatewayLocal }),
    });
    const job = (dependencies: unknown[], gatewayLocal?: boolean) => ({
        name: "j",
        cluster: cluster(gatewayLocal),
        sql: "INSERT INTO b SELECT * FROM a",
        dependencies,
    });

    test("a uri is accepted on any cluster; deploying-machine sources on a local gateway", () => {
        expect(
            checkJobArgs(job([{ uri: "hdfs:///flink/jars/x.jar" }, { uri: "s3://bucket/x.jar" }, { uri: "https://h.example/x.jar" }], false)).failures,
        ).toEqual([]);
        expect(checkJobArgs(job([{ path: udf }, { maven: JDBC }], true)).failures).toEqual([]);
        expect(checkJobArgs(job([{ path: udf }])).failures).toEqual([]); // not known (older cluster state): not refused
    });

    test.each<[string, unknown, string, string]>([
        ["a local path on a remote/kubernetes gateway", { path: udf }, "dependencies[0].path", "is a file on the deploying machine"],
        ["a maven dependency on a remote/kubernetes gateway", { maven: JDBC }, "dependencies[0].maven", "would be downloaded to the deploying machine"],
        [
            "a url dependency on a remote/kubernetes gateway",
            { url: "https://u:p@h.example/x.jar" },
            "dependencies[0].url",
            "would be downloaded to the deploying machine",
        ],
    ])("%s is refused", (_name, dep, property, problem) => {
        const failures = checkJobArgs(job([dep], false)).failures;
        const f = failures.find((x) => x.property === property && x.reason.includes(problem));
        expect(f?.reason).toMatch(new RegExp(`^${property.replace(/[[\]]/g, "\\$&")} = .*${problem}`));
        expect(f?.reason.split("; fix: ")[1]).toContain("declare it in the cluster's libraries");
        expect(f?.reason.split("; fix: ")[1]).toContain("{ uri }");
        expect(JSON.stringify(failures)).not.toContain("u:p@");
    });

    test.each<[string, unknown, string, string]>([
        ["a uri that is not a URI", { uri: "/flink/jars/x.jar" }, "dependencies[0].uri", "is not a URI"],
        ["a uri with credentials", { uri: "s3://key:secret@bucket/x.jar" }, "dependencies[0].uri", "contains credentials"],
        ["a uri with another source", { uri: "hdfs:///x.jar", path: udf }, "dependencies[0]", "sets uri and path"],
    ])("%s is refused", (_name, dep, property, problem) => {
        const failures = checkJobArgs(job([dep], true)).failures;
        expect(failures.find((x) => x.property === property)?.reason).toContain(problem);
        expect(JSON.stringify(failures)).not.toContain("secret@");
    });
});

describe("a job sees a change of its cluster's libraries", () => {
    const job = (librariesHash?: string) => ({
        name: "j",
        state: "RUNNING",
        sql: "INSERT INTO b SELECT * FROM a",
        cluster: { restUrl: "http://flink:8081", flinkVersion: "1.20.3", ...(librariesHash === undefined ? {} : { librariesHash }) },
    });

    test("a different librariesHash is a redeploy named 'cluster libraries' (savepoint kept)", () => {
        const c = classifyJobChange(job("aaa"), job("bbb"));
        expect(c.action).toBe("redeploy");
        expect(c.changed).toEqual([CLUSTER_LIBRARIES]);
        expect(describeClassification("j", c)).toContain("cluster libraries");
    });

    test("no change: same hash, state from before the field ('' = none), or a hash not known yet", () => {
        expect(classifyJobChange(job("aaa"), job("aaa")).action).toBe("none");
        expect(classifyJobChange(job(), job("")).action).toBe("none");
        expect(classifyJobChange(job("aaa"), { ...job(), cluster: { ...job().cluster, librariesHash: UNKNOWN } }).action).toBe("none");
    });
});

describe("SessionCluster diff of libraries", () => {
    const olds = {
        ...local,
        host: "localhost",
        restPort: 8081,
        rpcPort: 6123,
        taskManagers: 1,
        slotsPerTaskManager: 2,
        jobManagerMemory: "1024m",
        taskManagerMemory: "1280m",
        startTimeoutSeconds: 120,
        restUrl: "http://localhost:8081",
        webUiUrl: "http://localhost:8081/#/overview",
        flinkVersion: "1.20.3",
        slots: 2,
        jobsTotal: 0,
        jobsRunning: 0,
        status: "running",
        configHash: "x",
        stateVersion: 1,
    } as unknown as ClusterState;
    const diff = (news: Record<string, unknown>, old: ClusterState = olds) => clusterProvider.diff!("id", old, { __provider: "stub", ...news });

    test("declaring an empty list, or none, is no change (no restart)", async () => {
        expect((await diff({ ...local, libraries: [] })).changes).toBe(false);
        expect((await diff(local, { ...olds, libraries: [] } as unknown as ClusterState)).changes).toBe(false);
    });

    test("adding, changing or removing a library, or changing the repository, is an in-place update (a restart, refused while jobs run)", async () => {
        const withJdbc = { ...olds, libraries: [{ maven: JDBC }] } as unknown as ClusterState;
        expect(await diff({ ...local, libraries: [{ maven: JDBC }] })).toMatchObject({ changes: true, replaces: [] });
        expect(await diff({ ...local, libraries: [{ maven: "org.apache.flink:flink-connector-jdbc:3.2.0-1.19" }] }, withJdbc)).toMatchObject({
            changes: true,
            replaces: [],
        });
        expect(await diff(local, withJdbc)).toMatchObject({ changes: true, replaces: [] });
        expect((await diff({ ...local, libraries: [{ maven: JDBC }] }, withJdbc)).changes).toBe(false);
        expect((await diff({ ...local, libraries: [{ maven: JDBC }], mavenRepository: { url: "https://nexus.example.com/maven" } }, withJdbc)).changes).toBe(
            true,
        );
    });
});
