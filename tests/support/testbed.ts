/**
 * The real test bed, as prepared by scripts/test.sh: Flink homes per release line, the pulumi
 * CLI, the test job jars and the e2e workspace. Tests read it from the environment and fail
 * loudly (never skip) when it is missing.
 */
import * as fs from "fs";
import * as path from "path";

interface ConnectorLine {
    jars: Record<string, string>;
    missing: Record<string, string>;
    unsupported: Record<string, string>;
}
/** tests/support/connectors.json: the one table of connector coordinates (scripts read it too). */
const table = JSON.parse(fs.readFileSync(path.join(__dirname, "connectors.json"), "utf8")) as { kafka: string; lines: Record<string, ConnectorLine> };

export interface FlinkLine {
    version: string;
    home: string;
    testJobJar: string;
}

function required(name: string): string {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run the tests through scripts/test.sh, which prepares the real test bed`);
    return value;
}

/** PULUMI_FLINK_TEST_LINES="1.20.3=/home/1.20.3=/jar;2.3.0=...". */
export function flinkLines(): FlinkLine[] {
    return parseLines(required("PULUMI_FLINK_TEST_LINES"));
}

/**
 * PULUMI_FLINK_OLDER_LINE="1.19.3=/home/1.19.3=/jar": a line older than the test bed's, for the
 * few suites that prove it (a job upgrade, job-upgrade.test.ts) without running every suite on it.
 */
export function olderLine(): FlinkLine {
    const [line] = parseLines(required("PULUMI_FLINK_OLDER_LINE"));
    if (!line) throw new Error("PULUMI_FLINK_OLDER_LINE names no line: run the tests through scripts/test.sh");
    return line;
}

function parseLines(value: string): FlinkLine[] {
    return value
        .split(";")
        .filter(Boolean)
        .map((entry) => {
            const [version, home, testJobJar] = entry.split("=");
            if (!fs.existsSync(home)) throw new Error(`Flink home ${home} for ${version} does not exist`);
            return { version, home, testJobJar };
        });
}

export function pulumiBinDir(): string {
    return required("PULUMI_BIN_DIR");
}

export function e2eWorkspace(): string {
    return required("PULUMI_FLINK_E2E_WORKSPACE");
}

/** PULUMI_FLINK_KAFKA_LIBS: the folder of Kafka broker jars (scripts/install-kafka.sh). */
export function kafkaLibs(): string {
    const libs = required("PULUMI_FLINK_KAFKA_LIBS");
    if (!fs.existsSync(path.join(libs, `kafka_2.13-${table.kafka}.jar`)))
        throw new Error(`PULUMI_FLINK_KAFKA_LIBS=${libs} has no kafka_2.13-${table.kafka}.jar: run scripts/install-kafka.sh`);
    return libs;
}

export interface ConnectorSet {
    /** Local path per role of tests/support/connectors.json (kafka, jdbc, postgresDriver, ...). */
    jars: Record<string, string>;
    /** Roles Maven Central serves nothing usable for on this line, with why. */
    missing: Record<string, string>;
    /** Local paths of jars fetched only to prove they fail on this line. */
    unsupported: Record<string, string>;
}

/** The coordinate table's entry for a Flink version: major.minor first, then major. */
export function connectorTable(version: string): ConnectorLine {
    const [major, minor] = version.split(".");
    const line = table.lines[`${major}.${minor}`] ?? table.lines[major];
    if (!line) throw new Error(`tests/support/connectors.json has no connectors for Flink ${version}`);
    return line;
}

/** PULUMI_FLINK_CONNECTORS="1.20.3=/dir;2.3.0=/dir" (scripts/fetch-connectors.sh per version). */
export function connectorJars(version: string): ConnectorSet {
    const dirs = Object.fromEntries(
        required("PULUMI_FLINK_CONNECTORS")
            .split(";")
            .filter(Boolean)
            .map((e) => e.split("=") as [string, string]),
    );
    const dir = dirs[version];
    if (!dir) throw new Error(`PULUMI_FLINK_CONNECTORS has no folder for Flink ${version}: run scripts/fetch-connectors.sh ${version}`);
    const line = connectorTable(version);
    const local = (coordinates: Record<string, string>) =>
        Object.fromEntries(
            Object.entries(coordinates).map(([role, coordinate]) => {
                const [, artifact, v] = coordinate.split(":");
                const jar = path.join(dir, `${artifact}-${v}.jar`);
                if (!fs.existsSync(jar)) throw new Error(`${jar} (${coordinate}) is missing: run scripts/fetch-connectors.sh ${version}`);
                return [role, jar];
            }),
        );
    return { jars: local(line.jars), missing: line.missing, unsupported: local(line.unsupported) };
}

/**
 * Ports for one test file: block `offset` is 10 ports, and every test file takes its own offsets,
 * so files running side by side in parallel Jest workers never collide (a per-worker range did:
 * worker 2's block 400 was worker 1's block 500). Kept below Linux's ephemeral range (32768+): an
 * outgoing connection that happens to get a test's port made a cluster start fail with "port …
 * already in use". With PULUMI_FLINK_PORT_CLAIMS set (scripts/test.sh does), a second file taking
 * an offset another file took fails at once, naming both.
 */
export function portBlock(offset: number): number {
    claimPortBlock(offset);
    return 11000 + offset * 10;
}

function claimPortBlock(offset: number): void {
    const dir = process.env.PULUMI_FLINK_PORT_CLAIMS;
    const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
    if (!dir || !testPath) return;
    const file = path.join(dir, String(offset));
    try {
        fs.writeFileSync(file, testPath, { flag: "wx" });
    } catch {
        const owner = fs.readFileSync(file, "utf8");
        if (owner !== testPath) throw new Error(`port block ${offset} is taken by ${owner} too: give ${testPath} offsets of its own`);
    }
}
