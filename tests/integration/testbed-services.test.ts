/**
 * The data services of the test bed run for real and leave nothing behind: a Kafka broker (KRaft,
 * Maven Central jars), PostgreSQL 15 and MariaDB with a CDC-ready binlog (Debian packages).
 */
import { portFree } from "../../provider/local/start";
import { RunningKafka, startKafka } from "../support/kafka";
import { RunningMariaDb, startMariaDb } from "../support/mariadb";
import { RunningPostgres, startPostgres } from "../support/postgres";
import { run } from "../support/service";
import { kafkaLibs, portBlock } from "../support/testbed";

jest.setTimeout(5 * 60_000);

const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
};

describe("test bed services", () => {
    let kafka: RunningKafka | undefined;
    let pg: RunningPostgres | undefined;
    let maria: RunningMariaDb | undefined;
    afterAll(async () => {
        await Promise.all([kafka?.stop(), pg?.stop(), maria?.stop()]);
    });

    test("Kafka: ready, a topic holds exactly the records produced, stop frees both ports", async () => {
        const port = portBlock(1640);
        kafka = await startKafka(kafkaLibs(), port);
        console.log(`Kafka ready in ${kafka.readyMs} ms`);
        await kafka.createTopic("smoke", 2);
        await kafka.produce(
            "smoke",
            [1, 2, 3].map((i) => ({ value: { i } })),
        );
        await kafka.produce("smoke", [
            { key: "a", value: { i: 4 } },
            { key: "b", value: { i: 5 } },
        ]);
        expect(await kafka.endOffset("smoke")).toBe(5);
        expect(await kafka.groupLag("nobody", "smoke")).toBeUndefined();
        const pid = kafka.service.pid;
        await kafka.stop();
        kafka = undefined;
        expect(alive(pid)).toBe(false);
        expect(await portFree("127.0.0.1", port)).toBe(true);
        expect(await portFree("127.0.0.1", port + 1)).toBe(true);
    });

    test("PostgreSQL: the user logs in over TCP with its password only; rows read back; stop leaves nothing", async () => {
        const port = portBlock(1641);
        pg = await startPostgres(port);
        await pg.sql("CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT)");
        await pg.sql("INSERT INTO t VALUES ('a', 1), ('b', 2)");
        expect(await pg.sql("SELECT k, n FROM t ORDER BY k")).toEqual([
            ["a", "1"],
            ["b", "2"],
        ]);
        const tcp = (password: string) =>
            run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", pg!.user, "-d", pg!.database, "-X", "-A", "-t", "-c", "SELECT count(*) FROM t"], {
                env: { PGPASSWORD: password },
            });
        expect((await tcp(pg.password)).trim()).toBe("2");
        await expect(tcp("wrong")).rejects.toThrow(/password authentication failed/);
        const pid = pg.service.pid;
        await pg.stop();
        pg = undefined;
        expect(alive(pid)).toBe(false);
        expect(await portFree("127.0.0.1", port)).toBe(true);
    });

    test("MariaDB: row binlog with full images, a server id, a user with replication grants; stop leaves nothing", async () => {
        const port = portBlock(1642);
        maria = await startMariaDb(port);
        const vars = Object.fromEntries(
            await maria.sql("SHOW VARIABLES WHERE Variable_name IN ('log_bin','binlog_format','binlog_row_image','server_id','port')"),
        );
        expect(vars).toEqual({ log_bin: "ON", binlog_format: "ROW", binlog_row_image: "FULL", server_id: "1", port: String(port) });
        const grants = (await maria.sql(`SHOW GRANTS FOR '${maria.user}'@'%'`)).flat().join(" ");
        expect(grants).toMatch(/REPLICATION SLAVE/);
        expect(grants).toMatch(/BINLOG MONITOR|REPLICATION CLIENT/);
        const tcp = await run("mariadb", [
            "--no-defaults",
            "-h",
            "127.0.0.1",
            "-P",
            String(port),
            `-u${maria.user}`,
            `-p${maria.password}`,
            "--batch",
            "--skip-column-names",
            "-e",
            "SHOW MASTER STATUS",
        ]);
        expect(tcp).toMatch(/^binlog\.\d+\t\d+/);
        const pid = maria.service.pid;
        await maria.stop();
        maria = undefined;
        expect(alive(pid)).toBe(false);
        expect(await portFree("127.0.0.1", port)).toBe(true);
    });
});
