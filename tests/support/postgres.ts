/**
 * A real PostgreSQL 15 server for tests, in a fresh data directory on a given port. PostgreSQL
 * refuses to run as root, so the server, initdb and psql run as the `postgres` system user and
 * the directory belongs to it. Local socket connections are trusted (psql here); TCP connections
 * (the JDBC sink) must log in with the password.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { waitFor } from "./counter";
import { run, Service, startService } from "./service";

const BIN = "/usr/lib/postgresql/15/bin";

export interface RunningPostgres {
    port: number;
    database: string;
    user: string;
    password: string;
    /** jdbc:postgresql://127.0.0.1:<port>/<database> */
    jdbcUrl: string;
    service: Service;
    /** Run SQL as `user` (trusted over the local socket) in the test database; rows of the last statement. */
    sql(statement: string): Promise<string[][]>;
    stop(): Promise<void>;
}

function systemUser(name: string): { uid: number; gid: number } {
    const id = (flag: string) => Number(execFileSync("id", [flag, name], { encoding: "utf8" }).trim());
    return { uid: id("-u"), gid: id("-g") };
}

export async function startPostgres(port: number, database = "sink", user = "flink", password = "pg-secret-Pw1"): Promise<RunningPostgres> {
    if (!fs.existsSync(path.join(BIN, "postgres"))) throw new Error(`PostgreSQL 15 is not installed at ${BIN}: run scripts/install-databases.sh`);
    const owner = systemUser("postgres");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-pg-"));
    fs.chownSync(dir, owner.uid, owner.gid);
    const data = path.join(dir, "data");
    const env = { HOME: dir, LC_ALL: "C.UTF-8" };
    await run(path.join(BIN, "initdb"), ["-D", data, "-U", "postgres", "-E", "UTF8", "--auth-local=trust", "--auth-host=scram-sha-256"], { ...owner, env });
    const service = startService(
        "postgres",
        path.join(BIN, "postgres"),
        ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
        { ...owner, env, logFile: path.join(dir, "postgres.log") },
    );
    fs.chownSync(service.logFile, owner.uid, owner.gid);
    const psql = (db: string, statement: string, as = "postgres") =>
        run(
            path.join(BIN, "psql"),
            ["-h", dir, "-p", String(port), "-U", as, "-d", db, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", "-F", "\t", "-c", statement],
            { ...owner, env },
        );
    try {
        await waitFor(
            "PostgreSQL accepting connections",
            async () => {
                if (service.exited()) throw new Error(`PostgreSQL exited:\n${service.logTail()}`);
                return (await psql("postgres", "SELECT 1")).trim() === "1" || undefined;
            },
            60_000,
            200,
        );
        await psql("postgres", `CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
        await psql("postgres", `CREATE DATABASE ${database} OWNER ${user}`);
    } catch (err) {
        await service.stop();
        throw err;
    }
    return {
        port,
        database,
        user,
        password,
        jdbcUrl: `jdbc:postgresql://127.0.0.1:${port}/${database}`,
        service,
        async sql(statement) {
            const out = await psql(database, statement, user);
            return out
                .split("\n")
                .filter((l) => l !== "")
                .map((l) => l.split("\t"));
        },
        async stop() {
            await service.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
