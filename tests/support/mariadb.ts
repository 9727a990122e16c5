/**
 * A real MariaDB server (MySQL protocol) for tests, in a fresh data directory on a given port,
 * with the binlog a MySQL CDC source needs: row format, full row images, a server id, and a user
 * with the replication grants. mariadbd may run as root with --user=root.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { waitFor } from "./counter";
import { run, Service, startService } from "./service";

export interface RunningMariaDb {
    port: number;
    /** The CDC user: SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT. */
    user: string;
    password: string;
    service: Service;
    /** Run SQL as root; rows of the result, tab-separated fields. */
    sql(statement: string, database?: string): Promise<string[][]>;
    stop(): Promise<void>;
}

export async function startMariaDb(port: number, user = "cdc", password = "cdc-secret-Pw1"): Promise<RunningMariaDb> {
    if (!fs.existsSync("/usr/sbin/mariadbd")) throw new Error("MariaDB is not installed (/usr/sbin/mariadbd): run scripts/install-databases.sh");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-mariadb-"));
    const data = path.join(dir, "data");
    const socket = path.join(dir, "mysqld.sock");
    // --no-defaults everywhere: the Debian /etc/mysql configuration (port 3306, its socket) stays out.
    await run("mariadb-install-db", ["--no-defaults", "--user=root", `--datadir=${data}`, "--auth-root-authentication-method=normal", "--skip-test-db"]);
    const service = startService(
        "mariadb",
        "/usr/sbin/mariadbd",
        [
            "--no-defaults",
            "--user=root",
            `--datadir=${data}`,
            `--port=${port}`,
            "--bind-address=127.0.0.1",
            `--socket=${socket}`,
            `--pid-file=${path.join(dir, "mysqld.pid")}`,
            `--log-bin=${path.join(dir, "binlog")}`,
            "--binlog-format=ROW",
            "--binlog-row-image=FULL",
            "--server-id=1",
            "--default-time-zone=+00:00",
            "--innodb-buffer-pool-size=64M",
            "--skip-name-resolve",
        ],
        { cwd: dir, logFile: path.join(dir, "mariadb.log") },
    );
    const sql = async (statement: string, database?: string) => {
        const out = await run("mariadb", [
            "--no-defaults",
            `--socket=${socket}`,
            "-uroot",
            "--batch",
            "--skip-column-names",
            ...(database ? [database] : []),
            "-e",
            statement,
        ]);
        return out
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => l.split("\t"));
    };
    try {
        await waitFor(
            "MariaDB accepting connections",
            async () => {
                if (service.exited()) throw new Error(`MariaDB exited:\n${service.logTail()}`);
                return (await sql("SELECT 1"))[0]?.[0] === "1" || undefined;
            },
            60_000,
            200,
        );
        await sql(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
        await sql(`GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${user}'@'%'`);
    } catch (err) {
        await service.stop();
        throw err;
    }
    return {
        port,
        user,
        password,
        service,
        sql,
        async stop() {
            await service.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
