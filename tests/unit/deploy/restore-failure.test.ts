/** Restore failures in exception histories real Flink 1.20.3 and 2.3.0 reported (see the fixtures). */
import { readFileSync } from "fs";
import * as path from "path";
import { DETERMINISTIC_RESTORE_FAILURES, restoreFailureIn, shortJavaLine } from "../../../provider/deploy/restore-failure";
import type { ExceptionEntry } from "../../../provider/flink/schemas";

const history = (name: string) => JSON.parse(readFileSync(path.join(__dirname, "fixtures", `exceptions-${name}.json`), "utf8")) as ExceptionEntry[];

describe.each(["1.20", "2.3"])("Flink %s", (line) => {
    test("StateMigrationException: the Caused-by line, not the RuntimeException around it", () => {
        const found = restoreFailureIn(history(`statemigration-${line}`));
        expect(found).toMatch(
            /^StateMigrationException: For heap backends, the new state serializer \(\S+\) must not be incompatible with the old state serializer \(\S+\)\.$/,
        );
    });

    test("Cannot map: the innermost IllegalStateException, not the JobInitializationException or CompletionException", () => {
        const found = restoreFailureIn(history(`cannotmap-${line}`));
        expect(found).toMatch(
            /^IllegalStateException: Failed to rollback to checkpoint\/savepoint file:\S+\. Cannot map checkpoint\/savepoint state for operator [0-9a-f]{32} to the new program/,
        );
        expect(found!.length).toBeLessThanOrEqual(300);
    });
});

test("a failure restarting may cure is none of them", () => {
    const entry = {
        exceptionName: "java.net.ConnectException",
        stacktrace: "java.net.ConnectException: Connection refused\n\tat x.Y.z(Y.java:1)\n",
        timestamp: 1,
    };
    expect(restoreFailureIn([entry])).toBeUndefined();
    expect(restoreFailureIn([])).toBeUndefined();
});

test("stack frames never match: only exception lines do", () => {
    const entry = {
        exceptionName: "java.lang.RuntimeException",
        stacktrace: "java.lang.RuntimeException: x\n\tat org.apache.flink.util.StateMigrationException.<init>(StateMigrationException.java:1)\n",
        timestamp: 1,
    };
    expect(restoreFailureIn([entry])).toBeUndefined();
});

test("each pattern matches the text Flink writes, and the max-parallelism mismatch too", () => {
    const lines = [
        "Caused by: org.apache.flink.util.StateMigrationException: For heap backends, the new state serializer (a) must not be incompatible with the old state serializer (b).",
        "Cannot map checkpoint/savepoint state for operator 0c3f to the new program, because the operator is not available in the new program.",
        "java.lang.IllegalStateException: Failed to rollback to checkpoint/savepoint file:/sp. Max parallelism mismatch between checkpoint/savepoint state and new program.",
    ];
    lines.forEach((l, i) => expect(DETERMINISTIC_RESTORE_FAILURES[i]!.test(l)).toBe(true));
    expect(shortJavaLine(lines[2]!)).toBe(
        "IllegalStateException: Failed to rollback to checkpoint/savepoint file:/sp. Max parallelism mismatch between checkpoint/savepoint state and new program.",
    );
});

test("shortJavaLine keeps the innermost class of a wrapped headline", () => {
    expect(shortJavaLine("Caused by: java.util.concurrent.CompletionException: java.lang.IllegalStateException: boom")).toBe("IllegalStateException: boom");
    expect(shortJavaLine("plain text")).toBe("plain text");
    expect(shortJavaLine("java.lang.IllegalStateException")).toBe("IllegalStateException");
});
