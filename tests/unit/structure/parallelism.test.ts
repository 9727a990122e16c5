/**
 * Parallelism is checked by one rule (core/flink-config PARALLELISM_RULE) wherever a user can write
 * it: FlinkJob inputs, application-mode inputs, StreamingEnvironment settings, and the run request
 * the REST client builds. Every place refuses the same values with the same words.
 */
import { PARALLELISM_RULE } from "../../../provider/core/flink-config";
import { InputError, type InputFailure } from "../../../provider/core/errors";
import { FlinkRequestError } from "../../../provider/flink/errors";
import { checkApplication } from "../../../provider/core/k8s/schema-application";
import { buildRunJarBody } from "../../../provider/flink/versions";
import { checkJobArgs } from "../../../provider/job/schema";
import { environmentSettings } from "../../../sdk/components/environment-settings";
import { parseComponentArgs } from "../../../sdk/components/validate";
import { application } from "../k8s/fixtures";

const cluster = { restUrl: "http://localhost:8081", flinkVersion: "1.20.3" };

/** The reasons an InputError thrown by `fn` gives (none when it throws nothing). */
function thrownReasons(fn: () => unknown): string[] {
    try {
        fn();
        return [];
    } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as InputError).failures.map((f: InputFailure) => f.reason);
    }
}

const places: [string, (n: number) => string[]][] = [
    ["FlinkJob inputs", (n) => checkJobArgs({ name: "orders", cluster, sql: "INSERT INTO a SELECT * FROM b", parallelism: n }).failures.map((f) => f.reason)],
    ["application-mode inputs", (n) => checkApplication({ ...application, parallelism: n }).failures.map((f) => f.reason)],
    [
        "StreamingEnvironment settings",
        (n) =>
            thrownReasons(() =>
                parseComponentArgs("StreamingEnvironment", "env", environmentSettings, {
                    home: { version: "1.20.3" },
                    clusters: { main: { target: "local" } },
                    jobs: { orders: { parallelism: n } },
                }),
            ),
    ],
];

describe.each(places)("%s", (_place, reasonsFor) => {
    test.each([0, 32769, 1.5, -2])("parallelism %p is refused with the one rule's words", (n) => {
        const reasons = reasonsFor(n).filter((r) => r.includes("parallelism = "));
        expect(reasons).toHaveLength(1);
        expect(reasons[0]).toMatch(new RegExp(`parallelism = ${String(n).replace(".", "\\.")}: `));
        expect(reasons[0]!.endsWith(`: ${PARALLELISM_RULE.problem}; fix: ${PARALLELISM_RULE.fix}`)).toBe(true);
    });

    test.each([1, 4, 32768])("parallelism %p is accepted", (n) => {
        expect(reasonsFor(n).filter((r) => r.includes("parallelism"))).toEqual([]);
    });
});

// The REST client is the transport layer: it refuses a bad value before sending with what it was
// given (a FlinkRequestError), never naming a property; the bound is still the one rule's.
describe("the run request", () => {
    test.each([0, 32769, 1.5, -2])("parallelism %p is refused before sending, with the one rule's bound", (n) => {
        let err: unknown;
        try {
            buildRunJarBody("1.20.3", { parallelism: n });
        } catch (e) {
            err = e;
        }
        expect(err).toBeInstanceOf(FlinkRequestError);
        expect((err as FlinkRequestError).given).toEqual([`the parallelism ${n}, which is not a whole number from 1 to 32768`]);
        expect(PARALLELISM_RULE.problem).toBe("must be a whole number from 1 to 32768");
    });

    test.each([1, 4, 32768])("parallelism %p is sent", (n) => {
        expect(buildRunJarBody("1.20.3", { parallelism: n }).parallelism).toBe(n);
    });
});
