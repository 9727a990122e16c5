/**
 * The real test bed, as prepared by scripts/test.sh: Flink homes per release line, the pulumi
 * CLI, the test job jars and the e2e workspace. Tests read it from the environment and fail
 * loudly (never skip) when it is missing.
 */
import * as fs from "fs";

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
    return required("PULUMI_FLINK_TEST_LINES")
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

/**
 * Ports for one test, from a range per Jest worker so parallel suites never collide. Kept below
 * Linux's ephemeral range (32768+): an outgoing connection that happens to get a test's port made
 * a cluster start fail with "port … already in use".
 */
export function portBlock(offset: number): number {
    const worker = Number(process.env.JEST_WORKER_ID ?? "1");
    return 10000 + worker * 1000 + offset * 10;
}
