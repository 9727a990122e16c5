/**
 * What check stores of a job's VariableSets: only the variables the job uses. The engine compares
 * the checked inputs of an unchanged job with the stored ones and rewrites its whole state file for
 * every job whose inputs differ, so a variable one job uses must not change the others' inputs.
 */
import { jobProvider } from "../../../provider/job";
import { UNKNOWN } from "../../../provider/core/unknown";

const cluster = { restUrl: "http://localhost:8081", flinkVersion: "2.3.0" };
const sql = (where: string) => [
    "CREATE TABLE src (v BIGINT) WITH ('connector' = 'datagen')",
    "CREATE TABLE snk (v BIGINT) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mysql://db:3306/x', 'password' = '${DB_PASSWORD}')",
    `INSERT INTO snk SELECT v FROM src WHERE ${where}`,
];
const sets = (solo: string, rev1 = "1") => [
    { values: { REV_0: "1", REV_1: rev1, SOLO: solo }, secrets: {} },
    { values: {}, secrets: { DB_PASSWORD: "hunter2-db", KAFKA_PASSWORD: "hunter2-kafka" } },
];
const job = (variables: unknown, where = "v <> ${REV_1}") => ({ name: "orders", cluster, sql: sql(where), variables });
const check = async (news: Record<string, unknown>) => {
    const { inputs, failures } = await jobProvider.check!({}, news);
    return { inputs: inputs ?? {}, failures };
};

describe("check keeps only the variables a job uses", () => {
    test("each set keeps its place, with only the used plain values and secrets", async () => {
        const { inputs, failures } = await check(job(sets("1")));
        expect(failures).toEqual([]);
        expect(inputs.variables).toEqual([
            { values: { REV_1: "1" }, secrets: {} },
            { values: {}, secrets: { DB_PASSWORD: "hunter2-db" } },
        ]);
        expect(inputs.sql).toEqual(sql("v <> ${REV_1}"));
    });

    test("a variable the job does not use leaves its checked inputs equal; one it uses changes them", async () => {
        const before = (await check(job(sets("1")))).inputs;
        expect((await check(job(sets("2")))).inputs).toEqual(before);
        expect((await check(job(sets("1", "7")))).inputs).not.toEqual(before);
    });

    test("check still judges the whole sets: an undefined name is refused with every defined name listed", async () => {
        const { failures } = await check(job(sets("1"), "v <> ${REV_2}"));
        expect(failures?.map((f) => f.reason)).toEqual([
            expect.stringContaining("which no VariableSet defines (defined: DB_PASSWORD, KAFKA_PASSWORD, REV_0, REV_1, SOLO)"),
        ]);
    });

    test("names a component's argument checks use are kept", async () => {
        const componentChecks = [{ component: 'KafkaToJdbcSync "orders"', argument: "kafka.topic", text: "${SOLO}", rule: "kafkaTopic" }];
        const { inputs } = await check({ ...job(sets("1")), componentChecks });
        expect(inputs.variables).toEqual([
            { values: { REV_1: "1", SOLO: "1" }, secrets: {} },
            { values: {}, secrets: { DB_PASSWORD: "hunter2-db" } },
        ]);
    });

    test("while the texts or the sets are unknown (preview), the inputs are passed on as given", async () => {
        const unknownSql = { ...job(sets("1")), sql: UNKNOWN };
        expect((await check(unknownSql)).inputs.variables).toEqual(sets("1"));
        expect((await check(job(UNKNOWN))).inputs.variables).toBe(UNKNOWN);
    });

    test("a job given no variables gets none added", async () => {
        const { variables: _none, ...bare } = job(undefined, "v > 0");
        expect((await check(bare)).inputs).not.toHaveProperty("variables");
    });
});
